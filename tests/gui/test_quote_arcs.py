"""Quotation links drawn as arcs: always there, clickable (a click selects the link, Delete
removes it, undo brings it back), hidden by View ▸ Quotation arcs."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPathStroker, QRegion

from annotation.commands import NEW_SPAN, AddRelation, AddSpan
from annotation.model import ENTITY, ORIGIN_HUMAN, QUOTE_LAYER, Relation, Span
from annotation.store import Store
from gui.app import open_window
from tests.gui.gui_helpers import ARTICLE, add_article


def _quotation_project(path):  # type: ignore[no-untyped-def]
    """The article with a PERSON, a QUOTE, its SOURCE "she" and CUE "said", and she → Maria."""
    store = Store.create(path)
    try:
        doc = add_article(store)
        who = "tester"

        def span(start: int, end: int, label: str, layer: str) -> Span:
            return Span(None, doc, None, start, end, label, layer, who, ORIGIN_HUMAN)

        _, changes = store.apply(AddSpan(span(0, 11, "PERSON", ENTITY)), who)
        person = next(iter(changes.spans))
        q0 = ARTICLE.index("We will")
        _, changes = store.apply(AddSpan(span(q0, ARTICLE.index(",\" she"), "QUOTE", QUOTE_LAYER)), who)
        quote = next(iter(changes.spans))
        she, said = ARTICLE.index("she said"), ARTICLE.index("said.")
        _, changes = store.apply(AddSpan(span(she, she + 3, "SOURCE", QUOTE_LAYER),
                                         (Relation(None, doc, quote, NEW_SPAN, "source", who),)), who)
        source = min(changes.spans)
        store.apply(AddSpan(span(said, said + 4, "CUE", QUOTE_LAYER),
                            (Relation(None, doc, quote, NEW_SPAN, "cue", who),)), who)
        store.apply(AddRelation(Relation(None, doc, source, person, "coref", who)), who)
    finally:
        store.close()
    return path


def _window(qtbot, path):  # type: ignore[no-untyped-def]
    window = open_window(path, "tester")
    assert window is not None
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.article.viewport().repaint()
    return window


def _arc(view, label):  # type: ignore[no-untyped-def]
    return next(a for a in view.painted_arcs if a.relation.label == label)


def test_arcs_drawn_clicked_deleted_and_undone(qtbot, tmp_path):
    window = _window(qtbot, _quotation_project(tmp_path / "q.db"))
    view = window.article
    store = window.session.store
    doc = window.session.current_document
    assert sorted(a.relation.label for a in view.painted_arcs) == ["coref", "cue", "source"]
    coref = _arc(view, "coref")
    point = coref.path.pointAtPercent(0.35)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert view.selected_relation_id() == coref.relation.id
    assert view.selected_span_id() == coref.relation.child_id  # the inspector shows its end
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "coref" not in {r.label for r in store.relations(doc, "tester")}
    assert len(store.spans(doc, "tester")) == 4  # the link went, not a span
    view.viewport().repaint()
    assert sorted(a.relation.label for a in view.painted_arcs) == ["cue", "source"]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "coref" in {r.label for r in store.relations(doc, "tester")}
    view.viewport().repaint()
    assert sorted(a.relation.label for a in view.painted_arcs) == ["coref", "cue", "source"]
    # A click on a source arc selects it; deleting the QUOTE's source link is refused, whole.
    source = _arc(view, "source")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=source.path.pointAtPercent(0.5).toPoint())
    assert view.selected_relation_id() == source.relation.id
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "source" in {r.label for r in store.relations(doc, "tester")}
    window.close()
    store.close()


def test_view_toggle_hides_arcs_and_clicks_fall_through(qtbot, tmp_path):
    window = _window(qtbot, _quotation_project(tmp_path / "q.db"))
    view = window.article
    store = window.session.store
    cue = _arc(view, "cue")
    point: QPointF = cue.path.pointAtPercent(0.5)
    window.arcs_action.trigger()  # View ▸ Quotation arcs, off
    view.viewport().repaint()
    assert view.painted_arcs == []
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert view.selected_relation_id() is None
    window.arcs_action.trigger()
    view.viewport().repaint()
    assert len(view.painted_arcs) == 3
    window.close()
    store.close()


def _dense_window(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from tests.gui.dense_quotes import build

    dense = build(tmp_path / "dense.db")
    window = _window(qtbot, dense.path)
    window.article.viewport().repaint()
    return window, dense


def test_labels_of_a_dense_paragraph_never_overlap_and_the_selected_quotation_stands_out(qtbot, tmp_path):
    """Six quotations in two paragraphs (a nested one, a shared SOURCE, two corefs): whichever is
    selected, its arcs' labels are all drawn, none on another, and only its arcs are bold."""
    window, dense = _dense_window(qtbot, tmp_path)
    view = window.article
    quotes = [dense.ids[name] for name in ("q1", "q2", "q3", "q3b", "q4", "q5", "q6", "q7")]
    try:
        for quote in quotes:
            view.select_span(quote, scroll=False)
            view.viewport().repaint()
            group = view.selected_group()
            own = [a for a in view.painted_arcs if a.relation.head_id in group or a.relation.child_id in group]
            labels = [a.label_rect for a in view.painted_arcs if a.label_rect is not None]
            for i, one in enumerate(labels):
                for other in labels[i + 1:]:
                    assert not one.intersects(other), (quote, one, other)
            assert {a.relation.id for a in view.painted_arcs if a.label_rect is not None} == {a.relation.id for a in own}
            assert all(view.viewport().rect().contains(r.toRect()) for r in labels)
            assert all(a.focused == (a in own) for a in view.painted_arcs)
    finally:
        _close(window)


