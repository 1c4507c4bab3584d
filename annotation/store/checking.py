"""`goldspan check`: SQLite's own integrity checks plus Goldspan's invariants, as data.

Every query only reads, so a check can run on a project opened read-only (and never writes).
Each problem names the row it is about, so one line per problem can be printed or sent as JSON.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Callable, Iterator

from annotation.commands import Command
from annotation.model import REPLY_TARGET
from annotation.store.log_consistency import LogConsistencyMixin
from annotation.store.problems import Problem

_QUOTE_PARTS = ("SOURCE", "CUE")
_ORIGINS = ("model", "human", "import")


class CheckingMixin(LogConsistencyMixin):
    conn: sqlite3.Connection

    def check_problems(self) -> list[Problem]:
        """Everything wrong with the project, in a stable order; empty when it is clean."""
        problems: list[Problem] = []
        for check in self._checks():
            problems.extend(check())
        return problems

    def _checks(self) -> list[Callable[[], Iterator[Problem]]]:
        return [
            self._check_sqlite, self._check_foreign_keys, self._check_span_texts, self._check_span_labels,
            self._check_duplicate_spans, self._check_orphan_parts, self._check_relations,
            self._check_duplicate_relations, self._check_stances, self._check_edit_log, self._check_log_matches_tables,
        ]

    # -- SQLite ------------------------------------------------------------------------

    def _check_sqlite(self) -> Iterator[Problem]:
        for (line,) in self.conn.execute("PRAGMA integrity_check").fetchall():
            if line != "ok":
                yield Problem("integrity", f"SQLite integrity check: {line}")

    def _check_foreign_keys(self) -> Iterator[Problem]:
        for table, rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check").fetchall():
            yield Problem("foreign_key", f"points to a missing row of {parent}", table, rowid)

    # -- spans -------------------------------------------------------------------------

    def _check_span_texts(self) -> Iterator[Problem]:
        # length() counts characters, as Python's len() does: offsets are code points.
        result = self.conn.execute(
            "SELECT s.id, s.start, s.end, s.comment_id, s.document_id, "
            "CASE WHEN s.comment_id IS NULL THEN length(d.text) ELSE length(c.text) END AS n, "
            "c.document_id AS comment_doc FROM spans s LEFT JOIN documents d ON d.id = s.document_id "
            "LEFT JOIN comments c ON c.id = s.comment_id ORDER BY s.id"
        )
        for span_id, start, end, comment_id, doc, length, comment_doc in result:
            if length is None:
                continue  # a missing document or comment: foreign_key_check names it
            if comment_id is not None and comment_doc is not None and doc != comment_doc:
                yield Problem("span_wrong_document", f"its comment {comment_id} belongs to another document", "spans", span_id)
            elif not (0 <= start < end <= length) and not (0 <= start < end <= self._true_length(doc, comment_id)):
                yield Problem("span_outside_text", f"offsets {start}-{end} are outside its text (length "
                              f"{self._true_length(doc, comment_id)})", "spans", span_id)

    def _true_length(self, document_id: int, comment_id: int | None) -> int:
        """Python's length of a text: SQLite's length() stops at a NUL character, so a span
        flagged by it is measured again before it is reported."""
        if comment_id is None:
            row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
        else:
            row = self.conn.execute("SELECT text FROM comments WHERE id = ?", (comment_id,)).fetchone()
        return len(row[0]) if row else -1

    def _check_span_labels(self) -> Iterator[Problem]:
        schema = self.schema  # type: ignore[attr-defined]
        for span_id, label, layer, origin in self.conn.execute("SELECT id, label, layer, origin FROM spans ORDER BY id"):
            known = schema.layer_of(label)
            if known is None:
                yield Problem("span_label_unknown", f"label {label!r} is not in the project's schema", "spans", span_id)
            elif known != layer:
                yield Problem("span_layer_wrong", f"label {label} belongs to the {known} layer, not {layer!r}", "spans", span_id)
            if origin not in _ORIGINS:
                yield Problem("span_origin_unknown", f"origin {origin!r} (expected one of {', '.join(_ORIGINS)})", "spans", span_id)

    def _check_duplicate_spans(self) -> Iterator[Problem]:
        result = self.conn.execute(
            "SELECT group_concat(id), label, start, end, annotator FROM spans "
            "GROUP BY document_id, coalesce(comment_id, -1), layer, annotator, start, end, label HAVING count(*) > 1 "
            "ORDER BY min(id)"
        )
        for ids, label, start, end, annotator in result:
            first, *others = sorted(int(i) for i in ids.split(","))
            yield Problem("duplicate_span", f"{label} {start}-{end} of {annotator} is also stored as span "
                          f"{', '.join(map(str, others))}", "spans", first)

    def _check_orphan_parts(self) -> Iterator[Problem]:
        marks = ",".join("?" * len(_QUOTE_PARTS))
        result = self.conn.execute(
            f"SELECT s.id, s.label, s.start, s.end FROM spans s WHERE s.label IN ({marks}) AND NOT EXISTS ("
            "SELECT 1 FROM relations r JOIN spans q ON q.id = r.head_id "
            "WHERE r.child_id = s.id AND r.label IN ('source', 'cue') AND q.label = 'QUOTE') ORDER BY s.id",
            _QUOTE_PARTS,
        )
        for span_id, label, start, end in result:
            yield Problem("orphan_quote_part", f"{label} {start}-{end} belongs to no QUOTE", "spans", span_id)

    # -- relations ---------------------------------------------------------------------

    def _check_relations(self) -> Iterator[Problem]:
        allowed = set(self.schema.label_names("relation")) or {"source", "cue", "coref"}  # type: ignore[attr-defined]
        result = self.conn.execute(
            "SELECT r.id, r.label, r.annotator, r.document_id, "
            "h.document_id, h.comment_id, h.annotator, h.label, c.document_id, c.comment_id, c.annotator, c.label "
            "FROM relations r LEFT JOIN spans h ON h.id = r.head_id LEFT JOIN spans c ON c.id = r.child_id ORDER BY r.id"
        )
        for (rel_id, label, annotator, doc, h_doc, h_comment, h_who, h_label,
             c_doc, c_comment, c_who, c_label) in result:
            if h_doc is None or c_doc is None:
                continue  # a missing span: foreign_key_check names it
            if label not in allowed:
                yield Problem("relation_label_unknown", f"label {label!r} is not in the project's schema", "relations", rel_id)
            if (h_doc, h_comment) != (c_doc, c_comment) or doc != h_doc:
                yield Problem("relation_across_units", f"{label} links spans of two different texts", "relations", rel_id)
            if not (annotator == h_who == c_who):
                yield Problem("relation_across_layers", f"{label} by {annotator} links spans of {h_who} and {c_who}",
                              "relations", rel_id)
            if label in ("source", "cue") and (h_label != "QUOTE" or c_label != label.upper()):
                yield Problem("relation_wrong_ends", f"{label} goes from {h_label} to {c_label}, "
                              f"expected QUOTE to {label.upper()}", "relations", rel_id)

    def _check_duplicate_relations(self) -> Iterator[Problem]:
        result = self.conn.execute(
            "SELECT min(id), label, count(*) FROM relations GROUP BY head_id, child_id, label HAVING count(*) > 1 ORDER BY 1"
        )
        for rel_id, label, count in result:
            yield Problem("duplicate_relation", f"{label} between the same two spans is stored {count} times", "relations", rel_id)

    # -- stance ------------------------------------------------------------------------

    def _check_stances(self) -> Iterator[Problem]:
        schema = self.schema  # type: ignore[attr-defined]
        labels = {d.name for d in schema.stance_labels}
        reply_labels = set(schema.label_names("reply_labels"))
        targets = set(schema.stance_targets)
        result = self.conn.execute(
            "SELECT s.id, s.target, s.label, c.parent_id, c.document_id, "
            "EXISTS (SELECT 1 FROM targets t WHERE t.document_id = c.document_id AND t.name = s.target) "
            "FROM stances s LEFT JOIN comments c ON c.id = s.comment_id ORDER BY s.id"
        )
        for stance_id, target, label, parent_id, doc, own_target in result:
            if doc is None:
                continue  # foreign_key_check names it
            if target == REPLY_TARGET:
                if parent_id is None:
                    yield Problem("stance_reply_without_parent", "a stance toward the parent on a comment that is no reply",
                                  "stances", stance_id)
                if label not in reply_labels:
                    yield Problem("stance_label_unknown", f"reply label {label!r} is not in the schema", "stances", stance_id)
                continue
            if target not in targets and not own_target:
                yield Problem("stance_target_unknown", f"target {target!r} is neither in the schema nor added to the document",
                              "stances", stance_id)
            if label not in labels:
                yield Problem("stance_label_unknown", f"label {label!r} is not in the schema", "stances", stance_id)

    # -- edit log ----------------------------------------------------------------------

    def _check_edit_log(self) -> Iterator[Problem]:
        """Every line parses as a known command with an inverse, names an existing document (or
        none) and an annotator. The tables cannot be compared with a replay of the
        log in general (imports and pre-annotation write without commands), so this is what can be
        said honestly about each line on its own."""
        documents = {r[0] for r in self.conn.execute("SELECT id FROM documents")}
        for edit_id, annotator, action, doc, command, inverse in self.conn.execute(
            "SELECT id, annotator, action, document_id, command, inverse FROM edits ORDER BY id"
        ).fetchall():
            if not annotator:
                yield Problem("edit_no_annotator", "the edit names no annotator", "edits", edit_id)
            if doc is not None and doc not in documents and action not in ("merged",):
                yield Problem("edit_document_missing", f"names document {doc}, which is not in the project", "edits", edit_id)
            yield from _check_edit_commands(edit_id, action, command, inverse, Command)


def _check_edit_commands(edit_id: int, action: str, command: str, inverse: str, registry: Any) -> Iterator[Problem]:
    try:
        parsed = json.loads(command)
        back = json.loads(inverse)
    except (ValueError, TypeError) as exc:
        yield Problem("edit_unreadable", f"not JSON ({exc})", "edits", edit_id)
        return
    if action in ("do", "undo", "redo"):
        for what, data in (("command", parsed), ("inverse", back)):
            try:
                registry.from_dict(data)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                yield Problem("edit_unknown_command", f"its {what} is not a known command ({type(exc).__name__}: {exc})",
                              "edits", edit_id)
                return  # one line per edit: the first thing wrong with it
    elif action == "merged":
        if not isinstance(parsed, dict):
            yield Problem("edit_unreadable", "a merged line that is not an object", "edits", edit_id)
    elif not isinstance(parsed, dict):
        yield Problem("edit_unreadable", f"a {action} line that is not an object", "edits", edit_id)

