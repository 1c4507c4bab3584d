"""A Batch's runs of AddSpan and DeleteSpan are applied in bulk (annotation/store/bulk_edits.py);
the outcome must be exactly the one-by-one one: the same rows and ids, the same inverse, the
same Changes, the same edit log and the same error, and the same again after undo and redo.
Accept-all's SetOrigins reads and writes in bulk too, and says in ``Changes.origins`` that only
origins changed; the edit log keeps its old form."""
from __future__ import annotations

import contextlib
import random
from typing import Iterator
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from annotation.commands import (
    NEW_SPAN, AddRelation, AddSpan, Batch, Command, DeleteSpan, SetOrigins, SetStance, log_json,
)
from annotation.errors import CommandError
from annotation.model import (
    ORIGIN_HUMAN, ORIGIN_MODEL, Changes, Comment, Document, ImportedArticle, Relation, Span, Unit,
)
from annotation.store import Store, bulk_edits

WORDS = "Ana Berg told the council on Monday that Carl Dunn and Eva Fox would say more".split()
TEXT = " ".join(WORDS)
COMMENT = "Fox and Berg said it first"
PLACES = [(TEXT.index(w), TEXT.index(w) + len(w)) for w in WORDS]
COMMENT_PLACES = [(0, 3), (8, 12), (13, 17), (18, 20)]
ENTITY_LABELS = ("PERSON", "ORG")
QUOTE_LABELS = ("QUOTE", "SOURCE", "CUE")
FIXED_TIME = "2026-12-01T12:00:00.000+00:00"


def _new_store() -> tuple[Store, int, int]:
    """A document with one comment; ann and bob each with entities (some suggested) and a
    quotation (QUOTE with SOURCE and CUE), ann's SOURCE with a coref to an entity."""
    store = Store.create(":memory:")
    article = ImportedArticle(Document(None, "d1", "T", TEXT), (Comment(None, None, "c1", COMMENT),))
    with store.transaction():
        doc = store.import_articles([article], "test").document_ids[0]
    comment = store.comments(doc)[0].id
    for who in ("ann", "bob"):
        for k, (start, end) in enumerate(PLACES[:6]):
            origin = ORIGIN_MODEL if k % 2 else ORIGIN_HUMAN
            store.apply(AddSpan(Span(None, doc, None, start, end, ENTITY_LABELS[k % 2], "entity", who, origin)))
        quote, _c = store.apply(AddSpan(Span(None, doc, None, PLACES[8][0], PLACES[15][1], "QUOTE", "quote", who)))
        quote_id = quote.span_id  # type: ignore[attr-defined]
        for place, label in ((PLACES[0], "SOURCE"), (PLACES[2], "CUE")):
            store.apply(AddSpan(Span(None, doc, None, *place, label, "quote", who),
                                (Relation(None, doc, quote_id, NEW_SPAN, label.lower(), who),)))
        store.apply(AddSpan(Span(None, doc, comment, 0, 3, "PERSON", "entity", who, ORIGIN_MODEL)))
        store.apply(AddSpan(Span(None, doc, None, PLACES[9][0], PLACES[10][1], "PERSON", "entity", who)))
    return store, doc, comment


@contextlib.contextmanager
def _bulk(on: bool) -> Iterator[None]:
    with mock.patch.object(bulk_edits, "BULK_MIN", 1 if on else 10**9), \
            mock.patch.object(bulk_edits, "BULK_MIN_DELETES", 1 if on else 10**9):
        yield


@contextlib.contextmanager
def _fixed_clock() -> Iterator[None]:
    with mock.patch("annotation.store.rows.now", lambda: FIXED_TIME):
        yield


def _state(store: Store, doc: int) -> tuple:  # type: ignore[type-arg]
    spans = [(s, s.attrs) for s in store.spans(doc)]
    return spans, store.relations(doc), store.edit_rows(), store.next_span_ids(1)


def _outcome(store: Store, cmd: Command, action: str) -> tuple:  # type: ignore[type-arg]
    try:
        inverse, changes = store.apply(cmd, "ann", action=action)
    except CommandError as exc:
        return ("refused", str(exc)), None
    return (log_json(inverse), changes), inverse