def test_a_coref_arc_to_a_person_under_a_source_has_its_own_arrowhead_and_takes_its_click(qtbot, tmp_path):
    """"she" → Jane Roe (PERSON) lands on the very words the quote's SOURCE arc lands on."""
    window, dense = _dense_window(qtbot, tmp_path)
    view, store = window.article, window.session.store
    try:
        def arcs():  # type: ignore[no-untyped-def]
            return {(a.relation.label, a.relation.child_id): a for a in view.painted_arcs}

        coref_key, source_key = ("coref", dense.ids["jane"]), ("source", dense.ids["q1_source"])
        assert abs(arcs()[coref_key].end.x() - arcs()[source_key].end.x()) >= 6  # two arrowheads, side by side
        for key in (coref_key, source_key, coref_key):
            arc = arcs()[key]
            tip = arc.end + QPointF(0, -2)
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=tip.toPoint())
            assert view.selected_relation_id() == arc.relation.id
            assert view.selected_span_id() == arc.relation.child_id  # the PERSON for the coref
            view.viewport().repaint()
        qtbot.keyClick(view, Qt.Key.Key_Delete)
        assert not any(r.label == "coref" and r.child_id == dense.ids["jane"]
                       for r in store.relations(dense.doc, "tester"))
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert any(r.label == "coref" and r.child_id == dense.ids["jane"] for r in store.relations(dense.doc, "tester"))
    finally:
        _close(window)


def _close(window) -> None:  # type: ignore[no-untyped-def]
    store = window.session.store
    window.close()
    store.close()


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.region = QRegion()

    def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.region += event.region()
        return False


def _covered(region: QRegion, rect) -> bool:  # type: ignore[no-untyped-def]
    """The whole of ``rect`` (within the viewport) was repainted (QRegion.contains only overlaps)."""
    return (QRegion(rect) - region).isEmpty()


