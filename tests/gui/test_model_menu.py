"""Model in the loop in the window: stance suggestions in the thread (shown apart, Enter accepts,
undo brings them back) and the Model menu's jobs (train with a verdict, suggest stance)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotation.cli import main as cli_main
from annotation.jobs import run
from annotation.store import Store
from annotation.training.suggest_stance import suggest_stance
from gui.models.thread_model import STANCE_COLUMN, SuggestionRole
from tests.annotation.train_helpers import add_stance_project

ANNOTATOR = "tester"


@pytest.fixture
def trained(tmp_path: Path) -> Path:
    path = tmp_path / "stance.db"
    with Store.create(path) as store:
        add_stance_project(store, replies=True)
    assert cli_main(["train", str(path), "--task", "stance"]) == 0
    return path


@pytest.fixture
def panel(qtbot, trained: Path):
    from gui.session import Session
    from gui.views.thread_panel import ThreadPanel

    store = Store.open(trained)
    run(suggest_stance(store, ANNOTATOR))
    widget = ThreadPanel(Session(store, ANNOTATOR))
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    doc = store.document_ids()[0]
    widget.set_document(doc)
    widget.set_target(store.targets(doc)[-1])  # the motion
    widget.tree.setFocus()
    yield widget
    store.close()


def test_a_suggestion_is_shown_apart_and_enter_accepts_it(qtbot, panel):
    store, model = panel.store, panel.model
    first = panel.current_comment
    suggestion = store.stance_suggestion(first, panel.current_target, ANNOTATOR)
    cell = model.index_of(first, STANCE_COLUMN)
    assert cell.data() == f"{suggestion.label}? {suggestion.probability:.0%}"
    assert cell.data(Qt.ItemDataRole.FontRole).italic()
    assert cell.data(SuggestionRole) == (suggestion.label, suggestion.probability)
    assert panel.progress()[0] == 0  # a suggestion is not a label
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    label = store.stance(first, panel.current_target, ANNOTATOR)
    assert label is not None and label.label == suggestion.label  # now the annotator's, a human label
    assert model.index_of(first, STANCE_COLUMN).data() == suggestion.label
    assert panel.current_comment != first  # auto-advance, as after a label key
    panel.session.undo_stack.undo()
    assert store.stance(first, panel.current_target, ANNOTATOR) is None
    assert model.index_of(first, STANCE_COLUMN).data() == f"{suggestion.label}? {suggestion.probability:.0%}"


def test_every_suggestion_fits_its_column_with_its_probability(qtbot, panel):
    """The stance column is as wide as its longest suggestion text ("unrelated? 100%"), so the
    probability is never elided ("against? …" in a 92 px column)."""
    from PySide6.QtGui import QFontMetrics

    for row in range(panel.model.rowCount()):
        cell = panel.model.index(row, STANCE_COLUMN)
        text, font = cell.data(), cell.data(Qt.ItemDataRole.FontRole)
        if text and font is not None and font.italic():
            needed = QFontMetrics(font).horizontalAdvance(text)
            assert panel.tree.columnWidth(STANCE_COLUMN) >= needed + 8, text
    widest = max(QFontMetrics(panel.tree.font()).horizontalAdvance(f"{d.name}? 100%")
                 for d in panel.store.schema.stance_labels)
    assert panel.tree.columnWidth(STANCE_COLUMN) > widest


def test_a_label_key_over_a_suggestion_chooses_another_label(qtbot, panel):
    store = panel.store
    first = panel.current_comment
    suggestion = store.stance_suggestion(first, panel.current_target, ANNOTATOR)
    other = "against" if suggestion.label == "favor" else "favor"
    key = next(d.key for d in store.schema.stance_labels if d.name == other)
    qtbot.keyClicks(panel.tree, key)
    assert store.stance(first, panel.current_target, ANNOTATOR).label == other
    assert store.stance_suggestion(first, panel.current_target, ANNOTATOR) is None


def test_model_menu_trains_with_a_verdict_and_suggests_stance(qtbot, trained: Path):
    from gui.app import open_window

    window = open_window(trained, ANNOTATOR)
    assert window is not None
    window.show()
    try:
        titles = [a.text() for a in window.menuBar().actions()]
        assert "&Model" in titles
        actions = window.model_actions
        store = window.store
        before = len(store.registered_models("stance"))
        assert actions.train("stance", "gold")
        qtbot.waitUntil(lambda: actions.last_report is not None, timeout=60000)
        assert len(store.registered_models("stance")) == before + 1
        assert "held-out scores" in actions.last_report.table()
        actions._choose(actions.last_report, keep_old=True)  # "Keep the old model"
        assert len(store.registered_models("stance")) == before
        window.session.open_document(store.document_ids()[1])
        assert actions.suggest_stance(current_only=True)
        qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60000)
        docs = {store.comment(s.comment_id).document_id for s in store.stance_suggestions(annotator=ANNOTATOR)}
        assert docs == {store.document_ids()[1]}
        panel = window.thread
        first = panel.model.comment_ids()[0]
        assert any(panel.model.suggestion_of(first, t) for t in panel.model.targets)
    finally:
        store = window.session.store
        window.close()
        store.close()


def test_n_can_go_where_the_model_is_least_sure(qtbot, panel):
    model, target = panel.model, panel.current_target
    suggested = [c for c in model.comment_ids() if model.suggestion_of(c, target)]
    least = min(suggested, key=lambda c: model.suggestion_of(c, target).probability)
    panel.uncertain_first = True
    qtbot.keyClicks(panel.tree, "n")
    assert panel.current_comment == least
    panel.uncertain_first = False
    panel.select_comment(model.comment_ids()[0])
    qtbot.keyClicks(panel.tree, "n")
    assert panel.current_comment == model.comment_ids()[1]  # reading order


def test_cancel_in_the_window_lets_training_keep_its_best_epoch():
    """The runner stops a job right after a progress report; the wrapper stops reporting once
    Cancel is pressed, so the training job sees the cancel itself and returns its best epoch."""
    from annotation.jobs import CancelToken, Cancelled, Progress
    from gui.model_menu import keep_best_on_cancel

    token = CancelToken()

    def training():
        best = None
        try:
            for epoch in range(1, 6):
                token.check()
                best = epoch
                yield Progress(epoch, 5, f"epoch {epoch}/5")
        except Cancelled:
            pass
        return f"saved epoch {best}"

    job = keep_best_on_cancel(training(), token)
    assert next(job).message == "epoch 1/5"
    assert next(job).message == "epoch 2/5"
    token.cancel()
    with pytest.raises(StopIteration) as stop:
        next(job)
    assert stop.value.value == "saved epoch 2"


def test_a_first_stance_model_offers_use_or_discard_and_starts_on_your_layer(qtbot, tmp_path: Path, monkeypatch):
    """With no earlier stance model the comparison is with the majority label: nothing "old" to
    keep. Train… offers the researcher's own layer first, and Suggest stance without any model
    points to Model ▸ Train…, not to a terminal command."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from gui.app import open_window

    path = tmp_path / "first.db"
    with Store.create(path) as store:
        add_stance_project(store, annotator=ANNOTATOR, replies=True)
    window = open_window(path, ANNOTATOR)
    assert window is not None
    window.show()
    store = window.store
    try:
        actions = window.model_actions
        window.session.open_document(store.document_ids()[0])
        assert not actions.suggest_stance(current_only=True)
        assert "Model ▸ Train" in window.statusBar().currentMessage() and "goldspan" not in window.statusBar().currentMessage()

        offered: list[tuple[list[str], int]] = []
        started: list[tuple[str, str]] = []

        def get_item(parent, title, label, items, current, editable):  # type: ignore[no-untyped-def]
            offered.append((list(items), current))
            return items[current], True

        monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
        monkeypatch.setattr(actions, "train", lambda task, layer, epochs=10: started.append((task, layer)) or True)
        actions.train_dialog()
        layers, current = offered[-1]
        assert layers[current] == ANNOTATOR and started == [("stance", ANNOTATOR)]
        monkeypatch.undo()

        assert actions.train("stance", ANNOTATOR)
        qtbot.waitUntil(lambda: actions.last_report is not None, timeout=60000)
        report = actions.last_report
        assert not report.has_previous_model and "keep the old model" not in report.verdict()
        box = window.last_notice
        assert isinstance(box, QMessageBox)
        texts = [b.text() for b in box.buttons()]
        assert "Discard the new model" in texts and "Keep the old model" not in texts
        discard = next(b for b in box.buttons() if b.text() == "Discard the new model")
        qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
        assert store.latest_model("stance") is None
        assert window.statusBar().currentMessage().startswith("Discarded the new stance model")
    finally:
        window.close()
        store.close()
