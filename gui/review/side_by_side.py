"""The review's side-by-side view: one read-only pane per compared annotator, the same text in
each (article, then every comment under a header), each pane drawing only that annotator's
spans and stance labels, scrolled in step.

Every pane holds exactly the same characters (the stance slot in a comment's header is padded
to one width across the panes) and the panes are equally wide, so they wrap alike, a line is at the same height in every
pane and one scroll value fits them all.

How a version looks (one format per state, the legend in the window says the same):
agreed: the label colour, faint. Open difference: the label colour with a red underline.
In gold (the reviewer took this version): the label colour with a teal line over and under.
Rejected (X, or the reviewer took another version, or the document was marked reviewed with
nothing in gold there): grey, struck through, never in a label colour. Edited (gold holds a
version of its own): faint, with a teal dotted underline. Where the other annotator has a span
and this one has none: a red dashed underline. The current difference: a pale yellow band
across its lines in every pane.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QResizeEvent, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QTextEdit, QToolTip, QVBoxLayout, QWidget

from annotation.adjudication import AGREED, Item, Option
from annotation.model import REPLY_TARGET
from gui.colors import text_on

OPEN, GOLD_STATE, REJECTED, EDITED = "open", "gold", "rejected", "edited"  # and AGREED, as the item kind
STATE_WORDS = {AGREED: "agreed", OPEN: "differs, open", GOLD_STATE: "in gold", REJECTED: "rejected",
               EDITED: "gold holds an edited version"}
DIFFERENCE_RED, GOLD_COLOR = "#c62828", "#00695c"
REJECTED_BACKGROUND, REJECTED_TEXT = "#e4e4e4", "#8a8a8a"
CURRENT_BAND = "#fff4b8"
BAND_STEP = 12  # characters between the band's cursors: shorter than any wrapped line
FAINT_ALPHA = 80
STANCE_COLOR = "#9fa8da"  # a stance label without a schema colour
# Spans are drawn only this many characters either side of what the panes show (a few screens
# of text): drawing a 10,000-word article's 2,000 versions took 70-90 ms per decision; a
# scroll past the drawn stretch draws the next one (a few ms).
DRAW_MARGIN = 6000


def version_state(item: Item, annotator: str, rejected: bool, reviewed: bool) -> str:
    """What has become of ``annotator``'s version of ``item``: one of AGREED, OPEN, GOLD_STATE,
    REJECTED, EDITED. ``rejected``: the reviewer rejected the item in this window; ``reviewed``:
    the document's gold layer is marked done (an item gold holds nothing of is then rejected)."""
    if item.kind == AGREED:
        return AGREED
    if item.resolved:
        chosen = item.chosen()
        if not chosen:
            return EDITED
        return GOLD_STATE if annotator in chosen else REJECTED
    return REJECTED if rejected or reviewed else OPEN


@dataclass
class Layout:
    """The shared text of the panes and where each unit and stance slot sits in it."""

    texts: list[str]  # one per pane: the same length, line for line
    base: dict[int | None, int]  # where each unit's text starts (None: the article)
    headers: dict[int, tuple[int, int]]  # each comment's header line
    slots: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)  # (comment, target) -> stance slot
    unit_text: dict[int | None, str] = field(default_factory=dict)