def test_hovering_or_selecting_a_quotation_repaints_its_labels_and_arcs_wherever_they_sit(qtbot, tmp_path):
    """Labels may sit in another block than their spans (the gap above a paragraph, the line
    above): a hover or a click that labels or unlabels a quotation repaints them there too, so
    no pill is left behind on the screen and none is missing."""
    window, dense = _dense_window(qtbot, tmp_path)
    view = window.article
    try:
        view.select_span(None)
        view.viewport().repaint()
        paints = _Paints()
        view.viewport().installEventFilter(paints)
        quote = dense.ids["q5"]
        rect = view.span_index.placed[quote]
        from gui.views.span_overlay import line_rects

        middle = line_rects(view, quote, rect.start, rect.end)[0].center().toPoint()
        qtbot.mouseMove(view.viewport(), QPoint(1, 1))  # the pointer may already be there from an earlier test: no move, no hover
        QCoreApplication.processEvents()
        paints.region = QRegion()
        qtbot.mouseMove(view.viewport(), middle)
        qtbot.waitUntil(lambda: not paints.region.isEmpty())
        QCoreApplication.processEvents()
        labelled = [a for a in view.painted_arcs if a.label_rect is not None]
        assert labelled
        for arc in labelled:
            assert _covered(paints.region, arc.label_rect.toAlignedRect()), arc.relation.label
            assert _covered(paints.region, arc.path.boundingRect().toAlignedRect()), arc.relation.label
        shown = [a.label_rect.toAlignedRect() for a in labelled]
        paints.region = QRegion()
        qtbot.mouseMove(view.viewport(), QPoint(view.viewport().width() - 5, view.viewport().height() - 5))
        QCoreApplication.processEvents()
        for label in shown:  # the pills that went are painted over
            assert _covered(paints.region, label)
        paints.region = QRegion()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=middle)  # select it
        assert view.selected_span_id() == quote
        QCoreApplication.processEvents()
        labelled = [a for a in view.painted_arcs if a.label_rect is not None]
        assert labelled and all(_covered(paints.region, a.label_rect.toAlignedRect()) for a in labelled)
        view.viewport().removeEventFilter(paints)
    finally:
        _close(window)


# -- arcs between lines: through the gutter, never across the words ------------------------------

def _dense_view(qtbot, tmp_path, width: int = 820):  # type: ignore[no-untyped-def]
    """The dense project in a bare text view (820 pixels wide: the long quotation wraps, the
    last paragraph follows a blank line; 500: every paragraph wraps, more links span lines)."""
    from annotation.model import Unit
    from gui.session import Session
    from gui.views.annotated_text import AnnotatedTextView
    from tests.gui.dense_quotes import WHO, build

    dense = build(tmp_path / "dense.db")
    store = Store.open(dense.path)
    view = AnnotatedTextView(Session(store, WHO))
    view.resize(width, 420)
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    view.set_unit(Unit(dense.doc))
    view.viewport().repaint()
    return view, dense, store


def _text_lines(view) -> list[QRectF]:  # type: ignore[no-untyped-def]
    """Every visible line's words, from the document's layout (viewport coordinates)."""
    out = []
    block = view.document().firstBlock()
    offset = view.contentOffset()
    while block.isValid():
        top_left = view.blockBoundingGeometry(block).translated(offset).topLeft()
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.naturalTextWidth() > 0:
                out.append(QRectF(top_left.x() + line.x(), top_left.y() + line.y(),
                                  line.naturalTextWidth(), line.height()))
        block = block.next()
    return out


def _stroke(path, width: float = 1.0):  # type: ignore[no-untyped-def]
    stroker = QPainterPathStroker()
    stroker.setWidth(width)
    return stroker.createStroke(path)


def _between(view, arc) -> list[QRectF]:  # type: ignore[no-untyped-def]
    """The lines of words between an arc's two ends (none: on one line, or next lines)."""
    upper, lower = sorted((arc.near, arc.target), key=lambda r: r.top())
    return [r for r in _text_lines(view) if r.top() >= upper.bottom() - 0.5 and r.bottom() <= lower.top() + 0.5]


def _across(view):  # type: ignore[no-untyped-def]
    """The painted arcs with lines of words between their two ends."""
    return [a for a in view.painted_arcs if abs(a.near.top() - a.target.top()) >= 2 and _between(view, a)]


def _gutter_x(view, arc) -> float | None:  # type: ignore[no-untyped-def]
    """Where the arc runs up or down left of the text, if it does."""
    text_left = min(r.left() for r in _text_lines(view))
    xs = {round(arc.path.pointAtPercent(i / 400).x(), 1) for i in range(401)
          if arc.path.pointAtPercent(i / 400).x() < text_left - 1}
    ys = [arc.path.pointAtPercent(i / 400).y() for i in range(401)
          if arc.path.pointAtPercent(i / 400).x() < text_left - 1]
    if not ys or max(ys) - min(ys) < 5:
        return None
    return min(xs)


