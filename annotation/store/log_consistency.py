"""The edit log against the tables, for `goldspan check`.

Every edit is logged with the command that was applied, so what the last edit of a stance or a
span left must still be in the tables. A bulk job (import, pre-annotation, merge) may change
anything and logs a summary, not commands, so it resets what is known: only edits after the
last job are compared. A change made behind Goldspan's back (an UPDATE in a `sqlite3` shell, a
lost write) shows up here, which neither SQLite's integrity check nor the other invariants see.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterator

from annotation.store.problems import Problem

_APPLIED = ("do", "undo", "redo")  # rows whose `command` was applied to this project
_NOT_JOBS = _APPLIED + ("merged",)  # "merged": another file's history, kept for the audit
_SPAN_FIELDS = ("label", "start", "end")
# Commands whose effect on stances and spans is modelled below (or is none). Any other kind (a
# schema edit renaming a label everywhere, say) may change rows it does not name: like a bulk
# job, it resets what is known.
_MODELLED = {"add_span", "delete_span", "update_span", "add_relation", "delete_relation", "set_stance",
             "clear_stance", "set_status", "add_target", "remove_target"}

StanceKey = tuple[int, str, str]  # comment, target, annotator


class LogConsistencyMixin:
    conn: sqlite3.Connection

    def _check_log_matches_tables(self) -> Iterator[Problem]:
        known = _Known()
        for edit_id, action, command in self.conn.execute("SELECT id, action, command FROM edits ORDER BY id"):
            if action not in _NOT_JOBS:
                known = _Known()  # a bulk job: anything may have changed
                continue
            if action not in _APPLIED:
                continue
            try:
                parsed = json.loads(command)
            except (ValueError, TypeError):
                continue  # the edit-log check names an unreadable line
            commands = list(_flatten(parsed)) if isinstance(parsed, dict) else []
            if any(cmd.get("kind") not in _MODELLED for cmd in commands):
                known = _Known()
                continue
            for cmd in commands:
                known.note(cmd, edit_id)
        yield from self._compare_stances(known.stances)
        yield from self._compare_spans(known.spans, known.deleted)

    def _compare_stances(self, stances: dict[StanceKey, tuple[str | None, int]]) -> Iterator[Problem]:
        for (comment, target, annotator), (label, edit_id) in sorted(stances.items(), key=lambda kv: kv[1][1]):
            row = self.conn.execute(
                "SELECT label FROM stances WHERE comment_id = ? AND target = ? AND annotator = ?",
                (comment, target, annotator)).fetchone()
            held = row[0] if row else None
            if held != label:
                said = f"set it to {label!r}" if label is not None else "cleared it"
                yield Problem("log_mismatch", f"the stance of comment {comment} toward {target!r} by {annotator} is "
                              f"{held!r}, but the last edit {said}", "edits", edit_id)

    def _compare_spans(self, spans: dict[int, dict[str, Any]], deleted: dict[int, int]) -> Iterator[Problem]:
        for span_id, fields in sorted(spans.items()):
            row = self.conn.execute("SELECT label, start, end FROM spans WHERE id = ?", (span_id,)).fetchone()
            if row is None:
                continue  # deleted along with its QUOTE, or by a rule: only what the log names is compared
            held = dict(zip(_SPAN_FIELDS, row))
            wrong = [f"{name} {held[name]!r} (the last edit left {fields[name]!r})"
                     for name in _SPAN_FIELDS if name in fields and held[name] != fields[name]]
            if wrong:
                yield Problem("log_mismatch", f"span {span_id} has " + ", ".join(wrong), "edits", fields["edit"])
        for span_id, edit_id in sorted(deleted.items()):
            if self.conn.execute("SELECT 1 FROM spans WHERE id = ?", (span_id,)).fetchone():
                yield Problem("log_mismatch", f"span {span_id} is in the project, but the last edit deleted it",
                              "edits", edit_id)


class _Known:
    """What the edits since the last bulk job say the tables hold."""

    def __init__(self) -> None:
        self.stances: dict[StanceKey, tuple[str | None, int]] = {}
        self.spans: dict[int, dict[str, Any]] = {}  # span id -> the fields edits set, and the last edit
        self.deleted: dict[int, int] = {}  # span id -> the edit that deleted it

    def note(self, cmd: dict[str, Any], edit_id: int) -> None:
        kind = cmd.get("kind")
        if kind in ("set_stance", "clear_stance"):
            key = (cmd["comment_id"], cmd["target"], cmd["annotator"])
            self.stances[key] = (cmd["label"] if kind == "set_stance" else None, edit_id)
        elif kind == "delete_span":
            self.spans.pop(cmd["span_id"], None)
            self.deleted[cmd["span_id"]] = edit_id
        elif kind == "add_span" and (cmd.get("span") or {}).get("id") is not None:
            span = cmd["span"]  # an undo bringing a span back with its id
            self.deleted.pop(span["id"], None)
            self.spans[span["id"]] = {name: span[name] for name in _SPAN_FIELDS} | {"edit": edit_id}
        elif kind == "update_span":
            fields = self.spans.setdefault(cmd["span_id"], {})
            fields.update({name: cmd[name] for name in _SPAN_FIELDS if cmd.get(name) is not None})
            fields["edit"] = edit_id


def _flatten(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if data.get("kind") == "batch":
        for sub in data.get("commands", []):
            if isinstance(sub, dict):
                yield from _flatten(sub)
    else:
        yield data
