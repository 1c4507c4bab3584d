"""Stance suggestions: a model's label for an unlabelled (comment, target), with its probability.

They live in their own table (migration 3), so nothing that reads ``stances`` (exports,
agreement, progress, merge) ever sees one. A suggestion is shown only while its annotator has
no label for that pair: accepting it (Enter) or choosing any other label writes an ordinary
human stance through SetStance, and undoing that brings the suggestion back. A run never
writes a suggestion where a human label exists, and ``force`` replaces suggestions only
(they are never touched by hand: touching one makes a human stance).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterable, Iterator

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


@dataclass(frozen=True)
class StanceCandidate:
    """A (comment, target) without a label, with what a stance classifier reads."""

    comment_id: int
    document_id: int
    target: str
    text: str
    parent_text: str
    title: str


_VISIBLE = ("NOT EXISTS (SELECT 1 FROM stances h WHERE h.comment_id = g.comment_id AND h.target = g.target "
            "AND h.annotator = g.annotator)")


class StanceSuggestionsMixin:
    conn: sqlite3.Connection

    def stance_candidates(self, annotator: str, force: bool = False, replies: bool = False,
                          document_ids: Iterable[int] | None = None) -> Iterator[StanceCandidate]:
        """Every (comment, target) the annotator has not labelled, document by document.

        Targets are the document's (schema's and its own); ``replies`` adds the ``@parent``
        target for replies. Without ``force`` pairs that already hold a suggestion are skipped
        (a re-run resumes)."""
        docs = list(document_ids) if document_ids is not None else [
            r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY id")]
        for doc in docs:
            title_row = self.conn.execute("SELECT title FROM documents WHERE id = ?", (doc,)).fetchone()
            if title_row is None:
                continue
            targets = self.targets(doc)  # type: ignore[attr-defined]
            labelled = {(r[0], r[1]) for r in self.conn.execute(
                "SELECT s.comment_id, s.target FROM stances s JOIN comments c ON c.id = s.comment_id "
                "WHERE c.document_id = ? AND s.annotator = ?", (doc, annotator))}
            if not force:
                labelled |= {(r[0], r[1]) for r in self.conn.execute(
                    "SELECT g.comment_id, g.target FROM stance_suggestions g JOIN comments c ON c.id = g.comment_id "
                    "WHERE c.document_id = ? AND g.annotator = ?", (doc, annotator))}
            for cid, text, parent_id, parent_text in self.conn.execute(
                    "SELECT c.id, c.text, c.parent_id, coalesce(p.text, '') FROM comments c "
                    "LEFT JOIN comments p ON p.id = c.parent_id WHERE c.document_id = ? ORDER BY c.position", (doc,)):
                wanted = list(targets) + ([REPLY_TARGET] if replies and parent_id is not None else [])
                for target in wanted:
                    if (cid, target) not in labelled:
                        yield StanceCandidate(cid, doc, target, text, parent_text, title_row[0])

    def write_stance_suggestions(self, items: list[tuple[int, str, str, float]], annotator: str, model: str) -> int:
        """Store (comment_id, target, label, probability) suggestions in one transaction; a pair
        the annotator has labelled meanwhile is left alone. Returns how many were written."""
        stamp = rows.now()
        with self.transaction():  # type: ignore[attr-defined]
            self.ensure_annotator(annotator)  # type: ignore[attr-defined]
            cur = self.conn.executemany(
                "INSERT OR REPLACE INTO stance_suggestions(comment_id, target, annotator, label, probability, model, created) "
                "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS (SELECT 1 FROM stances WHERE comment_id = ?1 "
                "AND target = ?2 AND annotator = ?3)",
                [(comment_id, target, annotator, label, float(probability), model, stamp)
                 for comment_id, target, label, probability in items],
            )
        return max(0, cur.rowcount)

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
