"""Reads for the review's comparison (annotation.adjudication.Comparison): one document's span
and relation rows of a few annotators in one query each, as plain rows, so a comparison kept
open can tell what changed since its last read without building a dataclass per span."""
from __future__ import annotations

import sqlite3
from typing import Sequence


def document_span_rows(store, document_id: int, annotators: Sequence[str]) -> list[sqlite3.Row]:  # type: ignore[no-untyped-def]
    """Every span of ``annotators`` in the document, in Store.spans' order (unit, start, end, id)."""
    marks = ", ".join("?" * len(annotators))
    return store.conn.execute(
        f"SELECT * FROM spans WHERE document_id = ? AND annotator IN ({marks}) "
        "ORDER BY comment_id IS NOT NULL, comment_id, start, end, id", [document_id, *annotators]).fetchall()


def document_relation_rows(store, document_id: int, annotators: Sequence[str]) -> list[tuple[int, int, str, str]]:  # type: ignore[no-untyped-def]
    """(head_id, child_id, label, annotator) of every relation of ``annotators`` in the document, by id."""
    marks = ", ".join("?" * len(annotators))
    cursor = store.conn.cursor()
    cursor.row_factory = None
    return cursor.execute(
        f"SELECT head_id, child_id, label, annotator FROM relations WHERE document_id = ? AND annotator IN ({marks}) "
        "ORDER BY id", [document_id, *annotators]).fetchall()


def done_annotators(store, document_id: int, annotators: Sequence[str]) -> set[str]:  # type: ignore[no-untyped-def]
    """Which of ``annotators`` marked the document done."""
    marks = ", ".join("?" * len(annotators))
    return {r[0] for r in store.conn.execute(
        f"SELECT annotator FROM doc_status WHERE document_id = ? AND status = 'done' AND annotator IN ({marks})",
        [document_id, *annotators])}
