"""Edits are data commands with exact inverses, applied by the store and logged."""
from __future__ import annotations

import pytest

from annotation.commands import (
    NEW_SPAN, AddRelation, AddSpan, AddTarget, Batch, Command, DeleteSpan, SetStance, SetStatus, UpdateSpan,
)
from annotation.errors import CommandError
from annotation.model import REPLY_TARGET, Relation, Span
from annotation.model import Comment, Document, ImportedArticle


def _seed_doc(store):
    text = "Yuri Ushakov said “We agreed on July 7,” to reporters in Moscow 🇷🇺 today."
    art = ImportedArticle(
        Document(None, "d1", "T", text),
        (Comment(None, None, "c1", "I agree with Putin."), Comment(None, None, "c2", "No way.", parent_ext_id="c1")),
    )
    with store.transaction():
        result = store.import_articles([art], "test")
    return result.document_ids[0], text


def _span(doc, start, end, label, layer="entity", who="ann", comment_id=None):
    return Span(None, doc, comment_id, start, end, label, layer, who)


def _snapshot(store, doc):
    spans = [(s.start, s.end, s.label, s.origin) for s in store.spans(doc)]
    rels = [(store.span(r.head_id).label, store.span(r.child_id).label, r.label) for r in store.relations(doc)]
    stances = [(s.comment_id, s.target, s.label) for s in store.stances(doc)]
    return spans, rels, stances, store.status(doc, "ann").status, store.targets(doc)


def test_every_command_round_trips_through_its_inverse(store):
    doc, text = _seed_doc(store)
    c1, c2 = [c.id for c in store.comments(doc)]
    states = [_snapshot(store, doc)]
    inverses = []
    quote_start = text.index("“")
    quote_end = text.index("”") + 1
    steps: list[Command] = [
        AddSpan(_span(doc, 0, 12, "PERSON")),
        AddSpan(_span(doc, quote_start, quote_end, "QUOTE", "quote")),
    ]
    for cmd in steps:
        inv, changes = store.apply(cmd)
        assert changes.spans and doc in changes.documents
        inverses.append(inv)
        states.append(_snapshot(store, doc))
    quote_id = store.spans(doc, layer="quote")[0].id
    person_id = store.spans(doc, layer="entity")[0].id
    more: list[Command] = [
        AddSpan(_span(doc, 0, 12, "SOURCE", "quote"), (Relation(None, doc, quote_id, NEW_SPAN, "source", "ann"),)),
        UpdateSpan(person_id, end=4),
        UpdateSpan(person_id, label="ORG"),
        SetStance(c1, "topic", "ann", "favor"),
        SetStance(c1, "topic", "ann", "against", note="sarcasm?", unsure=True),
        SetStance(c2, REPLY_TARGET, "ann", "disagree"),
        SetStatus(doc, "ann", "done"),
        AddTarget(doc, "Putin", person_id),
        DeleteSpan(quote_id),
    ]
    for cmd in more:
        inv, _ = store.apply(cmd)
        inverses.append(inv)
        states.append(_snapshot(store, doc))
    # Undo everything in reverse: each state comes back exactly.
    for inv, expected in zip(reversed(inverses), reversed(states[:-1])):
        store.apply(inv, action="undo")
        assert _snapshot(store, doc) == expected
    assert store.spans(doc) == []


def test_deleting_a_quote_takes_its_relations_and_undo_restores_them(store):
    doc, text = _seed_doc(store)
    quote_id = store.apply(AddSpan(_span(doc, 18, 41, "QUOTE", "quote")))[0].span_id
    store.apply(AddSpan(_span(doc, 0, 12, "SOURCE", "quote"), (Relation(None, doc, quote_id, NEW_SPAN, "source", "ann"),)))
    assert len(store.relations(doc)) == 1
    inverse, changes = store.apply(DeleteSpan(quote_id))
    assert store.relations(doc) == [] and changes.relations
    store.apply(inverse)
    (rel,) = store.relations(doc)
    assert rel.head_id == quote_id and rel.label == "source"


def test_entity_overlap_is_refused_but_entity_inside_quote_is_allowed(store):
    doc, text = _seed_doc(store)
    store.apply(AddSpan(_span(doc, 0, 12, "PERSON")))
    with pytest.raises(CommandError, match="overlaps the PERSON"):
        store.apply(AddSpan(_span(doc, 5, 20, "ORG")))
    store.apply(AddSpan(_span(doc, 0, 40, "QUOTE", "quote")))
    # Another annotator's layer is independent.
    store.apply(AddSpan(_span(doc, 5, 20, "ORG", who="other")))
    assert len(store.spans(doc, annotator="ann")) == 2


@pytest.mark.parametrize("span", [
    (0, 0, "PERSON", "entity"), (-1, 3, "PERSON", "entity"), (0, 10_000, "PERSON", "entity"),
    (0, 4, "NOPE", "entity"), (0, 4, "QUOTE", "entity"),
])
def test_bad_spans_are_refused_and_nothing_is_written(store, span):
    doc, _ = _seed_doc(store)
    start, end, label, layer = span
    with pytest.raises(CommandError):
        store.apply(AddSpan(_span(doc, start, end, label, layer)))
    assert store.spans(doc) == []
    assert store.edit_log() == []


def test_reply_stance_only_on_replies_and_labels_come_from_schema(store):
    doc, _ = _seed_doc(store)
    c1, c2 = [c.id for c in store.comments(doc)]
    with pytest.raises(CommandError, match="only a reply"):
        store.apply(SetStance(c1, REPLY_TARGET, "ann", "agree"))
    with pytest.raises(CommandError, match="unknown stance label"):
        store.apply(SetStance(c1, "topic", "ann", "agree"))
    with pytest.raises(CommandError, match="unknown stance target"):
        store.apply(SetStance(c1, "Putin", "ann", "favor"))
    store.apply(AddTarget(doc, "Putin"))
    store.apply(SetStance(c1, "Putin", "ann", "favor"))
    assert store.stance(c1, "Putin", "ann").label == "favor"


def test_batch_is_one_log_entry_and_commands_serialise(store):
    doc, _ = _seed_doc(store)
    batch = Batch((AddSpan(_span(doc, 0, 4, "PERSON")), AddSpan(_span(doc, 5, 12, "PERSON"))), "two")
    inverse, _ = store.apply(batch)
    log = store.edit_log()
    assert len(log) == 1 and log[0]["annotator"] == "ann"
    assert Command.from_json(log[0]["command"]) == batch
    assert Command.from_json(log[0]["inverse"]) == inverse
    store.apply(Command.from_json(log[0]["inverse"]), action="undo")
    assert store.spans(doc) == []
