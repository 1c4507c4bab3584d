"""The projects screenshots are taken on: a private copy of the user's project, and, for the review
pictures, a made-up second annotator in that copy.

No Qt here. The copy is made with SQLite's backup API through a read-only connection, so the
user's project is never written and its locks are never disturbed (DESIGN: only SQLite opens a
project's files); everything a screenshot does (the annotator's row, review's automatic gold,
a pre-annotation run) happens in the copy, which is deleted afterwards.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from annotation.commands import NEW_SPAN, AddRelation, AddSpan, DeleteSpan, SetStance, SetStatus
from annotation.errors import GoldspanError, ProjectError
from annotation.model import ENTITY, GOLD, Relation, Span
from annotation.store import Store, connection
from annotation.store.snapshots import copy_project_to

SECOND_ANNOTATOR = "ben"  # the made-up colleague (README's example names are ana and ben)
REVIEW_DOCUMENTS = 4  # how many documents the colleague "annotated"
_SWAPS = {"PERSON": "ORG", "ORG": "PERSON", "GPE": "LOC", "LOC": "GPE", "DATE": "TIME", "NORP": "ORG",
          "CARDINAL": "QUANTITY", "FAC": "LOC"}  # the confusions two people really make


def copy_project(source: Path, destination: Path) -> None:
    """A consistent copy of ``source`` at ``destination`` (which must not exist); ProjectError
    with one line naming ``source`` when it is missing, not a project or damaged (checked here,
    so the error names the user's file rather than the copy)."""
    connection.check_path(source)
    try:
        conn = connection.connect(source, read_only=True, immutable=not os.access(source.parent, os.W_OK))
    except sqlite3.Error as exc:
        raise connection.user_error(exc, source) or ProjectError(f"{source}: cannot read the project: {exc}") from None
    try:
        connection.integrity_check(conn, source)
        copy_project_to(conn, destination)
    except sqlite3.Error as exc:
        raise connection.user_error(exc, source) or ProjectError(f"{source}: cannot read the project: {exc}") from None
    finally:
        conn.close()


def annotators_to_review(store: Store) -> list[str]:
    return [name for name in store.annotators_with_data() if name != GOLD]


def add_second_annotator(store: Store, first: str, second: str = SECOND_ANNOTATOR,
                         documents: int = REVIEW_DOCUMENTS) -> int:
    """Give ``second`` a layer on the first ``documents`` documents ``first`` worked on: the same
    spans with the differences real colleagues have (a label swapped, a boundary one word shorter,
    an entity or a quotation's cue left out) and stance labels that mostly agree; both mark the
    documents done, so ``first``'s model suggestions count as their answer. Returns how many
    documents were given to ``second``."""
    schema_labels = {d.name for d in store.schema.entity}
    stance = [d.name for d in store.schema.stance_labels]
    target = store.schema.stance_targets[0] if store.schema.stance_targets else "topic"
    chosen = [d for d in store.document_ids() if store.spans(d, first)][:documents]
    with store.transaction():
        for document_id in chosen:
            _copy_layer(store, document_id, first, second, schema_labels)
            for k, comment in enumerate(store.comments(document_id)):
                if not stance or comment.id is None:
                    continue
                mine = stance[(k + document_id) % min(3, len(stance))]
                theirs = stance[(k + document_id + 1) % len(stance)] if k % 4 == 1 else mine
                store.apply(SetStance(comment.id, target, first, mine), first)
                store.apply(SetStance(comment.id, target, second, theirs), second)
            store.apply(SetStatus(document_id, first, "done"), first)
            store.apply(SetStatus(document_id, second, "done"), second)
    return len(chosen)


def _copy_layer(store: Store, document_id: int, first: str, second: str, labels: set[str]) -> None:
    spans = store.spans(document_id, first)
    relations = store.relations(document_id, first)
    new_ids: dict[int, int] = {}

    def add(span: Span, links: tuple[Relation, ...] = ()) -> int | None:
        try:
            inverse, _changes = store.apply(AddSpan(span, links), second)
        except GoldspanError:
            return None  # e.g. the shortened span now equals another one of the layer
        return inverse.span_id if isinstance(inverse, DeleteSpan) else None

    for i, span in enumerate(s for s in spans if s.layer == ENTITY):
        if i % 7 == 3:
            continue  # overlooked
        label = _SWAPS.get(span.label, span.label) if i % 5 == 1 else span.label
        start = span.start
        if i % 6 == 2:  # one word shorter at the front: a boundary difference
            text = store.unit_text(span.unit)[span.start:span.end]
            if " " in text.strip():
                start = span.start + text.index(" ") + 1
        new = add(Span(None, document_id, span.comment_id, start, span.end,
                       label if label in labels else span.label, ENTITY, second))
        if new is not None and span.id is not None:
            new_ids[span.id] = new
    by_id = {s.id: s for s in spans}
    quotes = [s for s in spans if s.label == "QUOTE"]
    for j, quote in enumerate(quotes):
        new_quote = add(Span(None, document_id, quote.comment_id, quote.start, quote.end, "QUOTE",
                             quote.layer, second, attrs=dict(quote.attrs)))
        if new_quote is None:
            continue
        for relation in relations:
            part = by_id.get(relation.child_id)
            if relation.head_id != quote.id or part is None or relation.label not in ("source", "cue"):
                continue
            if relation.label == "cue" and j % 3 == 1:
                continue  # the cue left unmarked
            new_part = add(Span(None, document_id, part.comment_id, part.start, part.end, part.label, part.layer, second),
                           (Relation(None, document_id, new_quote, NEW_SPAN, relation.label, second),))
            if new_part is not None and part.id is not None:
                new_ids[part.id] = new_part
    for relation in relations:
        if relation.label == "coref" and relation.head_id in new_ids and relation.child_id in new_ids:
            try:
                store.apply(AddRelation(Relation(None, document_id, new_ids[relation.head_id],
                                                 new_ids[relation.child_id], "coref", second)), second)
            except GoldspanError:
                pass
