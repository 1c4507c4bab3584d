"""Whole quotations (issue 10, item 7): the store makes the broken states impossible.

One span per (unit, layer, annotator, start, end, label); no SOURCE or CUE outlives its QUOTE;
editing a suggestion makes it the annotator's; adjudication and merge never duplicate a span.
Each test ends with the same check `goldspan check` runs.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotation.adjudication import agreed_to_gold
from annotation.commands import NEW_SPAN, AddRelation, AddSpan, DeleteSpan, SetStatus, UpdateSpan
from annotation.model import (
    ENTITY, GOLD, ORIGIN_HUMAN, ORIGIN_MODEL, QUOTE_LAYER, Comment, Document, ImportedArticle, Relation, Span,
)
from annotation.store import Store

TEXT = "Anna Berg visited Oslo. \u201cWe will win,\u201d she said. \u201cAnd soon,\u201d she added. \U0001F642 Done."
SHE_1 = TEXT.index("she said")
SHE_2 = TEXT.index("she added")
Q1 = (TEXT.index("\u201cWe"), TEXT.index("win,\u201d") + 5)
Q2 = (TEXT.index("\u201cAnd"), TEXT.index("soon,\u201d") + 6)


def _doc(store: Store, text: str = TEXT, ext_id: str = "d1") -> int:
    with store.transaction():
        result = store.import_articles([ImportedArticle(Document(None, ext_id, "T", text), (Comment(None, None, "c1", "A comment."),))], "t")
    return result.document_ids[0]


def _span(doc: int, start: int, end: int, label: str, who: str = "ann", origin: str = ORIGIN_HUMAN) -> Span:
    layer = QUOTE_LAYER if label in ("QUOTE", "SOURCE", "CUE") else ENTITY
    return Span(None, doc, None, start, end, label, layer, who, origin, model="m 1" if origin == ORIGIN_MODEL else "")


def _add(store: Store, span: Span, *links: tuple[int, str]) -> int:
    """Add ``span`` linked from the QUOTEs given as (quote id, relation label); returns its id."""
    rels = tuple(Relation(None, span.document_id, quote, NEW_SPAN, label, span.annotator) for quote, label in links)
    store.apply(AddSpan(span, rels))
    return next(s.id for s in store.spans(span.document_id, span.annotator)
                if (s.start, s.end, s.label) == (span.start, span.end, span.label))


def _state(store: Store, doc: int) -> tuple[list[tuple], list[tuple]]:
    spans = sorted((s.id, s.comment_id, s.start, s.end, s.label, s.annotator, s.origin, tuple(sorted(s.attrs.items())))
                   for s in store.spans(doc))
    rels = sorted((r.id, r.head_id, r.child_id, r.label, r.annotator, r.origin) for r in store.relations(doc))
    return spans, rels


def _clean(store: Store) -> None:
    assert [p.line() for p in store.check_problems()] == []


def _quotation(store: Store, doc: int, who: str = "ann", origin: str = ORIGIN_HUMAN) -> dict[str, int]:
    ids = {"PERSON": _add(store, _span(doc, 0, 9, "PERSON", who, origin))}
    ids["QUOTE"] = _add(store, _span(doc, *Q1, "QUOTE", who, origin))
    ids["SOURCE"] = _add(store, _span(doc, SHE_1, SHE_1 + 3, "SOURCE", who, origin), (ids["QUOTE"], "source"))
    ids["CUE"] = _add(store, _span(doc, SHE_1 + 4, SHE_1 + 8, "CUE", who, origin), (ids["QUOTE"], "cue"))
    store.apply(AddRelation(Relation(None, doc, ids["SOURCE"], ids["PERSON"], "coref", who, origin)))
    return ids


# -- a QUOTE's parts never outlive it ------------------------------------------------------

def test_deleting_a_quote_deletes_its_source_and_cue_and_undo_restores_everything_with_ids(store: Store) -> None:
    doc = _doc(store)
    ids = _quotation(store, doc)
    before = _state(store, doc)
    inverse, changes = store.apply(DeleteSpan(ids["QUOTE"]))
    spans, rels = _state(store, doc)
    assert [s[4] for s in spans] == ["PERSON"] and rels == []  # the coref link went with its SOURCE
    assert {ids["QUOTE"], ids["SOURCE"], ids["CUE"]} <= changes.spans
    _clean(store)
    redo, _ = store.apply(inverse, action="undo")
    assert _state(store, doc) == before  # same ids, same relations (ids too), same origins
    _clean(store)
    store.apply(redo, action="redo")
    assert [s[4] for s in _state(store, doc)[0]] == ["PERSON"]
    _clean(store)


def test_a_source_shared_by_two_quotes_survives_deleting_one(store: Store) -> None:
    doc = _doc(store)
    q1 = _add(store, _span(doc, *Q1, "QUOTE"))
    q2 = _add(store, _span(doc, *Q2, "QUOTE"))
    she = _add(store, _span(doc, SHE_1, SHE_1 + 3, "SOURCE"), (q1, "source"), (q2, "source"))
    cue = _add(store, _span(doc, SHE_1 + 4, SHE_1 + 8, "CUE"), (q1, "cue"))
    store.apply(DeleteSpan(q1))
    assert {s.id for s in store.spans(doc)} == {q2, she}  # q1's own CUE went, the shared SOURCE stayed
    assert [(r.head_id, r.child_id, r.label) for r in store.relations(doc)] == [(q2, she, "source")]
    assert cue not in {s.id for s in store.spans(doc)}
    _clean(store)


def test_undoing_an_added_quotation_in_one_batch_removes_it_whole(store: Store) -> None:
    """Adjudication adds the SOURCE before the QUOTE linking it; the undo deletes the QUOTE first,
    which takes the SOURCE along, and the batch's own delete of the SOURCE must not fail."""
    from annotation.commands import Batch

    doc = _doc(store)
    source = Span(1000, doc, None, SHE_1, SHE_1 + 3, "SOURCE", QUOTE_LAYER, "ann")
    quote = Span(1001, doc, None, *Q1, "QUOTE", QUOTE_LAYER, "ann")
    inverse, _ = store.apply(Batch((AddSpan(source), AddSpan(quote, (Relation(None, doc, 0, 1000, "source", "ann"),)))))
    store.apply(inverse, action="undo")
    assert store.spans(doc) == [] and store.relations(doc) == []
    _clean(store)


