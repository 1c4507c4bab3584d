"""The workspace as a user meets it: open, fix, quote, undo, mark done, quit, reopen."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotation.model import ORIGIN_HUMAN
from annotation.store import DocFilter, Store
from gui.app import open_window, run_gui
from gui.history import replay
from gui.models.document_list import DocumentListModel
from tests.gui.gui_helpers import ARTICLE, add_article, make_project
from tests.gui.test_annotated_text import click, drag


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return make_project(tmp_path / "demo.db")


def _window(qtbot, path: Path):
    window = open_window(path, "tester")
    assert window is not None  # not given to qtbot: it deletes itself on close (WA_DeleteOnClose)
    with qtbot.waitActive(window):  # window shortcuts (Ctrl+Enter) need the active window
        window.show()
        window.activateWindow()
    return window


def _close(window) -> None:
    store = window.session.store
    window.close()
    store.close()


def test_done_when_flow_survives_restart(qtbot, demo):
    window = _window(qtbot, demo)
    view = window.article
    doc = window.session.current_document
    store = window.session.store
    # Fix a wrong entity: "Maria Öberg" was suggested as ORG.
    click(qtbot, view, 3)
    assert view.selected_span().label == "ORG"
    qtbot.keyClick(view, "p")
    wrong = [s for s in store.spans(doc, "tester") if s.start == 0]
    # An edit of a suggestion makes it the annotator's (as in Prodigy and INCEpTION).
    assert [(s.label, s.origin) for s in wrong] == [("PERSON", "human")]
    qtbot.keyClick(view, Qt.Key.Key_Return)  # already accepted: Enter moves on
    assert store.span(wrong[0].id).origin == ORIGIN_HUMAN
    # Build a quotation with source and cue, mouse for the quote, keys for the rest.
    q0, q1 = ARTICLE.index("We will"), ARTICLE.index("by May") + len("by May")
    drag(qtbot, view, q0 + 1, q1 - 1)
    qtbot.keyClick(view, "q")
    she = ARTICLE.index("she said")
    view.select_text(she, she + 3)
    qtbot.keyClick(view, "s")
    view.select_text(she + 4, she + 8)
    qtbot.keyClick(view, "v")
    labels = {s.label: s for s in store.spans(doc, "tester")}
    assert (labels["QUOTE"].start, labels["QUOTE"].end) == (q0, q1)
    assert {r.label for r in store.relations(doc)} == {"source", "cue"}
    # Undo twice, redo twice: through the Edit menu actions (what Ctrl+Z / Ctrl+Shift+Z trigger).
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert "SOURCE" not in {s.label for s in store.spans(doc)} and "CUE" not in {s.label for s in store.spans(doc)}
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert {r.label for r in store.relations(doc)} == {"source", "cue"}
    # Ctrl+Enter refuses while comments have no stance (the thread's Mark done button's rule)
    # and says which; label them from the thread, then Ctrl+Enter marks done and the next opens.
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store.status(doc, "tester").status == "new" and window.session.current_document == doc
    assert window.statusBar().currentMessage().startswith("Not done yet: 2 of 2 comments have no stance: anonymous “Great news")
    qtbot.keyClick(view, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # focus the comments
    qtbot.keyClicks(window.thread.tree, "12")
    assert len(store.stances(doc, "tester")) == 2
    qtbot.keyClick(window.thread.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store.status(doc, "tester").status == "done"
    assert window.session.current_document != doc
    depth = window.session.undo_stack.index()
    _close(window)

    again = _window(qtbot, demo)
    store = again.session.store
    assert again.session.current_document != doc  # where the user left off
    labels = {s.label: s for s in store.spans(doc, "tester")}
    assert set(labels) == {"PERSON", "GPE", "QUOTE", "SOURCE", "CUE"}
    assert store.status(doc, "tester").status == "done"
    assert "Done 1 / 2" in again.progress_label.text()
    # The undo history came back: undo the "done", the two stances, then the cue, across the restart.
    assert again.session.undo_stack.index() == depth
    again.undo_action.trigger()
    assert store.status(doc, "tester").status == "new"
    assert again.session.current_document == doc  # undo shows the document it changed
    again.undo_action.trigger()
    again.undo_action.trigger()
    assert store.stances(doc, "tester") == []
    again.undo_action.trigger()
    assert "CUE" not in {s.label for s in store.spans(doc)}
    again.redo_action.trigger()
    assert "CUE" in {s.label for s in store.spans(doc)}
    _close(again)


def test_undo_survives_switching_documents(qtbot, demo):
    window = _window(qtbot, demo)
    store = window.session.store
    first = window.session.current_document
    window.article.select_text(ARTICLE.index("Shelbyville"), ARTICLE.index("Shelbyville") + 3)
    qtbot.keyClick(window.article, "g")
    window.step_document(1)
    assert window.session.current_document != first
    window.undo_action.trigger()
    assert window.session.current_document == first
    assert all(s.label != "GPE" or s.start == 26 for s in store.spans(first))
    _close(window)


def test_document_model_passes_modeltester_and_is_lazy(qtbot, qtmodeltester, store):
    for i in range(450):
        add_article(store, f"Article number {i} about <b>things</b>.", f"Title {i}", ext_id=f"x{i}")
    model = DocumentListModel(store, "tester")
    assert model.rowCount() == 450
    assert model.data(model.index(449, 1)) == "Title 449"
    assert len(model._pages) == 1  # only the page that was looked at was fetched
    qtmodeltester.check(model, force_py=True)
    model.set_filter(DocFilter(search="number 12"))  # prefix search: 12, 120-129
    assert model.rowCount() == 11
    qtmodeltester.check(model, force_py=True)


def test_filters_status_and_status_update_in_place(qtbot, demo):
    window = _window(qtbot, demo)
    panel = window.documents
    changed: list[object] = []
    panel.model.dataChanged.connect(lambda *a: changed.append(a))
    resets: list[object] = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    window.set_status("done")  # the list updates in place (the done rule is tested elsewhere)
    assert changed and not resets  # an edit updates its row, it never resets the model
    assert panel.model.data(panel.model.index(0, 0)) == "✓ done"
    panel.status.setCurrentIndex(panel.status.findData("done"))
    assert panel.model.rowCount() == 1
    panel.status.setCurrentIndex(0)
    panel.label.setCurrentIndex(panel.label.findData("GPE"))
    assert panel.model.rowCount() == 1
    panel.label.setCurrentIndex(0)
    panel.search.setText("Shelbyville")
    panel.apply_filter()
    assert panel.model.rowCount() == 2
    panel.search.setText("nothing-matches-this")
    panel.apply_filter()
    assert panel.model.rowCount() == 0
    # Enter in the search field opens the first match.
    panel.search.clear()
    qtbot.keyClicks(panel.search, "second article")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert window.article_title.text() == "Second"
    _close(window)


def test_import_runs_on_a_worker(qtbot, demo, tmp_path):
    source = tmp_path / "new.jsonl"
    source.write_text('{"id": "n1", "title": "Imported", "text": "Fresh text about Ottawa."}\n', encoding="utf-8")
    window = _window(qtbot, demo)
    assert window.import_paths([str(source)])
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=20000)
    assert window.session.store.document_count() == 3
    assert window.documents.model.rowCount() == 3
    _close(window)


def test_locked_project_opens_read_only(qtbot, demo):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time; from annotation.store import Store; s=Store.open(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(demo)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        window = _window(qtbot, demo)
        assert window.session.store.read_only
        assert "read-only" in window.windowTitle()
        errors: list[str] = []
        window.session.error.connect(errors.append)
        window.article.select_text(0, 5)
        qtbot.keyClick(window.article, "p")
        assert errors and "read-only" in errors[0]
        window.read_only_notice.close()
        _close(window)
    finally:
        holder.kill()
        holder.wait()


def test_screenshot_writes_png(demo, tmp_path, qapp):
    out = tmp_path / "shot.png"
    assert run_gui(str(demo), str(out), "tester") == 0
    assert out.stat().st_size > 10000


def test_history_replay_rules():
    a = ('{"kind": "delete_span", "span_id": 1}', '{"kind": "delete_span", "span_id": 1}')
    do_1 = ("do", '{"kind": "delete_span", "span_id": 1}', '{"kind": "delete_span", "span_id": 11}')
    do_2 = ("do", '{"kind": "delete_span", "span_id": 2}', '{"kind": "delete_span", "span_id": 12}')
    undo_2 = ("undo", '{"kind": "delete_span", "span_id": 12}', '{"kind": "delete_span", "span_id": 22}')
    redo_2 = ("redo", '{"kind": "delete_span", "span_id": 22}', '{"kind": "delete_span", "span_id": 32}')
    steps, index = replay([do_1, do_2, undo_2])
    assert (len(steps), index) == (2, 1) and steps[1].redo == undo_2[2]
    steps, index = replay([do_1, do_2, undo_2, redo_2])
    assert (len(steps), index) == (2, 2) and steps[1].undo == redo_2[2]
    steps, index = replay([do_1, do_2, undo_2, do_1])  # a new edit drops the redo tail
    assert (len(steps), index) == (2, 2)
    steps, index = replay([do_1, ("import", "{}", "{}"), do_2])  # bulk work is a barrier
    assert (len(steps), index) == (1, 1)
    steps, index = replay([do_1, ("undo", *a)])  # an undo that does not match: start afresh
    assert (len(steps), index) == (0, 0)


def test_open_project_from_the_file_menu(qtbot, demo, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from gui import file_dialogs

    other = make_project(tmp_path / "other.db")
    window = _window(qtbot, demo)
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: str(other))
    window.open_project_dialog()
    opened = [w for w in QApplication.topLevelWidgets() if getattr(w, "store", None) is not None
              and w.isVisible() and w.store.path == other]
    assert len(opened) == 1
    _close(opened[0])
