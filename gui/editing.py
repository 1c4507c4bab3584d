"""Core commands the views build from a user's gesture. Plain functions, so the rules (a SOURCE
made while a QUOTE is current is linked to it; accept-all is one undo step) are testable alone."""
from __future__ import annotations

from annotation.commands import NEW_SPAN, AddRelation, AddSpan, Command, SetOrigins, UpdateSpan
from annotation.model import ORIGIN_HUMAN, ORIGIN_MODEL, Relation, Span, Unit
from annotation.store import Store

QUOTE_PARTS = {"SOURCE": "source", "CUE": "cue"}


def add_span_command(
    unit: Unit, start: int, end: int, label: str, layer: str, annotator: str, quote_id: int | None
) -> AddSpan:
    """A new human span; a SOURCE or CUE is tied to ``quote_id`` (the QUOTE being built) in the
    same command, so the span and its link are one undo step."""
    span = Span(None, unit.document_id, unit.comment_id, start, end, label, layer, annotator, ORIGIN_HUMAN)
    relations: tuple[Relation, ...] = ()
    if label in QUOTE_PARTS and quote_id is not None:
        relations = (Relation(None, unit.document_id, quote_id, NEW_SPAN, QUOTE_PARTS[label], annotator),)
    return AddSpan(span, relations)


def coref_command(source_id: int, entity_id: int, document_id: int, annotator: str) -> AddRelation:
    return AddRelation(Relation(None, document_id, source_id, entity_id, "coref", annotator))


def accept_command(span: Span) -> UpdateSpan | None:
    return UpdateSpan(span.id, origin=ORIGIN_HUMAN) if span.origin == ORIGIN_MODEL and span.id is not None else None


def accept_all_command(store: Store, document_id: int, annotator: str) -> Command | None:
    """Every suggestion of the document (article and comments) accepted as one undo step, in one
    statement (``SetOrigins``): thousands of suggestions are accepted, and undone, in milliseconds.
    Only their ids are read (building 5,000 spans to keep their ids took ~35 ms)."""
    ids = store.suggestion_ids(document_id, annotator)
    if not ids:
        return None
    return SetOrigins(ids, ORIGIN_HUMAN, f"Accept {len(ids):,} suggestion{'s' if len(ids) != 1 else ''}")
