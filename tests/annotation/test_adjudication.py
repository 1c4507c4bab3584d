"""Adjudication: differences as data; resolutions are undoable gold commands logged by the reviewer."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotation.adjudication import (
    AGREED, BOUNDARY, LABEL, ONLY, SOURCE, STANCE, AdjudicationError, agreed_to_gold, compare_document, differences,
    resolve,
)
from annotation.model import GOLD
from annotation.store import Store
from tests.annotation.test_merge_fixtures import merged_project

PAIR = ["alice", "bob"]


def _gold(store: Store) -> tuple[list[tuple], list[tuple], list[tuple]]:
    spans = sorted((s.document_id, s.comment_id, s.start, s.end, s.label) for d in store.document_ids() for s in store.spans(d, GOLD))
    by_id = {s.id: s for d in store.document_ids() for s in store.spans(d, GOLD)}
    rels = sorted((by_id[r.head_id].label, by_id[r.child_id].start, by_id[r.child_id].end, r.label)
                  for d in store.document_ids() for r in store.relations(d, GOLD))
    stances = sorted((s.comment_id, s.target, s.label) for s in store.stances(annotator=GOLD))
    return spans, rels, stances


def test_every_kind_of_difference_is_listed(tmp_path: Path) -> None:
    with Store.open(merged_project(tmp_path)) as store:
        kinds = [(i.kind, i.describe()) for i in differences(store, 1, PAIR)]
        assert [k for k, _ in kinds] == [SOURCE, LABEL, BOUNDARY, ONLY, STANCE]
        assert kinds[1][1] == "label differs: alice: GPE 56-60 | bob: LOC 56-60"
        assert kinds[3][1].startswith("only alice")
        assert [i.kind for i in differences(store, 2, PAIR)] == [SOURCE, ONLY, STANCE]
        assert sum(i.kind == AGREED for i in compare_document(store, 1, PAIR)) == 3
        with pytest.raises(AdjudicationError):
            compare_document(store, 1, ["alice"])


def test_resolutions_are_gold_commands_logged_by_the_reviewer_and_undoable(tmp_path: Path) -> None:
    with Store.open(merged_project(tmp_path)) as store:
        undo = []
        auto = agreed_to_gold(store, 1, PAIR)
        assert auto is not None
        undo.append(store.apply(auto, annotator="rita")[0])
        assert agreed_to_gold(store, 1, PAIR) is None  # already in gold
        choices = {SOURCE: ["bob"], LABEL: ["bob"], BOUNDARY: ["alice"], ONLY: [], STANCE: ["alice"]}
        for item in differences(store, 1, PAIR):
            undo.append(store.apply(resolve(store, item, choices[item.kind]), annotator="rita")[0])
        spans, rels, stances = _gold(store)
        # bob's quotation brings his SOURCE; alice's DATE; bob's LOC; alice's lone ORG rejected
        assert spans == [(1, None, 17, 26, "PERSON"), (1, None, 17, 26, "SOURCE"), (1, None, 33, 51, "QUOTE"),
                         (1, None, 56, 60, "LOC"), (1, None, 64, 70, "DATE")]
        assert rels == [("QUOTE", 17, 26, "source")]
        assert [s[2] for s in stances] == ["favor", "against", "neutral"]
        log = store.edit_log("rita")
        assert len(log) == 6 and all('"annotator": "gold"' in row["command"] for row in log if "reject" not in row["command"])
        resolved = {i.key: i.chosen() for i in compare_document(store, 1, PAIR) if i.kind != AGREED}
        assert sorted(map(tuple, resolved.values())) == [(), ("alice",), ("alice",), ("bob",), ("bob",)]
        # undo everything, newest first: gold is empty again
        for inverse in reversed(undo):
            store.apply(inverse, annotator="rita", action="undo")
        assert _gold(store) == ([], [], [])


def test_changing_a_decision_replaces_the_gold_version(tmp_path: Path) -> None:
    with Store.open(merged_project(tmp_path)) as store:
        item = next(i for i in differences(store, 1, PAIR) if i.kind == SOURCE)
        store.apply(resolve(store, item, ["alice"]), annotator="rita")
        item = next(i for i in differences(store, 1, PAIR) if i.kind == SOURCE)
        assert item.chosen() == ["alice"]
        store.apply(resolve(store, item, ["bob"]), annotator="rita")
        spans, rels, _ = _gold(store)
        assert [s for s in spans if s[4] == "SOURCE"] == [(1, None, 17, 26, "SOURCE")]
        assert rels == [("QUOTE", 17, 26, "source")]


def test_accept_both(tmp_path: Path) -> None:
    with Store.open(merged_project(tmp_path)) as store:
        items = differences(store, 1, PAIR)
        boundary = next(i for i in items if i.kind == BOUNDARY)
        with pytest.raises(AdjudicationError, match="overlap"):
            resolve(store, boundary, PAIR)
        stance = next(i for i in items if i.kind == STANCE)
        with pytest.raises(AdjudicationError, match="one stance"):
            resolve(store, stance, PAIR)
        source = next(i for i in items if i.kind == SOURCE)
        store.apply(resolve(store, source, PAIR), annotator="rita")
        _spans, rels, _ = _gold(store)
        assert len(rels) == 2  # two quotations, each with its own source
        with pytest.raises(AdjudicationError, match="zoe"):
            resolve(store, source, ["zoe"])


def test_settled_gold_exports_to_spacy(tmp_path: Path) -> None:
    """The issue's "done when": both files merged, every difference settled, gold exported to spaCy."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from annotation.cli import main

    project = merged_project(tmp_path)
    with Store.open(project) as store:
        for doc in store.document_ids():
            auto = agreed_to_gold(store, doc, PAIR)
            assert auto is not None
            store.apply(auto, annotator="rita")
            for item in differences(store, doc, PAIR):
                store.apply(resolve(store, item, ["alice"]), annotator="rita")
            assert all(i.resolved or not i.option("alice").parts for i in differences(store, doc, PAIR) if i.layer != "stance")
    out = tmp_path / "gold-spacy"
    assert main(["export", str(project), str(out), "--format", "spacy", "--gold", "--quiet"]) == 0
    entities = set()
    for name in ("train.spacy", "dev.spacy", "test.spacy"):
        for doc in DocBin().from_disk(out / name).get_docs(Vocab()):
            entities |= {(e.text, e.label_) for e in doc.ents}
    assert {("Anna Berg", "PERSON"), ("Oslo", "GPE"), ("Monday", "DATE"), ("Labour", "ORG"), ("Bergen", "GPE"),
            ("Ola Nordmann", "PERSON")} <= entities
    assert ("NRK", "ORG") not in entities  # only bob had it; alice's version (none) was accepted


def test_agreement_against_the_gold_layer(tmp_path: Path) -> None:
    from annotation.agreement import compute_agreement

    with Store.open(merged_project(tmp_path)) as store:
        store.apply(agreed_to_gold(store, 1, PAIR), annotator="rita")  # type: ignore[arg-type]
        for item in differences(store, 1, PAIR):
            store.apply(resolve(store, item, ["alice"]), annotator="rita")
        report = compute_agreement(store, ["alice", "gold"])
        assert compute_agreement(store)["annotators"] == PAIR  # gold is left out unless named
    assert report["pairs"][0]["documents"] == 1
    assert report["spans_overall"]["all"]["f1_exact"] == 1.0
    assert report["stance"]["topic"]["percent_agreement"] == 1.0
