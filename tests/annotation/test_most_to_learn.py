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


# -- the order against its definition, with ties, filters and positions ---------------------

def _expected_order(store: Store, annotator: str, listed: list[int]) -> list[int]:
    """The definition, in Python: mean (1 - probability) over the annotator's open suggestions
    per document, highest first, ties by document order; documents with none last, in order."""
    per_doc: dict[int, list[float]] = {}
    for g in store.stance_suggestions(annotator=annotator):  # only open ones (no label yet)
        per_doc.setdefault(store.comment(g.comment_id).document_id, []).append(1.0 - g.probability)
    means = {d: sum(v) / len(v) for d, v in per_doc.items()}
    return sorted(listed, key=lambda d: (d not in means, -means.get(d, 0.0), d))


@pytest.fixture
def tied(store: Store) -> list[int]:
    """Eight motions (two copies of the four), four comments each. Probabilities are dyadic, so
    equal means are equal floats in SQLite and in Python: docs 0, 2 and 5 tie at 0.5 (one of
    them by (0.25, 0.75)), docs 3 and 6 tie at 0.125; docs 4 and 7 have none of ME's (7 only
    someone else's); doc 1 has a suggestion that ME then labels (it no longer counts)."""
    ids = add_stance_project(store, annotator="gold", per_motion=4)
    with store.transaction():
        from tests.annotation.train_helpers import stance_articles
        from annotation.model import Document, ImportedArticle

        again = [ImportedArticle(Document(None, f"copy{i}", a.document.title, a.document.text + " (again)"),
                                 tuple(type(c)(None, None, f"copy{i}-{c.ext_id}", c.text) for c in a.comments))
                 for i, a in enumerate(stance_articles(per_motion=4))]
        ids += store.import_articles(again, "copies.jsonl").document_ids
    plan = {0: (0.5,), 1: (0.875, 0.375), 2: (0.25, 0.75), 3: (0.875,), 5: (0.5, 0.5, 0.5), 6: (0.875, 0.875)}
    for n, probabilities in plan.items():
        doc = ids[n]
        target = store.targets(doc)[-1]
        store.write_stance_suggestions([(c.id, target, "favor", p) for c, p in zip(store.comments(doc), probabilities)],
                                       ME, "m 1")
    store.write_stance_suggestions([(store.comments(ids[7])[0].id, store.targets(ids[7])[-1], "favor", 0.125)], "other", "m 1")
    doc1 = ids[1]
    store.apply(SetStance(store.comments(doc1)[1].id, store.targets(doc1)[-1], ME, "favor"))  # its 0.375 is answered
    return ids


def test_the_order_equals_its_definition_with_ties_and_documents_without_suggestions(store: Store, tied: list[int]):
    ids = tied
    most = DocFilter(sort=SORT_MOST_TO_LEARN)
    order = store.document_ids(most, ME)
    assert order == _expected_order(store, ME, sorted(ids))
    # 0.5 x3 (ids 0, 2, 5 in document order), then 0.125 (doc 1: its 0.875 is left), 0.125 x2 (3, 6), none (4, 7)
    assert order == [ids[0], ids[2], ids[5], ids[1], ids[3], ids[6], ids[4], ids[7]]
    # Pages by LIMIT/OFFSET and rows by id agree with the ids, whatever the page size.
    for size in (1, 3, 8):
        paged = [r.id for start in range(0, len(ids), size) for r in store.document_page(most, start, size, ME)]
        assert paged == order
    assert [r.uncertainty for r in store.document_rows(order, ME, uncertainty=True)] == \
        [0.5, 0.5, 0.5, 0.125, 0.125, 0.125, None, None]
    # With filters: the same definition over the documents the filter keeps.
    store.apply(SetStatus(ids[2], ME, "done"))
    for flt in (DocFilter(status="new", annotator=ME, sort=SORT_MOST_TO_LEARN),
                DocFilter(status="done", annotator=ME, sort=SORT_MOST_TO_LEARN),
                DocFilter(search="again", sort=SORT_MOST_TO_LEARN),
                DocFilter(search="ban fireworks", sort=SORT_MOST_TO_LEARN)):
        listed = store.document_ids(DocFilter(flt.status, flt.annotator, flt.label, flt.search), ME)
        assert store.document_ids(flt, ME) == _expected_order(store, ME, listed), flt
        assert [r.id for r in store.document_page(flt, 0, 100, ME)] == store.document_ids(flt, ME), flt
        assert store.document_count(flt) == len(listed)
    # Another annotator's order reads only their suggestions.
    assert store.document_ids(most, "other")[0] == ids[7]
    assert store.document_ids(most, "nobody") == sorted(ids)


def test_document_position_is_the_row_in_document_order(store: Store, tied: list[int]):
    from annotation.commands import SetStatus as Status

    store.apply(Status(tied[3], ME, "done"))
    for flt in (None, DocFilter(), DocFilter(status="new", annotator=ME), DocFilter(status="done", annotator=ME),
                DocFilter(search="again")):
        listed = store.document_ids(flt, ME)
        for doc in tied:
            assert store.document_position(flt, doc) == (listed.index(doc) if doc in listed else None), (flt, doc)


def test_interrupt_stops_a_read_on_another_thread_and_is_harmless_when_idle(store: Store):
    import sqlite3
    import threading

    store.interrupt()  # nothing running: no effect
    assert store.document_count() == 0
    started = threading.Event()
    outcome: list[str] = []

    def long_read() -> None:
        started.set()
        try:
            store.conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                               "SELECT count(*) FROM n").fetchone()
            outcome.append("finished")
        except sqlite3.OperationalError as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=long_read)
    thread.start()
    started.wait()
    while thread.is_alive():
        store.interrupt()
        thread.join(0.05)
    assert outcome == ["interrupted"]
    store.close()
    store.interrupt()  # closed: still no error
