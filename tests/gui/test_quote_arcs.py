"""Quotation links drawn as arcs: always there, clickable (a click selects the link, Delete
removes it, undo brings it back), hidden by View ▸ Quotation arcs."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QRegion

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