# -- one span per (unit, layer, annotator, offsets, label) ---------------------------------

@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_adding_an_identical_span_confirms_the_existing_one(data: st.DataObject) -> None:
    store = Store.create(":memory:")  # a fresh project per example
    doc = _doc(store)
    start = data.draw(st.integers(0, len(TEXT) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(TEXT)), label="end")
    origin = data.draw(st.sampled_from([ORIGIN_MODEL, ORIGIN_HUMAN]), label="first origin")
    first = _add(store, _span(doc, start, end, "QUOTE", origin=origin))
    inverse, changes = store.apply(AddSpan(_span(doc, start, end, "QUOTE")))  # the human marks the same words
    spans = store.spans(doc)
    assert [(s.id, s.origin) for s in spans] == [(first, ORIGIN_HUMAN)]
    assert first in changes.spans
    store.apply(inverse, action="undo")
    assert [(s.id, s.origin) for s in store.spans(doc)] == [(first, origin)]  # back to what it was
    _clean(store)


def test_a_source_added_over_a_suggested_one_confirms_and_links_it(store: Store) -> None:
    doc = _doc(store)
    q1 = _add(store, _span(doc, *Q1, "QUOTE", origin=ORIGIN_MODEL))
    she = _add(store, _span(doc, SHE_1, SHE_1 + 3, "SOURCE", origin=ORIGIN_MODEL), (q1, "source"))
    q2 = _add(store, _span(doc, *Q2, "QUOTE"))
    store.apply(AddSpan(_span(doc, SHE_1, SHE_1 + 3, "SOURCE"), (Relation(None, doc, q2, NEW_SPAN, "source", "ann"),)))
    sources = [s for s in store.spans(doc) if s.label == "SOURCE"]
    assert [(s.id, s.origin) for s in sources] == [(she, ORIGIN_HUMAN)]
    assert sorted((r.head_id, r.child_id) for r in store.relations(doc)) == [(q1, she), (q2, she)]
    _clean(store)


def test_the_database_refuses_a_second_identical_span(store: Store) -> None:
    doc = _doc(store)
    _add(store, _span(doc, 0, 9, "PERSON"))
    try:
        store.conn.execute(
            "INSERT INTO spans(document_id, comment_id, start, end, label, layer, annotator, origin, created, updated) "
            "VALUES (?, NULL, 0, 9, 'PERSON', 'entity', 'ann', 'model', '', '')", (doc,))
    except sqlite3.IntegrityError:
        pass
    else:
        raise AssertionError("a duplicate span was stored")


