"""Property: whatever two people annotate, merging keeps both layers exactly, and twice is once."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from annotation.commands import AddSpan, SetStance
from annotation.errors import CommandError
from annotation.merge import merge
from annotation.model import Span
from annotation.store import Store
from tests.annotation.test_merge_fixtures import new_project, write_articles

_counter = itertools.count()

span_specs = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 60), st.integers(1, 12),
                                st.sampled_from(["PERSON", "ORG", "GPE"])), max_size=12)
stance_specs = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["favor", "against", "neutral"])), max_size=4)


def _annotate(store: Store, who: str, spans: list, stances: list) -> None:
    for doc_index, start, length, label in spans:
        doc = store.document_ids()[doc_index]
        try:  # overlapping entities are refused by the store, as in the GUI
            store.apply(AddSpan(Span(None, doc, None, start, start + length, label, "entity", who)))
        except CommandError:
            pass
    comments = store.comments(store.document_ids()[0])
    for index, label in stances:
        store.apply(SetStance(comments[index].id, "topic", who, label))  # type: ignore[arg-type]


def _layer(store: Store, who: str) -> tuple[list, list]:
    texts = {d: store.document(d).text for d in store.document_ids()}
    spans = sorted((texts[s.document_id], s.start, s.end, s.label) for d in store.document_ids() for s in store.spans(d, who))
    stances = sorted((store.comment(s.comment_id).text, s.label) for s in store.stances(annotator=who))
    return spans, stances


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(span_specs, stance_specs, span_specs, stance_specs)
def test_merge_keeps_both_layers_and_is_idempotent(tmp_path: Path, a_spans: list, a_st: list, b_spans: list, b_st: list) -> None:
    folder = tmp_path / f"case{next(_counter)}"
    folder.mkdir()
    articles = write_articles(folder / "articles.jsonl")
    ours, theirs = new_project(folder / "ours.db", articles), new_project(folder / "theirs.db", articles)
    _annotate(ours, "alice", a_spans, a_st)
    _annotate(theirs, "bob", b_spans, b_st)
    _annotate(theirs, "alice", a_spans, a_st)  # the same work, also present in their file: no conflict
    expected = {who: _layer(store, who) for who, store in (("alice", ours), ("bob", theirs))}
    theirs.close()
    report = merge(ours, folder / "theirs.db")
    assert report.annotators.get("bob", "bob") == "bob" and not report.renamed
    assert _layer(ours, "alice") == expected["alice"]
    assert _layer(ours, "bob") == expected["bob"]
    assert not merge(ours, folder / "theirs.db").changed
    ours.close()
