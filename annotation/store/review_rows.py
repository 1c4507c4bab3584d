"""Reads for the review's comparison (annotation.adjudication.Comparison): one document's span
and relation rows of a few annotators in one query each, as plain rows, so a comparison kept
open can tell what changed since its last read without building a dataclass per span."""
from __future__ import annotations

from typing import Sequence

from annotation.model import GOLD, Span
from annotation.store import rows


SPAN_COLUMNS = "id, document_id, comment_id, start, end, label, layer, annotator, origin, model, attrs, created, updated"


def document_span_rows(store, document_id: int, annotators: Sequence[str]) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Every span of ``annotators`` in the document as a plain tuple (SPAN_COLUMNS; see
    span_of_row), in Store.spans' order (unit, start, end, id). Tuples, not sqlite3.Row: half the
    time, and a tuple is its own key when telling what changed."""
    marks = ", ".join("?" * len(annotators))
    return rows.tuples(
        store.conn, f"SELECT {SPAN_COLUMNS} FROM spans WHERE document_id = ? AND annotator IN ({marks}) "
        "ORDER BY comment_id IS NOT NULL, comment_id, start, end, id", [document_id, *annotators])


def span_of_row(row: tuple) -> Span:
    """The Span of a document_span_rows tuple."""
    return Span(*row[:10], attrs=rows._attrs(row[10]), created=row[11], updated=row[12])  # type: ignore[arg-type]


def workers_per_document(store, annotators: Sequence[str]) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """(document_id, annotator) for every document each of ``annotators`` worked on: has spans
    or stance labels there, or a status other than new. (Grouped in SQLite: a project's spans
    are never read one by one for this.)"""
    marks = ", ".join("?" * len(annotators))
    return rows.tuples(  # type: ignore[return-value]
        store.conn, f"SELECT DISTINCT document_id, annotator FROM spans WHERE annotator IN ({marks}) "
        f"UNION SELECT c.document_id, s.annotator FROM stances s JOIN comments c ON c.id = s.comment_id "
        f"WHERE s.annotator IN ({marks}) "
        f"UNION SELECT document_id, annotator FROM doc_status WHERE status != 'new' AND annotator IN ({marks})",
        [*annotators, *annotators, *annotators])


def document_relation_rows(store, document_id: int, annotators: Sequence[str]) -> list[tuple[int, int, int, str, str]]:  # type: ignore[no-untyped-def]
    """(id, head_id, child_id, label, annotator) of every relation of ``annotators`` in the document, by id."""
    marks = ", ".join("?" * len(annotators))
    return rows.tuples(  # type: ignore[return-value]
        store.conn, f"SELECT id, head_id, child_id, label, annotator FROM relations WHERE document_id = ? "
        f"AND annotator IN ({marks}) ORDER BY id", [document_id, *annotators])


def span_annotators(store, span_ids: Sequence[int]) -> set[str]:  # type: ignore[no-untyped-def]
    """Who owns these spans now (ids that no longer exist are left out)."""
    return _owners(store, "spans", span_ids)


def relation_annotators(store, relation_ids: Sequence[int]) -> set[str]:  # type: ignore[no-untyped-def]
    """Who owns these relations now (ids that no longer exist are left out)."""
    return _owners(store, "relations", relation_ids)


def _owners(store, table: str, ids: Sequence[int]) -> set[str]:  # type: ignore[no-untyped-def]
    out: set[str] = set()
    ids = list(ids)
    for start in range(0, len(ids), 500):  # SQLite's limit on bound parameters
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        out.update(r[0] for r in store.conn.execute(f"SELECT DISTINCT annotator FROM {table} WHERE id IN ({marks})", chunk))
    return out


def done_annotators(store, document_id: int, annotators: Sequence[str]) -> set[str]:  # type: ignore[no-untyped-def]
    """Which of ``annotators`` marked the document done."""
    marks = ", ".join("?" * len(annotators))
    return {r[0] for r in store.conn.execute(
        f"SELECT annotator FROM doc_status WHERE document_id = ? AND status = 'done' AND annotator IN ({marks})",
        [document_id, *annotators])}


def gold_places(store, document_id: int) -> dict[tuple[int | None, int, int, str], int]:  # type: ignore[no-untyped-def]
    """The document's gold spans: (comment_id, start, end, label) -> span id (plain rows: a
    decision asks this of a document with hundreds of gold spans)."""
    return {(c, s, e, label): i for i, c, s, e, label in rows.tuples(
        store.conn, "SELECT id, comment_id, start, end, label FROM spans WHERE document_id = ? AND annotator = ? ORDER BY id",
        (document_id, GOLD))}
