"""What character formats cannot show, painted over the text: the quotation layer's underlines,
one per span and stacked where spans overlap (a nested QUOTE, a SOURCE inside a QUOTE), a margin
bar beside every quotation (nested ones side by side), dashed boxes around model suggestions, a
notch where two spans cover exactly the same words, and outlines around the selected span's
group (a QUOTE with its SOURCE and CUE) so the parts of one quotation read as one thing."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPolygonF

from annotation.model import ENTITY
from gui import colors

if TYPE_CHECKING:
    from gui.views.annotated_text import AnnotatedTextView
    from gui.views.span_index import Placed

BAR_X = 2.5
BAR_WIDTH = 3.0
BAR_STEP = 4.0  # nested quotations' bars side by side in the document margin's first 12 pixels
DOCUMENT_MARGIN = 24  # the bars, then the lanes of arcs between lines (quote_arcs.GUTTER_LEFT on)
MAX_STACK = 3  # stacked underlines (and bars) at most; deeper nesting shares the last one
UNDERLINE_STEP = 2.5  # pixels between stacked underlines
UNDERLINE_WIDTH = 1.5  # a QUOTE's
PART_UNDERLINE_WIDTH = 2.0  # a SOURCE's or CUE's
TWIN_NOTCH = 6.0


class RectCache:
    """Each span's line rectangles relative to its block, so scrolling costs nothing and an edit
    recomputes only the spans of the blocks it re-laid out. Cleared on new text, width or font."""

    def __init__(self) -> None:
        self._rects: dict[int, list[tuple[int, QRectF]]] = {}

    def clear(self) -> None:
        self._rects.clear()

    def forget(self, span_ids: Iterable[int]) -> None:
        for span_id in span_ids:
            self._rects.pop(span_id, None)

    def get(self, span_id: int) -> list[tuple[int, QRectF]] | None:
        return self._rects.get(span_id)

    def put(self, span_id: int, rects: list[tuple[int, QRectF]]) -> None:
        self._rects[span_id] = rects


def _local_rects(view: "AnnotatedTextView", start: int, end: int) -> list[tuple[int, QRectF]] | None:
    """(block number, rectangle in block coordinates) per visual line of [start, end); None while
    a block is not laid out yet."""
    out: list[tuple[int, QRectF]] = []
    block = view.document().findBlock(start)
    while block.isValid() and block.position() < end:
        layout = block.layout()
        if layout.lineCount() == 0:
            return None
        base = block.position()
        first = layout.lineForTextPosition(max(start, base) - base)
        i = first.lineNumber() if first.isValid() else 0
        while i < layout.lineCount():
            line = layout.lineAt(i)
            line_start = base + line.textStart()
            if line_start >= end:
                break
            line_end = line_start + line.textLength()
            if line_end > start:
                x1 = line.cursorToX(max(start, line_start) - base)[0]
                x2 = line.cursorToX(min(end, line_end) - base)[0]
                left, right = min(x1, x2), max(x1, x2)
                out.append((block.blockNumber(), QRectF(left, line.y(), max(right - left, 2.0), line.height())))
            i += 1
        block = block.next()
    return out


def line_rects(
    view: "AnnotatedTextView", span_id: int, start: int, end: int, tops: dict[int, QPointF] | None = None
) -> list[QRectF]:
    """Viewport rectangles covering UTF-16 range [start, end) of a span, one per visual line.
    ``tops`` caches block positions for the duration of one paint."""
    local = view.rect_cache.get(span_id)
    if local is None:
        local = _local_rects(view, start, end)
        if local is None:
            return []
        view.rect_cache.put(span_id, local)
    if tops is None:
        tops = {}
    out: list[QRectF] = []
    for number, rect in local:
        top_left = tops.get(number)
        if top_left is None:
            block = view.document().findBlockByNumber(number)
            top_left = tops[number] = view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft()
        out.append(rect.translated(top_left))
    return out


def visible_range(view: "AnnotatedTextView", area: QRect) -> tuple[int, int]:
    """Text positions from the top-left to the bottom-right of ``area`` (viewport coordinates)."""
    first = view.cursorForPosition(QPoint(0, area.top())).position()
    last = view.cursorForPosition(QPoint(view.viewport().width(), area.bottom())).position()
    return first, last + 1


@dataclass(frozen=True)
class Mark:
    """One thing the overlay painted for a span (kept for tests and hit-testing, like arcs)."""

    span_id: int
    kind: str  # "underline", "bar", "box" (a suggested entity) or "twin" (the same words as another span)
    slot: int  # which of the stacked underlines or bars
    rect: QRectF


def _order_key(placed: "Placed") -> tuple[int, int, int]:
    return (placed.start, placed.start - placed.end, placed.span.id or 0)


def stack_slots(view: "AnnotatedTextView", spans: list["Placed"]) -> dict[int, tuple[int, int]]:
    """Where each quotation-layer span's underline goes, and a QUOTE's margin bar: one step
    further out for each overlapping span of the layer (for a bar, each QUOTE) that starts before
    it, or as early and is longer. So a nested QUOTE's underline and bar sit beside its outer
    QUOTE's and a SOURCE inside a QUOTE is underlined below it. The result depends on the spans
    alone, never on which part of the view is repainted (one index query for all of them)."""
    quotes = [p for p in spans if p.span.layer != ENTITY]
    if not quotes:
        return {}
    around = [p for p in view.span_index.overlapping(min(p.start for p in quotes), max(p.end for p in quotes))
              if p.span.layer != ENTITY]
    out: dict[int, tuple[int, int]] = {}
    for placed in quotes:
        key = _order_key(placed)
        before = [o for o in around if o.start < placed.end and o.end > placed.start and _order_key(o) < key]
        slot = min(len(before), MAX_STACK - 1)
        bar = min(sum(1 for o in before if o.span.label == "QUOTE"), MAX_STACK - 1)
        out[placed.span.id or 0] = (slot, bar)
    return out


def paint_overlay(view: "AnnotatedTextView", area: QRect) -> None:
    index = view.span_index
    marks: list[Mark] = []
    view.painted_marks = marks
    if not index.placed:
        view.painted_arcs = []
        return
    first, last = visible_range(view, area)
    visible = index.overlapping(first, last)
    dark = view.is_dark()
    tops: dict[int, QPointF] = {}
    metrics = QFontMetricsF(view.font())
    underline_at = metrics.ascent() + max(1.5, metrics.underlinePos())
    painter = QPainter(view.viewport())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    twins: dict[tuple[int, int], list["Placed"]] = {}
    slots = stack_slots(view, visible)
    for placed in visible:
        span = placed.span
        span_id = span.id or 0
        twins.setdefault((placed.start, placed.end), []).append(placed)
        color = colors.line_color(view.label_color(span.label), dark)
        if span.layer != ENTITY:
            rects = line_rects(view, placed.span.id, placed.start, placed.end, tops)
            if not rects:
                continue
            dashed = Qt.PenStyle.DashLine if span.is_suggestion else Qt.PenStyle.SolidLine
            slot, bar_slot = slots[span_id]
            width = UNDERLINE_WIDTH if span.label == "QUOTE" else PART_UNDERLINE_WIDTH
            painter.setPen(QPen(color, width, dashed, Qt.PenCapStyle.FlatCap))
            for rect in rects:
                # Never below the line's box by more than the 2 pixels a block's repaint covers.
                y = min(rect.top() + underline_at + slot * UNDERLINE_STEP, rect.bottom() + 1.0)
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
                marks.append(Mark(span_id, "underline", slot, QRectF(rect.left(), y - width / 2, rect.width(), width)))
            if span.label == "QUOTE":
                x = BAR_X + bar_slot * BAR_STEP
                painter.setPen(QPen(color, BAR_WIDTH, dashed, Qt.PenCapStyle.FlatCap))
                painter.drawLine(QPointF(x, rects[0].top()), QPointF(x, rects[-1].bottom()))
                height = rects[-1].bottom() - rects[0].top()
                marks.append(Mark(span_id, "bar", bar_slot, QRectF(x - BAR_WIDTH / 2, rects[0].top(), BAR_WIDTH, height)))
        elif span.is_suggestion:
            painter.setPen(QPen(color, 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in line_rects(view, placed.span.id, placed.start, placed.end, tops):
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
                marks.append(Mark(span_id, "box", 0, rect))
    _paint_twins(view, painter, [group for group in twins.values() if len(group) > 1], dark, tops, marks)
    _paint_group(view, painter, view.selected_group(), True, tops)
    _paint_group(view, painter, view.hover_group(), False, tops)
    if view.arcs_visible and index.relations:
        from gui.views import quote_arcs

        # Always the whole viewport's arcs (the painter clips to ``area``): the list is also
        # what a click is tested against, so it must not depend on which part was repainted.
        whole_first, whole_last = visible_range(view, view.viewport().rect())
        arcs = quote_arcs.visible_arcs(view, whole_first, whole_last, tops)
        quote_arcs.paint_arcs(view, painter, arcs, view.selected_relation_id())
        view.painted_arcs = arcs
    else:
        view.painted_arcs = []
    painter.end()


def _paint_twins(
    view: "AnnotatedTextView", painter: QPainter, groups: list[list["Placed"]], dark: bool,
    tops: dict[int, QPointF], marks: list[Mark],
) -> None:
    """Spans on exactly the same words (a SOURCE that is also a PERSON): a small notch per span
    after the first, in its label colour, at the top right of the words, so the eye sees there
    is more than one span here (the tooltip names them; clicking again selects the next)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    for group in groups:
        ordered = sorted(group, key=lambda p: (p.span.layer != ENTITY, p.span.label, p.span.id or 0))
        rects = line_rects(view, ordered[0].span.id, ordered[0].start, ordered[0].end, tops)
        if not rects:
            continue
        corner = rects[-1].topRight()
        for i, placed in enumerate(ordered[1:]):
            x = corner.x() - i * (TWIN_NOTCH + 1)
            painter.setBrush(colors.line_color(view.label_color(placed.span.label), dark))
            painter.drawPolygon(QPolygonF([QPointF(x - TWIN_NOTCH, corner.y()), QPointF(x, corner.y()),
                                           QPointF(x, corner.y() + TWIN_NOTCH)]))
            notch = QRectF(x - TWIN_NOTCH, corner.y(), TWIN_NOTCH, TWIN_NOTCH)
            marks.append(Mark(placed.span.id or 0, "twin", i, notch))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def _paint_group(
    view: "AnnotatedTextView", painter: QPainter, ids: set[int], emphasis: bool, tops: dict[int, QPointF]
) -> None:
    if not ids:
        return
    highlight: QColor = view.palette().highlight().color()
    selected = view.selected_span_id()
    for span_id in ids:
        placed = view.span_index.placed.get(span_id)
        if placed is None:
            continue
        width = 2.0 if (emphasis and span_id == selected) else 1.0
        painter.setPen(QPen(highlight, width, Qt.PenStyle.SolidLine if emphasis else Qt.PenStyle.DotLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in line_rects(view, placed.span.id, placed.start, placed.end, tops):
            painter.drawRect(rect.adjusted(-1, -1, 0, 0))
