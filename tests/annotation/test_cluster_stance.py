"""`goldspan preannotate --stance --scheduler`: the predictions on Dask workers give the project
exactly what a plain run gives (the same pairs, labels and probabilities, each once), never a
suggestion over a human label, and a rerun has nothing left to do."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotation.cli import main as cli_main
from annotation.commands import SetStance
from annotation.jobs import run
from annotation.nlp.cluster_stance import suggest_stance_on_cluster
from annotation.store import Store
from annotation.training.suggest_stance import suggest_stance
from tests.annotation.train_helpers import MOTIONS, add_stance_project

distributed = pytest.importorskip("distributed")

ANN = "ann"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stance-cluster") / "trained.db"
    Store.create(path).close()
    with Store.open(path) as store:
        add_stance_project(store, per_motion=20, replies=True)
    assert cli_main(["train", str(path), "--task", "stance"]) == 0
    return path


def _suggestions(path: Path) -> dict[tuple[int, str], tuple[str, float, str]]:
    with Store.open(path, read_only=True) as store:
        rows = store.conn.execute("SELECT comment_id, target, label, probability, model FROM stance_suggestions "
                                  "WHERE annotator = ?", (ANN,)).fetchall()
    found = {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}
    assert len(found) == len(rows)
    return found


def test_a_local_cluster_writes_what_a_plain_run_writes_once(trained: Path, tmp_path: Path, capsys):
    plain, on_cluster = tmp_path / "plain.db", tmp_path / "cluster.db"
    for copy in (plain, on_cluster):
        shutil.copy(trained, copy)
        with Store.open(copy) as store:  # one pair labelled by the annotator: never suggested over
            doc = store.document_ids()[0]
            store.apply(SetStance(store.comments(doc)[0].id, MOTIONS[0][0], ANN, "neutral"))
    with Store.open(plain) as store:
        expected = run(suggest_stance(store, ANN))
    # Small batches: many tasks over the two workers, each written once.
    notices: list[str] = []
    with Store.open(on_cluster) as store:
        report = run(suggest_stance_on_cluster(store, ANN, "local:2", batch_size=7, notify=notices.append))
    assert (report.pairs, report.written, report.model) == (expected.pairs, expected.written, expected.model)
    assert report.pairs > 10 * 7 and any(n.startswith("Dask dashboard") for n in notices)
    got, want = _suggestions(on_cluster), _suggestions(plain)
    assert got.keys() == want.keys() and len(got) == expected.written > 0
    for pair, (label, probability, model) in want.items():
        assert got[pair][0] == label and got[pair][2] == model and got[pair][1] == pytest.approx(probability, abs=1e-12)
    with Store.open(on_cluster, read_only=True) as store:
        first = store.comments(store.document_ids()[0])[0]
        assert store.stance(first.id, MOTIONS[0][0], ANN).label == "neutral"
        assert store.stance_suggestion(first.id, MOTIONS[0][0], ANN) is None
        assert {s.target for s in store.stance_suggestions(annotator=ANN)} >= {"@parent"}  # the reply head too
    # From the command line; a rerun has nothing left to do.
    capsys.readouterr()
    assert cli_main(["preannotate", str(on_cluster), "--stance", "--annotator", ANN, "--scheduler", "local:2"]) == 0
    assert capsys.readouterr().out.startswith("0 stance suggestions written")
    assert cli_main(["preannotate", str(on_cluster), "--stance", "--annotator", ANN, "--scheduler", "local:2",
                     "--force"]) == 0
    out = capsys.readouterr()
    assert f"{expected.written} stance suggestions written" in out.out and "on local:2" in out.out
    assert "Dask dashboard" in out.err
    assert _suggestions(on_cluster).keys() == want.keys()
    assert cli_main(["check", str(on_cluster)]) == 0


def test_bad_scheduler_values_are_one_line_before_any_work(trained: Path, tmp_path: Path, capsys):
    copy = tmp_path / "p.db"
    shutil.copy(trained, copy)
    for bad, says in ((["--scheduler", "local:0"], "local:N with N >= 1"),
                      (["--scheduler", "nonsense"], "give a scheduler address"),
                      (["--scheduler", "local:2", "--n-process", "2"], "do not go together")):
        capsys.readouterr()
        assert cli_main(["preannotate", str(copy), "--stance", "--annotator", ANN, *bad]) != 0
        err = capsys.readouterr().err.strip()
        assert says in err and len(err.splitlines()) == 1
    with Store.open(copy, read_only=True) as store:
        assert store.stance_suggestion_count(ANN) == 0
