"""Which documents a review covers, and how the review window's document list draws them (the
name elided, its marks whole). (The text the panes show: gui/review/side_by_side.build_layout.)"""
from __future__ import annotations

from typing import NamedTuple, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QListWidget, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget


def shared_documents(store, annotators: Sequence[str]) -> list[int]:  # type: ignore[no-untyped-def]
    """Documents at least two of the annotators worked on (spans, stance or a status)."""
    from annotation.store.review_rows import workers_per_document

    workers: dict[int, set[str]] = {}
    for document_id, annotator in workers_per_document(store, annotators):
        workers.setdefault(document_id, set()).add(annotator)
    return sorted(d for d, names in workers.items() if len(names) >= 2)


# -- the document list's entries ---------------------------------------------------------------

NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # a document entry's plain name, without its marks
REVIEWED_ROLE = Qt.ItemDataRole.UserRole + 2  # True when the document's gold layer is marked done
MARK_ROLE = Qt.ItemDataRole.UserRole + 3  # the entry's mark after its name: "[reviewed]", "[3 open]", "[settled]" or ""
REVIEWED_LEAD = "✓"  # before the name of a reviewed document

MARK_GAP = 8  # pixels between the (elided) name and the mark
MIN_NAME_WIDTH = 24  # the entry's width hint leaves at least this for the name: the list never scrolls sideways


class EntryLayout(NamedTuple):
    lead: str
    name: str  # elided to fit
    mark: str
    lead_rect: QRect
    name_rect: QRect
    mark_rect: QRect


def entry_layout(rect: QRect, metrics: QFontMetrics, lead: str, name: str, mark: str) -> EntryLayout:
    """Where an entry's parts go in ``rect`` (its text area): the lead mark first, the mark
    flush right, both whole; the name in between, elided in the middle to what is left."""
    lead_width = metrics.horizontalAdvance(lead + " ") if lead else 0
    mark_width = metrics.horizontalAdvance(mark) if mark else 0
    lead_rect = QRect(rect.left(), rect.top(), lead_width, rect.height())
    mark_rect = QRect(rect.right() + 1 - mark_width, rect.top(), mark_width, rect.height())
    name_right = mark_rect.left() - (MARK_GAP if mark else 0)
    name_rect = QRect(lead_rect.right() + 1, rect.top(), max(0, name_right - lead_rect.right() - 1), rect.height())
    shown = metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, name_rect.width())
    return EntryLayout(lead, shown, mark, lead_rect, name_rect, mark_rect)


class DocumentEntryDelegate(QStyledItemDelegate):
    """Draws a review document entry as ✓, its name elided to the list's width, and its mark
    ([reviewed], [n open], [settled]) flush right: the marks are never cut, the list never
    needs a horizontal scrollbar, and the full name is in the entry's tooltip. The item's own
    text stays whole (copying, accessibility, keyboard search)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        lead, _name, mark = _parts(index)
        metrics = option.fontMetrics
        width = (metrics.horizontalAdvance(lead + " ") if lead else 0) + MIN_NAME_WIDTH
        if mark:
            width += MARK_GAP + metrics.horizontalAdvance(mark)
        return QSize(min(hint.width(), width + 2 * _text_margin(option.widget)), hint.height())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        opt.text = ""  # background, selection and focus from the style; the text drawn here, in parts
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        lead, name, mark = _parts(index)
        parts = entry_layout(_text_rect(opt), opt.fontMetrics, lead, name, mark)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Enabled else QPalette.ColorGroup.Disabled
        if selected:
            color = opt.palette.color(group, QPalette.ColorRole.HighlightedText)
        else:
            foreground = index.data(Qt.ItemDataRole.ForegroundRole)
            color = foreground.color() if isinstance(foreground, QBrush) and foreground.style() != Qt.BrushStyle.NoBrush \
                else opt.palette.color(group, QPalette.ColorRole.Text)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(color)
        align = Qt.AlignmentFlag.AlignVCenter
        if parts.lead:
            painter.drawText(parts.lead_rect, align | Qt.AlignmentFlag.AlignLeft, parts.lead)
        painter.drawText(parts.name_rect, align | Qt.AlignmentFlag.AlignLeft, parts.name)
        if parts.mark:
            painter.drawText(parts.mark_rect, align | Qt.AlignmentFlag.AlignRight, parts.mark)
        painter.restore()

    # -- for tests and the screenshots: what an entry shows, where ----------------------------

    def layout_of(self, view: QListWidget, row: int) -> EntryLayout:
        index = view.model().index(row, 0)
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.rect = view.visualRect(index)
        option.widget = view
        self.initStyleOption(option, index)
        lead, name, mark = _parts(index)
        return entry_layout(_text_rect(option), option.fontMetrics, lead, name, mark)

    def shown_parts(self, view: QListWidget, row: int) -> tuple[str, str, str]:
        """(lead, the name as shown, mark) of the entry in ``row``."""
        parts = self.layout_of(view, row)
        return parts.lead, parts.name, parts.mark

    def mark_rect(self, view: QListWidget, row: int) -> QRect:
        """Where the mark of the entry in ``row`` is drawn, in the list's viewport."""
        return self.layout_of(view, row).mark_rect


def _parts(index: QModelIndex | QPersistentModelIndex) -> tuple[str, str, str]:
    name = index.data(NAME_ROLE)
    if name is None:  # an entry without its parts set: its text as it is
        return "", str(index.data(Qt.ItemDataRole.DisplayRole) or ""), ""
    return (REVIEWED_LEAD if index.data(REVIEWED_ROLE) else ""), str(name), str(index.data(MARK_ROLE) or "")


def _text_margin(widget: QWidget | None) -> int:
    style = widget.style() if widget is not None else QApplication.style()
    return style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1  # as QCommonStyle pads item text


def _text_rect(option: QStyleOptionViewItem) -> QRect:
    margin = _text_margin(option.widget)
    return option.rect.adjusted(margin, 0, -margin, 0)
