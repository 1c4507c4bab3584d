"""Two people's files made with the importers of other tools (real Prodigy output), merged and
measured: the agreement figures equal scikit-learn's on the same spans."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sklearn.metrics import f1_score

from annotation.cli import main
from annotation.commands import Batch, DeleteSpan, SetStatus, UpdateSpan
from annotation.store import Store
from tests.helpers import INTEROP, shared


def _span_keys(store: Store, who: str, label: str | None = None) -> set[tuple]:
    return {(s.document_id, s.comment_id, s.start, s.end, s.label) for d in store.document_ids()
            for s in store.spans(d, who) if label is None or s.label == label}


def test_prodigy_files_of_two_annotators_merge_and_agree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = shared(*INTEROP, "prodigy_news_headlines_ner.jsonl")
    paths = {}
    for who in ("alice", "bob"):
        paths[who] = tmp_path / f"{who}.db"
        assert main(["init", str(paths[who])]) == 0
        assert main(["import", str(paths[who]), str(source), "--as-annotator", who, "--label-map", "LOCATION=LOC"]) == 0
    for who in ("alice", "bob"):  # both finished every headline: a document without spans then counts too
        with Store.open(paths[who]) as store:
            store.apply(Batch(tuple(SetStatus(d, who, "done") for d in store.document_ids())), annotator=who)
    with Store.open(paths["bob"]) as bob:  # bob disagrees here and there
        spans = sorted((s for d in bob.document_ids() for s in bob.spans(d, "bob")), key=lambda s: s.id)  # type: ignore[arg-type,return-value]
        for n, span in enumerate(spans):
            if n % 5 == 0:
                bob.apply(DeleteSpan(span.id), annotator="bob")  # type: ignore[arg-type]
            elif n % 7 == 0 and span.label == "ORG":
                bob.apply(UpdateSpan(span.id, label="PERSON"), annotator="bob")  # type: ignore[arg-type]
            elif n % 11 == 0:
                bob.apply(UpdateSpan(span.id, end=span.end - 1), annotator="bob")  # type: ignore[arg-type]
    capsys.readouterr()
    assert main(["merge", str(paths["alice"]), str(paths["bob"])]) == 0
    assert "annotator 'bob': merged as 'bob'" in capsys.readouterr().out
    assert main(["agree", str(paths["alice"]), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    with Store.open(paths["alice"], read_only=True) as store:
        a, b = _span_keys(store, "alice"), _span_keys(store, "bob")
        union = sorted(a | b, key=repr)
        assert report["spans_overall"]["entity"]["f1_exact"] == pytest.approx(f1_score([k in a for k in union], [k in b for k in union]))
        for label in ("ORG", "LOC", "PERSON"):
            a, b = _span_keys(store, "alice", label), _span_keys(store, "bob", label)
            union = sorted(a | b, key=repr)
            expected = f1_score([k in a for k in union], [k in b for k in union])
            assert report["spans"]["entity"][label]["f1_exact"] == pytest.approx(expected)
            assert report["spans"]["entity"][label]["f1_overlap"] >= report["spans"]["entity"][label]["f1_exact"]
    scores = [d["score"] for d in report["documents"] if d["score"] is not None]
    assert scores == sorted(scores) and scores[0] == 0.0 and scores[-1] == 1.0  # worst first
    assert len(report["documents"]) == 373
