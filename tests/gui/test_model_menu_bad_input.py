"""Issue 11's "Bad input" in the window (the Model menu): a plain message (a status line, and a
warning box for a problem, never a traceback dialog), the project's tables and the previous
model untouched. The command line's side is tests/annotation/test_train_bad_input.py."""
from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from annotation.cli import main as cli_main
from annotation.store import Store
from tests.annotation.test_train_bad_input import folder_state
from tests.annotation.train_helpers import add_drug_project, add_stance_project, drug_schema

ME = "tester"


def table_dump(store: Store) -> list[str]:
    return list(store.conn.iterdump())


@pytest.fixture
def open_project(qtbot):
    """open_project(path) -> the main window on it; closed (and its store) at the end."""
    from gui.app import open_window

    windows = []

    def opener(path: Path):
        window = open_window(path, ME)
        assert window is not None
        window.show()
        windows.append(window)
        return window

    yield opener
    for window in windows:
        window.jobs.wait()
        store = window.store
        window.close()
        store.close()


def finished(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60000)


def warning_text(window) -> str:
    box = getattr(window, "last_notice", None)
    assert isinstance(box, QMessageBox), "no message box"
    text = box.text() + box.informativeText()
    assert "Traceback" not in text and 'File "' not in text and text.count("\n") <= 1, text
    return text


@pytest.fixture
def stance_project(tmp_path: Path) -> Path:
    path = tmp_path / "stance.db"
    with Store.create(path) as store:
        add_stance_project(store, per_motion=8)
    assert cli_main(["train", str(path), "--task", "stance"]) == 0
    return path


@pytest.fixture
def drug_project(tmp_path: Path) -> Path:
    path = tmp_path / "drugs.db"
    with Store.create(path, drug_schema()) as store:
        add_drug_project(store, n_docs=4, per_doc=3)
    return path


def test_too_few_examples_is_a_plain_message(qtbot, tmp_path: Path, open_project):
    path = tmp_path / "few.db"
    with Store.create(path, drug_schema()) as store:
        add_drug_project(store, annotator=ME, n_docs=1, per_doc=3)
    window = open_project(path)
    before = table_dump(window.store)
    assert window.model_actions.train("ner", ME, epochs=1)
    finished(qtbot, window)
    assert "annotate 2 more DRUG" in warning_text(window)
    assert "annotate 2 more DRUG" in window.statusBar().currentMessage()
    assert table_dump(window.store) == before and window.model_actions.last_report is None


@pytest.mark.goldspan_check(allow=["span_label_unknown"])
def test_spans_of_a_label_the_schema_lacks_is_a_plain_message(qtbot, tmp_path: Path, open_project):
    path = tmp_path / "unknown.db"
    with Store.create(path, drug_schema()) as store:
        add_drug_project(store, annotator=ME, n_docs=4, per_doc=3)
        with store.transaction():
            store.conn.execute("UPDATE spans SET label = 'MEDICINE' WHERE id = (SELECT min(id) FROM spans)")
    window = open_project(path)
    before = table_dump(window.store)
    assert window.model_actions.train("ner", ME, epochs=1)
    finished(qtbot, window)
    assert "'MEDICINE'" in warning_text(window) and "not in the project's schema" in warning_text(window)
    assert table_dump(window.store) == before and window.store.registered_models() == []


