"""goldspan train --task stance: a target-aware classifier, its report, registry and bad input."""
from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from annotation.cli import main as cli_main
from annotation.commands import SetStance
from annotation.jobs import run
from annotation.store import Store
from annotation.training import registry
from annotation.training.report import TrainingError
from annotation.training.stance import train_stance
from annotation.training.stance_model import StanceModel, direction, features
from tests.annotation.train_helpers import MOTIONS, add_stance_project, stance_articles


def test_direction_reads_whether_a_target_acts_against_its_subject():
    assert direction("We should ban fireworks") == -1.0
    assert direction("We should subsidize libraries") == 1.0
    assert direction("We should not ban fireworks") == 1.0  # two flips
    assert features("We should ban X", "X harms people")["s:harms"] == -1.0


def test_the_model_carries_stance_over_to_a_motion_it_never_saw():
    """Praise is favor for 'subsidize X' and against for 'ban X': trained on three motions, the
    classifier gets the fourth right because it reads the target's direction."""
    articles = stance_articles(per_motion=16)
    rows, labels, unseen = [], [], []
    for article in articles:
        by_ext = {c.ext_id: c.text for c in article.comments}
        motion = article.document.title
        items = [((motion, by_ext[s.comment_ext_id], ""), s.label) for s in article.stances]
        if motion == MOTIONS[3][0]:
            unseen += items
        else:
            rows += [r for r, _ in items]
            labels += [l for _, l in items]
    model = StanceModel.fit(rows, labels)
    predicted = [label for label, _ in model.predict([r for r, _ in unseen])]
    accuracy = sum(p == g for p, (_, g) in zip(predicted, unseen)) / len(unseen)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer()  # the bag-of-words baseline: praise reads as favor everywhere
    bow = LogisticRegression().fit(vec.fit_transform([f"{t} {c}" for t, c, _ in rows]), labels)
    bow_predicted = bow.predict(vec.transform([f"{t} {c}" for (t, c, _), _ in unseen]))
    bow_accuracy = sum(p == g for p, (_, g) in zip(bow_predicted, unseen)) / len(unseen)
    assert accuracy >= 0.7 and bow_accuracy <= 0.5, (accuracy, bow_accuracy)


def test_train_prints_scores_beside_the_current_model_and_registers_it(project: Path, capsys):
    with Store.open(project) as store:
        add_stance_project(store, replies=True)
    assert cli_main(["train", str(project), "--task", "stance", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "favor" in out and "against" in out and "no model (majority label)" in out and "verdict:" in out
    with Store.open(project, read_only=True) as store:
        first = store.latest_model("stance")
        assert first is not None and first.layer == "gold" and first.trained_on["stance_held_out"] > 0
        assert set(first.scores["labels"]) == {"favor", "against"} and "reply" in first.scores
    folder = Path(first.path)
    assert folder.parent == project.parent / "project.db.models"
    assert registry.folder_task(folder) == "stance"
    assert json.loads((folder / "meta.json").read_text())["goldspan"]["heads"] == ["reply", "stance"]
    # A second run is scored beside the first, on the same held-out comments.
    assert cli_main(["train", str(project), "--task", "stance", "--seed", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["current_name"] == folder.name
    assert report["current"]["labels"] == report["scores"]["labels"]  # same data, same seed: same model
    with Store.open(project, read_only=True) as store:
        assert [m.id for m in store.registered_models("stance")] == [first.id, report["model_id"]]


def test_training_reads_only_the_chosen_layer(project: Path, capsys):
    with Store.open(project) as store:
        add_stance_project(store, annotator="ann")
    assert cli_main(["train", str(project), "--task", "stance"]) == 1  # gold is empty
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs at least 5 examples of each of at least 2 labels" in err
    assert cli_main(["train", str(project), "--task", "stance", "--annotator", "ann"]) == 0


def test_one_label_only_or_too_few_says_how_many_more(store: Store):
    doc = add_stance_project(store, annotator="ann", per_motion=4)[0]
    comments = store.comments(doc)
    target = MOTIONS[0][0]
    for c in comments:  # all favor: one label only
        store.apply(SetStance(c.id, target, "one", "favor"))
    with pytest.raises(TrainingError, match="at least 2 labels"):
        run(train_stance(store, "one", store.path.parent / "m"))
    store.apply(SetStance(comments[0].id, target, "one", "against"))
    with pytest.raises(TrainingError, match="label 4 more against"):
        run(train_stance(store, "one", store.path.parent / "m"))
    assert not (store.path.parent / "m").exists() and store.registered_models() == []


@pytest.mark.goldspan_check(allow=["stance_label_unknown"])
def test_a_label_the_schema_lacks_is_refused(store: Store):
    add_stance_project(store)
    store.conn.execute("UPDATE stances SET label = 'maybe' WHERE id = (SELECT min(id) FROM stances)")
    with pytest.raises(TrainingError, match="'maybe'.*not in the project's schema"):
        run(train_stance(store, "gold", store.path.parent / "m"))


def test_a_full_disk_while_saving_leaves_nothing_and_registers_nothing(store: Store, monkeypatch):
    add_stance_project(store)
    out = store.path.parent / "models"

    def full(self, *args, **kwargs):  # noqa: ANN001
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(StanceModel, "save", full)
    with pytest.raises(TrainingError, match="disk is full"):
        run(train_stance(store, "gold", out))
    assert not out.exists() and store.registered_models() == []  # the models folder made for it too


def test_model_folders_for_the_wrong_task_or_none_are_refused(project: Path, tmp_path: Path, capsys):
    with Store.open(project) as store:
        add_stance_project(store)
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    assert cli_main(["preannotate", str(project), "--stance", "--model", str(empty)]) == 1
    assert "not a spaCy pipeline or Goldspan model" in capsys.readouterr().err
    assert cli_main(["preannotate", str(project), "--model", str(empty)]) == 1  # entities: the same line
    assert "not a spaCy pipeline or Goldspan model" in capsys.readouterr().err
    assert cli_main(["preannotate", str(project), "--stance"]) == 1
    assert "no stance model is registered" in capsys.readouterr().err
    assert cli_main(["train", str(project), "--task", "stance"]) == 0
    capsys.readouterr()
    with Store.open(project, read_only=True) as store:
        stance_folder = store.latest_model("stance").path
    assert cli_main(["preannotate", str(project), "--model", stance_folder]) == 1  # entities from a stance model
    err = capsys.readouterr().err
    assert "is a stance model, not an entity (NER) pipeline" in err and err.count("\n") == 1
    import shutil

    shutil.rmtree(stance_folder)
    assert cli_main(["preannotate", str(project), "--stance"]) == 1
    assert "was deleted or moved" in capsys.readouterr().err


def test_a_registered_model_whose_folder_is_gone_is_named_and_training_goes_on(store: Store):
    import shutil

    add_stance_project(store)
    first = run(train_stance(store, "gold", store.path.parent / "m"))
    shutil.rmtree(first.path)
    second = run(train_stance(store, "gold", store.path.parent / "m"))
    assert second.current_name == "no model (majority label)"
    assert any("is gone from" in note and first.name in note for note in second.notes)
