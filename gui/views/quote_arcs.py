"""Quotation links drawn as arcs over the text, the way brat and INCEpTION draw relations:
QUOTE → SOURCE and QUOTE → CUE, and SOURCE → the entity a pronoun refers to (coref).

Each arc leaves the head span's line rectangle nearest to the child and lands on the child
with an arrowhead, in the child's label colour (coref dotted, suggestions dashed). A plain
text view has no room between lines, so an arc is a thin curve over the line above. Arcs on
one line are stacked by width (short ones low, enclosing ones higher), so they cross as little
as they can; arcs landing on the same words get arrowheads side by side. The selected or
hovered quotation's arcs are drawn bold and labelled (a small pill on the curve), the others
faded meanwhile: with every label shown, a dense paragraph was unreadable. Labels are placed
along their arc where they overlap no other label and, where there is such a place, no words.
The painted paths are kept for hit-testing: a click on an arc or its label selects that relation.
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
_HIT_WIDTH = 7.0  # pixels across an arc that still count as a click on it
_TIGHT_HIT_WIDTH = 3.0  # the same over a span's words: a click there means the span, unless right on the arc
_SPREAD = 8.0  # pixels between arrowheads landing on the same words
_FADED_ALPHA = 100  # other quotations' arcs while one is selected or hovered
_ALONG = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88)  # where on its arc a label may sit, best first


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
    near: QRectF | None = None  # the head's line rectangle the arc leaves from
    target: QRectF | None = None  # the child's first line rectangle
    focused: bool = False  # part of the selected or hovered quotation: drawn bold, labelled

    def hit(self, point: QPointF, width: float = _HIT_WIDTH) -> bool:
        if self.label_rect is not None and self.label_rect.adjusted(-2, -2, 2, 2).contains(point):
            return True
        if self.path is None:
            return False
        stroker = QPainterPathStroker()
        stroker.setWidth(width)
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
                        suggestion=head.span.is_suggestion or child.span.is_suggestion, near=near, target=target))
    _spread(arcs)
    _stack(arcs)
    return arcs


def _spread(arcs: list[Arc]) -> None:
    """Arcs landing on the same words (a SOURCE's source link and a coref to the PERSON on those
    very words, or one SOURCE shared by two QUOTEs) get arrowheads side by side, not one on top
    of the other, so each can be seen and clicked."""
    landing: dict[tuple[int, int], list[Arc]] = {}
    for arc in arcs:
        landing.setdefault((round(arc.end.x() / _SPREAD), round(arc.end.y())), []).append(arc)
    for group in landing.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda a: (a.start.x(), a.relation.label, a.relation.id or 0))
        target = group[0].target
        room = max(target.width() - 6, 0.0) if target is not None else 0.0
        step = min(_SPREAD, room / (len(group) - 1)) if room else _SPREAD
        middle = sum(a.end.x() for a in group) / len(group)
        for i, arc in enumerate(group):
            x = middle + (i - (len(group) - 1) / 2) * step
            arc.end = QPointF(x, arc.end.y())
            near = arc.near
            if near is not None and abs(near.top() - arc.end.y()) >= 2 and near.width() > 6:
                arc.start = QPointF(min(max(x, near.left() + 3), near.right() - 3), arc.start.y())


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
    """Every arc, thin; those of the selected or hovered quotation (and the clicked link) bold and
    labelled, the others faded while there is one, so a dense paragraph shows one quotation."""
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
        arc.focused = (arc.relation.id == selected_relation or arc.relation.head_id in emphasised
                       or arc.relation.child_id in emphasised)
    anything_focused = any(arc.focused for arc in arcs)
    # Unfocused arcs first, so the focused quotation's are drawn over them.
    for arc in sorted(arcs, key=lambda a: (a.focused, a.relation.id == selected_relation)):
        child = view.span_index.placed[arc.relation.child_id].span
        color = QColor(colors.line_color(view.label_color(child.label), dark))
        chosen = arc.relation.id == selected_relation
        rise = min(7.0 + 5.0 * arc.level, 2.2 * line_height)
        a, b = arc.start, arc.end
        top = min(a.y(), b.y()) - rise
        path = QPainterPath(a)
        path.cubicTo(QPointF(a.x(), top), QPointF(b.x(), top), b)
        arc.path = path
        coref = arc.relation.label == "coref"
        style = (Qt.PenStyle.DashDotLine if arc.suggestion else Qt.PenStyle.DotLine) if coref else (
            Qt.PenStyle.DashLine if arc.suggestion else Qt.PenStyle.SolidLine)
        pen_color = QColor(highlight if chosen else color)
        pen_color.setAlpha(255 if arc.focused else (_FADED_ALPHA if anything_focused else 170))
        pen = QPen(pen_color, 2.5 if chosen else (1.8 if arc.focused else 1.0), style)
        # A 1-pixel cosmetic pen takes Qt's fast antialiased line path: a wider one is stroked
        # into a polygon first, ~1 ms per arc across a wide window (most of an edit's repaint).
        pen.setCosmetic(not arc.focused)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        _arrowhead(painter, b, pen_color)
        arc.label_rect = None
    labelled = [arc for arc in arcs if arc.focused]
    if labelled:
        _place_labels(view, labelled, metrics, selected_relation)
        for arc in labelled:
            _draw_label(painter, arc, base, highlight if arc.relation.id == selected_relation else QColor(
                colors.line_color(view.label_color(view.span_index.placed[arc.relation.child_id].span.label), dark)))
    painter.restore()


def _draw_label(painter: QPainter, arc: Arc, base: QColor, color: QColor) -> None:
    """A small pill with the link's name, opaque enough to read over the line it sits on."""
    rect = arc.label_rect
    if rect is None:
        return
    pill = QColor(base)
    pill.setAlpha(240)
    painter.setPen(QPen(color, 1.0))
    painter.setBrush(pill)
    painter.drawRoundedRect(rect, 3, 3)
    painter.setPen(color)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, arc.relation.label)


