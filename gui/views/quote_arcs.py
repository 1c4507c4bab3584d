"""Quotation links drawn as arcs over the text, the way brat and INCEpTION draw relations:
QUOTE → SOURCE and QUOTE → CUE, and SOURCE → the entity a pronoun refers to (coref).

An arc whose ends are on one line is a low hump over that line, leaving the head span and
landing on the child with an arrowhead, in the child's label colour (coref dotted, suggestions
dashed). Arcs on one line are stacked by width (short ones low, enclosing ones higher), so they
cross as little as they can; arcs landing on the same words get arrowheads side by side.

An arc whose ends are on different lines never cuts through the words (a pronoun SOURCE's
coref to its entity paragraphs up ran diagonally across them). With nothing but a gap between
the two lines (next lines of a paragraph, or a blank line) it runs straight along that gap
from the head's edge facing the child to the child's, the arrowhead pointing up into a child
above. With lines of words between, it leaves the head span upward into the gap above its
line, runs left to the gutter between the quotation bars and the text, travels up or down
there in a lane of its own (lanes given by vertical extent, the longest outermost, so nested
arcs never cross), and enters the child's line from the gap above it. Where such a gap is a
blank line or the margin the run sits in it, a step apart per arc; inside a paragraph it runs
along the top pixel row of the line, above the letters.

The selected or hovered quotation's arcs are drawn bold and labelled (a small pill), the
others faded meanwhile: with every label shown, a dense paragraph was unreadable. A label goes
near its arc where it overlaps no other label and, where there is such a place, touches no
words and is crossed by no other arc. The painted paths are kept for hit-testing: a click on
an arc (the gutter part too) or its label selects that relation, the nearest arc first.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF

from annotation.model import Relation
from gui import colors

if TYPE_CHECKING:
    from gui.views.annotated_text import AnnotatedTextView

LINKS = ("source", "cue", "coref")
_HIT_WIDTHS = (3.0, 5.0, 7.0)  # a click takes the nearest arc: tried with a narrow stroke first
_TIGHT_HIT_WIDTH = 3.0  # the same over a span's words: a click there means the span, unless right on the arc
_SPREAD = 8.0  # pixels between arrowheads landing on the same words
_FADED_ALPHA = 100  # other quotations' arcs while one is selected or hovered
_ALONG = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88, 0.05, 0.95)  # where on its arc a label may sit, best first
GUTTER_LEFT = 13.5  # the outermost lane: right of the quotation bars (span_overlay.BAR_X, 3 of them)
LANE_STEP = 2.5  # pixels between lanes in the gutter, while they fit
_RUN_STEP = 3.0  # pixels between arcs' runs in a wide gap (a blank line, the top margin)
_CORNER = 3.0  # radius of a routed arc's corners


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
    lane: int | None = None  # routed through the gutter (ends on different lines): its lane
    lane_x: float = 0.0
    head_run: float = 0.0  # y of the run from the head span to the gutter
    target_run: float = 0.0  # y of the run from the gutter to the child span
    tip: QPointF | None = None  # the arrowhead's point, as painted
    tip_up: bool = False  # the arrowhead points up, into the child's line from below
    bridge: float | None = None  # ends on lines with only a gap between: y of the run across it

    @property
    def routed(self) -> bool:
        return self.lane is not None

    def hit(self, point: QPointF, width: float = _HIT_WIDTHS[-1]) -> bool:
        if self.label_rect is not None and self.label_rect.adjusted(-2, -2, 2, 2).contains(point):
            return True
        return self.hit_path(point, width)

    def hit_path(self, point: QPointF, width: float) -> bool:
        if self.path is None:
            return False
        tip = self.tip
        if tip is not None:  # the arrowhead, and (but for a tight click) a little around it
            m = (width - _TIGHT_HIT_WIDTH) / 2
            box = QRectF(tip.x() - 3.5 - m, (tip.y() if self.tip_up else tip.y() - 6) - m, 7 + 2 * m, 6 + 2 * m)
            if m > 0 and box.contains(point):
                return True
            if m <= 0 and _arrow_polygon(tip, self.tip_up).containsPoint(point, Qt.FillRule.OddEvenFill):
                return True
        stroker = QPainterPathStroker()
        stroker.setWidth(width)
        return stroker.createStroke(self.path).contains(point)


def visible_arcs(view: "AnnotatedTextView", first: int, last: int, tops: dict) -> list[Arc]:  # type: ignore[type-arg]
    """Arcs of relations with an end in the UTF-16 range [first, last): those on one line
    stacked by width per line, the others routed along the gap between their lines or through
    the gutter."""
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
    across = [a for a in arcs if abs(a.start.y() - a.end.y()) >= 2]
    _stack([a for a in arcs if abs(a.start.y() - a.end.y()) < 2])
    if across:
        _route(view, across)
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


def _route(view: "AnnotatedTextView", arcs: list[Arc]) -> None:
    """Runs for arcs whose ends are on different lines. With only a gap between the two lines
    (next lines of a paragraph, or blank lines) the arc goes straight across that gap, from the
    head's edge facing the child to the child's. Otherwise it goes by a lane in the gutter:
    each line's run goes along the gap above it, in the middle of a blank line or the margin
    when there is one (a step apart per arc), else along the line's top pixel row, where no
    letter reaches."""
    text = _text_rects(view)
    text_left = min((r.left() for r in text), default=view.document().documentMargin() + view.contentOffset().x())
    far: list[Arc] = []
    for arc in arcs:
        near, target = arc.near, arc.target
        assert near is not None and target is not None
        upper, lower = (near, target) if near.top() < target.top() else (target, near)
        gap = lower.top() - upper.bottom()
        # Lines of words between (or lines out of sight: more than a couple of blank lines).
        if gap > 2.5 * upper.height() or any(r.top() >= upper.bottom() - 0.5 and r.bottom() <= lower.top() + 0.5
                                             for r in text):
            far.append(arc)
            continue
        arc.bridge = lower.top() + 0.5 if gap < 8 else (upper.bottom() + lower.top()) / 2
        if upper is near:  # the child below: from the head's bottom edge down to the child's top
            arc.start = QPointF(arc.start.x(), near.bottom())
        else:  # the child above: from the head's top edge up to the child's bottom
            arc.end = QPointF(arc.end.x(), target.bottom())
            arc.tip_up = True
    arcs = far
    if not arcs:
        return
    # Lanes: the longest arc outermost, an arc in the lowest lane free over its whole extent.
    gaps: dict[int, list[tuple[Arc, str]]] = {}
    for arc in arcs:
        gaps.setdefault(round(arc.start.y()), []).append((arc, "head"))
        gaps.setdefault(round(arc.end.y()), []).append((arc, "target"))
    for line_top, users in gaps.items():
        above = max((r.bottom() for r in text if r.bottom() <= line_top + 0.5 and r.top() < line_top - 1), default=None)
        free = line_top - above if above is not None else line_top - max(0.0, line_top - 24.0)
        users.sort(key=lambda u: (u[0].start.x() if u[1] == "head" else u[0].end.x()))
        for k, (arc, end) in enumerate(users):
            if free >= 8:  # a blank line or the margin: runs in it, a step apart
                y = line_top - min(free / 2, 3.0 + k * _RUN_STEP)  # the last ones share its middle
            else:
                y = line_top + 0.5
            if end == "head":
                arc.head_run = y
            else:
                arc.target_run = y
    lanes: list[list[tuple[float, float]]] = []
    for arc in sorted(arcs, key=lambda a: (abs(a.head_run - a.target_run), a.relation.id or 0)):
        lo, hi = sorted((arc.head_run, arc.target_run))
        for number, taken in enumerate(lanes):
            if all(hi < t_lo - 2 or lo > t_hi + 2 for t_lo, t_hi in taken):
                taken.append((lo, hi))
                arc.lane = number
                break
        else:
            lanes.append([(lo, hi)])
            arc.lane = len(lanes) - 1
    inner = text_left - 2.0
    room = max(inner - GUTTER_LEFT, 1.0)
    step = LANE_STEP if len(lanes) <= 1 or (len(lanes) - 1) * LANE_STEP <= room else max(room / (len(lanes) - 1), 1.0)
    count = int(room / step) + 1
    for arc in arcs:
        arc.lane_x = inner - ((arc.lane or 0) % count) * step


def _arc_path(arc: Arc, rise: float) -> QPainterPath:
    """The arc's curve: a hump ``rise`` pixels over the line when both ends are on it, else the
    gutter route."""
    a, b = arc.start, arc.end
    if arc.bridge is not None:
        y = arc.bridge
        path = _rounded(([a] if abs(y - a.y()) > 0.75 else []) + [QPointF(a.x(), y), QPointF(b.x(), y)]
                        + ([b] if abs(y - b.y()) > 0.75 else []))
        if path.length() < 2.0:  # the child right under (or over) the head: a stub, still drawn and clickable
            path = QPainterPath(QPointF(a.x() - 3.0, y))
            path.lineTo(QPointF(b.x() + 3.0, y))
        return path
    if not arc.routed:
        top = min(a.y(), b.y()) - rise
        path = QPainterPath(a)
        path.cubicTo(QPointF(a.x(), top), QPointF(b.x(), top), b)
        return path
    # Along a line's top row, the run starts right there (not on the line's edge, which it
    # shares with the line above).
    points = [a] if arc.head_run < a.y() - 0.75 else []
    points += [QPointF(a.x(), arc.head_run), QPointF(arc.lane_x, arc.head_run),
               QPointF(arc.lane_x, arc.target_run), QPointF(b.x(), arc.target_run)]
    if arc.target_run < b.y() - 0.75:
        points.append(b)
    return _rounded(points)


def _rounded(points: list[QPointF]) -> QPainterPath:
    """A polyline with its corners rounded (radius _CORNER, less on short legs)."""
    clean = [points[0]]
    for p in points[1:]:
        if abs(p.x() - clean[-1].x()) + abs(p.y() - clean[-1].y()) > 0.01:
            clean.append(p)
    path = QPainterPath(clean[0])
    for i in range(1, len(clean) - 1):
        prev, corner, nxt = clean[i - 1], clean[i], clean[i + 1]
        d1 = abs(corner.x() - prev.x()) + abs(corner.y() - prev.y())
        d2 = abs(nxt.x() - corner.x()) + abs(nxt.y() - corner.y())
        r = min(_CORNER, d1 / 2, d2 / 2)
        before = corner + (prev - corner) * (r / d1)
        after = corner + (nxt - corner) * (r / d2)
        path.lineTo(before)
        path.quadTo(corner, after)
    path.lineTo(clean[-1])
    return path


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
        path = arc.path = _arc_path(arc, min(7.0 + 5.0 * arc.level, 2.2 * line_height))
        tip = arc.tip = _tip(arc)
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
        _arrowhead(painter, tip, pen_color, arc.tip_up)
        arc.label_rect = None
    labelled = [arc for arc in arcs if arc.focused]
    if labelled:
        _place_labels(view, labelled, arcs, metrics, selected_relation)
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
    """The inked part of each visible line (from its left edge to the end of its text), top down."""
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


class _Room:
    """What a label must not cover: the visible lines' words (looked up by height), other
    labels, and other arcs (their strokes made only when a candidate comes near them).
    Rectangles are (left, top, right, bottom) tuples here: a label tries many places."""

    def __init__(self, view: "AnnotatedTextView", arcs: list[Arc]) -> None:
        text = _text_rects(view)
        self.text = [(r.left(), r.top(), r.right(), r.bottom()) for r in text]
        self.bottoms = [r[3] for r in self.text]
        self.arcs = [(a, a.path.boundingRect().adjusted(-2, -2, 2, 2)) for a in arcs if a.path is not None]
        self._strokes: dict[int, QPainterPath] = {}
        # The middles of blank lines (and of the margin above the first line) between words.
        self.gaps = [(above[3] + below[1]) / 2 for above, below in zip(self.text, self.text[1:])
                     if below[1] - above[3] > 8]
        self.taken: list[tuple[float, float, float, float]] = []

    def on_text(self, left: float, top: float, right: float, bottom: float) -> bool:
        text = self.text
        i = bisect.bisect_right(self.bottoms, top)
        while i < len(text) and text[i][1] < bottom:
            line = text[i]
            if line[0] < right and line[2] > left:
                return True
            i += 1
        return False

    def on_label(self, left: float, top: float, right: float, bottom: float) -> bool:
        return any(o[0] < right and o[2] > left and o[1] < bottom and o[3] > top for o in self.taken)

    def crossed(self, rect: QRectF, own: Arc) -> bool:
        for arc, bounds in self.arcs:
            if arc is own or not bounds.intersects(rect):
                continue
            stroke = self._strokes.get(id(arc))
            if stroke is None:
                stroker = QPainterPathStroker()
                stroker.setWidth(2.0)
                stroke = self._strokes[id(arc)] = stroker.createStroke(arc.path)  # type: ignore[arg-type]
            if stroke.intersects(rect):
                return True
        return False


def _candidates(arc: Arc, width: float, height: float, gaps: list[float]) -> Iterator[tuple[float, float]]:
    """Top-left corners for an arc's label, best first: on the arc, then just beside it (above,
    below, either side), then a little further off, along the arc from its middle outwards.
    Where a run goes along a blank line or the margin, also on the run at the gap's middle
    height; a routed arc also offers the blank lines its gutter lane passes, beside the lane.
    There a label sits clear of every word."""
    assert arc.path is not None
    points = [arc.path.pointAtPercent(t) for t in _ALONG]
    xy = [(p.x(), p.y()) for p in points]
    if arc.routed:
        runs = [(arc.target_run, arc.lane_x, arc.end.x()), (arc.head_run, arc.lane_x, arc.start.x())]
    elif arc.bridge is not None:
        runs = [(arc.bridge, arc.start.x(), arc.end.x())]
    else:
        runs = [(arc.start.y() - 6, arc.start.x(), arc.end.x())]
    for y, x1, x2 in runs:
        middle = min(gaps, key=lambda g: abs(g - y), default=None)
        if middle is not None and abs(middle - y) <= 10:
            xy += [(x1 + (x2 - x1) * f, middle) for f in (0.5, 0.3, 0.7, 0.1, 0.9, 0.0, 1.0)]
    if arc.routed:
        lo, hi = sorted((arc.head_run, arc.target_run))
        middle = (lo + hi) / 2
        passed = sorted((g for g in gaps if lo - 10 <= g <= hi + 10), key=lambda g: abs(g - middle))
        xy += [(arc.lane_x, y) for y in passed]
    half_w, half_h = width / 2, height / 2
    for dy in (0.0, -(half_h + 2), half_h + 2, -(height + 3), height + 3):
        for dx in (0.0, half_w + 3, -(half_w + 3), width + 6, -(width + 6)):
            for x, y in xy:
                yield x + dx - half_w, y + dy - half_h


def _place_labels(view: "AnnotatedTextView", arcs: list[Arc], every: list[Arc], metrics: QFontMetricsF,
                  selected_relation: int | None) -> None:
    """Each label near its own arc where it overlaps no other label, and where there is such a
    place, touches no words (a pixel apart at least) and is crossed by no other arc; else the
    best place found (no words, then no arcs, then on the arc); the clicked link's label is
    placed first, so it gets the best spot."""
    room: _Room | None = None  # read only if a label is drawn
    view_w, view_h = float(view.viewport().width()), float(view.viewport().height())
    height = metrics.height()
    for arc in sorted(arcs, key=lambda a: (a.relation.id != selected_relation, a.start.y(), a.start.x())):
        if arc.path is None:
            continue
        if room is None:
            room = _Room(view, every)
        width = metrics.horizontalAdvance(arc.relation.label) + 6
        chosen: QRectF | None = None
        best: int | None = None
        for x, y in _candidates(arc, width, height, room.gaps):
            if x < 0 or y < 0 or x + width > view_w or y + height > view_h:
                continue
            left, top, right, bottom = x - 1, y - 1, x + width + 1, y + height + 1  # a pixel apart
            if room.on_label(left, top, right, bottom):
                continue
            cost = 2 if room.on_text(left, top, right, bottom) else 0
            if best is not None and cost >= best:
                continue
            padded = QRectF(left, top, width + 2, height + 2)
            cost += 1 if room.crossed(padded, arc) else 0
            if best is None or cost < best:
                best, chosen = cost, QRectF(x, y, width, height)
            if cost == 0:
                break
        if chosen is None:  # no room anywhere: at the middle of the arc, as before
            point = arc.path.pointAtPercent(0.5)
            chosen = QRectF(point.x() - width / 2, point.y() - height / 2, width, height)
        arc.label_rect = chosen
        room.taken.append((chosen.left(), chosen.top(), chosen.right(), chosen.bottom()))


def _arrowhead(painter: QPainter, tip: QPointF, color: QColor, up: bool = False) -> None:
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPolygon(_arrow_polygon(tip, up))
    painter.restore()


def _tip(arc: Arc) -> QPointF:
    """Where the arrowhead points: the child's edge, or a little into its line when the arc's
    last run goes along that line's edge row (then the run itself is the way in)."""
    end = arc.end
    run = arc.bridge if arc.bridge is not None else (arc.target_run if arc.routed else None)
    if run is None or abs(run - end.y()) > 0.75:
        return end
    return QPointF(end.x(), end.y() - 2.0) if arc.tip_up else QPointF(end.x(), end.y() + 3.0)


def _arrow_polygon(tip: QPointF, up: bool = False) -> QPolygonF:
    back = 6 if up else -6
    return QPolygonF([tip, QPointF(tip.x() - 3.5, tip.y() + back), QPointF(tip.x() + 3.5, tip.y() + back)])


def arc_at(arcs: list[Arc], point: QPointF, over_span: bool = False) -> Relation | None:
    """The relation whose arc or label is under ``point`` (labels first: they are on top), the
    nearest arc where several pass (lanes in the gutter are a few pixels apart).
    ``over_span``: the point is on a span's words, which a click there usually means: only an
    arc passing right under the pointer (or its label) takes the click then."""
    for arc in reversed(arcs):
        if arc.label_rect is not None and arc.label_rect.contains(point):
            return arc.relation
    widths = (_TIGHT_HIT_WIDTH,) if over_span else _HIT_WIDTHS
    ordered = sorted(arcs, key=lambda a: not a.focused)  # focused arcs (drawn on top) first
    for width in widths:
        for arc in ordered:
            if arc.hit_path(point, width):
                return arc.relation
    for arc in reversed(arcs):
        if arc.label_rect is not None and arc.label_rect.adjusted(-2, -2, 2, 2).contains(point):
            return arc.relation
    return None