def build_layout(store, document_id: int, annotators: Sequence[str], stance_items: Sequence[Item]) -> Layout:  # type: ignore[no-untyped-def]
    """The article and every comment as one plain text per pane; a comment's header ends with
    each of its stance targets and that pane's annotator's label, padded to one width."""
    doc = store.document(document_id)
    by_comment: dict[int, list[Item]] = {}
    for item in stance_items:
        by_comment.setdefault(item.comment_id, []).append(item)  # type: ignore[arg-type]
    head = f"ARTICLE — {doc.title}\n"
    texts = [[head, doc.text] for _ in annotators]
    length = len(head) + len(doc.text)
    layout = Layout([], {None: len(head)}, {}, {}, {None: doc.text})
    for comment in store.comments(document_id):
        header = f"\n\n— comment {comment.ext_id}" + (f" by {comment.author}" if comment.author else "")
        header += " (reply)" if comment.parent_id is not None else ""
        start = length + 2
        for pane in texts:
            pane.append(header)
        length += len(header)
        for item in sorted(by_comment.get(comment.id, []), key=lambda i: i.target == REPLY_TARGET):  # type: ignore[arg-type]
            name = "reply" if item.target == REPLY_TARGET else item.target
            labels = [f"{name}: {item.option(a).label or '–'}" for a in annotators]
            width = max(len(x) for x in labels)
            layout.slots[(item.comment_id, item.target)] = (length + 3, length + 3 + width)  # type: ignore[index]
            for pane, label in zip(texts, labels):
                pane.append("   " + label.ljust(width))
            length += 3 + width
        layout.headers[comment.id] = (start, length)  # type: ignore[index]
        for pane in texts:
            pane += ["\n", comment.text]
        length += 1
        layout.base[comment.id] = length
        layout.unit_text[comment.id] = comment.text
        length += len(comment.text)
    layout.texts = ["".join(pane) for pane in texts]
    return layout


class ReviewPane(QPlainTextEdit):
    """One annotator's read-only pane. A click reports the character clicked; hovering a span
    shows what it is."""

    clicked = Signal(int)  # character position in the pane's text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)  # plain text: markup in comments is never interpreted
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.tips: list[tuple[int, int, str]] = []  # (start, end, tooltip), innermost last

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            self.clicked.emit(self.cursorForPosition(event.position().toPoint()).position())

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            position = self.cursorForPosition(QHelpEvent.pos(event)).position()  # type: ignore[arg-type]
            tip = self.tip_at(position)
            if tip:
                QToolTip.showText(QHelpEvent.globalPos(event), tip, self.viewport())  # type: ignore[arg-type]
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def tip_at(self, position: int) -> str:
        found = [tip for start, end, tip in self.tips if start <= position < end]
        return found[-1] if found else ""


