"""A bulk job in the window is one undo step: Edit ▸ Undo names it and Ctrl+Z takes it back."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt

from annotation import snapshots
from annotation.commands import SetStance
from tests.annotation.test_merge_fixtures import two_projects
from tests.gui.test_main_window import _close, _window

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def dump(path: Path) -> dict[str, list[tuple]]:
    """The annotation tables, read by another connection (what any reader of the file sees)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr)
                for t in ("documents", "comments", "spans", "relations", "stances", "targets", "doc_status", "edits")}
    finally:
        conn.close()


def _back_to_the_window(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """A job that takes over half a second shows a progress dialog, which takes the focus; the
    user is back in the window when it closes (the offscreen platform needs telling)."""
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=120000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _merge(qtbot, window, other: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.review.merging import merge_file

    reports: list[object] = []
    assert merge_file(window.session, window.jobs, str(other), window, on_done=reports.append, interactive=False)
    qtbot.waitUntil(lambda: bool(reports) and not window.jobs.busy, timeout=20000)
    _back_to_the_window(qtbot, window)


def test_ctrl_z_takes_a_merge_back_and_ctrl_shift_z_brings_it_again(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    alice, bob = two_projects(tmp_path)
    window = _window(qtbot, alice)
    store = window.session.store
    view = window.article
    try:
        # an ordinary edit first: it stays undoable below the job
        comment = store.comments(window.session.current_document)[0]
        assert window.session.push(SetStance(comment.id, "topic", "tester", "against"))  # type: ignore[arg-type]
        before = dump(alice)
        _merge(qtbot, window, bob)
        after = dump(alice)
        assert after["spans"] != before["spans"]
        assert window.undo_action.text() == "&Undo Merge bob.db"
        assert window.undo_action.isEnabled()

        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
        assert dump(alice) == before
        assert window.redo_action.text() == "&Redo Merge bob.db"
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL_SHIFT)
        assert dump(alice) == after
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
        assert dump(alice) == before
        # two snapshots in all, however often the user goes back and forth
        assert [s.job for s in snapshots.list_snapshots(alice)] == [
            "Merge bob.db", "before restoring #1 (Merge bob.db)"]

        # below the job, the ordinary edit is still one Ctrl+Z away
        assert window.undo_action.text().startswith("&Undo ") and "Merge" not in window.undo_action.text()
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
        assert store.stance(comment.id, "topic", "tester") is None  # type: ignore[arg-type]
    finally:
        _close(window)


def test_ctrl_z_takes_back_an_import_into_an_annotated_project(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    alice, _ = two_projects(tmp_path)
    source = tmp_path / "more.jsonl"
    source.write_text(json.dumps({"id": "n1", "title": "Ferry", "text": "The ferry to Bergen was late."}) + "\n",
                      encoding="utf-8")
    window = _window(qtbot, alice)
    store = window.session.store
    try:
        before = dump(alice)
        assert window.import_paths([str(source)])
        _back_to_the_window(qtbot, window)
        assert store.document_count() == 3
        assert window.undo_action.text() == "&Undo Import more.jsonl"
        imported = store.document_by_ext_id("n1")
        window.open_document(imported.id)  # type: ignore[union-attr]

        window.article.setFocus()
        qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)
        assert dump(alice) == before
        # the open document went with the import: the window shows one that exists
        assert store.document_count() == 2 == window.documents.model.rowCount()
        assert window.session.current_document in store.document_ids()
    finally:
        _close(window)


def test_an_import_into_an_empty_project_is_no_undo_step(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotation.store import Store

    project = tmp_path / "empty.db"
    Store.create(project).close()
    source = tmp_path / "new.jsonl"
    source.write_text(json.dumps({"id": "n1", "title": "New", "text": "Fresh text."}) + "\n", encoding="utf-8")
    window = _window(qtbot, project)
    try:
        assert window.import_paths([str(source)])
        qtbot.waitUntil(lambda: not window.jobs.busy, timeout=20000)
        assert window.session.store.document_count() == 1
        assert not window.session.undo_stack.canUndo()
        assert snapshots.list_snapshots(project) == []
    finally:
        _close(window)


def test_the_job_step_survives_a_restart_below_later_edits(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    alice, bob = two_projects(tmp_path)
    before = dump(alice)
    window = _window(qtbot, alice)
    _merge(qtbot, window, bob)
    comment = window.session.store.comments(window.session.current_document)[0]
    assert window.session.push(SetStance(comment.id, "topic", "tester", "against"))  # type: ignore[arg-type]
    _close(window)

    window = _window(qtbot, alice)  # a restart: the stack is rebuilt from the edit log
    store = window.session.store
    view = window.article
    try:
        assert window.undo_action.text() != "&Undo Merge bob.db"
        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # the stance label
        assert store.stance(comment.id, "topic", "tester") is None  # type: ignore[arg-type]
        assert window.undo_action.text() == "&Undo Merge bob.db"
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # the merge
        assert dump(alice) == before
        assert not window.undo_action.isEnabled()
    finally:
        _close(window)


def test_after_another_annotators_edits_the_job_is_no_undo_step(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from annotation.store import Store

    alice, bob = two_projects(tmp_path)
    window = _window(qtbot, alice)
    _merge(qtbot, window, bob)
    _close(window)
    with Store.open(alice) as store:  # someone else worked here since: restoring would lose it
        comment = store.comments(store.document_ids()[0])[0]
        store.apply(SetStance(comment.id, "topic", "carol", "favor"), "carol")  # type: ignore[arg-type]
    window = _window(qtbot, alice)
    try:
        assert "Merge" not in window.undo_action.text()
    finally:
        _close(window)


def test_a_refused_merge_is_no_undo_step_and_leaves_no_snapshot(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.review.merging import merge_file

    alice, _ = two_projects(tmp_path)
    not_a_project = tmp_path / "notes.db"
    not_a_project.write_text("just some notes\n", encoding="utf-8")
    window = _window(qtbot, alice)
    failures: list[str] = []
    window.jobs.failed.connect(lambda title, message: failures.append(message))
    try:
        before = dump(alice)
        assert merge_file(window.session, window.jobs, str(not_a_project), window, interactive=False)
        qtbot.waitUntil(lambda: bool(failures) and not window.jobs.busy, timeout=20000)
        assert dump(alice) == before
        assert not window.session.undo_stack.canUndo()
        assert snapshots.list_snapshots(alice) == []
    finally:
        _close(window)


def test_a_job_step_is_not_taken_back_while_another_job_runs(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import threading

    from annotation.jobs import Progress

    alice, bob = two_projects(tmp_path)
    window = _window(qtbot, alice)
    release = threading.Event()

    def waiting_job(store, token):  # type: ignore[no-untyped-def]  # a job that runs until released
        yield Progress(0, 0, "working")
        release.wait()
        return None

    try:
        _merge(qtbot, window, bob)
        merged = dump(alice)
        assert window.jobs.start("Working", window.session.store, waiting_job, show_dialog=False)
        try:
            window.article.setFocus()
            qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)
            assert dump(alice) == merged
            assert window.undo_action.text() == "&Undo Merge bob.db"
            assert "job is running" in window.statusBar().currentMessage()
        finally:
            release.set()
        _back_to_the_window(qtbot, window)
        window.article.setFocus()
        qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)  # now it goes
        assert dump(alice) != merged
    finally:
        release.set()
        _close(window)


def test_ctrl_z_takes_back_a_pre_annotation_of_an_annotated_project(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    alice, _ = two_projects(tmp_path)
    window = _window(qtbot, alice)
    store = window.session.store
    finished: list[str] = []
    window.jobs.finished.connect(lambda title, result: finished.append(title))
    try:
        before = dump(alice)
        window.preannotate_action.trigger()
        qtbot.waitUntil(lambda: bool(finished) and not window.jobs.busy, timeout=120000)
        assert dump(alice) != before
        assert window.undo_action.text() == "&Undo Pre-annotate"
        _back_to_the_window(qtbot, window)
        window.article.setFocus()
        qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)
        assert dump(alice) == before
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        _close(window)


def test_model_menu_pre_annotation_is_the_same_undoable_job(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Model ▸ Pre-annotate entities runs File ▸ Pre-annotate's job: a snapshot first, one undo step."""
    alice, _ = two_projects(tmp_path)
    window = _window(qtbot, alice)
    finished: list[str] = []
    window.jobs.finished.connect(lambda title, result: finished.append(title))
    try:
        before = dump(alice)
        assert window.model_actions.preannotate_entities()
        qtbot.waitUntil(lambda: bool(finished) and not window.jobs.busy, timeout=120000)
        assert dump(alice) != before
        assert window.undo_action.text() == "&Undo Pre-annotate"
        _back_to_the_window(qtbot, window)
        window.article.setFocus()
        qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)
        assert dump(alice) == before
    finally:
        _close(window)


def test_ctrl_z_in_the_review_window_takes_the_merge_back_and_the_review_follows(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    alice, bob = two_projects(tmp_path)
    window = _window(qtbot, alice)
    try:
        before = dump(alice)
        _merge(qtbot, window, bob)
        window.review_action.trigger()
        review = window.review_window
        qtbot.waitUntil(lambda: not review.comparing, timeout=30000)  # compared on the job runner
        assert review.annotators == ["alice", "bob"] and review.items
        with qtbot.waitActive(review):
            review.show()
            review.activateWindow()
        review.differences.setFocus()
        # opening a document in review put the agreed items into gold: one step above the merge
        assert window.undo_action.text() == "&Undo Gold: accept agreed items"
        qtbot.keyClick(review.differences, Qt.Key.Key_Z, CTRL)
        assert window.undo_action.text() == "&Undo Merge bob.db"
        qtbot.keyClick(review.differences, Qt.Key.Key_Z, CTRL)
        assert dump(alice) == before
        # bob's work is gone, so nothing of his is offered any more
        assert all(o.empty for item in review.items for o in item.options if o.annotator == "bob")
        review.close()
    finally:
        _close(window)


def test_a_job_during_which_the_user_edited_is_no_undo_step(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import threading

    from annotation.merge import merge_projects
    from gui.job_undo import start_undoable_job

    alice, bob = two_projects(tmp_path)
    window = _window(qtbot, alice)
    session = window.session
    started, release = threading.Event(), threading.Event()

    def slow_merge(store, token):  # type: ignore[no-untyped-def]  # the user edits while it waits
        started.set()
        release.wait()
        return (yield from merge_projects(store, str(bob), reviewer="tester", cancel=token))

    try:
        assert start_undoable_job(session, window.jobs, "Merging", "Merge bob.db", slow_merge)
        qtbot.waitUntil(started.is_set, timeout=20000)
        comment = session.store.comments(session.current_document)[0]
        assert session.push(SetStance(comment.id, "topic", "tester", "against"))  # type: ignore[arg-type]
        release.set()
        _back_to_the_window(qtbot, window)
        # Undo would otherwise restore a project without that label while its step stays below
        assert "Merge" not in window.undo_action.text()
        assert "goldspan restore" in window.statusBar().currentMessage()
        assert [s.job for s in snapshots.list_snapshots(alice)] == ["Merge bob.db"]  # kept for the CLI
        window.article.setFocus()
        qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)
        assert session.store.stance(comment.id, "topic", "tester") is None  # type: ignore[arg-type]
        assert session.store.spans(session.current_document, "bob")  # the merge stays
    finally:
        release.set()
        _close(window)