@st.composite
def _batches(draw: st.DrawFn) -> tuple[Command, ...]:
    """Batches of span additions and deletions as undo, redo and review make them: explicit ids
    (fresh, repeated, taken), spans already there (confirmed), overlaps, QUOTEs with their parts
    linked in the same command, nested Batches, deletions of QUOTEs and of spans gone already."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    n = draw(st.integers(1, 40))
    fresh = 200  # above every seeded id
    # Seeded ids: ann's entities 1-6, QUOTE 7 with SOURCE 8 and CUE 9, comment entity 10, a two-word
    # entity 11; bob's 12-22.
    known: list[int] = list(range(1, 24))  # plus the ones added below
    quotes: list[int] = [7, 18]
    parts = {7: (8, 9), 18: (19, 20)}
    out: list[Command] = []

    def new_span() -> AddSpan:
        nonlocal fresh
        who = "ann" if rng.random() < 0.8 else "bob"
        in_comment = rng.random() < 0.15
        places = COMMENT_PLACES if in_comment else PLACES
        if rng.random() < 0.6:
            label, layer = rng.choice(ENTITY_LABELS), "entity"
            first = rng.randrange(len(places))
            last = min(len(places) - 1, first + rng.choice((0, 0, 0, 1, 2)))  # some overlap a neighbour
            start, end = places[first][0], places[last][1]
        else:
            label, layer = rng.choice(QUOTE_LABELS), "quote"
            # few extents, the seeded quotations' among them: the same span again is frequent
            a, b = rng.choice(((8, 15), (0, 0), (2, 2), (0, 1), (9, 12), (3, 3)))
            a, b = min(a, len(places) - 1), min(b, len(places) - 1)
            start, end = places[a][0], places[b][1]
        if rng.random() < 0.03:
            end += 500  # outside its text
        if rng.random() < 0.03:
            layer = "quote" if layer == "entity" else "entity"
        span_id: int | None
        roll = rng.random()
        if roll < 0.7:
            fresh += rng.choice((1, 1, 1, 2))
            span_id = fresh
        elif roll < 0.75:
            span_id = rng.choice(known)  # taken (or deleted earlier in the batch)
        else:
            span_id = None
        span = Span(span_id, 1, 2 if in_comment else None, start, end, label, layer, who,
                    rng.choice((ORIGIN_HUMAN, ORIGIN_MODEL)), attrs=rng.choice(({}, {"adjudicated_from": "bob"})))
        relations: tuple[Relation, ...] = ()
        if label in ("SOURCE", "CUE") and rng.random() < 0.8:
            relations = (Relation(None, 1, rng.choice(quotes), NEW_SPAN, label.lower(), who),)
        elif label == "QUOTE" and rng.random() < 0.5 and known:
            relations = (Relation(rng.choice((None, None, fresh + 1000)), 1, NEW_SPAN, rng.choice(known),
                                  rng.choice(("source", "cue", "coref", "bogus")), who),)
        if relations and rng.random() < 0.1:
            relations += relations  # the same link twice
        if span_id is not None:
            known.append(span_id)
            if label == "QUOTE":
                quotes.append(span_id)
        return AddSpan(span, relations)

    while len(out) < n:
        roll = rng.random()
        if roll < 0.5:
            out.append(new_span())
        elif roll < 0.7:
            out.append(DeleteSpan(rng.choice(known + [999])))
        elif roll < 0.8:  # a QUOTE takes its parts along: deleting one of them next does nothing
            quote = rng.choice(list(parts))
            out += [DeleteSpan(quote), DeleteSpan(rng.choice(parts[quote]))][:rng.randint(1, 2)]
        elif roll < 0.9:
            out.append(Batch(tuple(new_span() for _ in range(rng.randint(0, 3))), "Restore QUOTE"))
        elif roll < 0.95:
            out.append(Batch((), "Nothing"))
        else:
            out.append(SetStance(2, "topic", "ann", "favor"))  # breaks a run
    return tuple(out)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commands=_batches())
def test_a_batch_applied_in_bulk_is_the_batch_applied_one_by_one(commands: tuple[Command, ...]) -> None:
    with _fixed_clock():
        one_by_one, doc, _comment = _new_store()
        in_bulk, _doc, _comment = _new_store()
    try:
        with _fixed_clock():
            cmd: Command = Batch(commands, "Gold: accept agreed items")
            for action in ("do", "undo", "redo"):
                with _bulk(False):
                    expected, inverse = _outcome(one_by_one, cmd, action)
                with _bulk(True):
                    got, _inverse = _outcome(in_bulk, cmd, action)
                assert got == expected  # the same inverse (ids, order, nesting) and Changes, or the same error
                assert _state(in_bulk, doc) == _state(one_by_one, doc)  # rows, ids, edit log, next id
                if inverse is None:
                    break
                cmd = inverse
    finally:
        one_by_one.close()
        in_bulk.close()


def test_review_like_batches_really_take_the_bulk_path() -> None:
    """The property above would pass if nothing ever went through bulk_edits: a batch of plain
    additions and one of plain deletions must be applied with a handful of statements."""
    store, doc, _comment = _new_store()
    try:
        first = store.next_span_ids(1)[0]
        adds = tuple(AddSpan(Span(first + k, doc, None, start, end, "PERSON", "entity", "gold"))
                     for k, (start, end) in enumerate(PLACES))
        with _bulk(True), mock.patch.object(type(store), "_apply_add_span", side_effect=AssertionError("one by one")):
            inverse, changes = store.apply(Batch(adds, "agreed"), "gold")
        assert changes.spans == frozenset(range(first, first + len(PLACES)))
        with _bulk(True), mock.patch.object(type(store), "_apply_delete_span", side_effect=AssertionError("one by one")):
            store.apply(inverse, "gold", action="undo")
        assert not store.spans(doc, "gold")
    finally:
        store.close()


def test_a_refused_run_writes_nothing_and_gives_the_one_by_one_error() -> None:
    store, doc, _comment = _new_store()
    try:
        first = store.next_span_ids(1)[0]
        adds = [AddSpan(Span(first + k, doc, None, start, end, "PERSON", "entity", "gold"))
                for k, (start, end) in enumerate(PLACES[:5])]
        adds.append(AddSpan(Span(first + 9, doc, None, PLACES[1][0], PLACES[2][1], "ORG", "entity", "gold")))
        before = _state(store, doc)
        with _bulk(True), pytest.raises(CommandError, match="overlaps the PERSON entity"):
            store.apply(Batch(tuple(adds), "agreed"), "gold")
        assert _state(store, doc) == before
    finally:
        store.close()


# -- accept-all ----------------------------------------------------------------------------

def _old_set_origins_inverse(store: Store, ids: list[int], origin: str) -> list[tuple[str, list[int]]]:
    """How the store grouped the inverse before: reading 500 ids at a time with IN (...)."""
    groups: dict[str, list[int]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for span_id, old in store.conn.execute(
                f"SELECT id, origin FROM spans WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            groups.setdefault(old, []).append(span_id)
    return [(o, g) for o, g in groups.items() if o != origin]


def test_accept_all_keeps_its_inverse_and_says_only_origins_changed() -> None:
    store = Store.create(":memory:")
    try:
        text = " ".join(["word"] * 1200)
        with store.transaction():
            doc = store.import_articles([ImportedArticle(Document(None, "d", "T", text))], "test").document_ids[0]
        spans = [Span(None, doc, None, 5 * k, 5 * k + 4, "ORG", "entity", "ann", ORIGIN_MODEL if k % 7 else ORIGIN_HUMAN)
                 for k in range(1200)]
        store.apply(Batch(tuple(AddSpan(s) for s in spans), "setup"), "ann")
        ids = list(store.suggestion_ids(doc, "ann"))
        assert ids == [s.id for s in store.spans(doc, "ann") if s.origin == ORIGIN_MODEL]
        everything = [s.id for s in store.spans(doc, "ann")]
        random.Random(3).shuffle(everything)  # more than one read of 500, not in id order
        expected = _old_set_origins_inverse(store, everything, ORIGIN_HUMAN)
        inverse, changes = store.apply(SetOrigins(tuple(everything), ORIGIN_HUMAN, "Accept"), "ann")
        assert isinstance(inverse, SetOrigins)
        assert [(inverse.origin, list(inverse.span_ids))] == expected
        assert changes.spans == frozenset(ids)
        assert changes.documents == {doc} and changes.units == {Unit(doc)}
        ((origin_ids, origin, stamp),) = changes.origins
        assert origin_ids == frozenset(ids) and origin == ORIGIN_HUMAN
        assert {s.updated for s in store.spans(doc, "ann") if s.id in origin_ids} == {stamp}
        assert {s.origin for s in store.spans(doc, "ann")} == {ORIGIN_HUMAN}
        back, undo_changes = store.apply(inverse, "ann", action="undo")
        assert undo_changes.origins[0][:2] == (frozenset(ids), ORIGIN_MODEL)
        assert [s.id for s in store.spans(doc, "ann") if s.origin == ORIGIN_MODEL] == ids
    finally:
        store.close()


def test_origins_survive_a_union_only_while_nothing_else_changed_those_spans() -> None:
    accepted = Changes(documents=frozenset({1}), spans=frozenset({1, 2}), origins=((frozenset({1, 2}), "human", "t1"),))
    other = Changes(documents=frozenset({1}), spans=frozenset({3}))
    assert (accepted | other).origins == accepted.origins
    assert (other | accepted).origins == accepted.origins
    back = Changes(spans=frozenset({2}), origins=((frozenset({2}), "model", "t2"),))
    assert (accepted | back).origins == accepted.origins + back.origins  # applied in this order
    resized = Changes(spans=frozenset({2}))  # span 2 changed in another way too: read it again
    assert (accepted | resized).origins == () and (resized | accepted).origins == ()
    assert (accepted | resized).spans == frozenset({1, 2})


# -- the edit log's JSON -------------------------------------------------------------------

_span_strategy = st.builds(
    Span, id=st.none() | st.integers(1, 10**6), document_id=st.integers(1, 9), comment_id=st.none() | st.integers(1, 9),
    start=st.integers(0, 99), end=st.integers(0, 99), label=st.text(max_size=8), layer=st.sampled_from(("entity", "quote")),
    annotator=st.text(max_size=5), origin=st.sampled_from((ORIGIN_HUMAN, ORIGIN_MODEL)), model=st.text(max_size=5),
    attrs=st.dictionaries(st.text(max_size=4), st.none() | st.booleans() | st.integers() | st.text(max_size=4)
                          | st.lists(st.integers(), max_size=3), max_size=3),
    created=st.text(max_size=4), updated=st.text(max_size=4),
)
_relation_strategy = st.builds(Relation, id=st.none() | st.integers(1, 99), document_id=st.integers(1, 9),
                               head_id=st.integers(0, 99), child_id=st.integers(0, 99), label=st.text(max_size=6),
                               annotator=st.text(max_size=4))
_commands = st.recursive(
    st.one_of(
        st.builds(AddSpan, _span_strategy, st.lists(_relation_strategy, max_size=2).map(tuple)),
        st.builds(DeleteSpan, st.integers(1, 99)),
        st.builds(AddRelation, _relation_strategy),
        st.builds(SetOrigins, st.lists(st.integers(1, 99), max_size=5).map(tuple), st.sampled_from(("human", "model"))),
        st.builds(SetStance, st.integers(1, 9), st.text(max_size=4), st.text(max_size=4), st.text(max_size=4)),
    ),
    lambda inner: st.builds(Batch, st.lists(inner, max_size=4).map(tuple), st.text(max_size=6)),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(cmd=_commands)
def test_the_edit_log_json_is_to_json_character_for_character(cmd: Command) -> None:
    assert log_json(cmd) == cmd.to_json()
