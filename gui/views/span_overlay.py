"""What character formats cannot show, painted over the text: a margin bar beside every
quotation, dashed boxes around model suggestions, and outlines around the selected span's
group (a QUOTE with its SOURCE and CUE) so the parts of one quotation read as one thing."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from annotation.model import ENTITY
from gui import colors

if TYPE_CHECKING:
    from gui.views.annotated_text import AnnotatedTextView

BAR_X = 3.0
BAR_WIDTH = 3.0


def line_rects(view: "AnnotatedTextView", start: int, end: int) -> list[QRectF]:
    """Viewport rectangles covering UTF-16 range [start, end), one per visual line, visible only."""
    doc = view.document()
    offset = view.contentOffset()
    height = view.viewport().height()
    out: list[QRectF] = []
    block = doc.findBlock(start)
    while block.isValid() and block.position() < end:
        geometry = view.blockBoundingGeometry(block).translated(offset)
        if geometry.top() > height:
            break
        if geometry.bottom() >= 0 and block.isVisible():
            layout = block.layout()
            base = block.position()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                line_start = base + line.textStart()
                line_end = line_start + line.textLength()
                if line_end <= start or line_start >= end:
                    continue
                top = geometry.top() + line.y()
                if top > height or top + line.height() < 0:
                    continue
                x1 = line.cursorToX(max(start, line_start) - base)[0]
                x2 = line.cursorToX(min(end, line_end) - base)[0]
                left, right = min(x1, x2), max(x1, x2)
                out.append(QRectF(geometry.left() + left, top, max(right - left, 2.0), line.height()))
        block = block.next()
    return out


def visible_range(view: "AnnotatedTextView") -> tuple[int, int]:
    viewport = view.viewport()
    first = view.cursorForPosition(QPoint(0, 0)).position()
    last = view.cursorForPosition(QPoint(viewport.width(), viewport.height())).position()
    return first, last + 1


def paint_overlay(view: "AnnotatedTextView") -> None:
    index = view.span_index
    if not index.placed:
        return
    first, last = visible_range(view)
    visible = index.overlapping(first, last)
    dark = view.is_dark()
    painter = QPainter(view.viewport())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for placed in visible:
        span = placed.span
        color = colors.line_color(view.label_color(span.label), dark)
        if span.label == "QUOTE":
            rects = line_rects(view, placed.start, placed.end)
            if rects:
                pen = QPen(color, BAR_WIDTH, Qt.PenStyle.DashLine if span.is_suggestion else Qt.PenStyle.SolidLine)
                painter.setPen(pen)
                painter.drawLine(int(BAR_X), int(rects[0].top()), int(BAR_X), int(rects[-1].bottom()))
        if span.is_suggestion and span.layer == ENTITY:
            painter.setPen(QPen(color, 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in line_rects(view, placed.start, placed.end):
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
    _paint_group(view, painter, view.selected_group(), emphasis=True)
    _paint_group(view, painter, view.hover_group(), emphasis=False)
    painter.end()


def _paint_group(view: "AnnotatedTextView", painter: QPainter, ids: set[int], emphasis: bool) -> None:
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
        for rect in line_rects(view, placed.start, placed.end):
            painter.drawRect(rect.adjusted(-1, -1, 0, 0))
