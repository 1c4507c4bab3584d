"""Undo history that survives a restart, rebuilt from the edit log.

The log holds every applied command with the action that applied it: ``do`` (a new edit),
``undo`` (an inverse, applied by Undo) and ``redo``. Replaying the log through a model of a
QUndoStack gives back the stack as the user left it: ``do`` drops any redo tail and pushes,
``undo`` steps back, ``redo`` steps forward. Each undo/redo row must be the exact command the
model expects at that point (the log keeps each command's JSON); when it is not (the log window
starts mid-history, or another tool wrote in between), the model starts afresh from there, so a
rebuilt step can only ever be one that really is next. Bulk jobs (import, pre-annotation,
merge) cannot be replayed and also start afresh; but when the last of them has a snapshot
taken just before it (annotation.snapshots) and only this annotator's edits follow it, the job
comes back as the bottom step ("Undo Merge ben.db", gui.job_undo), below those edits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotation import snapshots
from annotation.commands import Command
from annotation.snapshots import Snapshot
from annotation.store import Store
from annotation.store.snapshots import edits_after

if TYPE_CHECKING:
    from gui.session import Session

_EDIT_ACTIONS = ("do", "undo", "redo")
_KEEP_STEPS = 200  # a long day's history, not every edit ever made


@dataclass
class Step:
    redo: str  # JSON of the command that re-applies this step
    undo: str  # JSON of the command that undoes it


def replay(rows: list[tuple[str, str, str]]) -> tuple[list[Step], int]:
    """(action, command, inverse) rows, oldest first -> (steps, index of the current state)."""
    steps, index, _ = _replay(rows)
    return steps, index


def _replay(rows: list[tuple[str, str, str]]) -> tuple[list[Step], int, bool]:
    """replay(), and whether it had to start afresh somewhere (then the steps do not reach
    back to the first row)."""
    steps: list[Step] = []
    index = 0
    fresh = False
    for action, command, inverse in rows:
        if action not in _EDIT_ACTIONS:
            steps, index, fresh = [], 0, True  # a bulk job: nothing before it can be undone safely
        elif action == "do":
            del steps[index:]
            steps.append(Step(command, inverse))
            index += 1
        elif action == "undo":
            if index > 0 and _same(steps[index - 1].undo, command):
                index -= 1
                steps[index].redo = inverse
            else:
                steps, index, fresh = [], 0, True
        else:  # redo
            if index < len(steps) and _same(steps[index].redo, command):
                steps[index].undo = inverse
                index += 1
            else:
                steps, index, fresh = [], 0, True
    return steps, index, fresh


def _same(a: str, b: str) -> bool:
    return Command.from_json(a).to_json() == Command.from_json(b).to_json()


def restore(store: Store, annotator: str, limit: int = 500) -> tuple[list[tuple[Command, Command]], int]:
    """The annotator's rebuilt stack: [(redo command, undo command)], and how many are done."""
    rows = [(r["action"], r["command"], r["inverse"]) for r in reversed(store.edit_log(annotator, limit))]
    steps, index = replay(rows)
    keep_from = max(0, index - _KEEP_STEPS)
    pairs = [(Command.from_json(s.redo), Command.from_json(s.undo)) for s in steps[keep_from:]]
    return pairs, index - keep_from


def job_history(store: Store, annotator: str, limit: int = 500) -> tuple[Snapshot, list[tuple[str, str, str]]] | None:
    """The newest job snapshot when the log after it is that job's lines followed only by this
    annotator's edits: (snapshot, those edits as (action, command, inverse)); else None.

    Anything else after the snapshot (another annotator's edits, another job, an edit between
    the snapshot and the job) would be lost by restoring it, so it is then no undo step."""
    if store.path is None:
        return None
    jobs = [s for s in snapshots.list_snapshots(store.path) if not s.is_restore]
    if not jobs:
        return None
    snapshot = jobs[-1]
    rows = edits_after(store.conn, snapshot.edit_high_water, limit + 1)
    if len(rows) > limit:
        return None
    job_rows = next((n for n, r in enumerate(rows) if r["action"] in _EDIT_ACTIONS), len(rows))
    later = rows[job_rows:]
    if job_rows == 0 or any(r["action"] not in _EDIT_ACTIONS or r["annotator"] != annotator for r in later):
        return None
    return snapshot, [(r["action"], r["command"], r["inverse"]) for r in later]


def rebuild_undo_stack(session: "Session") -> int:
    """Fill the session's (empty) undo stack from the log; returns how many steps came back."""
    from gui.job_undo import JobUndoCommand
    from gui.undo import CoreCommand

    job = job_history(session.store, session.annotator)
    steps, index, fresh = _replay(job[1]) if job is not None else ([], 0, True)
    if job is not None and not fresh and len(steps) <= _KEEP_STEPS:
        pairs = [(Command.from_json(s.redo), Command.from_json(s.undo)) for s in steps]
        done = index
        session.undo_stack.push(JobUndoCommand(session, job[0].job, job[0]))  # its first redo is skipped
    else:
        job = None
        pairs, done = restore(session.store, session.annotator)
    commands = []
    for redo, undo in pairs:
        command = CoreCommand(session, redo, already_applied_inverse=undo)
        session.undo_stack.push(command)  # its first redo() is skipped: it is in the database
        commands.append(command)
    for command in reversed(commands[done:]):
        command.mark_undone()
        session.undo_stack.undo()
    return len(pairs) + (job is not None)