def _text_rects(view: "AnnotatedTextView") -> list[QRectF]:
    """The inked part of each visible line (from its left edge to the end of its text)."""
    out: list[QRectF] = []
    block = view.firstVisibleBlock()
    offset = view.contentOffset()
    height = view.viewport().height()
    while block.isValid():
        top_left = view.blockBoundingGeometry(block).translated(offset).topLeft()
        if top_left.y() > height:
            break
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.naturalTextWidth() > 0:
                out.append(QRectF(top_left.x() + line.x(), top_left.y() + line.y(),
                                  line.naturalTextWidth(), line.height()))
        block = block.next()
    return out


def _place_labels(view: "AnnotatedTextView", arcs: list[Arc], metrics: QFontMetricsF,
                  selected_relation: int | None) -> None:
    """Each label somewhere along its own arc where it overlaps no other label, and where it
    covers no words if such a place exists (after a line's end, in the margin above the first
    line); the clicked link's label is placed first, so it gets the best spot."""
    text: list[QRectF] | None = None  # read only if a label has to look for a free place
    bounds = QRectF(view.viewport().rect())
    taken: list[QRectF] = []
    height = metrics.height()
    for arc in sorted(arcs, key=lambda a: (a.relation.id != selected_relation, a.start.y(), a.start.x())):
        if arc.path is None:
            continue
        width = metrics.horizontalAdvance(arc.relation.label) + 6
        points = [arc.path.pointAtPercent(t) for t in _ALONG]
        chosen: QRectF | None = None
        fallback: QRectF | None = None
        for lift in (0.0, height + 1, -(height + 1), 2 * (height + 1)):
            for point in points:
                rect = QRectF(point.x() - width / 2, point.y() - height / 2 - lift, width, height)
                if not bounds.contains(rect):
                    continue
                padded = rect.adjusted(-1, -1, 1, 1)
                if any(padded.intersects(other) for other in taken):
                    continue
                if text is None:
                    text = _text_rects(view)
                if not any(rect.intersects(line) for line in text):
                    chosen = rect
                    break
                if fallback is None:
                    fallback = rect
            if chosen is not None:
                break
        if chosen is None:
            chosen = fallback
        if chosen is None:  # no room anywhere: at the top of the arc, as before
            point = points[0]
            chosen = QRectF(point.x() - width / 2, point.y() - height / 2, width, height)
        arc.label_rect = chosen
        taken.append(chosen)


def _arrowhead(painter: QPainter, tip: QPointF, color: QColor) -> None:
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPolygon(QPolygonF([tip, QPointF(tip.x() - 3.5, tip.y() - 6), QPointF(tip.x() + 3.5, tip.y() - 6)]))
    painter.restore()


def arc_at(arcs: list[Arc], point: QPointF, over_span: bool = False) -> Relation | None:
    """The relation whose arc or label is under ``point`` (labels first: they are on top).
    ``over_span``: the point is on a span's words, which a click there usually means: only an
    arc passing right under the pointer (or its label) takes the click then."""
    for arc in reversed(arcs):
        if arc.label_rect is not None and arc.label_rect.contains(point):
            return arc.relation
    width = _TIGHT_HIT_WIDTH if over_span else _HIT_WIDTH
    # Focused arcs (drawn on top) first.
    for arc in sorted(arcs, key=lambda a: not a.focused):
        if arc.hit(point, width):
            return arc.relation
    return None
