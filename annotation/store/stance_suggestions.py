"""Stance suggestions: a model's label for an unlabelled (comment, target), with its probability.

They live in their own table (migration 3), so nothing that reads ``stances`` (exports,
agreement, progress, merge) ever sees one. A suggestion is shown only while its annotator has
no label for that pair: accepting it (Enter) or choosing any other label writes an ordinary
human stance through SetStance, and undoing that brings the suggestion back. A run never
writes a suggestion where a human label exists, and ``force`` replaces suggestions only
(they are never touched by hand: touching one makes a human stance).
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from annotation.model import REPLY_TARGET
from annotation.store import rows


@dataclass(frozen=True)
class StanceSuggestion:
    comment_id: int
    target: str
    annotator: str
    label: str
    probability: float
    model: str
    created: str = ""


class StanceCandidate(NamedTuple):
    """A (comment, target) without a label, with what a stance classifier reads.

    A tuple, not a frozen dataclass: a run builds one per unlabelled pair (tens of thousands),
    and building a frozen dataclass costs several times more than the rest of finding it."""

    comment_id: int
    document_id: int
    target: str
    text: str
    parent_text: str
    title: str


# Suggestions are written ROWS_PER_INSERT to a statement, with the annotator, model and time
# bound once per statement: half the time of one row per statement (fewer binds, steps and
# resets). An upsert, not INSERT OR REPLACE: a re-run (``force``) updates a row in place
# instead of deleting and inserting it.
ROWS_PER_INSERT = 100


def _write_sql(n_rows: int) -> str:
    values = ", ".join(f"(?{4 + 4 * r}, ?{5 + 4 * r}, ?1, ?{6 + 4 * r}, ?{7 + 4 * r}, ?2, ?3)" for r in range(n_rows))
    return ("INSERT INTO stance_suggestions(comment_id, target, annotator, label, probability, model, created) "
            f"VALUES {values} ON CONFLICT(comment_id, target, annotator) DO UPDATE SET label = excluded.label, "
            "probability = excluded.probability, model = excluded.model, created = excluded.created")


_WRITE = _write_sql(ROWS_PER_INSERT)

_VISIBLE = ("NOT EXISTS (SELECT 1 FROM stances h WHERE h.comment_id = g.comment_id AND h.target = g.target "
            "AND h.annotator = g.annotator)")


class StanceSuggestionsMixin:
    conn: sqlite3.Connection

    def stance_candidates(self, annotator: str, force: bool = False, replies: bool = False,
                          document_ids: Iterable[int] | None = None) -> list[StanceCandidate]:
        """Every (comment, target) the annotator has not labelled, in document and thread order.

        Targets are the document's (schema's, then its own); ``replies`` adds the ``@parent``
        target for replies. Without ``force`` pairs that already hold a suggestion are skipped
        (a re-run resumes). Three reads in all, however many documents: the comments in thread
        order, the targets, and the pairs already labelled (a set)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: this reads every comment of the project
        docs = None if document_ids is None else json.dumps(sorted({int(d) for d in document_ids}))
        in_docs = "" if docs is None else " AND {col} IN (SELECT value FROM json_each(:docs))"
        base = list(self.schema.stance_targets)  # type: ignore[attr-defined]
        own: dict[int, list[str]] = {}
        for doc, name in cursor.execute("SELECT document_id, name FROM targets WHERE 1" + in_docs.format(col="document_id")
                                        + " ORDER BY id", {"docs": docs}):
            if name not in base:
                own.setdefault(doc, []).append(name)
        done_sql = ("SELECT s.comment_id, s.target FROM {table} s JOIN comments c ON c.id = s.comment_id "
                    "WHERE s.annotator = :annotator" + in_docs.format(col="c.document_id"))
        params = {"annotator": annotator, "docs": docs}
        labelled = set(cursor.execute(done_sql.format(table="stances"), params).fetchall())
        if not force:
            labelled.update(cursor.execute(done_sql.format(table="stance_suggestions"), params).fetchall())
        out: list[StanceCandidate] = []
        current, wanted, with_reply = -1, base, base
        for cid, doc, title, text, parent_id, parent_text in cursor.execute(
                "SELECT c.id, c.document_id, d.title, c.text, c.parent_id, coalesce(p.text, '') "
                "FROM documents d JOIN comments c ON c.document_id = d.id LEFT JOIN comments p ON p.id = c.parent_id "
                "WHERE 1" + in_docs.format(col="d.id") + " ORDER BY d.id, c.position", {"docs": docs}):
            if doc != current:
                current = doc
                wanted = base + own.get(doc, [])
                with_reply = wanted + [REPLY_TARGET] if replies else wanted
            for target in (with_reply if parent_id is not None else wanted):
                if (cid, target) not in labelled:
                    out.append(StanceCandidate(cid, doc, target, text, parent_text, title))
        return out

    def write_stance_suggestions(self, items: list[tuple[int, str, str, float]], annotator: str, model: str) -> int:
        """Store (comment_id, target, label, probability) suggestions in one transaction; a pair
        the annotator has labelled meanwhile is left alone. Returns how many were written."""
        stamp = rows.now()
        with self.transaction():  # type: ignore[attr-defined]
            self.ensure_annotator(annotator)  # type: ignore[attr-defined]
            # Labelled since the candidates were read (in the window, while the job ran): one
            # read for the batch, cheaper than a NOT EXISTS per row.
            labelled = {(r[0], r[1]) for r in self.conn.execute(
                "SELECT comment_id, target FROM stances WHERE annotator = ? AND comment_id IN (SELECT value FROM json_each(?))",
                (annotator, json.dumps(sorted({item[0] for item in items}))))} if items else set()
            values = [item for item in items if (item[0], item[1]) not in labelled]
            for start in range(0, len(values), ROWS_PER_INSERT):
                chunk = values[start:start + ROWS_PER_INSERT]
                params: list[object] = [annotator, model, stamp]
                for comment_id, target, label, probability in chunk:
                    params += (comment_id, target, label, float(probability))
                self.conn.execute(_WRITE if len(chunk) == ROWS_PER_INSERT else _write_sql(len(chunk)), params)
        return len(values)

    def stance_suggestions(self, document_id: int | None = None, annotator: str | None = None) -> list[StanceSuggestion]:
        """Visible suggestions (no label by their annotator for the pair), in thread order."""
        sql = f"SELECT g.* FROM stance_suggestions g JOIN comments c ON c.id = g.comment_id WHERE {_VISIBLE}"
        params: list[object] = []
        if document_id is not None:
            sql += " AND c.document_id = ?"
            params.append(document_id)
        if annotator is not None:
            sql += " AND g.annotator = ?"
            params.append(annotator)
        result = self.conn.execute(sql + " ORDER BY c.document_id, c.position, g.target", params)
        return [StanceSuggestion(r["comment_id"], r["target"], r["annotator"], r["label"], r["probability"],
                                 r["model"], r["created"]) for r in result]

    def stance_suggestion(self, comment_id: int, target: str, annotator: str) -> StanceSuggestion | None:
        row = self.conn.execute(
            f"SELECT g.* FROM stance_suggestions g WHERE g.comment_id = ? AND g.target = ? AND g.annotator = ? AND {_VISIBLE}",
            (comment_id, target, annotator)).fetchone()
        return StanceSuggestion(row["comment_id"], row["target"], row["annotator"], row["label"], row["probability"],
                                row["model"], row["created"]) if row else None

    def stance_suggestion_count(self, annotator: str | None = None) -> int:
        sql = f"SELECT count(*) FROM stance_suggestions g WHERE {_VISIBLE}" + (" AND g.annotator = ?" if annotator else "")
        return int(self.conn.execute(sql, (annotator,) if annotator else ()).fetchone()[0])
