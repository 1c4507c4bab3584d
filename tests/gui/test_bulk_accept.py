"""Accept-all of many suggestions is one statement and one undo step, from the keyboard, and
the edit log restores it after a restart (timings live in bench/gui_bench.py, not here)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotation.commands import Command, SetOrigins
from annotation.model import ORIGIN_HUMAN, ORIGIN_MODEL
from annotation.store import Store
from gui.app import open_window
from tests.gui.gui_helpers import add_article

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()


def _project(path: Path, n: int = 600) -> Path:
    """One article of ``n`` words, each an entity suggestion (more than the view's bulk threshold)."""
    from annotation.commands import Batch

    text = " ".join(WORDS[i % len(WORDS)] for i in range(n))
    store = Store.create(path)
    try:
        doc = add_article(store, text, "Many")
        commands = []
        position = 0
        from annotation.model import ENTITY, Span

        for i in range(n):
            word = WORDS[i % len(WORDS)]
            commands.append(_add(Span(None, doc, None, position, position + len(word), "ORG", ENTITY, "tester",
                                      ORIGIN_MODEL, model="test 1")))
            position += len(word) + 1
        store.apply(Batch(tuple(commands), "setup"), "tester")
    finally:
        store.close()
    return path


def _add(span):  # type: ignore[no-untyped-def]
    from annotation.commands import AddSpan

    return AddSpan(span)


def _window(qtbot, path: Path):  # type: ignore[no-untyped-def]
    window = open_window(path, "tester")
    assert window is not None
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def _origins(store: Store, doc: int) -> set[str]:
    return {s.origin for s in store.spans(doc, "tester")}


def test_accept_all_and_undo_from_the_keyboard(qtbot, tmp_path):
    path = _project(tmp_path / "many.db")
    window = _window(qtbot, path)
    store = window.session.store
    doc = window.session.current_document
    view = window.article
    assert len(view.span_index.placed) == 600
    view.select_span(next(iter(view.span_index.placed)))
    steps = window.session.undo_stack.count()  # the setup batch is restored from the edit log
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert _origins(store, doc) == {ORIGIN_HUMAN}
    assert window.session.undo_stack.count() == steps + 1  # one undo step
    assert "600" in window.session.undo_stack.undoText()
    assert window.statusBar().currentMessage().startswith("Accepted 600 suggestions")
    # the view shows the accepted spans (no dashed suggestion left) and keeps its selection
    assert not any(p.span.is_suggestion for p in view.span_index.placed.values())
    assert view.selected_span() is not None
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _origins(store, doc) == {ORIGIN_MODEL}
    assert window.statusBar().currentMessage() == "Undid: Accept 600 suggestions"
    assert all(p.span.is_suggestion for p in view.span_index.placed.values())
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert _origins(store, doc) == {ORIGIN_HUMAN}
    window.close()
    store.close()
    # After a restart the step is still there to take back.
    window = _window(qtbot, path)
    store = window.session.store
    window.undo()
    assert _origins(store, doc) == {ORIGIN_MODEL}
    window.close()
    store.close()


def test_set_origins_round_trips_through_the_edit_log(tmp_path):
    command = SetOrigins((3, 1, 2), ORIGIN_HUMAN, "Accept 3 suggestions")
    again = Command.from_json(command.to_json())
    assert again == command and isinstance(again.span_ids, tuple)


def test_set_origins_leaves_human_spans_alone(tmp_path):
    path = _project(tmp_path / "mixed.db", n=4)
    store = Store.open(path)
    try:
        doc = store.document_ids()[0]
        ids = [s.id for s in store.spans(doc, "tester")]
        from annotation.commands import UpdateSpan

        store.apply(UpdateSpan(ids[0], origin=ORIGIN_HUMAN), "tester")
        inverse, changes = store.apply(SetOrigins(tuple(ids), ORIGIN_HUMAN), "tester")
        assert changes.spans == frozenset(ids[1:])
        store.apply(inverse, "tester", action="undo")
        assert [s.origin for s in store.spans(doc, "tester")] == [ORIGIN_HUMAN] + [ORIGIN_MODEL] * 3
    finally:
        store.close()
