"""File ▸ New project… creates a project and opens it; an empty project says what to do next
and its document actions (Mark done, Skip, Flag, Accept all) are disabled."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotation.store import Store
from gui.app import open_window
from gui.dialogs.new_project import NewProjectDialog, new_project
from tests.gui.gui_helpers import make_project


def test_new_project_from_the_window_then_empty_state(qtbot, tmp_path):
    window = open_window(make_project(tmp_path / "first.db"), "tester")
    assert window is not None
    window.show()
    assert all(a.isEnabled() for a in window.document_actions)
    dialog = NewProjectDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "file name" in dialog.problem.text() and dialog.created is None
    qtbot.keyClicks(dialog.path, str(tmp_path / "second"))
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.created == tmp_path / "second.db" and dialog.created.exists()
    assert new_project(window, dialog)
    opened = window.replaced_by
    assert opened.store.path == tmp_path / "second.db"
    assert opened.store.document_count() == 0
    # the empty project says what to do next; nothing to mark
    assert "File ▸ Import" in opened.article.placeholderText()
    assert opened.article_title.text() == "No documents yet"
    assert not any(a.isEnabled() for a in opened.document_actions)
    assert not opened.thread.done_button.isEnabled()
    qtbot.keyClick(opened.article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter: nothing
    # a second "New project" onto an existing file is refused with the reason, in the dialog
    again = NewProjectDialog(opened)
    qtbot.addWidget(again)
    qtbot.keyClicks(again.path, str(tmp_path / "second.db"))
    again.create()
    assert again.created is None and "already exists" in again.problem.text()
    store = opened.session.store
    opened.close()
    store.close()
    with Store.open(tmp_path / "second.db") as reopened:
        assert reopened.document_count() == 0
