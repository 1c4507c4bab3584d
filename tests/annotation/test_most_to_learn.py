"""The document list's "most to learn" order: mean uncertainty (1 - probability) of the stance
suggestions still open for the annotator, highest first, documents without any last."""
from __future__ import annotations

import pytest

from annotation.commands import SetStance, SetStatus
from annotation.store import DocFilter, Store
from annotation.store.reading import SORT_MOST_TO_LEARN
from tests.annotation.train_helpers import add_stance_project

ME = "ann"


@pytest.fixture
def docs(store: Store) -> list[int]:
    """Four documents (motions); suggestions for ME on the first three:
    doc 0 sure (0.9, 0.95), doc 1 unsure (0.55, 0.6), doc 2 mixed (0.5 and 0.97), doc 3 none."""
    ids = add_stance_project(store, annotator="gold", per_motion=4)
    plan = {ids[0]: (0.9, 0.95), ids[1]: (0.55, 0.6), ids[2]: (0.5, 0.97)}
    for doc, probabilities in plan.items():
        comments = store.comments(doc)
        target = store.targets(doc)[-1]
        store.write_stance_suggestions([(c.id, target, "favor", p) for c, p in zip(comments, probabilities)], ME, "m 1")
    # Someone else's suggestions do not count toward ME's order.
    store.write_stance_suggestions([(store.comments(ids[3])[0].id, store.targets(ids[3])[-1], "favor", 0.5)], "other", "m 1")
    return ids


def test_documents_sort_by_mean_uncertainty_and_those_without_suggestions_come_last(store: Store, docs: list[int]):
    flt = DocFilter(sort=SORT_MOST_TO_LEARN)
    order = [docs[1], docs[2], docs[0], docs[3]]  # means: 0.425, 0.265, 0.075, none
    assert store.document_ids(flt, ME) == order
    page = store.document_page(flt, 0, 10, ME)
    assert [r.id for r in page] == order
    assert [round(r.uncertainty, 3) if r.uncertainty is not None else None for r in page] == [0.425, 0.265, 0.075, None]
    assert [r.n_suggestions for r in page] == [2, 2, 2, 0]
    assert [r.id for r in store.document_page(flt, 1, 2, ME)] == order[1:3]  # pages follow the same order
    rows = store.document_rows([docs[3], docs[0]], ME, uncertainty=True)
    assert [(r.id, r.n_suggestions) for r in rows] == [(docs[3], 0), (docs[0], 2)]
    assert rows[1].uncertainty == pytest.approx(0.075)
    # The document order is unchanged, and counts agree.
    assert store.document_ids(DocFilter(), ME) == sorted(docs)
    assert store.document_count(flt) == 4


def test_a_labelled_comment_leaves_the_mean_and_filters_still_apply(store: Store, docs: list[int]):
    flt = DocFilter(sort=SORT_MOST_TO_LEARN)
    unsure = store.comments(docs[2])[0]  # the 0.5 suggestion of the mixed document
    store.apply(SetStance(unsure.id, store.targets(docs[2])[-1], ME, "against"))
    page = store.document_page(flt, 0, 10, ME)
    assert [r.id for r in page] == [docs[1], docs[0], docs[2], docs[3]]  # doc 2: only its sure 0.97 is left
    assert page[2].uncertainty == pytest.approx(0.03) and page[2].n_suggestions == 1
    store.apply(SetStatus(docs[1], ME, "done"))
    open_docs = DocFilter(status="new", annotator=ME, sort=SORT_MOST_TO_LEARN)
    assert store.document_ids(open_docs, ME) == [docs[0], docs[2], docs[3]]
    assert [r.id for r in store.document_page(open_docs, 0, 10, ME)] == [docs[0], docs[2], docs[3]]
    assert store.document_count(open_docs) == 3
