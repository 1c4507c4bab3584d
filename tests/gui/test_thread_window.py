"""The thread panel inside the main window: focus, status bar progress, article span -> target."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotation.commands import AddSpan
from annotation.import_job import import_files
from annotation.jobs import run
from annotation.model import REPLY_TARGET, Span
from annotation.store import Store
from tests.helpers import SEED, shared

ANNOTATOR = "tester"


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    path = tmp_path / "seed.db"
    store = Store.create(path)
    try:
        assert not run(import_files(store, [shared(*SEED)])).errors
    finally:
        store.close()
    return path


@pytest.fixture
def window(qtbot, seed_project):
    from gui.app import open_window

    win = open_window(seed_project, ANNOTATOR)
    assert win is not None  # it deletes itself on close
    with qtbot.waitActive(win):  # Ctrl+3 is a window shortcut: it needs the active window
        win.show()
        win.activateWindow()
    if win.session.current_document is None:
        win.open_first_document()
    yield win
    store = win.session.store
    win.close()
    store.close()


def test_label_the_thread_in_the_window_and_see_progress(qtbot, window):
    from gui.views.thread_panel import ThreadPanel

    panel = window.thread
    assert isinstance(panel, ThreadPanel)
    qtbot.keyClick(window.article, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # focus the comments
    assert panel.tree.hasFocus()
    for key in "1268" + "3":
        qtbot.keyClicks(panel.tree, key)
    store = window.session.store
    first, reply, second = panel.model.comment_ids()
    assert {(s.comment_id, s.target, s.label) for s in store.stances(annotator=ANNOTATOR)} == {
        (first, "topic", "favor"), (reply, "topic", "against"), (reply, REPLY_TARGET, "disagree"),
        (second, "topic", "neutral"),
    }
    assert "Comments labelled 3/3" in window.stance_label.text()
    window.undo_action.trigger()
    assert "Comments labelled 2/3" in window.stance_label.text()


def test_ctrl_t_on_an_article_entity_makes_it_a_target(qtbot, window):
    store = window.session.store
    doc = window.session.current_document
    text = store.document(doc).text
    start = text.index("Vladimir Putin")
    window.session.push(AddSpan(Span(None, doc, None, start, start + 14, "PERSON", "entity", ANNOTATOR)))
    window.article.select_span(store.spans(doc, comment_id=None)[0].id)
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert store.targets(doc) == ["topic", "Vladimir Putin"]
    assert window.thread.current_target == "Vladimir Putin"


def test_mark_done_in_the_thread_marks_the_document_and_opens_the_next(qtbot, window):
    from tests.helpers import CORPUS

    store = window.session.store
    assert not run(import_files(store, [shared(*CORPUS)])).errors  # more documents to go on to
    window.session.refresh_all()
    seed_doc = window.session.current_document
    panel = window.thread
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)  # refused: nothing labelled yet
    assert store.status(seed_doc, ANNOTATOR).status == "new" and window.session.current_document == seed_doc
    qtbot.keyClick(window.article, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    for key in "1" + "26" + "3":
        qtbot.keyClicks(panel.tree, key)
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert store.status(seed_doc, ANNOTATOR).status == "done"
    assert window.session.current_document not in (None, seed_doc)