def test_resizing_onto_an_identical_span_is_refused_with_one_line(store: Store) -> None:
    from annotation.errors import CommandError

    doc = _doc(store)
    _add(store, _span(doc, *Q1, "QUOTE"))
    other = _add(store, _span(doc, Q1[0], Q1[1] - 1, "QUOTE"))
    try:
        store.apply(UpdateSpan(other, end=Q1[1]))
    except CommandError as exc:
        assert "already" in str(exc)
    else:
        raise AssertionError("a resize made two identical spans")
    _clean(store)


# -- editing a suggestion makes it the annotator's ----------------------------------------

@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_relabel_or_resize_of_a_suggestion_makes_it_human_and_undo_restores_model(data: st.DataObject) -> None:
    store = Store.create(":memory:")
    doc = _doc(store)
    start = data.draw(st.integers(0, len(TEXT) - 2), label="start")
    end = data.draw(st.integers(start + 2, len(TEXT)), label="end")
    span_id = _add(store, _span(doc, start, end, "ORG", origin=ORIGIN_MODEL))
    edit = data.draw(st.sampled_from([UpdateSpan(span_id, label="PERSON"), UpdateSpan(span_id, end=end - 1),
                                      UpdateSpan(span_id, start=start + 1)]), label="edit")
    inverse, _ = store.apply(edit)
    assert store.span(span_id).origin == ORIGIN_HUMAN
    store.apply(inverse, action="undo")
    restored = store.span(span_id)
    assert (restored.start, restored.end, restored.label, restored.origin) == (start, end, "ORG", ORIGIN_MODEL)
    _clean(store)


def test_a_relabelled_suggestion_is_in_the_default_export(store: Store, tmp_path: Path) -> None:
    from annotation.cli import main

    doc = _doc(store)
    span_id = _add(store, _span(doc, 0, 9, "ORG", origin=ORIGIN_MODEL))
    store.apply(UpdateSpan(span_id, label="PERSON"))
    store.apply(SetStatus(doc, "ann", "done"))
    out = tmp_path / "out.jsonl"
    assert main(["export", str(store.path), str(out), "--format", "doccano", "--annotator", "ann", "--quiet"]) == 0
    assert '"PERSON"' in out.read_text(encoding="utf-8")


# -- relations stay inside one text and one annotator's layer -------------------------------

def test_relations_across_texts_or_layers_are_refused(store: Store) -> None:
    from annotation.errors import CommandError

    doc = _doc(store)
    comment = store.comments(doc)[0].id
    quote = _add(store, _span(doc, *Q1, "QUOTE"))
    in_comment = Span(None, doc, comment, 0, 1, "SOURCE", QUOTE_LAYER, "ann")
    bobs = _add(store, _span(doc, 0, 9, "PERSON", who="bob"))
    for rel in (Relation(None, doc, quote, NEW_SPAN, "source", "ann"),):
        try:
            store.apply(AddSpan(in_comment, (rel,)))
        except CommandError:
            pass
        else:
            raise AssertionError("a relation from the article into a comment was stored")
    source = _add(store, _span(doc, SHE_1, SHE_1 + 3, "SOURCE"), (quote, "source"))
    try:
        store.apply(AddRelation(Relation(None, doc, source, bobs, "coref", "ann")))
    except CommandError:
        pass
    else:
        raise AssertionError("a coref into another annotator's layer was stored")
    _clean(store)


# -- adjudication and exports ---------------------------------------------------------------

def test_adjudicating_two_quotes_that_share_a_source_gives_one_gold_source(tmp_path: Path) -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from annotation.cli import main

    project = tmp_path / "p.db"
    with Store.create(project) as store:
        doc = _doc(store)
        for who in ("alice", "bob"):
            q1 = _add(store, _span(doc, *Q1, "QUOTE", who))
            q2 = _add(store, _span(doc, *Q2, "QUOTE", who))
            _add(store, _span(doc, SHE_1, SHE_1 + 3, "SOURCE", who), (q1, "source"), (q2, "source"))
            store.apply(SetStatus(doc, who, "done"))
        command = agreed_to_gold(store, doc, ["alice", "bob"])
        assert command is not None
        store.apply(command, annotator="rita")
        gold = store.spans(doc, GOLD)
        assert sorted(s.label for s in gold) == ["QUOTE", "QUOTE", "SOURCE"]
        source = next(s.id for s in gold if s.label == "SOURCE")
        assert sorted(r.child_id for r in store.relations(doc, GOLD)) == [source, source]
        _clean(store)
    brat = tmp_path / "brat"
    assert main(["export", str(project), str(brat), "--format", "brat", "--gold", "--quiet"]) == 0
    bound = [line.split("\t")[1] for f in brat.rglob("*.ann") for line in f.read_text(encoding="utf-8").splitlines()
             if line.startswith("T")]
    assert sorted(bound) == sorted(set(bound)) and sum(b.startswith("SOURCE") for b in bound) == 1
    spacy_out = tmp_path / "spacy"
    assert main(["export", str(project), str(spacy_out), "--format", "spacy", "--gold", "--quiet"]) == 0
    docs = [d for f in sorted(spacy_out.glob("*.spacy")) for d in DocBin().from_disk(f).get_docs(Vocab())]
    bodies = [d for d in docs if d.text == TEXT]  # (a one-document corpus may sit in more than one split)
    assert bodies
    for d in bodies:
        quotes = [(s.start_char, s.end_char, s.label_) for s in d.spans.get("quotes", [])]
        assert sorted(quotes) == sorted(set(quotes)) and sum(q[2] == "SOURCE" for q in quotes) == 1


