"""Issue 14, threads and status: Ctrl+Enter and Mark done share one rule and say what is missing;
a reply that waits for its parent stance says so (or, with the setting, does not wait); the
status bar never keeps a hint about something no longer on screen."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotation.import_job import import_files
from annotation.jobs import run
from annotation.model import REPLY_TARGET
from annotation.store import Store
from tests.helpers import CORPUS, SEED, shared

ANNOTATOR = "tester"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The seed article (three comments: a top-level one, its reply, another) and more articles."""
    path = tmp_path / "thread.db"
    store = Store.create(path)
    try:
        assert not run(import_files(store, [shared(*SEED)])).errors
        assert not run(import_files(store, [shared(*CORPUS)])).errors
    finally:
        store.close()
    return path


def _open(qtbot, path: Path):
    from gui.app import open_window

    window = open_window(path, ANNOTATOR)
    assert window is not None  # it deletes itself on close
    with qtbot.waitActive(window):  # Ctrl+Enter and Ctrl+3 are window shortcuts
        window.show()
        window.activateWindow()
    seed = window.session.store.document_ids()[0]
    if window.session.current_document != seed:
        window.open_document(seed)
    return window


@pytest.fixture
def window(qtbot, project):
    win = _open(qtbot, project)
    yield win
    store = win.session.store
    win.close()
    store.close()


def _status(window) -> str:
    return window.statusBar().currentMessage()


def test_ctrl_enter_and_mark_done_refuse_alike_and_name_what_is_missing(qtbot, window):
    store = window.session.store
    doc = window.session.current_document
    panel = window.thread
    first, reply, second = panel.model.comment_ids()
    # Ctrl+Enter in the article: refused (it used to mark the document done with every comment unlabelled).
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_Return, CTRL)
    assert store.status(doc, ANNOTATOR).status == "new" and window.session.current_document == doc
    assert _status(window).startswith("Not done yet: 3 of 3 comments have no stance: ")
    # Label two of them from the thread; the button is enabled so that a click can explain.
    qtbot.keyClick(window.article, Qt.Key.Key_3, CTRL)
    qtbot.keyClicks(panel.tree, "1")
    qtbot.keyClicks(panel.tree, "26")  # the reply: toward the topic, then toward its parent
    assert panel.current_comment == second
    qtbot.keyClick(panel.tree, Qt.Key.Key_K)  # away from the one still missing
    assert panel.done_button.isEnabled()
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    button_says = _status(window)
    assert button_says.startswith("Not done yet: 1 of 3 comments has no stance: ")
    assert panel.current_comment == second  # taken to the comment that needs a label
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return, CTRL)
    assert _status(window) == button_says  # the same rule, the same words
    assert store.status(doc, ANNOTATOR).status == "new"
    # A reply's stance toward its parent is not needed to be done; a target stance on each comment is.
    qtbot.keyClicks(panel.tree, "3")
    assert {(s.comment_id, s.target) for s in store.stances(doc, ANNOTATOR)} == {
        (first, "topic"), (reply, "topic"), (reply, REPLY_TARGET), (second, "topic")}
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return, CTRL)
    assert store.status(doc, ANNOTATOR).status == "done"
    assert window.session.current_document not in (None, doc)  # the next undone document
    window.undo_action.trigger()
    assert store.status(doc, ANNOTATOR).status == "new"
    # The button, as a mouse user would: done, then the next document.
    window.open_document(doc)
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert store.status(doc, ANNOTATOR).status == "done"
    assert window.session.current_document != doc


def test_a_reply_waiting_for_its_parent_stance_says_so_or_with_the_setting_moves_on(qtbot, project):
    from gui import settings

    window = _open(qtbot, project)
    store = window.session.store
    panel = window.thread
    first, reply, second = panel.model.comment_ids()
    assert not window.reply_optional_action.isChecked()  # by default a reply needs both stances
    qtbot.keyClick(window.article, Qt.Key.Key_3, CTRL)
    qtbot.keyClicks(panel.tree, "1")
    assert panel.current_comment == reply
    qtbot.keyClicks(panel.tree, "2")
    assert panel.current_comment == reply  # not complete yet: it stays, and says why
    assert _status(window).startswith("This reply also needs its stance toward the parent comment (5/6/7/8)")
    # The setting, from the View menu: a reply moves on with its target stance alone.
    window.reply_optional_action.trigger()
    assert settings.reply_stance_optional()
    qtbot.keyClicks(panel.tree, "3")  # relabel its target stance
    assert panel.current_comment == second
    assert store.stance(reply, REPLY_TARGET, ANNOTATOR) is None
    assert store.stance(reply, "topic", ANNOTATOR).label == "neutral"
    # N (next still to label) no longer stops at the reply either.
    qtbot.keyClicks(panel.tree, "4")
    qtbot.keyClick(panel.tree, Qt.Key.Key_N)
    assert "Every comment is labelled" in _status(window)
    store_path = store.path
    window.close()
    store.close()
    # The setting is remembered.
    again = _open(qtbot, store_path)
    try:
        assert _status(again).startswith("Undo history restored")  # said at startup, kept as the document opens
        assert again.reply_optional_action.isChecked() and again.thread.reply_stance_optional
        again.reply_optional_action.trigger()
        assert not settings.reply_stance_optional() and not again.thread.reply_stance_optional
    finally:
        again_store = again.session.store
        again.close()
        again_store.close()


def test_the_status_bar_drops_a_hint_once_its_context_changes(qtbot, window):
    from annotation.commands import AddSpan
    from annotation.model import Span
    from tests.gui.test_annotated_text import click

    store = window.session.store
    doc = window.session.current_document
    panel = window.thread
    view = window.article
    # A refusal, then another comment is selected: the hint was about the old state.
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    assert _status(window).startswith("Not done yet")
    qtbot.keyClick(view, Qt.Key.Key_3, CTRL)
    qtbot.keyClick(panel.tree, Qt.Key.Key_J)
    assert _status(window) == ""
    # A hint, then an edit: gone. Undo and redo then confirm what they did.
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return, CTRL)
    assert _status(window).startswith("Not done yet")
    qtbot.keyClicks(panel.tree, "6")  # the reply's stance toward its parent (no advance, no hint)
    assert len(store.stances(doc, ANNOTATOR)) == 1
    assert _status(window) == ""
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert store.stances(doc, ANNOTATOR) == []
    assert _status(window).startswith("Undid: Stance ")
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert _status(window).startswith("Redid: Stance ")
    # Switching documents drops it.
    qtbot.keyClick(view, Qt.Key.Key_PageDown, CTRL)
    other = window.session.current_document
    assert other != doc and _status(window) == ""
    # A hint about the article's selection goes when a span is selected.
    text = store.document(other).text
    window.session.push(AddSpan(Span(None, other, None, 0, 4, "ORG", "entity", ANNOTATOR)))
    assert text[:4].strip()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_P)  # a label key with nothing selected
    assert _status(window).startswith("Select some words first")
    click(qtbot, view, 1)
    assert view.selected_span() is not None
    assert _status(window) == ""
