"""Issue 11's "done when", in the window, through the menus: a researcher labels comments,
chooses Model ▸ Train…, sees the scores, gets stance suggestions on the remaining comments and
accepts the right ones with Enter (the wrong ones get their label key); the database agrees."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotation.model import ImportedArticle
from annotation.store import Store
from gui.model_menu import UNCERTAIN_FIRST_KEY
from gui.models.thread_model import STANCE_COLUMN
from tests.annotation.train_helpers import stance_articles

ME = "tester"
OPEN_PER_MOTION = 3  # comments per motion left for the model to suggest


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[tuple[str, str], str]]:
    """Four motion threads; ME has labelled all but the last comments of each (the stand-in for
    "200 comments"); returns the path and the true label of each open (comment ext id, motion)."""
    path = tmp_path / "loop.db"
    truth: dict[tuple[str, str], str] = {}
    articles: list[ImportedArticle] = []
    for article in stance_articles(per_motion=14, seed=1):
        keep = list(article.stances[:-OPEN_PER_MOTION])
        truth.update({(s.comment_ext_id, s.target): s.label for s in article.stances[-OPEN_PER_MOTION:]})
        articles.append(dataclasses.replace(article, stances=tuple(keep)))
    with Store.create(path) as store, store.transaction():
        store.import_articles(articles, "motions.jsonl", annotator=ME)
    return path, truth


def _answer_dialogs(qtbot, answers: list[str]) -> QTimer:
    """Answer the modal choice dialogs (QInputDialog.getItem) as they open, one answer each."""
    timer = QTimer()

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog) and dialog.isVisible() and answers:
            assert answers[0] in dialog.comboBoxItems(), (answers[0], dialog.comboBoxItems())
            dialog.setTextValue(answers.pop(0))
            qtbot.keyClick(dialog, Qt.Key.Key_Return)

    timer.timeout.connect(answer)
    timer.start(20)
    return timer


def _menu_action(window, menu_title: str, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == menu_title)
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def test_label_train_see_scores_suggest_and_accept_with_enter(qtbot, project):
    from gui.app import open_window

    path, truth = project
    window = open_window(path, ME)
    assert window is not None
    window.show()
    qtbot.waitExposed(window)
    store, thread = window.store, window.thread
    try:
        # The researcher labels one more comment with a key (the rest were labelled before).
        first_doc = store.document_ids()[0]
        motion = store.targets(first_doc)[-1]
        window.session.open_document(first_doc)
        thread.target_box.setCurrentText(motion)
        thread.tree.setFocus()
        open_ext = [ext for ext, target in truth if target == motion]
        comment = next(c for c in store.comments(first_doc) if c.ext_id == open_ext[0])
        thread.select_comment(comment.id)
        right = truth.pop((comment.ext_id, motion))
        qtbot.keyClicks(thread.tree, next(d.key for d in store.schema.stance_labels if d.name == right))
        assert store.stance(comment.id, motion, ME).label == right
        labelled = len(store.stances(annotator=ME))

        # Model ▸ Train…: stance, from my own labels; a background job; the scores are shown.
        answers = ["Stance of comments", ME]
        dialogs = _answer_dialogs(qtbot, answers)
        _menu_action(window, "Model", "Train…").trigger()
        dialogs.stop()
        assert answers == []
        qtbot.waitUntil(lambda: window.model_actions.last_report is not None and not window.jobs.busy, timeout=120000)
        report = window.model_actions.last_report
        assert report.trained_on["stance_train"] + report.trained_on["stance_held_out"] == labelled
        box = window.last_notice
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert "held-out scores" in box.informativeText() and "favor" in box.informativeText()
        assert box.text() == report.verdict().capitalize()
        use_new = next(b for b in box.buttons() if b.text() == "Use the new model")
        qtbot.mouseClick(use_new, Qt.MouseButton.LeftButton)
        registered = store.latest_model("stance")
        assert registered is not None and registered.id == report.model_id

        # Model ▸ Suggest stance for the project: suggestions on every open comment, none on mine.
        _menu_action(window, "Model", "Suggest stance for the project").trigger()
        qtbot.waitUntil(lambda: not window.jobs.busy and store.stance_suggestion_count(ME) > 0, timeout=60000)
        suggestions = {(store.comment(s.comment_id).ext_id, s.target): s for s in store.stance_suggestions(annotator=ME)}
        assert set(truth) <= set(suggestions)
        assert all(store.stance(s.comment_id, s.target, ME) is None for s in suggestions.values())
        assert all(s.model == registered.name and 0.5 <= s.probability <= 1.0 for s in suggestions.values())

        # In each thread: N (least sure first, the Model menu's setting) goes to an open comment,
        # which shows its suggestion with the probability; Enter accepts a right one, a label
        # key corrects a wrong one.
        least_sure = _menu_action(window, "Model", "N: next unlabelled where the model is least sure")
        if not least_sure.isChecked():
            least_sure.trigger()
        assert QSettings().value(UNCERTAIN_FIRST_KEY, type=bool) is True
        accepted = corrected = 0
        for doc in store.document_ids():
            motion = store.targets(doc)[-1]
            window.session.open_document(doc)
            thread.target_box.setCurrentText(motion)
            thread.tree.setFocus()
            remaining = {c.id: c.ext_id for c in store.comments(doc) if (c.ext_id, motion) in truth}
            while remaining:
                open_now = {cid: store.stance_suggestion(cid, motion, ME) for cid in remaining}
                thread.select_comment(store.comments(doc)[0].id)
                qtbot.keyClick(thread.tree, Qt.Key.Key_N)
                least = min(open_now, key=lambda cid: (open_now[cid].probability, thread.model.comment_ids().index(cid)))
                assert thread.current_comment == least
                suggestion = open_now[least]
                cell = thread.model.index_of(least, STANCE_COLUMN)
                assert cell.data() == f"{suggestion.label}? {suggestion.probability:.0%}"
                right = truth[(remaining[least], motion)]
                if suggestion.label == right:
                    qtbot.keyClick(thread.tree, Qt.Key.Key_Return)
                    accepted += 1
                else:
                    qtbot.keyClicks(thread.tree, next(d.key for d in store.schema.stance_labels if d.name == right))
                    corrected += 1
                label = store.stance(least, motion, ME)
                assert label is not None and label.label == right  # a human label now
                assert store.stance_suggestion(least, motion, ME) is None
                del remaining[least]
        assert accepted >= len(truth) // 2  # the model learnt something worth accepting
        assert accepted + corrected == len(truth)
        assert len(store.stances(annotator=ME)) == labelled + len(truth)
        # Undo takes the last answer back and its suggestion shows again.
        window.undo_action.trigger()
        assert len(store.stances(annotator=ME)) == labelled + len(truth) - 1
    finally:
        window.close()
        store.close()
    with Store.open(path, read_only=True) as store:  # what was shown is what was saved
        assert len(store.stances(annotator=ME)) == labelled + len(truth) - 1