def test_use_model_marks_registered_models_whose_folder_is_gone(qtbot, drug_project: Path, open_project, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    assert cli_main(["train", str(drug_project), "--task", "ner", "--epochs", "1"]) == 0
    window = open_project(drug_project)
    model = window.store.latest_model("ner")
    shutil.rmtree(model.path)
    offered: list[list[str]] = []

    def get_item(parent, title, label, items, current, editable):  # noqa: ANN001, ANN202
        offered.append(list(items))
        return items[1], True  # the registered model, chosen anyway

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    before = table_dump(window.store)
    window.model_actions.use_model_dialog()
    assert offered[0][1].startswith(f"#{model.id} ") and offered[0][1].endswith("(folder gone)")
    assert "was deleted or moved" in warning_text(window)
    assert table_dump(window.store) == before


def test_a_truncated_stance_model_is_a_plain_message_not_a_traceback(qtbot, stance_project: Path, open_project):
    """It used to show 'BadZipFile: File is not a zip file' with a traceback."""
    window = open_project(stance_project)
    store = window.store
    folder = Path(store.latest_model("stance").path)
    (folder / "stance.npz").write_bytes((folder / "stance.npz").read_bytes()[:50])
    before = table_dump(store)
    window.session.open_document(store.document_ids()[0])
    assert window.model_actions.suggest_stance(current_only=False)
    finished(qtbot, window)
    assert "the stance weights cannot be read" in warning_text(window)
    assert table_dump(store) == before and store.stance_suggestion_count(ME) == 0


def test_suggest_stance_after_the_model_folder_was_deleted(qtbot, stance_project: Path, open_project):
    window = open_project(stance_project)
    store = window.store
    shutil.rmtree(store.latest_model("stance").path)
    before = table_dump(store)
    assert not window.model_actions.suggest_stance(current_only=False)  # refused before any job
    assert not window.jobs.busy
    text = warning_text(window)
    assert "was deleted or moved" in text and "Model ▸ Train…" in text and "give a folder" not in text
    assert table_dump(store) == before


def test_the_chosen_entity_model_deleted_is_refused_before_any_job(qtbot, drug_project: Path, open_project):
    """Model ▸ Use model… chose a folder that was deleted since: Pre-annotate says so plainly
    (it used to start the job and report spaCy's 'path does not exist')."""
    assert cli_main(["train", str(drug_project), "--task", "ner", "--epochs", "1"]) == 0
    window = open_project(drug_project)
    store, actions = window.store, window.model_actions
    folder = store.latest_model("ner").path
    assert actions.use_entity_model(folder)
    shutil.rmtree(folder)
    before = table_dump(store)
    assert not actions.preannotate_entities()
    assert not window.jobs.busy
    assert "was deleted or moved" in warning_text(window) and "Model ▸ Use model" in warning_text(window)
    assert table_dump(store) == before


def test_use_model_refuses_a_stance_model_or_a_folder_that_is_no_model(qtbot, stance_project: Path, tmp_path: Path,
                                                                      open_project):
    window = open_project(stance_project)
    store, actions = window.store, window.model_actions
    stance_folder = store.latest_model("stance").path
    before = table_dump(store)
    assert not actions.use_entity_model(stance_folder)
    assert "is a stance model, not an entity (NER) pipeline" in warning_text(window)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not actions.use_entity_model(str(empty))
    assert "not a spaCy pipeline" in warning_text(window)
    assert table_dump(store) == before  # the choice was not stored


def test_disk_full_while_saving_in_the_window(qtbot, stance_project: Path, open_project, monkeypatch):
    from annotation.training.stance_model import StanceModel

    window = open_project(stance_project)
    store = window.store
    previous = store.latest_model("stance")
    files = folder_state(Path(previous.path))
    models_dir = Path(previous.path).parent
    entries = sorted(p.name for p in models_dir.iterdir())
    before = table_dump(store)

    def full(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(StanceModel, "save", full)
    assert window.model_actions.train("stance", "gold")
    finished(qtbot, window)
    assert "disk is full" in warning_text(window)
    assert table_dump(store) == before and store.latest_model("stance") == previous
    assert folder_state(Path(previous.path)) == files and sorted(p.name for p in models_dir.iterdir()) == entries


def _cancel_when(monkeypatch, window, cls, method: str, call: int = 1) -> None:
    """Press Cancel (the runner's token) from inside the job, at its ``call``-th call of ``method``:
    a fixed point of the job, whatever the machine's speed."""
    original = getattr(cls, method)
    calls = []

    def wrapped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        result = original(*args, **kwargs)
        calls.append(1)
        if len(calls) == call:
            window.jobs.cancel()
        return result

    monkeypatch.setattr(cls, method, wrapped)


@pytest.mark.parametrize("task", ["ner", "stance"])
def test_cancel_before_there_is_a_model_is_a_status_line(qtbot, tmp_path: Path, open_project, monkeypatch, task):
    """Cancel is the researcher's own act: a status line, no warning box (the NER message used to
    start with a lower-case 'cancelled', which the window showed as a warning)."""
    path = tmp_path / f"{task}.db"
    with Store.create(path, drug_schema()) as store:
        (add_drug_project if task == "ner" else add_stance_project)(store)
    window = open_project(path)
    before = table_dump(window.store)
    method = "entity_units" if task == "ner" else "stance_examples"
    _cancel_when(monkeypatch, window, Store, method)
    window.last_notice = None
    assert window.model_actions.train(task, "gold", epochs=2)
    finished(qtbot, window)
    message = window.statusBar().currentMessage()
    assert "Cancelled" in message and "nothing saved or registered" in message
    assert window.last_notice is None
    assert table_dump(window.store) == before and window.store.registered_models() == []


def test_cancel_mid_epoch_in_the_window_keeps_the_best_epoch(qtbot, drug_project: Path, open_project, monkeypatch):
    """Cancel pressed during the second epoch: the job itself sees it, keeps epoch 1 and registers it."""
    import annotation.training.ner as ner

    window = open_project(drug_project)
    calls = []
    original = ner._score

    def score(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 2:  # 1: the current model's score; 2: epoch 1's
            window.jobs.cancel()
        return original(*args, **kwargs)

    monkeypatch.setattr(ner, "_score", score)
    actions = window.model_actions
    assert actions.train("ner", "gold", epochs=3)
    qtbot.waitUntil(lambda: actions.last_report is not None, timeout=60000)
    report = actions.last_report
    assert report.cancelled and report.epochs == 1
    assert window.store.latest_model("ner").path == report.path and Path(report.path).is_dir()
