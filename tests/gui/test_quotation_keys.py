"""Quotation keys over suggestions, with real mouse and key events; the database is read after
each step (and `goldspan check` runs on the project when the test ends, see conftest)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotation.model import ORIGIN_HUMAN, ORIGIN_MODEL, Unit
from annotation.store import Store
from tests.gui.gui_helpers import ARTICLE, add_article, add_suggestion
from tests.gui.test_annotated_text import click, drag

Q0, Q1 = ARTICLE.index("We will"), ARTICLE.index("by May") + len("by May")
SHE = ARTICLE.index("she said")


def _suggested_quotation(store: Store, doc: int) -> dict[str, int]:
    """A model quotation, as pre-annotation writes it: QUOTE -> SOURCE "she", QUOTE -> CUE "said"."""
    quote = add_suggestion(store, doc, Q0, Q1, "QUOTE", "tester")
    return {"QUOTE": quote,
            "SOURCE": add_suggestion(store, doc, SHE, SHE + 3, "SOURCE", "tester", quote=quote),
            "CUE": add_suggestion(store, doc, SHE + 4, SHE + 8, "CUE", "tester", quote=quote)}


def _spans(store: Store, doc: int, label: str) -> list[tuple[int | None, str]]:
    return [(s.id, s.origin) for s in store.spans(doc, "tester") if s.label == label]


def _links(store: Store, doc: int) -> set[tuple[int, int, str]]:
    return {(r.head_id, r.child_id, r.label) for r in store.relations(doc, "tester")}


def test_s_and_v_over_identical_suggestions_confirm_them(qtbot, store, session, view):
    doc = add_article(store)
    ids = _suggested_quotation(store, doc)
    links = _links(store, doc)
    view.set_unit(Unit(doc))
    click(qtbot, view, Q0 + 3)  # the suggested QUOTE: the quotation being built
    assert view.quote_anchor() == ids["QUOTE"]
    drag(qtbot, view, SHE + 1, SHE + 2)  # snaps to "she", exactly the suggested SOURCE
    qtbot.keyClick(view, "s")
    assert _spans(store, doc, "SOURCE") == [(ids["SOURCE"], ORIGIN_HUMAN)]  # confirmed, not a second span
    drag(qtbot, view, SHE + 5, SHE + 7)
    qtbot.keyClick(view, "v")
    assert _spans(store, doc, "CUE") == [(ids["CUE"], ORIGIN_HUMAN)]
    assert _links(store, doc) == links  # linked already: no second link
    session.undo_stack.undo()
    assert _spans(store, doc, "CUE") == [(ids["CUE"], ORIGIN_MODEL)]
    session.undo_stack.undo()
    assert _spans(store, doc, "SOURCE") == [(ids["SOURCE"], ORIGIN_MODEL)]
    session.undo_stack.redo()
    assert _spans(store, doc, "SOURCE") == [(ids["SOURCE"], ORIGIN_HUMAN)]


def test_s_on_a_selected_suggested_source_confirms_it(qtbot, store, session, view):
    doc = add_article(store)
    ids = _suggested_quotation(store, doc)
    view.set_unit(Unit(doc))
    click(qtbot, view, SHE + 1)
    assert view.selected_span_id() == ids["SOURCE"]
    qtbot.keyClick(view, "s")
    assert _spans(store, doc, "SOURCE") == [(ids["SOURCE"], ORIGIN_HUMAN)]


def test_s_for_a_new_quote_over_a_suggested_source_shares_it(qtbot, store, session, view):
    """A second quotation by the same speaker: its SOURCE is the suggested one, linked twice."""
    doc = add_article(store)
    ids = _suggested_quotation(store, doc)
    view.set_unit(Unit(doc))
    critics = ARTICLE.index("Critics")
    drag(qtbot, view, critics + 1, ARTICLE.index("disagreed") + 3)
    qtbot.keyClick(view, "q")
    new_quote = view.quote_anchor()
    assert new_quote is not None and new_quote != ids["QUOTE"]
    drag(qtbot, view, SHE + 1, SHE + 2)
    qtbot.keyClick(view, "s")
    assert _spans(store, doc, "SOURCE") == [(ids["SOURCE"], ORIGIN_HUMAN)]
    assert {(h, c) for h, c, label in _links(store, doc) if label == "source"} == {
        (ids["QUOTE"], ids["SOURCE"]), (new_quote, ids["SOURCE"])}


def test_a_source_is_not_made_without_its_quote(qtbot, store, session, view):
    doc = add_article(store)
    view.set_unit(Unit(doc))
    messages: list[str] = []
    view.message.connect(messages.append)
    drag(qtbot, view, SHE + 1, SHE + 2)
    qtbot.keyClick(view, "s")
    assert _spans(store, doc, "SOURCE") == []
    assert any("QUOTE" in m for m in messages)


def test_delete_key_on_a_quote_takes_its_parts_and_undo_brings_them_back(qtbot, store, session, view):
    doc = add_article(store)
    ids = _suggested_quotation(store, doc)
    before = sorted((s.id, s.start, s.end, s.label, s.origin) for s in store.spans(doc))
    links = _links(store, doc)
    view.set_unit(Unit(doc))
    click(qtbot, view, Q0 + 3)
    assert view.selected_span_id() == ids["QUOTE"]
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert store.spans(doc) == [] and store.relations(doc) == []
    assert view.span_index.placed == {}
    session.undo_stack.undo()
    assert sorted((s.id, s.start, s.end, s.label, s.origin) for s in store.spans(doc)) == before
    assert _links(store, doc) == links
    assert set(view.span_index.placed) == set(ids.values())


def test_a_label_key_over_the_annotators_own_identical_span_changes_nothing(qtbot, store, session, view):
    doc = add_article(store)
    view.set_unit(Unit(doc))
    drag(qtbot, view, Q0 + 1, Q1 - 1)
    qtbot.keyClick(view, "q")
    quote = [(s.id, s.start, s.end) for s in store.spans(doc)]
    assert quote == [(quote[0][0], Q0, Q1)]
    steps = session.undo_stack.count()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    drag(qtbot, view, Q0 + 1, Q1 - 2)  # the same words again (quotes may overlap, so only identity stops it)
    qtbot.keyClick(view, "q")
    assert [(s.id, s.start, s.end) for s in store.spans(doc)] == quote  # no second QUOTE
    assert session.undo_stack.count() == steps  # and no empty undo step
    assert view.selected_span_id() == quote[0][0]


def test_the_confirmed_suggestion_is_selected(qtbot, store, session, view):
    doc = add_article(store)
    ids = _suggested_quotation(store, doc)
    view.set_unit(Unit(doc))
    click(qtbot, view, Q0 + 3)
    drag(qtbot, view, SHE + 1, SHE + 2)
    qtbot.keyClick(view, "s")
    assert view.selected_span_id() == ids["SOURCE"]
    assert not view.textCursor().hasSelection()
