"""The window on a full disk (the edit kept, a Retry that saves it) and on a read-only folder."""
from __future__ import annotations

import os
from pathlib import Path

from annotation.commands import SetStatus
from gui.app import open_window
from gui.undo import unsaved_edits
from tests.gui.gui_helpers import make_project


def _window(path: Path):  # type: ignore[no-untyped-def]
    window = open_window(path, "tester", interactive=False)
    assert window is not None
    window.show()
    return window


def _close(window) -> None:  # type: ignore[no-untyped-def]
    store = window.session.store
    window.close()
    store.close()


def test_an_edit_on_a_full_disk_is_kept_and_retry_saves_it(qtbot, tmp_path):
    window = _window(make_project(tmp_path / "p.db"))
    session, store = window.session, window.session.store
    doc = store.document_ids()[0]
    errors: list[str] = []
    session.error.connect(errors.append)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite now answers SQLITE_FULL
    edit = SetStatus(doc, "tester", "done", note="a long note " * 4000)  # needs new pages
    assert not session.push(edit)
    assert errors and "disk is full" in errors[-1] and "long job" not in errors[-1]
    unsaved = unsaved_edits(session)
    assert unsaved.commands == [edit]  # not silently lost: listed, waiting for Retry
    assert unsaved.box is not None and unsaved.box.isVisible() and "Mark done" in unsaved.box.text()
    assert store.status(doc, "tester").status != "done"
    retry = next(b for b in unsaved.box.buttons() if b.text() == "Retry")
    retry.click()  # still full: kept again
    assert unsaved.commands == [edit] and store.status(doc, "tester").status != "done"
    store.conn.execute(f"PRAGMA max_page_count = {pages * 100}")  # space freed
    retry = next(b for b in unsaved.box.buttons() if b.text() == "Retry")
    retry.click()
    assert unsaved.commands == [] and not unsaved.box.isVisible()
    assert store.status(doc, "tester").status == "done"
    session.undo_stack.undo()  # and it is an ordinary edit again
    assert store.status(doc, "tester").status != "done"
    _close(window)


def test_a_project_in_a_read_only_folder_opens_read_only_in_the_window(qtbot, tmp_path, monkeypatch):
    path = make_project(tmp_path / "p.db")
    real_access = os.access
    # Tests may run as root, which ignores permission bits: answer as os.access would for a user.
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    window = _window(path)
    assert window.session.store.read_only and "read-only" in window.windowTitle()
    assert "read-only folder" in window.session.store.read_only_reason
    assert window.documents.model.rowCount() == 2
    _close(window)
