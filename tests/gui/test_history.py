"""Undo history rebuilt from the edit log after a restart, redo tail included."""
from __future__ import annotations

from annotation.commands import AddSpan
from annotation.model import ENTITY, Span
from annotation.store import Store
from gui.history import rebuild_undo_stack
from gui.session import Session
from tests.gui.gui_helpers import add_article


def _span(doc: int, start: int, end: int) -> AddSpan:
    return AddSpan(Span(None, doc, None, start, end, "PERSON", ENTITY, "tester"))


def test_restart_keeps_undo_and_redo(qtbot, project):
    store = Store.open(project)
    doc = add_article(store)
    session = Session(store, "tester")
    assert session.push(_span(doc, 0, 5))
    assert session.push(_span(doc, 6, 11))
    session.undo_stack.undo()  # the second span is undone: redo must survive the restart
    assert [s.start for s in store.spans(doc)] == [0]
    store.close()

    store = Store.open(project)
    session = Session(store, "tester")
    assert rebuild_undo_stack(session) == 2
    assert (session.undo_stack.count(), session.undo_stack.index()) == (2, 1)
    assert [s.start for s in store.spans(doc)] == [0]  # rebuilding changed nothing
    session.undo_stack.redo()
    assert [s.start for s in store.spans(doc)] == [0, 6]
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert store.spans(doc) == []
    session.undo_stack.redo()
    assert [s.start for s in store.spans(doc)] == [0]
    store.close()


def test_bulk_job_in_the_log_is_a_barrier(qtbot, project):
    store = Store.open(project)
    doc = add_article(store)
    session = Session(store, "tester")
    session.push(_span(doc, 0, 5))
    with store.transaction():
        store.log_bulk("tester", "import", {"file": "x"})
    session.push(_span(doc, 6, 11))
    store.close()
    store = Store.open(project)
    session = Session(store, "tester")
    assert rebuild_undo_stack(session) == 1  # only the edit after the import
    store.close()
