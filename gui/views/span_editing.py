"""Editing gestures of the AnnotatedTextView: label keys, Delete, Enter, token-wise resizing,
span navigation, quotation building and coreference links, and the mouse (drag snaps to tokens,
click selects, hover highlights a quotation's group).

A mixin, so the view module stays about drawing and refreshing; it relies on the view's
``session``, ``span_index``, selection state and helpers.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QToolTip

from annotation.commands import DeleteSpan, UpdateSpan
from annotation.model import Span
from gui.editing import QUOTE_PARTS, accept_command, add_span_command, coref_command
from gui.session import Session
from gui.views.span_index import SpanIndex

_DRAG_THRESHOLD = 3  # pixels: less than this between press and release is a click


class SpanEditingMixin:
    """Mixed into AnnotatedTextView (before QPlainTextEdit, so these event handlers win)."""

    # Provided by AnnotatedTextView (declared here for readers; the view sets them).
    session: Session
    span_index: SpanIndex

    # -- editing --------------------------------------------------------------------------

    def apply_label(self, label: str) -> None:
        """A label key or palette click: create a span from the selection, else relabel the
        selected span (another layer's label adds a span of that layer over the same words)."""
        schema = self.session.store.schema
        layer = schema.layer_of(label)
        if self._unit is None or layer is None:
            return
        selection = self.selection_range()
        selected = self.selected_span()
        if selection is None and selected is not None and selected.layer == layer:
            if selected.label != label:
                self.session.push(UpdateSpan(selected.id, label=label))  # type: ignore[arg-type]
                return
            if not (selected.is_suggestion or label in QUOTE_PARTS):
                return
            # Its own key over a selected span: the store confirms that span (a suggestion
            # becomes the annotator's) and a SOURCE or CUE is linked to the QUOTE being built.
        if selection is None and selected is not None:
            selection = (selected.start, selected.end)
        if selection is None:
            self.message.emit("Select some words first (drag, or Shift+arrows), then press a label key")
            return
        quote = self._quote_anchor if label in QUOTE_PARTS else None
        twin = self._same_span(*selection, label)
        if label in QUOTE_PARTS and quote is None and twin is None:
            # A quotation's parts never outlive it, so none is made without one.
            self.message.emit(f"A {label} belongs to a quotation: select its QUOTE first (or press q to mark one)")
            return
        if twin is not None and not twin.is_suggestion and not self._would_link(quote, twin):
            self._clear_text_selection()  # already the annotator's, and linked: nothing to undo
            self.select_span(twin.id)
            return
        self._select_new = label
        command = add_span_command(self._unit, *selection, label, layer, self.session.annotator, quote)
        if self.session.push(command):
            self._clear_text_selection()
            if twin is not None:  # the store confirmed (and linked) the span already there
                self.select_span(twin.id)
        self._select_new = None

    def _clear_text_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)
        self._literal_range = None

    def _would_link(self, quote: int | None, part: Span) -> bool:
        """True when adding ``part`` again would tie it to ``quote``, which it is not tied to yet."""
        if quote is None or part.label not in QUOTE_PARTS:
            return False
        return not any((r.head_id, r.child_id) == (quote, part.id) for r in self.span_index.relations.values())

    def _same_span(self, start: int, end: int, label: str) -> Span | None:
        """The shown span (the annotator's layer) with these offsets and label, if any."""
        return next((p.span for p in self.span_index.placed.values()
                     if (p.span.start, p.span.end, p.span.label) == (start, end, label)), None)

    def delete_selected(self) -> None:
        if self._selected is not None:
            self.session.push(DeleteSpan(self._selected))

    def accept_selected(self) -> None:
        span = self.selected_span()
        command = accept_command(span) if span else None
        if command is None and span is not None:
            # Already the annotator's (a relabel or resize of a suggestion makes it theirs):
            # Enter still means "this one is right, go on".
            self.select_next_suggestion()
            return
        if command is None:
            self.message.emit("Select a suggestion (dashed) to accept it")
            return
        if self.session.push(command):
            self.select_next_suggestion()

    def select_next_suggestion(self) -> None:
        after = self.span_index.placed[self._selected].start if self._selected in self.span_index.placed else -1
        for placed in self.span_index.in_order():
            if placed.span.is_suggestion and placed.start > after:
                self.select_span(placed.span.id)
                return

    def resize_selected(self, edge: str, step: int) -> None:
        span = self.selected_span()
        if span is None:
            return
        tokens = self.tokens()
        if edge == "start":
            moved = tokens.move_start(span.start, span.end, step)
            command = UpdateSpan(span.id, start=moved) if moved is not None else None  # type: ignore[arg-type]
        else:
            moved = tokens.move_end(span.start, span.end, step)
            command = UpdateSpan(span.id, end=moved) if moved is not None else None  # type: ignore[arg-type]
        if command is None:
            self.message.emit("The span cannot move further that way")
            return
        self.session.push(command)

    def select_neighbour(self, step: int) -> None:
        """Tab / Shift+Tab: the next or previous span in reading order."""
        order = [p.span.id for p in self.span_index.in_order()]
        if not order:
            return
        if self._selected in order:
            i = (order.index(self._selected) + step) % len(order)
        else:
            position = self.span_index.to_codepoint(self.textCursor().position())
            starts = [p.span.start for p in self.span_index.in_order()]
            i = next((k for k, s in enumerate(starts) if s >= position), 0) if step > 0 else len(order) - 1
        self.select_span(order[i])

    def start_link(self) -> None:
        span = self.selected_span()
        if span is None or span.label != "SOURCE":
            self.message.emit("Select a SOURCE (a pronoun or description) first, then link it to its entity")
            return
        self._link_source = span.id
        self.message.emit("Link: click the entity it refers to (or Tab to it and press Enter); Esc cancels")

    def _finish_link(self, target_id: int) -> None:
        source, self._link_source = self._link_source, None
        if source is None or target_id == source or self._unit is None:
            return
        self.session.push(coref_command(source, target_id, self._unit.document_id, self.session.annotator))

    # -- input events ---------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Tab walks the spans instead of leaving the widget (read-only text edits give Tab away).
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):  # type: ignore[attr-defined]
            if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:  # type: ignore[attr-defined]
                self.select_neighbour(-1 if event.key() == Qt.Key.Key_Backtab else 1)  # type: ignore[attr-defined]
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Escape:
            self._link_source = None
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
            self.select_span(None)
            self._quote_anchor = None
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not (ctrl or alt):
            self.delete_selected()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (ctrl or alt):
            if self._link_source is not None and self._selected is not None:
                self._finish_link(self._selected)
            else:
                self.accept_selected()
        elif alt and not ctrl and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.resize_selected("end" if shift else "start", -1 if key == Qt.Key.Key_Left else 1)
        elif ctrl and not alt and key == Qt.Key.Key_L:
            self.start_link()
        elif not (ctrl or alt) and event.text() in self._keys:
            self.apply_label(self._keys[event.text()])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position().toPoint()
        dragged = self._press_pos is not None and (point - self._press_pos).manhattanLength() >= _DRAG_THRESHOLD
        cursor = self.textCursor()
        if dragged and cursor.hasSelection():
            alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            self._snap_drag(literal=alt or not self.session.snap_to_tokens)
            return
        hits = self.span_index.at(self.cursorForPosition(point).position())
        if not hits:
            self._link_source = None
            self.select_span(None)
            return
        ids = [p.span.id for p in hits]
        # Clicking again where spans nest (an entity in a quote) steps outwards through them.
        chosen = ids[(ids.index(self._selected) + 1) % len(ids)] if self._selected in ids else ids[0]
        if self._link_source is not None:
            self._finish_link(chosen)  # type: ignore[arg-type]
        else:
            self.select_span(chosen)
            if len(hits) > 1:
                # Spans on the same or overlapping words: say there are more, and which comes next.
                i = ids.index(chosen)
                following = hits[(i + 1) % len(hits)].span
                self.message.emit(f"{hits[i].span.label} selected ({i + 1} of {len(hits)} spans here): "
                                  f"click again for {following.label}")

    def _snap_drag(self, literal: bool) -> None:
        cursor = self.textCursor()
        start = self.span_index.to_codepoint(cursor.selectionStart())
        end = self.span_index.to_codepoint(cursor.selectionEnd())
        tokens = self.tokens()
        snapped = tokens.trim(start, end, self._text) if literal else tokens.snap(start, end)
        if snapped is None:
            cursor.clearSelection()
            self.setTextCursor(cursor)
            return
        self._literal_range = snapped if literal else None
        self.select_text(*snapped)
        self.message.emit("Press a label key to mark the selection (F1 lists the keys)")

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        super().mouseMoveEvent(event)
        if event.buttons() != Qt.MouseButton.NoButton:
            return
        hits = self.span_index.at(self.cursorForPosition(event.position().toPoint()).position())
        hover = hits[0].span.id if hits else None
        if hover != self._hover:
            before, had_arcs = self._group_ranges(), self._focus_has_arcs()
            self._hover = hover
            self._refresh_focus(before, had_arcs)
            if hits:
                # Every span here, not just the innermost: identical or nested spans (a SOURCE that
                # is also a PERSON) are each named, and a click steps through them.
                tip = "".join(self._tooltip(p.span) for p in hits)
                if len(hits) > 1:
                    tip += "<p><i>Click again to select the next of these spans.</i></p>"
                QToolTip.showText(event.globalPosition().toPoint(), tip, self.viewport())
            else:
                QToolTip.hideText()

    def _focus_has_arcs(self) -> bool:
        """True when the selected or hovered quotation has arcs on screen (drawn bold, labelled)."""
        if not self.arcs_visible or not self.painted_arcs:
            return False
        ids = self.selected_group() | self.hover_group()
        return any(a.relation.head_id in ids or a.relation.child_id in ids for a in self.painted_arcs)

    def _refresh_focus(self, before: list[tuple[int, int]], had_arcs: bool) -> None:
        """Repaint after the selected or hovered group changed: its blocks, or the whole view when
        arcs gained or lost their emphasis (their labels sit outside the spans' blocks: in the
        line or the paragraph gap above, or wherever they found room)."""
        if had_arcs or self._focus_has_arcs():
            self.viewport().update()
        else:
            self._update_ranges(before + self._group_ranges())

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if self._hover is not None:
            before, had_arcs = self._group_ranges(), self._focus_has_arcs()
            self._hover = None
            self._refresh_focus(before, had_arcs)
        super().leaveEvent(event)

    def _tooltip(self, span: Span) -> str:
        words = self._text[span.start:span.end]
        if len(words) > 80:
            words = words[:77] + "…"
        kind = f"suggestion from {span.model or 'the model'} (Enter accepts)" if span.is_suggestion else "confirmed"
        # Escaped: the span's words come from the article and may contain markup.
        return f"<p><b>{html.escape(span.label)}</b> · {html.escape(kind)}<br>{html.escape(words)}</p>"
