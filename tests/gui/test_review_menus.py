"""The review actions in the main window's menus: File > Merge annotator file…, Review > …"""
from __future__ import annotations

from pathlib import Path

from gui.app import open_window
from tests.annotation.test_merge_fixtures import merged_project, two_projects


def _menu_texts(window) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {m.title(): [a.text() for a in m.actions()] for m in (a.menu() for a in window.menuBar().actions()) if m}


def test_review_menu_opens_the_review_window_and_dashboard(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(merged_project(tmp_path), "rita", interactive=False)
    assert window is not None
    try:
        menus = _menu_texts(window)
        assert "&Merge annotator file…" in menus["&File"]
        assert menus["&Review"] == ["&Review annotators…", "&Agreement dashboard…"]
        window.review_action.trigger()
        review = window.review_window
        assert review.annotators == ["alice", "bob"] and review.documents.count() == 2
        # a decision in review is an undo step of the main window's session
        review.decide(["bob"])
        assert window.session.undo_stack.canUndo()
        window.dashboard_action.trigger()
        qtbot.waitUntil(lambda: window.agreement_dashboard.report is not None, timeout=20000)
        review.close()
        window.agreement_dashboard.close()
    finally:
        store = window.session.store
        window.close()
        store.close()


def test_merge_action_runs_the_merge_in_the_window(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.review.merging import merge_file

    alice, bob = two_projects(tmp_path)
    window = open_window(alice, "alice", interactive=False)
    assert window is not None
    try:
        reports = []
        assert merge_file(window.session, window.jobs, str(bob), window, on_done=reports.append, interactive=False)
        qtbot.waitUntil(lambda: bool(reports), timeout=20000)
        assert reports[0].spans_added == 10
        assert "bob" in window.session.store.annotators_with_data()
    finally:
        store = window.session.store
        window.close()
        store.close()