# -- old projects ---------------------------------------------------------------------------

def _old_project(path: Path) -> None:
    """A project in format 1 (before the unique index), holding what old Goldspan could write."""
    from annotation.schema import default_schema
    from annotation.store.connection import _statements
    from annotation.store.migrations import APPLICATION_ID, MIGRATIONS

    conn = sqlite3.connect(path, isolation_level=None)
    for statement in _statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema', ?)", (default_schema().source_text,))
    conn.execute("INSERT INTO documents(id, ext_id, text, text_hash, imported) VALUES (1, 'd1', ?, 'h', '')", (TEXT,))

    def span(span_id: int, start: int, end: int, label: str, origin: str, who: str = "gold") -> None:
        layer = "quote" if label in ("QUOTE", "SOURCE") else "entity"
        conn.execute("INSERT INTO spans(id, document_id, comment_id, start, end, label, layer, annotator, origin, created, updated) "
                     "VALUES (?, 1, NULL, ?, ?, ?, ?, ?, ?, '', '')", (span_id, start, end, label, layer, who, origin))

    def rel(head: int, child: int, label: str, who: str = "gold") -> None:
        conn.execute("INSERT INTO relations(document_id, head_id, child_id, label, annotator, origin, created) "
                     "VALUES (1, ?, ?, ?, ?, 'human', '')", (head, child, label, who))

    span(1, *Q1, "QUOTE", "human")
    span(2, *Q2, "QUOTE", "human")
    span(3, SHE_1, SHE_1 + 3, "SOURCE", "model")  # the shared SOURCE, stored twice (once a suggestion)
    span(4, SHE_1, SHE_1 + 3, "SOURCE", "human")
    span(5, 0, 9, "PERSON", "human")
    rel(1, 3, "source")
    rel(2, 4, "source")
    rel(3, 5, "coref")
    rel(4, 5, "coref")  # the same link twice once the SOURCEs are one
    span(6, 0, 9, "PERSON", "human", who="ann")  # another annotator's span is not a duplicate
    conn.close()


