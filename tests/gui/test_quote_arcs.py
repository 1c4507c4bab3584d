"""Quotation links drawn as arcs: always there, clickable (a click selects the link, Delete
removes it, undo brings it back), hidden by View ▸ Quotation arcs."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

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
