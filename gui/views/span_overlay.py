"""What character formats cannot show, painted over the text: a margin bar beside every
quotation, dashed boxes around model suggestions, and outlines around the selected span's
group (a QUOTE with its SOURCE and CUE) so the parts of one quotation read as one thing."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from annotation.model import ENTITY
from gui import colors

if TYPE_CHECKING:
    from gui.views.annotated_text import AnnotatedTextView

BAR_X = 3.0
BAR_WIDTH = 3.0


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


def paint_overlay(view: "AnnotatedTextView", area: QRect) -> None:
    index = view.span_index
    if not index.placed:
        return
    first, last = visible_range(view, area)
    visible = index.overlapping(first, last)
    dark = view.is_dark()
    tops: dict[int, QPointF] = {}
    painter = QPainter(view.viewport())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for placed in visible:
        span = placed.span
        color = colors.line_color(view.label_color(span.label), dark)
        if span.label == "QUOTE":
            rects = line_rects(view, placed.span.id, placed.start, placed.end, tops)
            if rects:
                pen = QPen(color, BAR_WIDTH, Qt.PenStyle.DashLine if span.is_suggestion else Qt.PenStyle.SolidLine)
                painter.setPen(pen)
                painter.drawLine(int(BAR_X), int(rects[0].top()), int(BAR_X), int(rects[-1].bottom()))
        if span.is_suggestion and span.layer == ENTITY:
            painter.setPen(QPen(color, 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in line_rects(view, placed.span.id, placed.start, placed.end, tops):
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
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
