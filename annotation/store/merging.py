"""Bulk reads for agreement and adjudication, and the raw writes of a merge.

Merge copies rows that were already valid in the other project (same texts, same offsets),
so it writes them directly inside the caller's one transaction instead of replaying commands;
annotation/merge.py decides what to copy and under which annotator name.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Sequence

from annotation.store import rows

SpanRow = tuple[int, int, "int | None", int, int, str, str, str, str, str, str, str, str]
# (id, document_id, comment_id, start, end, label, layer, annotator, origin, model, attrs, created, updated)


def _in(column: str, names: Sequence[str] | None) -> tuple[str, list[Any]]:
    if names is None:
        return "1=1", []
    return f"{column} IN ({','.join('?' * len(names))})", list(names)


class MergingMixin:
    conn: sqlite3.Connection

    def _tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return rows.tuples(self.conn, sql, params)

    # -- bulk reads ------------------------------------------------------------------

    def span_rows(self, annotators: Sequence[str] | None = None, document_ids: Sequence[int] | None = None) -> list[tuple]:
        where, params = _in("annotator", annotators)
        if document_ids is not None:
            doc_where, doc_params = _in("document_id", document_ids)
            where, params = f"{where} AND {doc_where}", params + doc_params
        return self._tuples(
            "SELECT id, document_id, comment_id, start, end, label, layer, annotator, origin, model, attrs, created, updated "
            f"FROM spans WHERE {where} ORDER BY id", params)

    def relation_rows(self, annotators: Sequence[str] | None = None) -> list[tuple]:
        """(id, document_id, head_id, child_id, label, annotator, origin, created)"""
        where, params = _in("annotator", annotators)
        return self._tuples(
            f"SELECT id, document_id, head_id, child_id, label, annotator, origin, created FROM relations WHERE {where} ORDER BY id", params)

    def stance_rows(self, annotators: Sequence[str] | None = None) -> list[tuple]:
        """(id, document_id, comment_id, target, label, annotator, note, unsure, created, updated)"""
        where, params = _in("s.annotator", annotators)
        return self._tuples(
            "SELECT s.id, c.document_id, s.comment_id, s.target, s.label, s.annotator, s.note, s.unsure, s.created, s.updated "
            f"FROM stances s JOIN comments c ON c.id = s.comment_id WHERE {where} ORDER BY s.id", params)

    def status_rows(self, annotators: Sequence[str] | None = None) -> list[tuple]:
        """(document_id, annotator, status, note, updated)"""
        where, params = _in("annotator", annotators)
        return self._tuples(f"SELECT document_id, annotator, status, note, updated FROM doc_status WHERE {where}", params)

    def document_identities(self) -> list[tuple[int, str, str, str]]:
        """(id, ext_id, text_hash, title) of every document."""
        return self._tuples("SELECT id, ext_id, text_hash, title FROM documents ORDER BY id")

    def comment_identities(self) -> list[tuple[int, int, str, int, str]]:
        """(id, document_id, ext_id, position, text_hash) of every comment."""
        return self._tuples("SELECT id, document_id, ext_id, position, text_hash FROM comments ORDER BY document_id, position")

    def target_rows(self) -> list[tuple[int, str, int | None]]:
        return self._tuples("SELECT document_id, name, span_id FROM targets ORDER BY id")

    def edit_rows(self) -> list[tuple]:
        """(time, annotator, action, document_id, command, inverse) of the whole edit log, oldest first."""
        return self._tuples("SELECT time, annotator, action, document_id, command, inverse FROM edits ORDER BY id")

    def annotators_with_data(self) -> list[str]:
        """Annotators who own at least one span, relation, stance label or document status."""
        return [r[0] for r in self.conn.execute(
            "SELECT annotator FROM spans UNION SELECT annotator FROM relations UNION SELECT annotator FROM stances "
            "UNION SELECT annotator FROM doc_status ORDER BY 1")]

    def label_usage(self) -> dict[tuple[str, str], int]:
        """How often each label is used: keys (kind, label) with kind entity|quote|relation|stance|reply."""
        out: dict[tuple[str, str], int] = {}
        for layer, label, n in self.conn.execute("SELECT layer, label, count(*) FROM spans GROUP BY layer, label"):
            out[(layer, label)] = n
        for label, n in self.conn.execute("SELECT label, count(*) FROM relations GROUP BY label"):
            out[("relation", label)] = n
        for target, label, n in self.conn.execute(
            "SELECT target = '@parent', label, count(*) FROM stances GROUP BY target = '@parent', label"
        ):
            out[("reply" if target else "stance", label)] = n
        return out

    def next_span_ids(self, count: int) -> list[int]:
        """Ids the next ``count`` inserted spans would get, so one undoable batch can add a
        QUOTE and the SOURCE it links to. Only valid until the next write (one writer)."""
        row = self.conn.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'spans'), 0), coalesce((SELECT max(id) FROM spans), 0))"
        ).fetchone()
        first = int(row[0]) + 1
        return list(range(first, first + count))

    # -- raw writes (inside the caller's transaction) -----------------------------------

    def insert_span_row(self, document_id: int, comment_id: int | None, start: int, end: int, label: str, layer: str,
                        annotator: str, origin: str, model: str, attrs: str, created: str, updated: str) -> int:
        cur = self.conn.execute(
            "INSERT INTO spans(document_id, comment_id, start, end, label, layer, annotator, origin, model, attrs, created, updated) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (document_id, comment_id, start, end, label, layer, annotator, origin, model, attrs, created, updated),
        )
        return int(cur.lastrowid)  # type: ignore[arg-type]

    def set_span_origin_row(self, span_id: int, origin: str, updated: str) -> None:
        """A suggestion here that the other file's annotator accepted becomes theirs here too."""
        self.conn.execute("UPDATE spans SET origin = ?, updated = max(updated, ?) WHERE id = ?", (origin, updated, span_id))

    def insert_relation_row(self, document_id: int, head_id: int, child_id: int, label: str, annotator: str,
                            origin: str, created: str) -> None:
        self.conn.execute(
            "INSERT INTO relations(document_id, head_id, child_id, label, annotator, origin, created) VALUES (?,?,?,?,?,?,?)",
            (document_id, head_id, child_id, label, annotator, origin, created),
        )

    def insert_stance_row(self, comment_id: int, target: str, label: str, annotator: str, note: str, unsure: bool,
                          created: str, updated: str) -> None:
        self.conn.execute(
            "INSERT INTO stances(comment_id, target, label, annotator, note, unsure, created, updated) VALUES (?,?,?,?,?,?,?,?)",
            (comment_id, target, label, annotator, note, int(unsure), created, updated),
        )

    def upsert_status_row(self, document_id: int, annotator: str, status: str, note: str, updated: str) -> None:
        self.conn.execute(
            "INSERT INTO doc_status(document_id, annotator, status, note, updated) VALUES (?,?,?,?,?) "
            "ON CONFLICT(document_id, annotator) DO UPDATE SET status=excluded.status, note=excluded.note, updated=excluded.updated",
            (document_id, annotator, status, note, updated),
        )

    def ensure_target_row(self, document_id: int, name: str, span_id: int | None) -> bool:
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO targets(document_id, name, span_id, created) VALUES (?,?,?,?)",
            (document_id, name, span_id, rows.now()),
        )
        return cur.rowcount > 0

    def merged_edit_keys(self) -> set[tuple[str, str, str]]:
        """(time, annotator, command) of the edit-log lines earlier merges copied in."""
        return set(self._tuples("SELECT time, annotator, command FROM edits WHERE action = 'merged'"))

    def insert_edit_rows(self, rows_: list[tuple[str, str, str, int | None, str, str]]) -> None:
        """(time, annotator, action, document_id, command, inverse) lines, appended as given."""
        self.conn.executemany(
            "INSERT INTO edits(time, annotator, action, document_id, command, inverse) VALUES (?,?,?,?,?,?)", rows_
        )
