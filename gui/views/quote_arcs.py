"""Quotation links drawn as arcs over the text, the way brat and INCEpTION draw relations:
QUOTE → SOURCE and QUOTE → CUE, and SOURCE → the entity a pronoun refers to (coref).

Each arc leaves the head span's line rectangle nearest to the child and lands on the child
with an arrowhead, in the child's label colour (coref dotted, suggestions dashed). A plain
text view has no room between lines, so an arc is a thin curve over the line above, and its
label (a small pill at the top of the curve) is drawn only for the selected or hovered
quotation: with every label shown, a dense paragraph was unreadable. Arcs on one line are
stacked by width (short ones low, enclosing ones higher), so they cross as little as they can. The painted paths are kept for hit-testing: a click on an arc or
its label selects that relation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF

from annotation.model import Relation
from gui import colors

if TYPE_CHECKING:
    from gui.views.annotated_text import AnnotatedTextView

LINKS = ("source", "cue", "coref")
_HIT_WIDTH = 7.0  # pixels either side of an arc that still count as a click on it


@dataclass
class Arc:
    relation: Relation
    start: QPointF  # on the head span
    end: QPointF  # on the child span (the arrowhead)
    level: int = 0
    # Drawn dashed: an end of the link is still a model suggestion. A link the model proposed
    # between two spans the annotator accepted is theirs too (accepting sets span origins only).
    suggestion: bool = False
    path: QPainterPath | None = None
    label_rect: QRectF | None = None

    def hit(self, point: QPointF) -> bool:
        if self.label_rect is not None and self.label_rect.adjusted(-2, -2, 2, 2).contains(point):
            return True
        if self.path is None:
            return False
        stroker = QPainterPathStroker()
        stroker.setWidth(_HIT_WIDTH)
        return stroker.createStroke(self.path).contains(point)


def visible_arcs(view: "AnnotatedTextView", first: int, last: int, tops: dict) -> list[Arc]:  # type: ignore[type-arg]
    """Arcs of relations with an end in the UTF-16 range [first, last), stacked by width per line."""
    from gui.views.span_overlay import line_rects

    index = view.span_index
    arcs: list[Arc] = []
    for relation in index.relations.values():
        if relation.label not in LINKS:
            continue
        head, child = index.placed.get(relation.head_id), index.placed.get(relation.child_id)
        if head is None or child is None:
            continue
        if not (head.start < last and head.end > first) and not (child.start < last and child.end > first):
            continue
        head_rects = line_rects(view, relation.head_id, head.start, head.end, tops)
        child_rects = line_rects(view, relation.child_id, child.start, child.end, tops)
        if not head_rects or not child_rects:
            continue
        target = child_rects[0]
        # The head's line nearest the child: a long QUOTE's arc leaves from where its SOURCE is.
        near = min(head_rects, key=lambda r: (abs(r.top() - target.top()), abs(r.center().x() - target.center().x())))
        end_x = target.center().x()
        start_x = min(max(end_x, near.left() + 3), near.right() - 3) if near.width() > 6 else near.center().x()
        if abs(start_x - end_x) < 8 and abs(near.top() - target.top()) < 2:  # touching spans
            start_x = near.left() + 3 if near.center().x() < end_x else near.right() - 3
        arcs.append(Arc(relation, QPointF(start_x, near.top()), QPointF(end_x, target.top()),
                        suggestion=head.span.is_suggestion or child.span.is_suggestion))
    _stack(arcs)
    return arcs


def _stack(arcs: list[Arc]) -> None:
    """Levels per line: an arc sits one above the highest arc it spans over or crosses."""
    by_row: dict[int, list[Arc]] = {}
    for arc in arcs:
        by_row.setdefault(round(min(arc.start.y(), arc.end.y())), []).append(arc)
    for row in by_row.values():
        row.sort(key=lambda a: abs(a.end.x() - a.start.x()))
        placed: list[Arc] = []
        for arc in row:
            lo, hi = sorted((arc.start.x(), arc.end.x()))
            below = [p.level for p in placed if not (max(p.start.x(), p.end.x()) < lo - 4 or min(p.start.x(), p.end.x()) > hi + 4)]
            arc.level = max(below, default=-1) + 1
            placed.append(arc)


def paint_arcs(view: "AnnotatedTextView", painter: QPainter, arcs: list[Arc], selected_relation: int | None) -> None:
    dark = view.is_dark()
    base = view.palette().base().color()
    font = QFont(view.font())
    font.setPointSizeF(max(6.0, font.pointSizeF() * 0.72))
    metrics = QFontMetricsF(font)
    line_height = metrics.height() / 0.72
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setFont(font)
    highlight = view.palette().highlight().color()
    emphasised = view.selected_group() | view.hover_group()
    for arc in arcs:
        child = view.span_index.placed[arc.relation.child_id].span
        color = QColor(colors.line_color(view.label_color(child.label), dark))
        chosen = arc.relation.id == selected_relation
        rise = min(7.0 + 5.0 * arc.level, 2.2 * line_height)
        a, b = arc.start, arc.end
        top = min(a.y(), b.y()) - rise
        path = QPainterPath(a)
        path.cubicTo(QPointF(a.x(), top), QPointF(b.x(), top), b)
        arc.path = path
        suggestion = arc.suggestion
        coref = arc.relation.label == "coref"
        style = (Qt.PenStyle.DashDotLine if suggestion else Qt.PenStyle.DotLine) if coref else (
            Qt.PenStyle.DashLine if suggestion else Qt.PenStyle.SolidLine)
        focused = chosen or arc.relation.head_id in emphasised or arc.relation.child_id in emphasised
        pen_color = QColor(highlight if chosen else color)
        pen_color.setAlpha(255 if focused else 170)
        pen = QPen(pen_color, 2.5 if chosen else (1.6 if focused else 1.0), style)
        # A 1-pixel cosmetic pen takes Qt's fast antialiased line path: a wider one is stroked
        # into a polygon first, ~1 ms per arc across a wide window (most of an edit's repaint).
        pen.setCosmetic(not focused)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        _arrowhead(painter, b, pen_color)
        arc.label_rect = None
        if not focused:
            continue
        # The label at the top of the curve, on a pill so it reads over the line above.
        text = arc.relation.label
        apex = path.pointAtPercent(0.5)
        width = metrics.horizontalAdvance(text) + 6
        rect = QRectF(apex.x() - width / 2, apex.y() - metrics.height() / 2, width, metrics.height())
        arc.label_rect = rect
        pill = QColor(base)
        pill.setAlpha(235)
        painter.setPen(QPen(pen_color, 1.0))
        painter.setBrush(pill)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(pen_color)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def _arrowhead(painter: QPainter, tip: QPointF, color: QColor) -> None:
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPolygon(QPolygonF([tip, QPointF(tip.x() - 3.5, tip.y() - 6), QPointF(tip.x() + 3.5, tip.y() - 6)]))
    painter.restore()


def arc_at(arcs: list[Arc], point: QPointF) -> Relation | None:
    """The relation whose arc or label is under ``point`` (labels first: they are on top)."""
    for arc in reversed(arcs):
        if arc.label_rect is not None and arc.label_rect.contains(point):
            return arc.relation
    for arc in reversed(arcs):
        if arc.hit(point):
            return arc.relation
    return None