def test_opening_an_old_project_merges_duplicate_spans_and_their_relations(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_project(path)
    with Store.open(path) as store:
        gold = store.spans(1, GOLD)
        assert [(s.id, s.label, s.origin) for s in gold] == [(5, "PERSON", "human"), (1, "QUOTE", "human"),
                                                             (4, "SOURCE", "human"), (2, "QUOTE", "human")]
        rels = sorted((r.head_id, r.child_id, r.label) for r in store.relations(1, GOLD))
        assert rels == [(1, 4, "source"), (2, 4, "source"), (4, 5, "coref")]
        assert len(store.spans(1, "ann")) == 1
        _clean(store)


# -- pre-annotation re-runs ----------------------------------------------------------------

def test_a_forced_rerun_keeps_an_accepted_quote_whole_and_adds_no_orphan_source(store: Store) -> None:
    from annotation.model import Unit
    from annotation.store.suggestions import SuggestedRelation, SuggestedSpan, UnitSuggestions

    doc = _doc(store)
    batch = UnitSuggestions(Unit(doc), [
        SuggestedSpan(1, 0, 9, "PERSON", ENTITY), SuggestedSpan(2, *Q1, "QUOTE", QUOTE_LAYER),
        SuggestedSpan(3, SHE_1, SHE_1 + 3, "SOURCE", QUOTE_LAYER), SuggestedSpan(4, SHE_1 + 4, SHE_1 + 8, "CUE", QUOTE_LAYER),
    ], [SuggestedRelation(2, 3, "source"), SuggestedRelation(2, 4, "cue"), SuggestedRelation(3, 1, "coref")])
    store.write_suggestions([batch], "ann", "m 1")
    quote = next(s for s in store.spans(doc) if s.label == "QUOTE")
    store.apply(UpdateSpan(quote.id, origin=ORIGIN_HUMAN))  # type: ignore[arg-type]  # accepted
    store.write_suggestions([batch], "ann", "m 1")  # --force: the same suggestions again
    labels = sorted(s.label for s in store.spans(doc))
    assert labels == ["CUE", "PERSON", "QUOTE", "SOURCE"]
    # its own SOURCE and CUE stay linked (the model coref from the SOURCE went with the untouched
    # PERSON it pointed to, and is not hung on the kept SOURCE again)
    assert sorted(r.label for r in store.relations(doc)) == ["cue", "source"]
    assert {r.head_id for r in store.relations(doc)} == {quote.id}
    _clean(store)


def test_relabelling_inside_a_quotation_keeps_its_links_meaningful(store: Store) -> None:
    from annotation.errors import CommandError

    doc = _doc(store)
    ids = _quotation(store, doc)
    inverse, changes = store.apply(UpdateSpan(ids["SOURCE"], label="CUE"))  # a mislabelled part
    links = {(r.head_id, r.child_id, r.label) for r in store.relations(doc)}
    assert (ids["QUOTE"], ids["SOURCE"], "cue") in links and (ids["QUOTE"], ids["SOURCE"], "source") not in links
    assert changes.relations
    _clean(store)
    store.apply(inverse, action="undo")
    assert (ids["QUOTE"], ids["SOURCE"], "source") in {(r.head_id, r.child_id, r.label) for r in store.relations(doc)}
    for span_id, label in ((ids["QUOTE"], "SOURCE"), (ids["CUE"], "QUOTE")):
        try:
            store.apply(UpdateSpan(span_id, label=label))
        except CommandError:
            pass
        else:
            raise AssertionError(f"relabelling to {label} broke the quotation")
    _clean(store)


def test_the_store_refuses_a_part_without_its_quote(tmp_path: Path) -> None:
    """Not only the window: any command that would leave a SOURCE or CUE without a QUOTE is
    refused whole (a lone part, unlinking a part, relabelling its QUOTE away)."""
    from annotation.commands import Batch, DeleteRelation
    from annotation.errors import CommandError

    import pytest

    with Store.create(tmp_path / "p.db") as store:
        doc = _doc(store)
        before = _state(store, doc)
        with pytest.raises(CommandError, match="belongs to no QUOTE"):
            store.apply(AddSpan(_span(doc, SHE_1, SHE_1 + 3, "SOURCE")))
        assert _state(store, doc) == before
        quote = _add(store, _span(doc, *Q1, "QUOTE"))
        source = _add(store, _span(doc, SHE_1, SHE_1 + 3, "SOURCE"), (quote, "source"))
        link = next(r.id for r in store.relations(doc) if r.child_id == source)
        before = _state(store, doc)
        with pytest.raises(CommandError, match="belongs to no QUOTE"):
            store.apply(DeleteRelation(link))
        with pytest.raises(CommandError):
            store.apply(UpdateSpan(quote, label="PERSON"))
        assert _state(store, doc) == before
        # One batch that adds the QUOTE and then its SOURCE is whole at its end: accepted.
        store.apply(Batch((AddSpan(_span(doc, *Q2, "QUOTE")),), "Quote"))
        _clean(store)


def test_old_orphans_do_not_block_other_edits(tmp_path: Path) -> None:
    """A project written before the rule may hold an orphan part; `check` names it, and edits
    elsewhere in the same text still work."""
    path = tmp_path / "p.db"
    with Store.create(path) as store:
        doc = _doc(store)
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO spans(document_id, comment_id, start, end, label, layer, annotator, origin, created, updated) "
                "VALUES (?, NULL, ?, ?, 'SOURCE', 'quote', 'ann', 'human', 'x', 'x')", (doc, SHE_2, SHE_2 + 3))
    raw.commit()
    raw.close()
    with Store.open(path) as store:
        _add(store, _span(doc, 0, 9, "PERSON"))
        quote = _add(store, _span(doc, *Q1, "QUOTE"))
        _add(store, _span(doc, SHE_1, SHE_1 + 3, "SOURCE"), (quote, "source"))
        assert [p.line().split(":")[0] for p in store.check_problems()] != []
        assert len(store.check_problems()) == 1
