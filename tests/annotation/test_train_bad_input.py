"""Issue 11's "Bad input", end to end from the command line: each case gives exactly one line on
stderr (no traceback), a non-zero exit, the project's tables as they were, and the previous
registered model and its folder untouched (no half-written folder left, none registered).

Cases already covered elsewhere (tests/annotation/test_train_ner.py, test_train_stance.py): too
few stance or entity examples and one stance label only (core), an unknown stance label (core),
a full disk while saving a stance model (core), an empty folder given to --model/--stance, a
stance model given to --model, a deleted stance model for --stance, cancel and Ctrl-C between
NER epochs (core)."""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.cli import main as cli_main
from annotation.errors import DiskFull, ProjectError
from annotation.jobs import run
from annotation.store import Store
from annotation.training import registry
from annotation.training.report import TrainingError
from annotation.training.stance import train_stance
from tests.annotation.train_helpers import add_drug_project, add_stance_project, drug_schema, stance_articles


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every file of a model folder with its bytes: 'untouched' means equal to this."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("goldspan: error: ") and "Traceback" not in err, err
    return err.strip()


class Unchanged:
    """The project's tables, its models folder and each registered model's files, before and after."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.tables = dump(project)
        with Store.open(project, read_only=True) as store:
            self.models = {m.path: folder_state(Path(m.path)) for m in store.registered_models() if Path(m.path).is_dir()}
        self.models_dir = registry.default_out_dir(project)
        self.entries = sorted(p.name for p in self.models_dir.iterdir()) if self.models_dir.is_dir() else None

    def check(self) -> None:
        assert dump(self.project) == self.tables
        for path, files in self.models.items():
            assert folder_state(Path(path)) == files
        now = sorted(p.name for p in self.models_dir.iterdir()) if self.models_dir.is_dir() else None
        assert now == self.entries  # no new folder, no half-written '.saving' folder


# -- projects -----------------------------------------------------------------------------


@pytest.fixture
def drugs(tmp_path: Path) -> Path:
    path = tmp_path / "drugs.db"
    with Store.create(path, drug_schema()) as store:
        add_drug_project(store, n_docs=4, per_doc=3)
    return path


@pytest.fixture
def drugs_trained(drugs: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The drug project with one registered entity model (1 epoch: only its folder matters)."""
    assert cli_main(["train", str(drugs), "--task", "ner", "--epochs", "1"]) == 0
    capsys.readouterr()
    return drugs


@pytest.fixture
def stances(tmp_path: Path) -> Path:
    path = tmp_path / "stance.db"
    with Store.create(path) as store:
        add_stance_project(store, per_motion=8)
    return path