@pytest.mark.parametrize("width", [820, 500])
def test_an_arc_across_paragraphs_never_crosses_the_lines_between_its_ends(qtbot, tmp_path, width):
    """"he" (after a blank line) → Mark Poe two paragraphs up, "she" → Ann Lee three lines up:
    the path touches no line of words between its two ends (a line's rectangle shares its edge
    with the next one: the run along the gap above a line may use that edge)."""
    view, dense, store = _dense_view(qtbot, tmp_path, width)
    try:
        across = _across(view)
        corefs = {(a.relation.head_id, a.relation.child_id) for a in across if a.relation.label == "coref"}
        assert (dense.ids["q8_source"], dense.ids["mark"]) in corefs  # across paragraphs
        assert (dense.ids["q6_source"], dense.ids["ann"]) in corefs
        for arc in across:
            stroke = _stroke(arc.path)
            for line in _between(view, arc):
                assert not stroke.intersects(line.adjusted(0, 0.5, 0, -0.5)), (arc.relation, line)
    finally:
        store.close()


@pytest.mark.parametrize("width", [820, 500])
def test_arcs_between_lines_each_run_in_a_lane_of_their_own(qtbot, tmp_path, width):
    """Arcs whose stretches in the gutter overlap in height are side by side there, never on top
    of each other, and none runs through the quotation bars."""
    from gui.views.span_overlay import BAR_STEP, BAR_WIDTH, BAR_X, MAX_STACK

    view, dense, store = _dense_view(qtbot, tmp_path, width)
    try:
        lanes = []
        for arc in _across(view):
            x = _gutter_x(view, arc)
            assert x is not None, arc.relation  # it goes by the gutter
            assert x > BAR_X + (MAX_STACK - 1) * BAR_STEP + BAR_WIDTH / 2, arc.relation
            ys = [arc.path.pointAtPercent(i / 400).y() for i in range(401)
                  if abs(arc.path.pointAtPercent(i / 400).x() - x) < 0.3]
            lanes.append((x, min(ys), max(ys), arc.relation))
        assert len(lanes) >= 2
        overlapping = 0
        for i, (x, top, bottom, relation) in enumerate(lanes):
            for x2, top2, bottom2, relation2 in lanes[i + 1:]:
                if top < bottom2 and top2 < bottom:
                    overlapping += 1
                    assert abs(x - x2) >= 2, (relation, relation2)
        assert overlapping >= 1
    finally:
        store.close()


@pytest.mark.parametrize("width", [820, 500])
def test_a_click_on_an_arcs_gutter_lane_selects_its_relation(qtbot, tmp_path, width):
    """A real click in the gutter, on the middle of each arc's lane, selects that arc's link
    (lanes are a few pixels apart: the nearest takes it), and its child span."""
    view, dense, store = _dense_view(qtbot, tmp_path, width)
    try:
        targets = []
        for arc in _across(view):
            x = _gutter_x(view, arc)
            assert x is not None, arc.relation  # it goes by the gutter
            ys = [arc.path.pointAtPercent(i / 400).y() for i in range(401)
                  if abs(arc.path.pointAtPercent(i / 400).x() - x) < 0.3]
            targets.append((QPoint(round(x), round((min(ys) + max(ys)) / 2)), arc.relation))
        assert len(targets) >= 2
        for point, relation in targets + targets[:1]:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
            assert view.selected_relation_id() == relation.id, (point, relation)
            assert view.selected_span_id() == relation.child_id
            view.viewport().repaint()
    finally:
        store.close()


def test_labels_keep_clear_of_the_words_and_other_arcs_where_there_is_room(qtbot, tmp_path):
    """The first line's quotations have the margin above them, the last paragraph a blank line
    and the gutter: every label of theirs stays a pixel clear of every line of words, and no
    other arc runs through the first line's labels (in the blank line, the coref's run and the
    CUE's hump enclosing the SOURCE's leave the SOURCE's label no such place near its arc)."""
    view, dense, store = _dense_view(qtbot, tmp_path)
    try:
        lines = _text_lines(view)
        for name in ("q1", "q2", "q8", "q8_source"):
            view.select_span(dense.ids[name], scroll=False)
            view.viewport().repaint()
            labelled = [a for a in view.painted_arcs if a.label_rect is not None]
            assert labelled, name
            for arc in labelled:
                clear = arc.label_rect.adjusted(-1, -1, 1, 1)
                assert not any(clear.intersects(line) for line in lines), (name, arc.relation.label, arc.label_rect)
                for other in view.painted_arcs if name in ("q1", "q2") else []:  # room beside their humps
                    if other is not arc:
                        crossing = _stroke(other.path).intersects(clear)
                        assert not crossing, (name, arc.relation.label, other.relation.label)
    finally:
        store.close()
