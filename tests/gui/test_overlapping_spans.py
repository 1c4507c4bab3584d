"""Spans on the same or overlapping words all stay visible and reachable: a SOURCE on the very
words of a PERSON, a QUOTE nested in another, a CUE over an entity. Each is drawn its own way
(fill, stacked underline, margin bar, a notch where spans coincide), a click selects one and
clicking again the next, and the database says the one reached is the one edited."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainterPathStroker

from annotation.model import Unit
from annotation.store import Store
from gui import colors
from gui.session import Session
from gui.views.annotated_text import AnnotatedTextView
from gui.views.span_overlay import line_rects
from tests.gui.dense_quotes import WHO, Dense, build


@pytest.fixture
def dense(tmp_path) -> Dense:  # type: ignore[no-untyped-def]
    return build(tmp_path / "dense.db")


@pytest.fixture
def dense_view(dense, qtbot):  # type: ignore[no-untyped-def]
    store = Store.open(dense.path)
    widget = AnnotatedTextView(Session(store, WHO))
    widget.resize(820, 420)
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.set_unit(Unit(dense.doc))
    widget.viewport().repaint()
    yield widget
    store.close()


def _rects(view: AnnotatedTextView, span_id: int):  # type: ignore[no-untyped-def]
    placed = view.span_index.placed[span_id]
    return line_rects(view, span_id, placed.start, placed.end)


def _image(view: AnnotatedTextView) -> QImage:
    view.viewport().repaint()
    return view.viewport().grab().toImage()


def _rows_of(image: QImage, x: int, top: int, bottom: int, color: QColor) -> list[int]:
    """Rows in column ``x`` whose pixel is ``color`` (give or take antialiasing)."""
    def near(c: QColor) -> bool:
        return abs(c.red() - color.red()) + abs(c.green() - color.green()) + abs(c.blue() - color.blue()) < 40
    return [y for y in range(max(0, top), min(image.height(), bottom)) if near(image.pixelColor(x, y))]


def _runs(rows: list[int]) -> int:
    return sum(1 for i, y in enumerate(rows) if i == 0 or rows[i - 1] != y - 1)


def _near(path, point: QPointF) -> bool:  # type: ignore[no-untyped-def]
    stroker = QPainterPathStroker()
    stroker.setWidth(3.0)
    return stroker.createStroke(path).contains(point)


def _click_middle(qtbot, view: AnnotatedTextView, span_id: int) -> None:  # type: ignore[no-untyped-def]
    rect = _rects(view, span_id)[0]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(rect.center().x()), int(rect.center().y())))


def test_a_source_on_a_persons_words_is_drawn_both_ways_and_each_is_reached_by_clicking(qtbot, dense, dense_view):
    view, store = dense_view, dense_view.session.store
    person, source = dense.ids["jane"], dense.ids["q1_source"]
    assert (store.span(person).start, store.span(person).end) == (store.span(source).start, store.span(source).end)
    # The PERSON is the fill and the SOURCE its bold type (character formats) ...
    start = view.span_index.placed[person].start
    block = view.document().findBlock(start)
    ranges = block.layout().formats()  # kept alive: each range's format belongs to it
    fmt = next(r.format for r in ranges if r.start <= start - block.position() < r.start + r.length)
    assert fmt.background().color() == colors.fill(view.label_color("PERSON"))
    assert fmt.fontWeight() > 400
    # ... and the SOURCE has its own underline and a notch says two spans share these words.
    image = _image(view)
    marks = {(m.span_id, m.kind) for m in view.painted_marks}
    assert (source, "underline") in marks
    assert (person, "twin") in marks or (source, "twin") in marks
    rect = _rects(view, person)[0]
    underline = colors.line_color(view.label_color("SOURCE"), view.is_dark())
    fill = colors.fill(view.label_color("PERSON"))
    column = int(rect.left()) + 3
    assert _rows_of(image, column, int(rect.top()), int(rect.bottom()) + 3, underline)
    assert _rows_of(image, column, int(rect.top()), int(rect.bottom()), fill)
    # A click selects one of them, clicking again the other, then the first again; the status
    # bar says there are two and which comes next.
    reached, said = [], []
    view.message.connect(said.append)
    for _ in range(3):
        _click_middle(qtbot, view, person)
        reached.append(view.selected_span_id())
    assert set(reached[:2]) == {person, source} and reached[2] == reached[0]
    assert said[0] == "PERSON selected (1 of 2 spans here): click again for SOURCE"
    assert said[1] == "SOURCE selected (2 of 2 spans here): click again for PERSON"
    assert view.selected_relation_id() is None  # an arc landing on the words did not take the click
    # The one reached is the one edited: with the SOURCE selected, Delete removes it, not the PERSON.
    while view.selected_span_id() != source:
        _click_middle(qtbot, view, person)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    left = {s.id for s in store.spans(dense.doc, WHO)}
    assert person in left and source not in left


def test_a_quote_nested_in_another_gets_its_own_underline_and_bar(qtbot, dense, dense_view):
    view = dense_view
    outer, inner = dense.ids["q6"], dense.ids["q7"]
    image = _image(view)
    # On screen: two teal underlines under the nested words, one under the outer quote's others.
    teal = colors.line_color(view.label_color("QUOTE"), view.is_dark())
    nested = _rects(view, inner)[0]
    column = int(nested.left()) + 4
    assert _runs(_rows_of(image, column, int(nested.center().y()), int(nested.bottom()) + 6, teal)) == 2
    first_outer = _rects(view, outer)[0]
    column = int(first_outer.center().x())
    assert _runs(_rows_of(image, column, int(first_outer.center().y()), int(first_outer.bottom()) + 6, teal)) == 1
    # Two bars in the margin beside the nested lines.
    y = int(nested.center().y())
    assert _runs([x for x in range(0, 12) if _rows_of(image, x, y, y + 1, teal)]) == 2
    # The overlay's record of it: the inner quote's underline one step out, its own bar.
    marks = [m for m in view.painted_marks if m.span_id in (outer, inner)]
    underlines = {(m.span_id, m.slot) for m in marks if m.kind == "underline"}
    bars = {m.span_id: m.rect for m in marks if m.kind == "bar"}
    assert {slot for span, slot in underlines if span == outer} == {0}
    assert {slot for span, slot in underlines if span == inner} == {1}
    assert set(bars) == {outer, inner} and not bars[outer].intersects(bars[inner])
    # A click on the nested words selects the inner quote, again the outer one.
    _click_middle(qtbot, view, inner)
    assert view.selected_span_id() == inner
    _click_middle(qtbot, view, inner)
    assert view.selected_span_id() == outer


def test_a_cue_over_an_entity_suggestion_shows_both_and_reaches_both(qtbot, dense, dense_view):
    view, store = dense_view, dense_view.session.store
    entity, cue = dense.ids["reuters"], dense.ids["q3_cue"]
    _image(view)
    kinds = {(m.span_id, m.kind) for m in view.painted_marks}
    assert (entity, "box") in kinds and (cue, "underline") in kinds
    reached = []
    for _ in range(2):
        _click_middle(qtbot, view, entity)
        reached.append(view.selected_span_id())
    assert reached == [entity, cue]
    # Enter on the entity suggestion (selected by one more click) accepts it: the CUE is untouched.
    _click_middle(qtbot, view, entity)
    assert view.selected_span_id() == entity
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert store.span(entity).origin == "human" and store.span(cue).label == "CUE"


def test_words_under_an_arc_still_select_their_span(qtbot, dense, dense_view):
    """Arcs run over the line above their spans: a click on a span's words there selects the span,
    unless it is right on the arc."""
    view = dense_view
    found = None
    for arc in view.painted_arcs:
        for i in range(1, 40):
            point = QPointF((arc.path.pointAtPercent(i / 40) + QPointF(0, 3)).toPoint())  # where the click lands
            hits = view.span_index.at(view.cursorForPosition(point.toPoint()).position())
            on_words = [p for p in hits if any(r.contains(point) for r in _rects(view, p.span.id))]
            others_near = any(_near(other.path, point) for other in view.painted_arcs)
            if on_words and not others_near:
                found = (point, {p.span.id for p in on_words})
                break
        if found:
            break
    assert found is not None, "the dense paragraph has an arc over a span's words"
    point, ids = found
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert view.selected_relation_id() is None and view.selected_span_id() in ids



def test_deleting_the_nested_quote_leaves_the_outer_one_drawn_and_undo_brings_both_back(qtbot, dense, dense_view):
    view, store = dense_view, dense_view.session.store
    outer, inner = dense.ids["q6"], dense.ids["q7"]
    teal = colors.line_color(view.label_color("QUOTE"), view.is_dark())
    nested = _rects(view, inner)[0]
    column, top, bottom = int(nested.left()) + 4, int(nested.center().y()), int(nested.bottom()) + 6
    _click_middle(qtbot, view, inner)
    assert view.selected_span_id() == inner
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert inner not in {s.id for s in store.spans(dense.doc, WHO)}
    assert _runs(_rows_of(_image(view), column, top, bottom, teal)) == 1
    assert {m.slot for m in view.painted_marks if m.span_id == outer and m.kind == "underline"} == {0}
    view.session.undo_stack.undo()  # Edit > Undo (the window's Ctrl+Z; this view has no window)
    assert inner in {s.id for s in store.spans(dense.doc, WHO)}
    assert _runs(_rows_of(_image(view), column, top, bottom, teal)) == 2