class SideBySide(QWidget):
    """Panes for the compared annotators, left to right, each with its name above and its
    version of the current difference below."""

    clicked = Signal(int)  # a character position (the same in every pane)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panes: list[ReviewPane] = []
        self.titles: list[QLabel] = []
        self.details: list[QLabel] = []
        self.annotators: list[str] = []
        self.layout_: Layout | None = None
        self._spans: list[list[QTextEdit.ExtraSelection]] = []  # per pane, the drawn stretch's versions
        self._bands: list[list[QTextEdit.ExtraSelection]] = []  # per pane, the current difference's band
        self._state_of: Callable[[Item, str], str] = lambda _item, _name: OPEN
        self._color_of: Callable[[str], str] = lambda _label: STANCE_COLOR
        self._extents: list[tuple[int, int, Item]] = []  # (first, last pane position, item), by first
        self._extent_of: dict[int, tuple[int, int, Item]] = {}  # id(item) -> its extent, for the same layout
        self._starts: list[int] = []
        self._longest = 0
        self._drawn: tuple[int, int] | None = None  # the pane positions drawn
        self._moving = False  # show_current is scrolling: it draws once, after
        self._syncing = False
        self._resized = QTimer(self)
        self._resized.setSingleShot(True)
        self._resized.setInterval(0)
        self._resized.timeout.connect(lambda: self._draw_visible())
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)

    # -- panes -------------------------------------------------------------------------

    def set_annotators(self, annotators: Sequence[str], colors: Sequence[str]) -> None:
        if list(annotators) == self.annotators:
            return
        while self.row.count():
            widget = self.row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.panes, self.titles, self.details = [], [], []
        self.annotators = list(annotators)
        for index, name in enumerate(self.annotators):
            column = QWidget()
            box = QVBoxLayout(column)
            box.setContentsMargins(0, 0, 0, 0)
            title = QLabel(f"{index + 1}: {name}")
            title.setTextFormat(Qt.TextFormat.PlainText)  # a name may contain markup
            color = colors[index % len(colors)]
            title.setStyleSheet(f"QLabel {{ background: {color}; color: {text_on(color).name()}; padding: 2px 6px;"
                                " font-weight: bold; }")
            pane = ReviewPane()
            pane.clicked.connect(self.clicked)
            pane.verticalScrollBar().valueChanged.connect(lambda value, source=pane: self._scrolled(source, value))
            detail = QLabel()
            detail.setTextFormat(Qt.TextFormat.PlainText)
            detail.setWordWrap(True)
            box.addWidget(title)
            box.addWidget(pane, 1)
            box.addWidget(detail)
            self.row.addWidget(column, 1)  # equal widths: the panes wrap alike
            self.panes.append(pane)
            self.titles.append(title)
            self.details.append(detail)

    def _scrolled(self, source: ReviewPane, value: int) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            for pane in self.panes:
                if pane is not source:
                    pane.verticalScrollBar().setValue(value)
        finally:
            self._syncing = False
        if not self._moving:
            self._draw_visible()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._resized.start()  # once the panes have re-wrapped: other characters may show now

    def clear(self) -> None:
        """No document: empty panes."""
        self.layout_, self._spans, self._bands, self._extents, self._starts, self._drawn = None, [], [], [], [], None
        self._extent_of = {}
        for pane, detail in zip(self.panes, self.details):
            pane.setExtraSelections([])
            pane.setPlainText("")
            pane.tips = []
            detail.setText("")

    def set_layout(self, layout: Layout) -> None:
        self.layout_ = layout
        self._spans, self._bands, self._extents, self._starts, self._drawn = [], [], [], [], None  # draw_spans again
        self._extent_of = {}
        self._syncing = True
        try:
            for pane, text in zip(self.panes, layout.texts):
                pane.setPlainText(text)
        finally:
            self._syncing = False

    # -- drawing -------------------------------------------------------------------------

    def where(self, item: Item) -> tuple[int, int]:
        """The item's characters in the panes (a stance item: its slot in the comment header)."""
        assert self.layout_ is not None
        if item.layer == "stance":
            return self.layout_.slots.get((item.comment_id, item.target), self.layout_.headers.get(item.comment_id, (0, 0)))  # type: ignore[arg-type]
        base = self.layout_.base.get(item.comment_id, 0)
        return base + item.start, base + item.end

    def draw_spans(self, items: Sequence[Item], state_of: Callable[[Item, str], str], color_of: Callable[[str], str]) -> None:
        """Every item's versions, each in its own annotator's pane; ``state_of(item, annotator)``
        is version_state's answer, ``color_of(label)`` the schema colour of a label. Kept until
        the next call: moving to another difference (show_current) only moves the band. Only
        the items within DRAW_MARGIN of what the panes show are drawn; scrolling draws more."""
        assert self.layout_ is not None
        self._state_of, self._color_of = state_of, color_of
        extents = []
        known = self._extent_of  # an item the comparison kept is the same object: its extent too
        self._extent_of = {}
        for item in items:
            found = known.get(id(item))
            if found is not None and found[2] is item:
                extents.append(found)
                self._extent_of[id(item)] = found
                continue
            start, end = self.where(item)
            if item.layer != "stance":  # a quotation's SOURCE may sit outside the item's range
                for option in item.options:
                    for part in option.parts:
                        for _relation, linked in part.links:
                            base = self.layout_.base.get(linked.comment_id, 0)
                            start, end = min(start, base + linked.start), max(end, base + linked.end)
            extents.append((start, end, item))
            self._extent_of[id(item)] = extents[-1]
        extents.sort(key=lambda e: e[0])
        self._extents = extents
        self._starts = [e[0] for e in extents]
        self._longest = max((e[1] - e[0] for e in extents), default=0)
        self._drawn = None
        self._draw_visible(apply=False)

    def _visible(self) -> tuple[int, int]:
        """The pane positions the first pane shows (all panes show the same)."""
        lead = self.panes[0]
        first = lead.firstVisibleBlock().position()
        corner = QPoint(max(0, lead.viewport().width() - 1), max(0, lead.viewport().height() - 1))
        return first, max(first, lead.cursorForPosition(corner).position())

    def _draw_visible(self, apply: bool = True) -> None:
        """Draw the versions near what the panes show, unless that stretch is drawn already."""
        if self.layout_ is None or not self.panes:
            return
        low, high = self._visible()
        if self._drawn is not None and self._drawn[0] <= low and high <= self._drawn[1] and len(self._spans) == len(self.panes):
            return
        low, high = max(0, low - DRAW_MARGIN), high + DRAW_MARGIN
        first = bisect_left(self._starts, low - self._longest)
        last = bisect_left(self._starts, high)
        near = [item for start, end, item in self._extents[first:last] if end >= low]
        self._drawn = (low, high)
        self._paint(near)
        if apply:
            self._apply()

    def _apply(self) -> None:
        for index, pane in enumerate(self.panes):
            band = self._bands[index] if index < len(self._bands) else []
            pane.setExtraSelections(band + (self._spans[index] if index < len(self._spans) else []))

    def _paint(self, items: Sequence[Item]) -> None:
        """The selections and hover texts of ``items`` in every pane."""
        assert self.layout_ is not None
        state_of, color_of = self._state_of, self._color_of
        self._spans = []
        for index, (pane, name) in enumerate(zip(self.panes, self.annotators)):
            selections: list[QTextEdit.ExtraSelection] = []
            tips: list[tuple[int, int, str]] = []
            # cursors made inside an edit block skip their x position, which would lay out every
            # block they touch (six times faster on a long article); nothing is edited
            block = QTextCursor(pane.document())
            block.beginEditBlock()
            # rejected versions below agreed ones, live ones on top: a struck span never hides a live one
            for item in sorted(items, key=lambda i: _LAYER.get(state_of(i, name), 2)):
                option = item.option(name)
                state = state_of(item, name)
                if item.layer == "stance":
                    start, end = self.where(item)
                    end = start + len(self.layout_.texts[index][start:end].rstrip())  # not the padding
                    if option.label is not None:
                        selections.append(self._selection(pane, start, end, state_format(state, color_of(option.label))))
                        tips.append((start, end, f"{name}: {item.target} {option.label} — {STATE_WORDS[state]}"))
                    elif state != AGREED:
                        selections.append(self._selection(pane, start, end, missing_format()))
                    continue
                if option.empty:
                    if state != AGREED:  # someone else has a span here: mark the gap
                        start, end = self.where(item)
                        selections.append(self._selection(pane, start, end, missing_format()))
                        tips.append((start, end, f"{name}: nothing here ({', '.join(o.annotator for o in item.options if not o.empty)} has it)"))
                    continue
                for part in option.parts:
                    for span in [part.span] + [linked for _relation, linked in part.links]:
                        base = self.layout_.base.get(span.comment_id, 0)
                        start, end = base + span.start, base + span.end
                        selections.append(self._selection(pane, start, end, state_format(state, color_of(span.label))))
                        tips.append((start, end, f"{name}: {span.label} — {STATE_WORDS[state]}"))
            block.endEditBlock()
            self._spans.append(selections)
            pane.tips = tips

    def show_current(self, current: Item | None) -> None:
        """Band the current difference's lines in every pane, say each annotator's version of it
        below their pane, and scroll it into view."""
        if self.layout_ is None or len(self._spans) != len(self.panes):
            return
        self._bands = []
        for index, (pane, name) in enumerate(zip(self.panes, self.annotators)):
            self._bands.append(self._band(pane, *self.where(current)) if current is not None else [])
            self.details[index].setText(self.describe(current, name, self._state_of) if current is not None else "")
        if current is not None:
            self._moving = True  # draw once, below, where the scroll ends
            try:
                self.scroll_to(self.where(current)[0])
            finally:
                self._moving = False
        self._draw_visible(apply=False)
        self._apply()

    def scroll_to(self, position: int) -> None:
        """Bring a character into view in every pane (the first pane leads, the rest follow)."""
        if not self.panes:
            return
        lead = self.panes[0]
        cursor = lead.textCursor()
        cursor.setPosition(min(position, len(lead.toPlainText())))
        lead.setTextCursor(cursor)
        lead.ensureCursorVisible()
        self._scrolled(lead, lead.verticalScrollBar().value())

    def describe(self, item: Item, annotator: str, state_of: Callable[[Item, str], str]) -> str:
        """One annotator's version of an item in words, with the text it covers."""
        option: Option = item.option(annotator)
        state = STATE_WORDS[state_of(item, annotator)]
        if item.layer == "stance":
            return f"{item.target}: {option.label or 'no label'} ({state})"
        if option.empty:
            return f"nothing here ({state})"
        assert self.layout_ is not None
        text = self.layout_.unit_text.get(item.comment_id, "")
        parts = []
        for part in option.parts:
            words = f"{part.span.label} “{text[part.span.start:part.span.end]}”"
            for relation, linked in part.links:
                words += f", {relation} {linked.label} “{text[linked.start:linked.end]}”" if linked.comment_id == item.comment_id \
                    else f", {relation} {linked.label}"
            parts.append(words)
        return "; ".join(parts) + f" ({state})"

    def _cursor(self, pane: ReviewPane, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(pane.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _band(self, pane: ReviewPane, start: int, end: int) -> list[QTextEdit.ExtraSelection]:
        """A full-width band on every line from ``start`` to ``end``. A full-width selection is
        drawn only from a cursor without a selection, on that cursor's line, and the lines are
        not known before the pane is laid out (or after it is resized): so a cursor every few
        characters, at each paragraph's ends and at the range's ends; no line is that short."""
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(CURRENT_BAND))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
        last = max(start, end - 1)
        positions = set(range(start, last + 1, BAND_STEP)) | {last}
        document = pane.document()
        block = document.findBlock(start)
        while block.isValid() and block.position() <= last:
            positions |= {p for p in (block.position(), block.position() + block.length() - 1) if start <= p <= last}
            block = block.next()
        out = []
        for position in sorted(positions):
            selection = QTextEdit.ExtraSelection()
            selection.format = fmt
            selection.cursor = QTextCursor(document)
            selection.cursor.setPosition(position)
            out.append(selection)
        return out

    def _selection(self, pane: ReviewPane, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.format = fmt
        selection.cursor = self._cursor(pane, start, end)
        return selection


_LAYER = {REJECTED: 0, AGREED: 1, EDITED: 1}


def _underline(fmt: QTextCharFormat, style: QTextCharFormat.UnderlineStyle, color: str) -> None:
    fmt.setFontUnderline(True)  # an extra selection draws no underline without it
    fmt.setUnderlineStyle(style)
    fmt.setUnderlineColor(QColor(color))


@lru_cache(maxsize=1)
def missing_format() -> QTextCharFormat:
    """Where another annotator has a span and this pane's annotator has none."""
    fmt = QTextCharFormat()
    _underline(fmt, QTextCharFormat.UnderlineStyle.DashUnderline, DIFFERENCE_RED)
    return fmt


@lru_cache(maxsize=512)
def state_format(state: str, color: str) -> QTextCharFormat:
    """The look of a version in a given state (see the module's docstring). Shared: a selection
    copies its format."""
    fmt = QTextCharFormat()
    if state == REJECTED:  # never a label colour: it is not live
        fmt.setBackground(QColor(REJECTED_BACKGROUND))
        fmt.setForeground(QColor(REJECTED_TEXT))
        fmt.setFontStrikeOut(True)
        return fmt
    if state in (AGREED, EDITED):
        faint = QColor(color)
        faint.setAlpha(FAINT_ALPHA)
        fmt.setBackground(faint)
        if state == EDITED:
            _underline(fmt, QTextCharFormat.UnderlineStyle.DotLine, GOLD_COLOR)
        return fmt
    fmt.setBackground(QColor(color))
    fmt.setForeground(text_on(color))
    if state == OPEN:
        # (a wave would be drawn in the style's spell-check look, often a faint dotted line)
        _underline(fmt, QTextCharFormat.UnderlineStyle.SingleUnderline, DIFFERENCE_RED)
    else:  # in gold
        fmt.setFontOverline(True)
        _underline(fmt, QTextCharFormat.UnderlineStyle.SingleUnderline, GOLD_COLOR)
    return fmt


__all__ = ["AGREED", "EDITED", "GOLD_STATE", "OPEN", "REJECTED", "Layout", "ReviewPane", "SideBySide",
           "build_layout", "state_format", "version_state"]
