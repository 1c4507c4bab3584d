"""Review and agreement dashboard with the main window's job runner: the review compares a
document (and writes its agreed items to gold) on the runner's worker with the panes shown at
once; keys pressed meanwhile wait for it; the dashboard computes in a child process with its
progress and Cancel in its own window. Each checked in the database and through undo."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotation.adjudication import AGREED, compare_document
from annotation.model import GOLD
from annotation.store import Store
from gui.review.dashboard import AgreementDashboard
from gui.review.window import ReviewWindow
from gui.session import Session
from gui.workers import JobRunner
from tests.annotation.test_merge_fixtures import merged_project

PAIR = ["alice", "bob"]
KINDS_1 = ["source_differs", "label_differs", "boundary_differs", "only", "stance_differs"]


def _gold(store: Store, document_id: int) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in store.spans(document_id, GOLD))


@pytest.fixture
def project(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = Store.open(merged_project(tmp_path))
    session = Session(store, "rita")
    runner = JobRunner(None)
    session.set_job_runner(runner)
    windows: list = []  # type: ignore[type-arg]
    yield store, session, runner, windows
    runner.wait(60000)
    for window in windows:
        window.close()
    store.close()


def _review(qtbot, session: Session, runner: JobRunner, windows: list) -> ReviewWindow:  # type: ignore[no-untyped-def,type-arg]
    window = ReviewWindow(session, PAIR, jobs=runner)
    qtbot.addWidget(window)
    windows.append(window)
    window.show()
    return window


def test_open_shows_the_text_at_once_and_compares_on_the_worker(qtbot, project) -> None:  # type: ignore[no-untyped-def]
    store, session, runner, windows = project
    window = _review(qtbot, session, runner, windows)
    # the panes hold the text before the comparison is back
    assert window.side.panes[0].toPlainText().startswith("ARTICLE — Minister defends budget")
    assert window.items == [] and "Comparing" in window.status.text()
    qtbot.waitUntil(lambda: window._writing is None, timeout=20000)
    assert [i.kind for i in window.items] == KINDS_1
    assert window.items == [i for i in compare_document(store, 1, PAIR) if i.kind != AGREED]
    assert _gold(store, 1) == [(17, 26, "PERSON")]  # the agreed item, written by the worker
    assert session.undo_stack.count() == 1 and session.undo_stack.text(0).startswith("Gold: accept agreed")
    assert sum(len(pane.extraSelections()) for pane in window.side.panes) >= 16
    assert window.comparison is not None and window.comparison.store is store  # reads through the window's connection
    session.undo()  # one undo step takes the agreed batch back, and the window follows
    assert _gold(store, 1) == []
    assert not any(i.resolved for i in window._agreed)
    session.redo()
    assert _gold(store, 1) == [(17, 26, "PERSON")]
    assert all(i.resolved for i in window._agreed if i.layer != "stance")


def test_keys_pressed_while_comparing_wait_for_it(qtbot, project) -> None:  # type: ignore[no-untyped-def]
    store, session, runner, windows = project
    window = _review(qtbot, session, runner, windows)
    # what key 2 does, before the event loop could deliver the job's result: it waits for the
    # comparison and the agreed items, then takes bob's version of the first difference
    assert window._writing is not None
    window.accept_index(1)
    assert window._writing is None
    assert (17, 26, "SOURCE") in _gold(store, 1) and (33, 51, "QUOTE") in _gold(store, 1)
    assert [session.undo_stack.text(i).split(" (")[0] for i in range(session.undo_stack.count())] == [
        "Gold: accept agreed items", "Gold: accept bob"]
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.differences, "Z", Qt.KeyboardModifier.ControlModifier)
    assert _gold(store, 1) == [(17, 26, "PERSON")]
    assert not window.items[0].resolved


def test_documents_opened_while_comparing_are_compared_in_turn(qtbot, project) -> None:  # type: ignore[no-untyped-def]
    store, session, runner, windows = project
    window = _review(qtbot, session, runner, windows)
    window.documents.setCurrentRow(1)  # before the first document's job is back
    assert window.document_id == 2
    qtbot.waitUntil(lambda: window._writing is None and bool(window.items), timeout=20000)
    assert window.document_id == 2
    assert [i.kind for i in window.items] == ["source_differs", "only", "stance_differs"]
    assert window.items == [i for i in compare_document(store, 2, PAIR) if i.kind != AGREED]
    # both documents' agreed items went to gold, each one undo step
    assert _gold(store, 1) == [(17, 26, "PERSON")] and _gold(store, 2)
    assert session.undo_stack.count() == 2


def test_dashboard_computes_in_a_child_with_progress_and_cancel(qtbot, project) -> None:  # type: ignore[no-untyped-def]
    _store, session, runner, windows = project
    dashboard = AgreementDashboard(session, PAIR, jobs=runner)
    qtbot.addWidget(dashboard)
    windows.append(dashboard)
    dashboard.show()
    dashboard.refresh()
    assert dashboard.computing and dashboard.progress.isVisible() and dashboard.cancel_button.isVisible()
    assert not dashboard.refresh_button.isEnabled()
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=120000)
    assert not dashboard.computing and not dashboard.progress.isVisible()
    assert dashboard.plots is not None and dashboard.plots["f1"].startswith(b"\x89PNG")
    assert not dashboard.f1_plot.pixmap().isNull() and not dashboard.confusion_plot.pixmap().isNull()
    shown = dashboard.report
    dashboard.target.setCurrentIndex(dashboard.target.count() - 1)  # another target's heatmap: drawn by the job
    assert not dashboard.confusion_plot.pixmap().isNull()
    dashboard.refresh()
    dashboard.cancel()  # stops the child between steps; the figures shown before stay
    qtbot.waitUntil(lambda: not dashboard.computing, timeout=120000)
    assert dashboard.report is not None
    assert dashboard.report is shown or dashboard.report["annotators"] == PAIR  # finished before the cancel arrived


def test_the_job_hands_the_gil_over_often_and_restores_the_interval(qtbot, project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """While the worker compares, the window's thread gets the GIL every JOB_SWITCH_INTERVAL
    (it needs it at every step of showing the window); the interval is Python's again after the
    job, whether it finished or failed."""
    import sys

    import gui.review.window as review_window

    store, session, runner, windows = project
    before = sys.getswitchinterval()
    seen: list[float] = []
    real = review_window.Comparison

    def comparison(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(sys.getswitchinterval())
        if len(seen) == 1:
            raise RuntimeError("broken comparison")  # the first job fails: the window compares here
        return real(*args, **kwargs)

    monkeypatch.setattr(review_window, "Comparison", comparison)
    window = _review(qtbot, session, runner, windows)
    qtbot.waitUntil(lambda: window._writing is None and bool(window.items), timeout=20000)
    assert seen[0] == min(before, review_window.JOB_SWITCH_INTERVAL)
    assert sys.getswitchinterval() == before  # restored after the failed job
    assert [i.kind for i in window.items] == KINDS_1
    window.documents.setCurrentRow(1)  # a job that succeeds
    qtbot.waitUntil(lambda: window._writing is None and window.document_id == 2 and bool(window.items), timeout=20000)
    assert seen[-1] == min(before, review_window.JOB_SWITCH_INTERVAL)
    assert sys.getswitchinterval() == before
