"""File ▸ Pre-annotate keeps spaCy out of the window's process (its imports, model load and
Cython code hold the GIL for tenths of a second, which froze the window from a worker thread):
the job runs in a child process, its suggestions land in the project, the views reload, and a
Cancel in the middle leaves an undo step for what was committed."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

import annotation.nlp.models as models
from annotation.model import ORIGIN_MODEL
from annotation.store import Store
from tests.gui.gui_helpers import add_article, add_suggestion
from tests.gui.test_job_undo import dump
from tests.gui.test_main_window import _close, _window

pytestmark = pytest.mark.skipif(not models.installed_pipelines(), reason="no spaCy pipeline installed")

SENTENCES = ("Maria Öberg said the bridge in Springfield would open in May. ",
             "\"We are late,\" the minister told reporters in Paris on Monday. ")


def _project(path: Path, comments: int) -> Path:
    with Store.create(path) as store:
        doc = add_article(store, "".join(SENTENCES) * 3, comments=tuple(
            f"Comment {i}: " + SENTENCES[i % 2] for i in range(comments)))
        add_suggestion(store, doc, 0, 11, "PERSON", "tester")  # annotated: the job is an undo step
    return path


def test_the_model_runs_in_another_process_and_its_suggestions_reach_the_views(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(models, "_cache", {})  # what this process has loaded
    window = _window(qtbot, _project(tmp_path / "p.db", comments=3))
    finished: list[object] = []
    window.jobs.finished.connect(lambda title, report: finished.append(report))
    try:
        window.preannotate_action.trigger()
        assert window.jobs.dialog is not None and window.jobs.dialog.isVisible()
        qtbot.waitUntil(lambda: bool(finished) and not window.jobs.busy, timeout=180000)
        assert models._cache == {}  # the model was never loaded here
        report = finished[0]
        assert report.units_done == 4 and report.spans_added > 0  # type: ignore[attr-defined]
        assert "units pre-annotated" in window.statusBar().currentMessage()
        store = window.session.store
        doc = window.session.current_document
        suggested = [s for s in store.spans(doc, "tester") if s.origin == ORIGIN_MODEL and s.model != "test 1"]
        assert suggested
        shown = {p.span.id for p in window.article.span_index.placed.values()}
        assert {s.id for s in suggested if s.comment_id is None} <= shown  # the article view reloaded
        assert window.undo_action.text() == "&Undo Pre-annotate"
    finally:
        _close(window)


def test_cancel_in_the_middle_keeps_committed_batches_as_one_undo_step(qtbot, tmp_path):
    path = _project(tmp_path / "p.db", comments=200)  # 201 units: batches of 64
    before = dump(path)
    window = _window(qtbot, path)
    failures: list[str] = []
    window.jobs.failed.connect(lambda title, message: failures.append(message))
    try:
        window.preannotate_action.trigger()
        dialog = window.jobs.dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.value() > 0, timeout=180000)  # the first batch is in
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # Cancel
        qtbot.waitUntil(lambda: not window.jobs.busy, timeout=120000)
        assert failures and "Cancelled" in failures[-1]
        notice = getattr(window, "last_notice", None)
        if notice is not None:
            notice.close()
        after = dump(path)
        assert len(after["spans"]) > len(before["spans"])  # committed batches stay
        with sqlite3.connect(path) as conn:  # the partial run is in the edit log
            assert conn.execute("SELECT count(*) FROM edits WHERE action = 'preannotate'").fetchone()[0] == 1
        conn.close()
        assert window.undo_action.text() == "&Undo Pre-annotate"
        window.undo()
        assert dump(path)["spans"] == before["spans"]
    finally:
        _close(window)
