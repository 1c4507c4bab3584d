"""Issue 11's "done when" from the command line: the researcher's labels go in (a stance CSV),
`goldspan train` prints the scores beside the current model's, `goldspan preannotate --stance`
suggests a label with its probability for every remaining comment, the suggestions come out
for review (`export --include-suggestions`), and the reviewed file (the right suggestions kept,
the wrong ones corrected) goes back in as the researcher's labels."""
from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from annotation.cli import main as cli_main
from annotation.store import Store
from tests.annotation.train_helpers import stance_articles

ME = "tester"
OPEN_PER_MOTION = 3


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_label_train_suggest_review_and_accept_from_the_command_line(tmp_path: Path, capsys):
    project = tmp_path / "loop.db"
    articles = stance_articles(per_motion=14, seed=1)
    with Store.create(project) as store, store.transaction():  # the threads, nobody's labels yet
        store.import_articles([dataclasses.replace(a, stances=()) for a in articles], "motions.jsonl")
    labels, truth = [], {}
    for article in articles:
        for n, stance in enumerate(article.stances):
            row = {"article_id": article.document.ext_id, "comment_id": stance.comment_ext_id,
                   "target": stance.target, "label": stance.label}
            if n < len(article.stances) - OPEN_PER_MOTION:
                labels.append(row)
            else:
                truth[(row["comment_id"], row["target"])] = row["label"]

    # The researcher's labels.
    assert cli_main(["import", str(project), str(_write_csv(tmp_path / "mine.csv", labels)), "--format", "stance-csv",
                     "--as-annotator", ME]) == 0
    # Train on them: per-label scores on the held-out split, beside the current model (none yet).
    capsys.readouterr()
    assert cli_main(["train", str(project), "--task", "stance", "--annotator", ME]) == 0
    out = capsys.readouterr().out
    assert "favor" in out and "against" in out and "F1" in out and "majority" in out
    # Stance suggestions on the remaining comments, never on a labelled one.
    assert cli_main(["preannotate", str(project), "--stance", "--annotator", ME]) == 0
    assert "stance suggestions written" in capsys.readouterr().out
    review = tmp_path / "review.csv"
    assert cli_main(["export", str(project), str(review), "--format", "stance-csv", "--annotator", ME,
                     "--include-suggestions"]) == 0
    rows = list(csv.DictReader(review.open(encoding="utf-8")))
    human = [r for r in rows if r["origin"] == "human"]
    suggested = {(r["comment_id"], r["target"]): r for r in rows if r["origin"] == "model"}
    assert len(human) == len(labels)
    assert set(truth) <= set(suggested)  # every open comment toward its motion has one
    assert not {(r["comment_id"], r["target"]) for r in human} & set(suggested)
    assert all(0.5 <= float(r["probability"]) <= 1.0 for r in suggested.values())

    # The review: keep the right suggestions, correct the wrong ones; the file goes back in.
    accepted = [dict(suggested[k]) for k in truth if suggested[k]["label"] == truth[k]]
    corrected = [dict(suggested[k], label=truth[k]) for k in truth if suggested[k]["label"] != truth[k]]
    assert len(accepted) >= len(truth) // 2
    reviewed = [{c: r[c] for c in ("article_id", "comment_id", "target", "label")} for r in accepted + corrected]
    assert cli_main(["import", str(project), str(_write_csv(tmp_path / "reviewed.csv", reviewed)), "--format",
                     "stance-csv", "--as-annotator", ME]) == 0
    with Store.open(project, read_only=True) as store:
        by_ext = {(c.ext_id): c.id for doc in store.document_ids() for c in store.comments(doc)}
        for (ext, target), label in truth.items():
            assert store.stance(by_ext[ext], target, ME).label == label
            assert store.stance_suggestion(by_ext[ext], target, ME) is None  # answered: no longer shown
        assert len(store.stances(annotator=ME)) == len(labels) + len(truth)
    assert cli_main(["check", str(project)]) == 0
