"""Review mode from the keyboard: every difference settled with real key events, then the gold
layer checked in the database, undone, and checked again."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotation.model import GOLD
from annotation.store import Store
from gui.review.window import ReviewWindow
from gui.session import Session
from tests.annotation.test_merge_fixtures import merged_project, two_projects


def _gold(store: Store) -> tuple[list[tuple], list[tuple]]:
    spans = sorted((s.document_id, s.start, s.end, s.label) for d in store.document_ids() for s in store.spans(d, GOLD))
    stances = sorted((s.comment_id, s.label) for s in store.stances(annotator=GOLD))
    return spans, stances


def _shown(qtbot, session: Session) -> ReviewWindow:  # type: ignore[no-untyped-def]
    """A review window of alice and bob, active, with the difference list focused."""
    window = ReviewWindow(session, ["alice", "bob"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # activation is asynchronous
    window.differences.setFocus()
    return window


@pytest.fixture
def review(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = Store.open(merged_project(tmp_path))
    session = Session(store, "rita")  # held here: the window does not keep its session alive
    window = _shown(qtbot, session)
    yield window, store, qtbot
    window.close()
    store.close()


def _keys(qtbot, window: ReviewWindow, keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        qtbot.keyClick(window.differences, key)


EXPECTED_SPANS = [
    (1, 17, 26, "PERSON"), (1, 17, 26, "SOURCE"), (1, 33, 51, "QUOTE"), (1, 56, 60, "LOC"), (1, 64, 70, "DATE"),
    (2, 12, 18, "GPE"), (2, 21, 35, "QUOTE"), (2, 48, 60, "PERSON"), (2, 42, 60, "SOURCE"), (2, 75, 78, "ORG"),
]


def test_settle_every_difference_from_the_keyboard_then_undo_and_redo(review) -> None:  # type: ignore[no-untyped-def]
    window, store, qtbot = review
    assert window.documents.count() == 2
    assert [i.kind for i in window.items] == ["source_differs", "label_differs", "boundary_differs", "only", "stance_differs"]
    # agreed items went to gold on opening (the default setting)
    assert _gold(store)[0] == [(1, 17, 26, "PERSON")]
    # side by side: the article and the whole thread as plain text in a pane per annotator, each
    # comment's header ending with that annotator's stance, padded so the panes stay line for line
    alice, bob = (pane.toPlainText() for pane in window.side.panes)
    assert alice.startswith("ARTICLE — Minister defends budget") and "— comment c2 (reply)   topic: against\nNo way, this hurts families." in alice
    assert "— comment c3   topic: neutral  \n" in alice and "— comment c3   topic: unrelated\n" in bob
    assert len(alice) == len(bob) and alice.count("\n") == bob.count("\n")
    assert sum(len(pane.extraSelections()) for pane in window.side.panes) >= 16
    _keys(qtbot, window, "2B1XA")  # source: bob, label: bob, boundary: alice, only alice: reject, stance: alice
    assert all(window.is_decided(i) for i in window.items)
    assert window.differences.item(0).text().startswith("✓ bob")
    assert window.documents.item(0).text() == "a1 — Minister defends budget  [settled]"
    qtbot.keyClick(window.differences, "N")  # past the last difference: the next document
    assert window.document_id == 2
    assert [i.kind for i in window.items] == ["source_differs", "only", "stance_differs"]
    _keys(qtbot, window, "12")  # source: alice, only bob: accept bob's
    assert window.current.kind == "stance_differs"
    qtbot.keyClick(window.differences, "+")  # accept both stances: refused, nothing changes
    assert "one stance" in window.status.text() and not window.current.resolved
    qtbot.keyClick(window.differences, "2")  # stance: bob
    spans, stances = _gold(store)
    assert sorted(spans) == sorted(EXPECTED_SPANS)
    assert [label for _c, label in stances] == ["favor", "against", "neutral", "unrelated", "favor"]
    assert {row["annotator"] for row in store.edit_log(limit=100) if '"gold"' in row["command"]} == {"rita"}
    steps = window.session.undo_stack.count()
    assert steps == 9  # 2 auto-gold steps and 7 decisions (the reject of an empty gold adds nothing)
    for _ in range(steps):
        qtbot.keyClick(window.differences, "Z", Qt.KeyboardModifier.ControlModifier)
    assert _gold(store) == ([], [])
    for _ in range(steps):
        qtbot.keyClick(window.differences, "Z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    spans, stances = _gold(store)
    assert sorted(spans) == sorted(EXPECTED_SPANS) and len(stances) == 5


def test_edit_relabels_the_gold_version(review) -> None:  # type: ignore[no-untyped-def]
    window, store, qtbot = review
    window.choose_label = lambda _title, labels, current: "FAC" if "FAC" in labels else current
    window.differences.setCurrentRow(1)  # label differs: GPE vs LOC
    qtbot.keyClick(window.differences, "E")
    assert (1, 56, 60, "FAC") in _gold(store)[0]
    assert window.differences.item(1).text().startswith("✓ edited")
    qtbot.keyClick(window.differences, "Z", Qt.KeyboardModifier.ControlModifier)
    assert (1, 56, 60, "GPE") in _gold(store)[0]  # undo the relabel: annotator 1's version is back


def test_auto_gold_off_and_fewer_than_two(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.review.window import set_auto_gold

    set_auto_gold(False)
    with Store.open(merged_project(tmp_path)) as store:
        window = ReviewWindow(Session(store, "rita"))
        qtbot.addWidget(window)
        assert not window.compare(["alice"]) and "at least two" in window.status.text()
        window.compare_checked()  # the first two are checked by default
        assert window.annotators == ["alice", "bob"] and _gold(store) == ([], [])
        window.close()


def test_dashboard_plots_and_png(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.review.dashboard import AgreementDashboard

    with Store.open(merged_project(tmp_path)) as store:
        panel = AgreementDashboard(Session(store, "rita"))
        qtbot.addWidget(panel)
        panel.refresh()
        assert panel.report is not None and "Cohen's κ 0.500" in panel.summary.text()
        assert not panel.f1_plot.pixmap().isNull() and not panel.confusion_plot.pixmap().isNull()
        assert [panel.target.itemText(i) for i in range(panel.target.count())] == ["all targets", "topic"]
        before = panel.confusion_plot.pixmap().toImage()
        panel.target.setCurrentIndex(1)  # the heatmap of one target (its title changes)
        assert panel.confusion_plot.pixmap().toImage() != before
        assert panel.table.rowCount() == 2 and panel.table.item(0, 0).text().startswith("a1")
        with qtbot.waitSignal(panel.document_requested) as signal:
            panel.table.cellDoubleClicked.emit(0, 0)
        assert signal.args == [1]
        out = tmp_path / "dashboard.png"
        assert panel.save_png(str(out)) and out.read_bytes().startswith(b"\x89PNG")
        panel.close()


def test_merge_from_the_gui_runs_on_a_worker_and_refreshes(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.review.merging import merge_file
    from gui.workers import JobRunner

    alice, bob = two_projects(tmp_path)
    with Store.open(alice) as store:
        session = Session(store, "alice")
        jobs = JobRunner()
        reports = []
        with qtbot.waitSignal(session.changed, timeout=20000) as signal:
            assert merge_file(session, jobs, str(bob), on_done=reports.append, interactive=False)
        assert signal.args[0].everything
        assert reports[0].annotators == {"bob": "bob"}
        assert len(store.spans(1, "bob")) == 5
        failures = []
        jobs.failed.connect(lambda title, message: failures.append(message))
        junk = tmp_path / "junk.db"
        junk.write_text("not a project")
        merge_file(session, jobs, str(junk), interactive=False)
        qtbot.waitUntil(lambda: bool(failures), timeout=20000)
        assert "not a Goldspan project" in failures[0]


def test_dashboard_on_a_worker_and_its_error_line(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.review.dashboard import AgreementDashboard
    from gui.workers import JobRunner

    alice, _bob = two_projects(tmp_path)
    with Store.open(alice) as store:
        panel = AgreementDashboard(Session(store, "alice"), jobs=JobRunner())
        qtbot.addWidget(panel)
        panel.refresh()  # only alice in this file
        qtbot.waitUntil(lambda: "at least two annotators" in panel.summary.text(), timeout=20000)
        assert panel.report is None
        panel.close()
    project = tmp_path / "alice.db"
    from annotation.merge import merge

    with Store.open(project) as store:
        merge(store, tmp_path / "bob.db")
        panel = AgreementDashboard(Session(store, "alice"), jobs=JobRunner())
        qtbot.addWidget(panel)
        panel.refresh()
        qtbot.waitUntil(lambda: panel.report is not None, timeout=20000)
        assert panel.report["annotators"] == ["alice", "bob"] and panel.table.rowCount() == 2  # type: ignore[index]
        panel.close()


def test_a_rejection_stays_settled_once_the_document_is_marked_reviewed(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = merged_project(tmp_path)
    with Store.open(project) as store:
        session = Session(store, "rita")
        window = _shown(qtbot, session)
        window.differences.setCurrentRow(3)  # only alice: ORG
        qtbot.keyClick(window.differences, "X")
        assert window.is_decided(window.items[3])
        qtbot.keyClick(window.differences, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert store.status(1, GOLD).status == "done" and window.document_id == 2
        window.close()
        again = ReviewWindow(session, ["alice", "bob"])  # a new window: the rejection is not remembered, the status is
        qtbot.addWidget(again)
        assert all(again.is_decided(i) for i in again.items)
        again.close()


def test_dashboard_warns_beside_a_figure_that_rests_on_too_few_items(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    from gui.review.dashboard import AgreementDashboard

    with Store.open(merged_project(tmp_path)) as store:
        panel = AgreementDashboard(Session(store, "rita"))
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitExposed(panel)
        refresh = next(b for b in panel.findChildren(QPushButton) if b.text() == "Refresh")
        qtbot.mouseClick(refresh, Qt.MouseButton.LeftButton)
        assert panel.report is not None
        lines = panel.summary.text().split("<br>")
        stance = next(line for line in lines if line.startswith("Stance topic"))
        # the warning stands on the figure's own line, with the number of items it rests on
        assert "Cohen's κ 0.500" in stance and "too few to trust: rests on only 5 comments, fewer than 20" in stance
        sources = next(line for line in lines if line.startswith("Quote sources"))
        assert "rests on only 2 matched quotations" in sources
        assert "only 66" not in panel.summary.text()  # tokens: enough, no warning
        assert panel.table.item(0, 4).toolTip().startswith("over ")
        assert store.status(1, GOLD).status != "done"  # the dashboard reads and never writes
        panel.close()
