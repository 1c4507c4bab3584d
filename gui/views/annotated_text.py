"""AnnotatedTextView: one text unit (the article body or one comment) with its spans, editable
from the mouse and the keyboard. Reused for the article and for every comment of the thread.

The text is always plain text (``setPlainText``): markup in an article is shown, never run.
Spans are drawn by a block highlighter (fills, underlines) plus a painted overlay (quote bars,
suggestion boxes, group outlines). Edits go through ``Session.push`` as core commands; the view
refreshes from the ``Changes`` record the store returns, touching only the named spans' blocks.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPaintEvent, QResizeEvent, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from annotation.commands import DeleteRelation
from annotation.errors import CommandError
from annotation.model import Changes, Span, Unit
from annotation.offsets import OffsetMap
from gui import colors
from gui.session import Session
from gui.tokens import Tokens
from gui.views import span_overlay
from gui.views.display_text import display_text
from gui.views.span_editing import SpanEditingMixin
from gui.views.span_highlighter import SpanHighlighter
from gui.views.span_index import Placed, SpanIndex
from gui.views.span_loader import SpanLoader, can_load_async

_EAGER_UTF16 = 8000  # formatted at once when a text opens: more than a screenful
_IDLE_BATCH = 6  # deferred blocks formatted per idle step (each re-lays out its block: ~0.5 ms)
_BULK_SPANS = 200  # a change to more spans than this (accept-all) reloads the text's spans at once


class AnnotatedTextView(SpanEditingMixin, QPlainTextEdit):
    span_selected = Signal(object)  # Span or None
    relation_selected = Signal(object)  # Relation or None (an arc was clicked)
    message = Signal(str)  # a hint or a refusal for the status bar
    spans_loaded = Signal()  # a long text's spans arrived from the worker (see span_loader)
    invalid_loaded = Signal()  # then the document's invalid spans (``document_invalid``)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setReadOnly(True)
        # Keyboard-selectable shows a caret, so a whole text can be annotated without a mouse.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)  # edits go to the session's undo stack, never the document's
        # Room for the quotation bars and, between them and the text, the lanes of arcs that run
        # from one line to another (quote_arcs).
        self.document().setDocumentMargin(span_overlay.DOCUMENT_MARGIN)
        self.viewport().setMouseTracking(True)
        self._unit: Unit | None = None
        self._text = ""
        self._tokens: Tokens | None = None
        self.span_index = SpanIndex(OffsetMap(""))
        self._highlighter = SpanHighlighter(self.document(), self.span_index, session.store.schema, self.is_dark())
        self._schema_changed()
        self.rect_cache = span_overlay.RectCache()
        self._selected: int | None = None
        self._hover: int | None = None
        self._quote_anchor: int | None = None  # the QUOTE a new SOURCE or CUE is tied to
        self._link_source: int | None = None  # a SOURCE waiting for its coreferent entity
        self._literal_range: tuple[int, int] | None = None  # an Alt-drag selection: not snapped
        self._select_new: str | None = None  # select the span we are about to create
        self._press_pos: QPoint | None = None
        self._idle = QTimer(self, singleShot=True, interval=0)
        self._idle.timeout.connect(self._highlight_deferred)
        self._loader = SpanLoader(self._spans_loaded)
        self.arcs_visible = True  # quotation links drawn as arcs (View ▸ Quotation arcs)
        self.painted_arcs: list = []  # type: ignore[type-arg]  # quote_arcs.Arc, for clicks
        self.painted_marks: list = []  # type: ignore[type-arg]  # span_overlay.Mark, of the last paint
        self._selected_relation: int | None = None
        self.document_invalid: list[Span] = []  # read with a long text's spans (span_loader)
        session.changed.connect(self._on_changed)

    # -- public API -----------------------------------------------------------------------

    def set_unit(
        self, unit: Unit, text: str | None = None, spans: list[Span] | None = None, relations: list | None = None
    ) -> None:
        """Show ``unit``. Callers that already hold its text and spans (the thread) pass them."""
        store = self.session.store
        self._unit = unit
        self._text = store.unit_text(unit) if text is None else text
        self._tokens = None
        background = spans is None and can_load_async(store, self._text)
        if background:
            spans, relations = [], []  # the text shows now; its spans follow from a worker
        elif spans is None:
            spans = store.spans(unit.document_id, self.session.annotator, comment_id=unit.comment_id)
        ids = {s.id for s in spans}
        if relations is None:
            relations = store.relations(unit.document_id, self.session.annotator)
        relations = [r for r in relations if r.head_id in ids or r.child_id in ids]
        self.span_index.reset(OffsetMap(self._text), spans, relations)
        if background:
            self._loader.start(store, unit, self.session.annotator, self._text)
        else:
            self._loader.forget()
        self.rect_cache.clear()
        self._selected = self._hover = self._quote_anchor = self._link_source = self._selected_relation = None
        self._literal_range = None
        self._highlighter.begin(_EAGER_UTF16)
        # Same offsets as the text; "\r" shown as a space, very long paragraphs cut into blocks.
        self.setPlainText(display_text(self._text))
        self._highlighter.text_set()
        if self._highlighter.deferred:
            self._idle.start()
        self.span_selected.emit(None)

    def unit(self) -> Unit | None:
        return self._unit

    # -- arcs -------------------------------------------------------------------------------

    def set_arcs_visible(self, visible: bool) -> None:
        self.arcs_visible = visible
        if not visible:
            self._selected_relation = None
        self.viewport().update()

    def selected_relation_id(self) -> int | None:
        return self._selected_relation

    def select_relation(self, relation_id: int | None) -> None:
        """Select a quotation link (a click on its arc): its child span is selected too, so the
        inspector shows it, and the arc is drawn bold. Delete removes the link."""
        relation = self.span_index.relations.get(relation_id) if relation_id is not None else None
        if relation is None:
            self._selected_relation = None
            self.viewport().update()
            self.relation_selected.emit(None)
            return
        self.select_span(relation.child_id, scroll=False)
        self._selected_relation = relation.id
        self.viewport().update()
        head = self.span_index.placed.get(relation.head_id)
        child = self.span_index.placed.get(relation.child_id)
        names = f"{head.span.label if head else '?'} → {child.span.label if child else '?'}"
        self.message.emit(f"{relation.label} link: {names} (Delete removes the link)")
        self.relation_selected.emit(relation)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        """A click (not a drag) on an arc or its label selects that link; elsewhere as before."""
        point = event.position()
        press = self._press_pos
        clicked = press is not None and (point.toPoint() - press).manhattanLength() < 4
        if (event.button() == Qt.MouseButton.LeftButton and clicked and self.arcs_visible and self.painted_arcs
                and self._link_source is None):
            from gui.views.quote_arcs import arc_at

            relation = arc_at(self.painted_arcs, point, over_span=self._over_span(point))
            if relation is not None:
                QPlainTextEdit.mouseReleaseEvent(self, event)
                self.select_relation(relation.id)
                return
        super().mouseReleaseEvent(event)

    def _over_span(self, point: QPointF) -> bool:
        """True when ``point`` is on the words of a span (arcs crossing a line yield to its spans)."""
        from gui.views.span_overlay import line_rects

        for placed in self.span_index.at(self.cursorForPosition(point.toPoint()).position()):
            if any(r.contains(point) for r in line_rects(self, placed.span.id, placed.start, placed.end)):
                return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if self._selected_relation is not None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            relation_id = self._selected_relation
            self._selected_relation = None
            self.session.push(DeleteRelation(relation_id))
            self.viewport().update()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self._selected_relation is not None:
            self.select_relation(None)
        super().keyPressEvent(event)

    def spans_pending(self) -> bool:
        """True while a long text's spans are still being read on a worker."""
        return self._loader.pending

    def _spans_loaded(self, result: object) -> None:
        if isinstance(result, str):
            self.message.emit(result)
            return
        if isinstance(result, list):  # span_loader.InvalidSpans, after the index
            self.document_invalid = list(result)
            self.invalid_loaded.emit()
            return
        self.document_invalid = []
        self.span_index.adopt(result)  # type: ignore[arg-type]
        self.rect_cache.clear()
        self._highlighter.defer_all(self.document().blockCount())
        self._highlight_visible()
        self._idle.start()
        self.viewport().update()
        self.spans_loaded.emit()

    def toPlainText(self) -> str:  # noqa: N802 (Qt API)
        """The stored text: the display may show some spaces as paragraph breaks (display_text)."""
        return self._text

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt API)
        """Copy gives the stored characters, not the display's paragraph breaks."""
        cursor = self.textCursor()
        data = QMimeData()
        start = self.span_index.to_codepoint(cursor.selectionStart())
        end = self.span_index.to_codepoint(cursor.selectionEnd())
        data.setText(self._text[start:end])
        return data

    def text(self) -> str:
        return self._text

    def invalid_spans(self) -> list[Span]:
        return sorted(self.span_index.invalid.values(), key=lambda s: (s.start, s.id or 0))

    def selected_span(self) -> Span | None:
        placed = self.span_index.placed.get(self._selected) if self._selected is not None else None
        return placed.span if placed else None

    def selected_span_id(self) -> int | None:
        return self._selected

    def quote_anchor(self) -> int | None:
        return self._quote_anchor

    def select_span(self, span_id: int | None, scroll: bool = True) -> None:
        if span_id is not None and span_id not in self.span_index.placed:
            span_id = None
        before, had_arcs = self._group_ranges(), self._focus_has_arcs()
        if self._selected_relation is not None:
            self._selected_relation = None
            self.viewport().update()
        self._selected = span_id
        if span_id is not None:
            placed = self.span_index.placed[span_id]
            quote = self.span_index.quote_of(span_id)
            if quote is not None:
                self._quote_anchor = quote
            cursor = self.textCursor()
            cursor.setPosition(placed.start)
            self.setTextCursor(cursor)
            if scroll:
                self.ensureCursorVisible()
        self._refresh_focus(before, had_arcs)
        self.span_selected.emit(self.selected_span())

    def cursor_rect_at(self, offset: int) -> QRect:
        """Viewport rectangle of the caret before code point ``offset`` (tests drive the mouse with it)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.span_index.to_utf16(offset))
        return self.cursorRect(cursor)

    def select_text(self, start: int, end: int) -> None:
        """Select code points [start, end) as if dragged (keyboard users and tests)."""
        cursor = self.textCursor()
        cursor.setPosition(self.span_index.to_utf16(start))
        cursor.setPosition(self.span_index.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def selection_range(self) -> tuple[int, int] | None:
        """The text selection in code points, snapped to tokens (unless it was an Alt-drag)."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.span_index.to_codepoint(cursor.selectionStart())
        end = self.span_index.to_codepoint(cursor.selectionEnd())
        if self._literal_range == (start, end) or not self.session.snap_to_tokens:
            return self.tokens().trim(start, end, self._text)
        return self.tokens().snap(start, end)

    def tokens(self) -> Tokens:
        if self._tokens is None:
            self._tokens = Tokens(self._text)
        return self._tokens

    def label_color(self, label: str) -> str:
        return self._colors.get(label, "#999999")

    def is_dark(self) -> bool:
        return colors.is_dark(self.palette().base().color())

    def selected_group(self) -> set[int]:
        return self.span_index.group(self._selected) if self._selected is not None else set()

    def hover_group(self) -> set[int]:
        if self._hover is None or self._hover == self._selected:
            return set()
        return self.span_index.group(self._hover)

    # -- refreshing -----------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        unit = self._unit
        if unit is None:
            return
        if changes.schema:
            self._schema_changed()
        if changes.everything or changes.schema:
            self._reload()
            return
        if unit not in changes.units:
            return
        if self._loader.pending:  # the spans on their way may predate this edit: read again
            self._loader.start(self.session.store, unit, self.session.annotator, self._text)
            return
        if changes.origins and not changes.relations and changes.spans <= changes.origin_only_spans():
            self._origins_changed(changes)
            return
        if len(changes.spans) > _BULK_SPANS:
            # One query and a lazy re-format beat thousands of single-span refreshes.
            self._refresh_spans()
            return
        store = self.session.store
        self.rect_cache.forget(changes.spans)
        dirty: list[tuple[int, int]] = self._group_ranges()  # outlines drawn before the change
        created: int | None = None
        for span_id in changes.spans:
            span = store.find_span(span_id)
            if span is not None and span.unit == unit and span.annotator == self.session.annotator:
                existed = span_id in self.span_index.placed or span_id in self.span_index.invalid
                old, new = self.span_index.upsert(span)
                if not existed and new is not None and span.label == self._select_new:
                    created = span_id
            else:
                old, new = self.span_index.remove(span_id), None
            dirty += [(p.start, p.end) for p in (old, new) if p is not None]
        linked = set(changes.spans)
        if changes.relations or any(r.head_id in linked or r.child_id in linked for r in self.span_index.relations.values()):
            # An arc may cross blocks the edit did not touch (and takes its child's colour);
            # any other edit repaints only its own blocks (_update_ranges below).
            self.viewport().update()
        for relation_id in changes.relations:
            try:
                relation = store.relation(relation_id)
            except CommandError:
                self.span_index.relations.pop(relation_id, None)
                if relation_id == self._selected_relation:
                    self._selected_relation = None
                continue
            if relation.head_id in self.span_index.placed or relation.child_id in self.span_index.placed:
                self.span_index.relations[relation_id] = relation
        self._rehighlight(dirty)
        if created is not None:
            if self._select_new == "QUOTE":
                self._quote_anchor = created
            self.select_span(created)
        elif self._selected is not None and self._selected not in self.span_index.placed:
            self.select_span(None)
        else:
            self.span_selected.emit(self.selected_span())  # its label or extent may have changed
        if self._quote_anchor not in self.span_index.placed:
            self._quote_anchor = None
        self._update_ranges(dirty + self._group_ranges())

    def _origins_changed(self, changes: Changes) -> None:
        """Only origins changed (accept-all and its undo): the spans held here take the new
        origin as the Changes record gives it; nothing is read again from the store."""
        placed: list[Placed] = []
        for span_ids, origin, updated in changes.origins:
            placed += self.span_index.set_origins(span_ids, origin, updated)
        if len(placed) > _BULK_SPANS:
            # Formatted again lazily: the visible blocks now, the rest when idle.
            self.rect_cache.clear()
            self._highlighter.defer_all(self.document().blockCount())
            self._highlight_visible()
            self._idle.start()
            self.viewport().update()
        elif placed:
            ranges = [(p.start, p.end) for p in placed]
            ids = {p.span.id for p in placed}
            self.rect_cache.forget(ids)
            if any(r.head_id in ids or r.child_id in ids for r in self.span_index.relations.values()):
                self.viewport().update()  # an arc takes its child's look, and may cross other blocks
            self._rehighlight(ranges)
            self._update_ranges(ranges + self._group_ranges())
        self.span_selected.emit(self.selected_span())  # the inspector shows the new origin

    def _schema_changed(self) -> None:
        """Label keys and colours from the project's schema (again after Project ▸ Labels…)."""
        schema = self.session.store.schema
        self._keys = {d.key: d.name for d in schema.span_labels() if d.key}
        self._colors = {d.name: d.color for d in schema.span_labels()}
        self._highlighter.set_schema(schema)

    def _reload(self) -> None:
        """Reload the unit's spans where the reader is: same scroll position, same selection."""
        unit = self._unit
        if unit is None:
            return
        scroll = self.verticalScrollBar().value()
        selected, anchor = self._selected, self._quote_anchor
        self.set_unit(unit, text=self._text)
        self.verticalScrollBar().setValue(scroll)
        self.select_span(selected, scroll=False)
        if anchor in self.span_index.placed:
            self._quote_anchor = anchor

    def _refresh_spans(self) -> None:
        """Re-read this unit's spans and re-format in place: the text, its layout, the scroll
        position and the selection stay (accept-all of thousands of suggestions, and its undo)."""
        unit = self._unit
        if unit is None:
            return
        store = self.session.store
        if can_load_async(store, self._text):
            self._loader.start(store, unit, self.session.annotator, self._text)
            return
        spans = store.spans(unit.document_id, self.session.annotator, comment_id=unit.comment_id)
        ids = {s.id for s in spans}
        relations = [r for r in store.relations(unit.document_id, self.session.annotator)
                     if r.head_id in ids or r.child_id in ids]
        self.span_index.reset(OffsetMap(self._text), spans, relations)
        self.rect_cache.clear()
        self._highlighter.defer_all(self.document().blockCount())
        self._highlight_visible()
        self._idle.start()
        self.viewport().update()
        for attribute in ("_selected", "_quote_anchor", "_hover", "_link_source"):
            if getattr(self, attribute) not in self.span_index.placed:
                setattr(self, attribute, None)
        self.span_selected.emit(self.selected_span())

    def _group_ranges(self) -> list[tuple[int, int]]:
        """Extents of the spans outlined now (selected and hovered groups)."""
        placed = self.span_index.placed
        ids = self.selected_group() | self.hover_group()
        return [(placed[i].start, placed[i].end) for i in ids if i in placed]

    def _update_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """Repaint only the blocks holding these UTF-16 ranges (full width: the quote bar too)."""
        if not ranges:
            return
        doc = self.document()
        viewport = self.viewport()
        offset = self.contentOffset()
        done: set[int] = set()
        for start, end in ranges:
            block = doc.findBlock(start)
            while block.isValid() and block.position() <= end:
                number = block.blockNumber()
                if number not in done:
                    done.add(number)
                    geometry = self.blockBoundingGeometry(block).translated(offset)
                    if geometry.bottom() >= 0 and geometry.top() <= viewport.height():
                        viewport.update(0, int(geometry.top()) - 2, viewport.width(), int(geometry.height()) + 4)
                block = block.next()

    def _rehighlight(self, ranges: list[tuple[int, int]]) -> None:
        doc = self.document()
        done: set[int] = set()
        for start, end in ranges:
            block = doc.findBlock(start)
            while block.isValid() and block.position() <= end:
                if block.blockNumber() not in done:
                    done.add(block.blockNumber())
                    self._highlighter.highlight_now(block)  # even past the eagerly formatted start
                    # A new format can re-wrap the block (bold SOURCE): its spans' boxes move.
                    stale = self.span_index.overlapping(block.position(), block.position() + block.length())
                    self.rect_cache.forget(p.span.id for p in stale if p.span.id is not None)
                block = block.next()

    # -- events ---------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        self.rect_cache.clear()  # the text re-wraps
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.rect_cache.clear()
            if event.type() == QEvent.Type.PaletteChange:
                self._highlighter.set_dark(self.is_dark())
                if self._highlighter.deferred:
                    self._idle.start()
                    self.viewport().update()
        super().changeEvent(event)

    def _highlight_deferred(self) -> None:
        """Idle work: format the next few deferred blocks, then yield to the event loop."""
        doc = self.document()
        for number in sorted(self._highlighter.deferred)[:_IDLE_BATCH]:
            self._highlighter.highlight_now(doc.findBlockByNumber(number))
        if self._highlighter.deferred:
            self._idle.start()

    def _highlight_visible(self) -> None:
        """Blocks scrolled into view before the idle work reached them are formatted first."""
        if not self._highlighter.deferred:
            return
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        height = self.viewport().height()
        while block.isValid() and self.blockBoundingGeometry(block).translated(offset).top() <= height:
            if block.blockNumber() in self._highlighter.deferred:
                self._highlighter.highlight_now(block)
            block = block.next()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        self._highlight_visible()
        super().paintEvent(event)
        span_overlay.paint_overlay(self, event.rect())
