"""Stance suggestions: never over human labels, accepted by a plain SetStance, never exported or
counted unless asked, --force replaces suggestions only."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotation.cli import main as cli_main
from annotation.commands import SetStance
from annotation.jobs import CancelToken, Cancelled, run
from annotation.store import Store
from annotation.training.suggest_stance import suggest_stance
from tests.annotation.train_helpers import MOTIONS, add_stance_project, stance_articles


@pytest.fixture
def trained(project: Path) -> Path:
    """A project with gold stance labels, a trained stance model, and a fresh unlabelled copy of
    the threads for the annotator 'ann' to work on."""
    with Store.open(project) as store:
        add_stance_project(store, replies=True)
    assert cli_main(["train", str(project), "--task", "stance"]) == 0
    return project


def test_suggestions_cover_every_unlabelled_pair_and_never_a_human_label(trained: Path):
    with Store.open(trained) as store:
        doc = store.document_ids()[0]
        first, second = store.comments(doc)[0], store.comments(doc)[2]
        motion = MOTIONS[0][0]
        store.apply(SetStance(first.id, motion, "ann", "against"))
        report = run(suggest_stance(store, "ann"))
        assert report.written == report.pairs > 0
        assert store.stance(first.id, motion, "ann").label == "against"  # untouched
        assert store.stance_suggestion(first.id, motion, "ann") is None
        mine = store.stance_suggestion(second.id, motion, "ann")
        assert mine is not None and 0.5 <= mine.probability <= 1.0 and mine.model == report.model
        replies = [s for s in store.stance_suggestions(doc, "ann") if s.target == "@parent"]
        assert replies and {s.label for s in replies} <= {"agree", "disagree", "query", "comment"}
        # A label written between the read and the write of a batch is never replaced.
        assert store.write_stance_suggestions([(first.id, motion, "favor", 0.99)], "ann", "m") == 0
        assert store.stance(first.id, motion, "ann").label == "against"


def test_enter_accepts_an_edit_makes_it_human_and_undo_brings_the_suggestion_back(trained: Path):
    with Store.open(trained) as store:
        run(suggest_stance(store, "ann"))
        suggestion = store.stance_suggestions(annotator="ann")[0]
        inverse, changes = store.apply(SetStance(suggestion.comment_id, suggestion.target, "ann", suggestion.label))
        assert store.stance(suggestion.comment_id, suggestion.target, "ann").label == suggestion.label
        assert store.stance_suggestion(suggestion.comment_id, suggestion.target, "ann") is None
        assert suggestion.comment_id in changes.stances
        store.apply(inverse)
        assert store.stance(suggestion.comment_id, suggestion.target, "ann") is None
        assert store.stance_suggestion(suggestion.comment_id, suggestion.target, "ann") == suggestion


def test_suggestions_are_not_exported_or_counted_unless_asked(trained: Path, tmp_path: Path):
    with Store.open(trained) as store:
        before = store.stats()
        run(suggest_stance(store, "gold"))  # gold's unlabelled pairs: the schema's 'topic' target
        assert store.stance_suggestion_count("gold") > 0
        assert store.stats() == before  # progress and counts: human labels only
        humans = len(store.stances(annotator="gold"))
    plain = tmp_path / "plain.csv"
    assert cli_main(["export", str(trained), str(plain), "--format", "stance-csv", "--gold"]) == 0
    rows = list(csv.DictReader(plain.open(encoding="utf-8")))
    assert len(rows) == humans and "origin" not in rows[0]
    both = tmp_path / "both.csv"
    assert cli_main(["export", str(trained), str(both), "--format", "stance-csv", "--gold", "--include-suggestions"]) == 0
    rows = list(csv.DictReader(both.open(encoding="utf-8")))
    human = [r for r in rows if r["origin"] == "human"]
    model = [r for r in rows if r["origin"] == "model"]
    assert len(human) == humans and model and all(r["probability"] == "" for r in human)
    assert all(0.0 < float(r["probability"]) <= 1.0 for r in model)


def test_force_replaces_suggestions_only_and_a_rerun_resumes(trained: Path, capsys):
    assert cli_main(["preannotate", str(trained), "--stance", "--annotator", "ann"]) == 0
    with Store.open(trained) as store:
        total = store.stance_suggestion_count("ann")
        some = store.stance_suggestions(annotator="ann")[0]
        store.apply(SetStance(some.comment_id, some.target, "ann", "neutral" if some.target != "@parent" else "query"))
    capsys.readouterr()
    assert cli_main(["preannotate", str(trained), "--stance", "--annotator", "ann"]) == 0
    assert capsys.readouterr().out.startswith("0 stance suggestions written")  # nothing left to do
    assert cli_main(["train", str(trained), "--task", "stance", "--seed", "3"]) == 0
    assert cli_main(["preannotate", str(trained), "--stance", "--annotator", "ann", "--force"]) == 0
    with Store.open(trained, read_only=True) as store:
        newest = store.latest_model("stance")
        assert {s.model for s in store.stance_suggestions(annotator="ann")} == {newest.name}
        assert store.stance_suggestion_count("ann") == total - 1
        assert store.stance(some.comment_id, some.target, "ann").label in ("neutral", "query")


def test_cancel_keeps_committed_batches_and_resumes(trained: Path):
    with Store.open(trained) as store:
        token = CancelToken()
        job = suggest_stance(store, "ann", batch_size=10, cancel=token)
        next(job), next(job)  # loading, then the count
        next(job)  # the first batch is committed
        token.cancel()
        with pytest.raises(Cancelled):
            next(job)
        assert store.stance_suggestion_count("ann") == 10
        rest = run(suggest_stance(store, "ann"))
        assert store.stance_suggestion_count("ann") == 10 + rest.written and rest.pairs == rest.written


def test_topic_target_reads_the_article_title(store: Store):
    with store.transaction():
        store.import_articles(stance_articles(per_motion=6), "m.jsonl", annotator="gold")
    from annotation.training.stance_model import target_text

    assert target_text("topic", "We should ban fireworks") == "We should ban fireworks"
    assert target_text("Putin", "Some title") == "Putin"


def test_a_layer_with_only_stance_suggestions_exports_when_asked(trained: Path, tmp_path: Path):
    """An annotator who has not labelled anything yet: suggestions alone are exportable with
    --include-suggestions (and without it there is, rightly, nothing to export)."""
    with Store.open(trained) as store:
        run(suggest_stance(store, "ann"))
        assert store.stance_suggestion_count("ann") > 0 and not store.stances(annotator="ann")
    out = tmp_path / "ann.csv"
    assert cli_main(["export", str(trained), str(out), "--format", "stance-csv", "--annotator", "ann",
                     "--include-suggestions"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and {r["origin"] for r in rows} == {"model"}
    assert cli_main(["export", str(trained), str(tmp_path / "none.csv"), "--format", "stance-csv",
                     "--annotator", "ann"]) == 1
