"""goldspan train --task ner: a new schema label learned on top of the base pipeline, stock labels
kept, the best epoch kept on cancel, the result usable by preannotate --model latest."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotation.cli import main as cli_main
from annotation.jobs import CancelToken, run
from annotation.store import Store
from annotation.training import registry
from annotation.training.ner import reference_for, train_ner
from annotation.training.report import TrainingError
from tests.annotation.train_helpers import add_drug_project, drug_schema


@pytest.fixture
def drug_project(tmp_path: Path) -> Path:
    path = tmp_path / "drugs.db"
    with Store.create(path, drug_schema()) as store:
        add_drug_project(store, n_docs=6, per_doc=4)
    return path


def test_untaught_stock_labels_come_from_the_base_model_and_unreviewed_suggestions_are_missing():
    from annotation.store.models_registry import EntityUnit

    unit = EntityUnit(1, None, "x" * 60, human=((10, 17, "DRUG"),), suggested=((30, 35, "DRUG"), (40, 45, "ORG")), done=False)
    base = [(0, 5, "PERSON"), (12, 16, "ORG"), (30, 35, "GPE"), (50, 55, "DATE")]
    ents, missing = reference_for(unit, {"DRUG"}, base)
    assert ents == [(0, 5, "PERSON"), (10, 17, "DRUG"), (50, 55, "DATE")]  # base ORG under the human DRUG dropped
    assert missing == [(30, 35, "DRUG")]  # an untouched DRUG suggestion: not reviewed, neither right nor wrong


def test_train_learns_a_new_label_keeps_stock_ones_and_preannotate_uses_it(drug_project: Path, capsys):
    assert cli_main(["train", str(drug_project), "--task", "ner", "--epochs", "4", "--seed", "0"]) == 0
    out = capsys.readouterr().out
    assert "DRUG" in out and "held-out scores: new model vs en_core_web_sm" in out and "stock labels not taught" in out
    with Store.open(drug_project, read_only=True) as store:
        model = store.latest_model("ner")
    assert model is not None and model.trained_on["new_labels"] == ["DRUG"]
    assert model.scores["labels"]["DRUG"]["f"] > 0.5  # the base model: 0 (it has no DRUG)
    assert model.scores["stock_kept"]["f"] > 0.8  # PERSON, GPE ... not forgotten
    assert registry.folder_task(Path(model.path)) == "ner"
    import spacy

    nlp = spacy.load(model.path)
    doc = nlp("Angela Merkel said in Berlin that patients took insulin every day.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels.get("insulin") == "DRUG" and labels.get("Angela Merkel") == "PERSON"
    # preannotate --model latest suggests DRUG in a fresh annotator's layer, recording the model.
    assert cli_main(["preannotate", str(drug_project), "--model", "latest", "--annotator", "ann"]) == 0
    with Store.open(drug_project, read_only=True) as store:
        spans = [s for d in store.document_ids() for s in store.spans(d, annotator="ann")]
    drugs = [s for s in spans if s.label == "DRUG"]
    assert drugs and all(s.origin == "model" and "goldspan_ner" in s.model for s in drugs)


def test_cancel_mid_training_keeps_the_best_epoch_so_far(drug_project: Path):
    with Store.open(drug_project) as store:
        token = CancelToken()
        job = train_ner(store, "gold", drug_project.parent / "models", epochs=5, cancel=token)
        report = None
        try:
            while True:
                progress = next(job)
                if progress.message.startswith("epoch 1/"):
                    token.cancel()  # checked at the next batch of epoch 2
        except StopIteration as stop:
            report = stop.value
        assert report.cancelled and report.epochs == 1
        assert Path(report.path).is_dir() and store.latest_model("ner").path == report.path


def test_cancel_before_the_first_epoch_saves_nothing(drug_project: Path):
    with Store.open(drug_project) as store:
        token = CancelToken()
        token.cancel()
        with pytest.raises(TrainingError, match="nothing saved"):
            run(train_ner(store, "gold", drug_project.parent / "models", epochs=2, cancel=token))
        assert store.registered_models() == []
        assert not any((drug_project.parent / "models").glob("goldspan_*"))


def test_suggestions_never_count_and_too_few_spans_say_how_many_more(tmp_path: Path):
    with Store.create(tmp_path / "p.db", drug_schema()) as store:
        ids = add_drug_project(store, annotator="ann", n_docs=1, per_doc=3)
        with pytest.raises(TrainingError, match="annotate 2 more DRUG"):
            run(train_ner(store, "ann", tmp_path / "m"))
        with store.transaction():  # a model suggestion in bob's layer: never training data
            store.conn.execute(
                "INSERT INTO spans(document_id, comment_id, start, end, label, layer, annotator, origin, model, created, updated) "
                "VALUES (?, NULL, 0, 5, 'PERSON', 'entity', 'bob', 'model', 'm', 'now', 'now')", (ids[0],))
        with pytest.raises(TrainingError, match="no confirmed entity spans"):
            run(train_ner(store, "bob", tmp_path / "m"))


def test_ctrl_c_after_an_epoch_keeps_it(drug_project: Path):
    """Ctrl-C reaches the job as KeyboardInterrupt wherever it runs; after an epoch it saves that
    epoch, like a cancel (checked once by hand with SIGINT on `goldspan train`)."""
    with Store.open(drug_project) as store:
        job = train_ner(store, "gold", drug_project.parent / "models", epochs=5)
        while not next(job).message.startswith("epoch 1/"):
            pass
        progress = job.throw(KeyboardInterrupt())
        report = run(_rest(job, progress))
        assert report.cancelled and report.epochs == 1 and store.latest_model("ner").path == report.path


def _rest(job, first):  # noqa: ANN001, ANN202 - the rest of a started job, as a job
    yield first
    return (yield from job)