@pytest.fixture
def stances_trained(stances: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert cli_main(["train", str(stances), "--task", "stance"]) == 0
    capsys.readouterr()
    return stances


def latest_path(project: Path, task: str) -> Path:
    with Store.open(project, read_only=True) as store:
        return Path(store.latest_model(task).path)


# -- too few examples, one label, labels the schema lacks ------------------------------------


def test_too_few_entity_spans_from_the_command_line(tmp_path: Path, capsys):
    project = tmp_path / "few.db"
    with Store.create(project, drug_schema()) as store:
        add_drug_project(store, n_docs=1, per_doc=3)
    before = Unchanged(project)
    assert cli_main(["train", str(project), "--task", "ner", "--epochs", "1"]) == 1
    assert "annotate 2 more DRUG" in one_error_line(capsys)
    before.check()


def test_enough_spans_but_all_in_one_text_says_what_is_needed(tmp_path: Path, capsys):
    """One annotated article: nothing left to train on once a text is held out. The line used to
    be "lower --eval-split", a flag the window does not have; it now says what to annotate."""
    project = tmp_path / "one-text.db"
    with Store.create(project, drug_schema()) as store:
        add_drug_project(store, n_docs=1, per_doc=5)
    before = Unchanged(project)
    assert cli_main(["train", str(project), "--task", "ner", "--epochs", "1"]) == 1
    assert "annotate 1 more document or comment" in one_error_line(capsys)
    before.check()


def test_a_span_inside_a_word_is_a_note_not_a_warning_dump(drugs: Path):
    """spaCy's W030 warning (two lines per text, on stderr) becomes one note in the report."""
    from annotation.commands import AddSpan
    from annotation.model import ENTITY, Span

    with Store.open(drugs) as store:
        doc = store.document_ids()[1]
        at = store.document(doc).text.index("said")
        store.apply(AddSpan(Span(None, doc, None, at + 1, at + 3, "DRUG", ENTITY, "gold")))
    # A process of its own: pytest would catch the warning before it reached stderr.
    done = subprocess.run([sys.executable, "-m", "annotation.cli", "train", str(drugs), "--task", "ner", "--epochs", "1"],
                          capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=600)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "1 confirmed span not on token boundaries" in done.stdout


def test_one_stance_label_only_from_the_command_line(tmp_path: Path, capsys):
    project = tmp_path / "one.db"
    articles = stance_articles(per_motion=8)
    with Store.create(project) as store, store.transaction():
        store.import_articles(articles, "m.jsonl", annotator="gold")
        store.conn.execute("UPDATE stances SET label = 'favor'")
    before = Unchanged(project)
    assert cli_main(["train", str(project), "--task", "stance"]) == 1
    line = one_error_line(capsys)
    assert "at least 2 labels" in line and "favor 32" in line
    before.check()


def test_the_stance_line_says_how_many_more_of_which_label():
    from collections import Counter

    from annotation.training.stance import check_enough

    cases = [(Counter(), "label at least 5 comments with each of 2 labels"),
             (Counter(favor=3), "label 2 more favor and at least 5 comments with a second label"),
             (Counter(favor=9), "(has favor 9); label at least 5 comments with a second label"),
             (Counter(favor=9, against=4), "label 1 more against")]
    for counts, expected in cases:
        with pytest.raises(TrainingError) as caught:
            check_enough(counts, "stance labels of 'ann'")
        assert expected in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.goldspan_check(allow=["span_label_unknown"])
def test_entity_spans_of_a_label_the_schema_lacks(tmp_path: Path, capsys):
    """An annotator's spans of a label the schema no longer has (merged in, or written by an older
    tool): training refuses to invent the label."""
    project = tmp_path / "ann.db"
    with Store.create(project, drug_schema()) as store:
        add_drug_project(store, annotator="ann", n_docs=4, per_doc=3)
        with store.transaction():
            store.conn.execute("UPDATE spans SET label = 'MEDICINE' WHERE id = (SELECT min(id) FROM spans)")
    before = Unchanged(project)
    assert cli_main(["train", str(project), "--task", "ner", "--annotator", "ann", "--epochs", "1"]) == 1
    line = one_error_line(capsys)
    assert "entity label 'MEDICINE' in layer 'ann' is not in the project's schema" in line
    before.check()


@pytest.mark.goldspan_check(allow=["stance_label_unknown"])
def test_stance_labels_the_schema_lacks_from_the_command_line(stances_trained: Path, capsys):
    with Store.open(stances_trained) as store, store.transaction():
        store.conn.execute("UPDATE stances SET label = 'maybe' WHERE id = (SELECT min(id) FROM stances)")
    before = Unchanged(stances_trained)
    assert cli_main(["train", str(stances_trained), "--task", "stance"]) == 1
    assert "'maybe'" in one_error_line(capsys)
    before.check()


# -- model folders: not a pipeline, the other task, deleted, broken, other labels -----------------


def test_an_entity_model_given_for_stance(drugs_trained: Path, stances: Path, capsys):
    before = Unchanged(stances)
    assert cli_main(["preannotate", str(stances), "--stance", "--model", str(latest_path(drugs_trained, "ner"))]) == 1
    assert "is an entity (NER) pipeline, not a stance model" in one_error_line(capsys)
    before.check()


def test_latest_entity_model_whose_folder_was_deleted(drugs_trained: Path, capsys):
    folder = latest_path(drugs_trained, "ner")
    shutil.rmtree(folder)
    before = Unchanged(drugs_trained)
    for spec in ("latest", "#1"):
        assert cli_main(["preannotate", str(drugs_trained), "--model", spec, "--annotator", "ann"]) == 1
        assert "was deleted or moved" in one_error_line(capsys)
    before.check()


def test_a_stance_model_with_truncated_weights_is_one_line(stances_trained: Path, capsys):
    """A truncated .npz used to end in zipfile.BadZipFile's traceback."""
    folder = latest_path(stances_trained, "stance")
    weights = folder / "stance.npz"
    weights.write_bytes(weights.read_bytes()[:50])
    before = Unchanged(stances_trained)
    assert cli_main(["preannotate", str(stances_trained), "--stance", "--annotator", "ann"]) == 1
    assert "the stance weights cannot be read" in one_error_line(capsys)
    before.check()


def test_training_goes_on_when_the_previous_stance_model_is_broken(stances_trained: Path, capsys):
    folder = latest_path(stances_trained, "stance")
    (folder / "stance.npz").write_bytes(b"PK\x03\x04 not really")
    broken = folder_state(folder)
    assert cli_main(["train", str(stances_trained), "--task", "stance"]) == 0
    out = capsys.readouterr().out
    assert "the current model cannot be read" in out and "majority label" in out
    assert folder_state(folder) == broken  # left as it was
    assert latest_path(stances_trained, "stance") != folder


def test_a_broken_entity_model_is_one_line_and_does_not_stop_training(drugs_trained: Path, capsys):
    folder = latest_path(drugs_trained, "ner")
    weights = folder / "ner" / "model"
    weights.write_bytes(weights.read_bytes()[:100])
    broken = folder_state(folder)
    before = Unchanged(drugs_trained)
    assert cli_main(["preannotate", str(drugs_trained), "--model", "latest", "--annotator", "ann"]) == 1
    assert "is not a usable spaCy pipeline" in one_error_line(capsys)
    before.check()
    # Training used to stop at the broken model it compares with; now it compares with the base.
    assert cli_main(["train", str(drugs_trained), "--task", "ner", "--epochs", "1"]) == 0
    assert "the current model cannot be read" in capsys.readouterr().out
    assert folder_state(folder) == broken and latest_path(drugs_trained, "ner") != folder


def test_a_stance_model_for_labels_this_schema_lacks_is_refused(stances_trained: Path, tmp_path: Path, capsys):
    """A model trained in another project (favor/against) given to one whose schema says pro/con
    used to write 'favor' suggestions the schema cannot hold."""
    from annotation.schema import DEFAULT_SCHEMA_PATH, parse_schema

    text = DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8").replace("favor ", "pro ", 1).replace("against ", "con ", 1)
    other = tmp_path / "other.db"
    with Store.create(other, parse_schema(text, "pro/con schema")) as store, store.transaction():
        store.import_articles([a.__class__(a.document, a.comments) for a in stance_articles(per_motion=3)], "m.jsonl")
    before = Unchanged(other)
    model = latest_path(stances_trained, "stance")
    assert cli_main(["preannotate", str(other), "--stance", "--model", str(model), "--annotator", "ann"]) == 1
    line = one_error_line(capsys)
    assert "'favor'" in line and "schema lacks" in line
    before.check()


def test_an_entity_model_for_a_label_this_schema_lacks_is_refused(drugs_trained: Path, tmp_path: Path, capsys):
    """An entity model taught DRUG, given to a project with the default schema (no DRUG), used to
    write DRUG suggestions the schema cannot hold."""
    other = tmp_path / "plain.db"
    with Store.create(other) as store, store.transaction():
        from tests.annotation.train_helpers import drug_articles

        store.import_articles([a for a, _ in drug_articles(n_docs=1)], "d.jsonl")
    before = Unchanged(other)
    assert cli_main(["preannotate", str(other), "--model", str(latest_path(drugs_trained, "ner"))]) == 1
    line = one_error_line(capsys)
    assert "'DRUG'" in line and "schema lacks" in line
    before.check()


def test_a_stance_model_given_as_the_base_pipeline(drugs: Path, stances_trained: Path, capsys):
    before = Unchanged(drugs)
    assert cli_main(["train", str(drugs), "--task", "ner", "--base", str(latest_path(stances_trained, "stance"))]) == 1
    assert "is a stance model, not an entity (NER) pipeline" in one_error_line(capsys)
    before.check()


# -- disk full, a project that cannot register, read-only ------------------------------------------


def _enospc(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_while_saving_an_entity_model(drugs_trained: Path, monkeypatch, capsys):
    from spacy.language import Language

    before = Unchanged(drugs_trained)
    monkeypatch.setattr(Language, "to_disk", _enospc)
    assert cli_main(["train", str(drugs_trained), "--task", "ner", "--epochs", "1"]) == 1
    assert "disk is full" in one_error_line(capsys)
    before.check()
    out = drugs_trained.parent / "new" / "models"  # --out to folders that do not exist yet: none left behind
    assert cli_main(["train", str(drugs_trained), "--task", "ner", "--epochs", "1", "--out", str(out)]) == 1
    assert "disk is full" in one_error_line(capsys)
    assert not (drugs_trained.parent / "new").exists()
    before.check()


def test_a_model_the_project_cannot_register_is_not_left_behind(stances_trained: Path, monkeypatch, capsys):
    """The model folder saved, then the project's own disk full: the folder used to stay, a
    model the project does not know."""
    before = Unchanged(stances_trained)

    def full(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise DiskFull(f"{self.path}: the disk is full; nothing of this step was saved")

    monkeypatch.setattr(Store, "register_model", full)
    assert cli_main(["train", str(stances_trained), "--task", "stance"]) == 1
    line = one_error_line(capsys)
    assert "disk is full" in line and "the new model was not kept" in line
    before.check()


def test_a_read_only_project_is_refused_before_any_work(stances: Path):
    out = stances.parent / "m"
    with Store.open(stances, read_only=True) as store:
        with pytest.raises(ProjectError, match="read-only"):
            run(train_stance(store, "gold", out))
    assert not out.exists()


# -- Ctrl-C -----------------------------------------------------------------------------------


def _ctrl_c_at(monkeypatch, message_start: str, times: int = 1) -> list[str]:
    """Send SIGINT to this process (a real signal, through the real handler) when the training
    job reports progress whose message starts with ``message_start``."""
    import annotation.cli.common as common

    seen: list[str] = []
    original = common.run

    def run_and_interrupt(job, on_progress=None):  # noqa: ANN001, ANN202
        def hook(progress):  # noqa: ANN001, ANN202
            seen.append(progress.message)
            if progress.message.startswith(message_start) and seen.count(progress.message) == 1:
                handler = signal.getsignal(signal.SIGINT)
                os.kill(os.getpid(), signal.SIGINT)
                for _ in range(10**6):  # until the handler has run (it swaps itself for the default one)
                    if signal.getsignal(signal.SIGINT) is not handler:
                        break
                if times == 2:
                    os.kill(os.getpid(), signal.SIGINT)
            if on_progress is not None:
                on_progress(progress)
        return original(job, hook)

    monkeypatch.setattr(common, "run", run_and_interrupt)
    return seen


def test_ctrl_c_before_the_first_epoch_ends_saves_nothing(drugs_trained: Path, monkeypatch, capsys):
    """It used to print "interrupted; the last batch was rolled back, everything before it is saved"."""
    before = Unchanged(drugs_trained)
    handler = signal.getsignal(signal.SIGINT)
    _ctrl_c_at(monkeypatch, "loading")
    assert cli_main(["train", str(drugs_trained), "--task", "ner", "--epochs", "2"]) == 130
    assert "Cancelled before training began: nothing saved or registered" in one_error_line(capsys)
    before.check()
    assert signal.getsignal(signal.SIGINT) is handler  # the command's own handler is gone again


def test_ctrl_c_during_stance_training_saves_nothing(stances_trained: Path, monkeypatch, capsys):
    before = Unchanged(stances_trained)
    _ctrl_c_at(monkeypatch, "training")
    assert cli_main(["train", str(stances_trained), "--task", "stance"]) == 130
    assert "Cancelled: nothing saved or registered, the previous model is untouched" in one_error_line(capsys)
    before.check()


def test_a_second_ctrl_c_stops_at_once_and_saves_nothing(stances_trained: Path, monkeypatch, capsys):
    before = Unchanged(stances_trained)
    _ctrl_c_at(monkeypatch, "saving", times=2)
    assert cli_main(["train", str(stances_trained), "--task", "stance"]) == 130
    assert "training interrupted: nothing saved or registered" in one_error_line(capsys)
    before.check()


def test_ctrl_c_after_an_epoch_keeps_it_from_the_command_line(drugs: Path, monkeypatch, capsys):
    _ctrl_c_at(monkeypatch, "epoch 1/")
    assert cli_main(["train", str(drugs), "--task", "ner", "--epochs", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cancelled"] and report["model_id"] is not None
    assert latest_path(drugs, "ner") == Path(report["path"]) and Path(report["path"]).is_dir()
