"""Counts for `goldspan stats` and the status bar."""
from __future__ import annotations

import sqlite3
from typing import Any


class StatsMixin:
    conn: sqlite3.Connection

    def stats(self) -> dict[str, Any]:
        q = self.conn.execute
        out: dict[str, Any] = {
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "comments": q("SELECT count(*) FROM comments").fetchone()[0],
            "replies": q("SELECT count(*) FROM comments WHERE parent_id IS NOT NULL OR parent_ext_id IS NOT NULL").fetchone()[0],
            "spans": q("SELECT count(*) FROM spans").fetchone()[0],
            "relations": q("SELECT count(*) FROM relations").fetchone()[0],
            "stance_labels": q("SELECT count(*) FROM stances").fetchone()[0],
        }
        out["spans_by_label"] = {r[0]: r[1] for r in q("SELECT label, count(*) FROM spans GROUP BY label ORDER BY label")}
        out["spans_by_origin"] = {r[0]: r[1] for r in q("SELECT origin, count(*) FROM spans GROUP BY origin ORDER BY origin")}
        out["relations_by_label"] = {r[0]: r[1] for r in q("SELECT label, count(*) FROM relations GROUP BY label ORDER BY label")}
        stance: dict[str, dict[str, int]] = {}
        for target, label, n in q("SELECT target, label, count(*) FROM stances GROUP BY target, label ORDER BY target, label"):
            stance.setdefault(target, {})[label] = n
        out["stance_by_target"] = stance
        annotators: dict[str, Any] = {}
        for (name,) in q("SELECT name FROM annotators ORDER BY name"):
            annotators[name] = {
                "spans": q("SELECT count(*) FROM spans WHERE annotator = ?", (name,)).fetchone()[0],
                "spans_by_origin": {r[0]: r[1] for r in q("SELECT origin, count(*) FROM spans WHERE annotator = ? GROUP BY origin", (name,))},
                "relations": q("SELECT count(*) FROM relations WHERE annotator = ?", (name,)).fetchone()[0],
                "stance_labels": q("SELECT count(*) FROM stances WHERE annotator = ?", (name,)).fetchone()[0],
                "documents_by_status": {r[0]: r[1] for r in q("SELECT status, count(*) FROM doc_status WHERE annotator = ? GROUP BY status", (name,))},
            }
        out["annotators"] = annotators
        return out

    def stance_progress(self, annotator: str, document_id: int | None = None) -> tuple[int, int]:
        """(comments with at least one stance label toward a target, comments) for a document or the
        project. A reply's stance toward its parent does not count: every comment needs a target label."""
        where = "WHERE c.document_id = ?" if document_id is not None else ""
        params: tuple[Any, ...] = (document_id,) if document_id is not None else ()
        total = self.conn.execute(f"SELECT count(*) FROM comments c {where}", params).fetchone()[0]
        labelled = self.conn.execute(
            f"SELECT count(*) FROM comments c {where} {'AND' if where else 'WHERE'} EXISTS "
            "(SELECT 1 FROM stances s WHERE s.comment_id = c.id AND s.annotator = ? AND s.target != '@parent')",
            (*params, annotator),
        ).fetchone()[0]
        return labelled, total

    def document_progress(self, annotator: str) -> tuple[int, int]:
        done = self.conn.execute(
            "SELECT count(*) FROM doc_status WHERE annotator = ? AND status = 'done'", (annotator,)
        ).fetchone()[0]
        total = self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        return done, total
