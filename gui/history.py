"""Undo history that survives a restart, rebuilt from the edit log.

The log holds every applied command with the action that applied it: ``do`` (a new edit),
``undo`` (an inverse, applied by Undo) and ``redo``. Replaying the log through a model of a
QUndoStack gives back the stack as the user left it: ``do`` drops any redo tail and pushes,
``undo`` steps back, ``redo`` steps forward. Each undo/redo row must be the exact command the
model expects at that point (the log keeps each command's JSON); when it is not (the log window
starts mid-history, or another tool wrote in between), the model starts afresh from there, so a
rebuilt step can only ever be one that really is next. Bulk jobs (import, pre-annotation,
merge) are not undoable and also start afresh.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotation.commands import Command
from annotation.store import Store

if TYPE_CHECKING:
    from gui.session import Session

_EDIT_ACTIONS = ("do", "undo", "redo")


@dataclass
class Step:
    redo: str  # JSON of the command that re-applies this step
    undo: str  # JSON of the command that undoes it


def replay(rows: list[tuple[str, str, str]]) -> tuple[list[Step], int]:
    """(action, command, inverse) rows, oldest first -> (steps, index of the current state)."""
    steps: list[Step] = []
    index = 0
    for action, command, inverse in rows:
        if action not in _EDIT_ACTIONS:
            steps, index = [], 0  # a bulk job: nothing before it can be undone safely
        elif action == "do":
            del steps[index:]
            steps.append(Step(command, inverse))
            index += 1
        elif action == "undo":
            if index > 0 and _same(steps[index - 1].undo, command):
                index -= 1
                steps[index].redo = inverse
            else:
                steps, index = [], 0
        else:  # redo
            if index < len(steps) and _same(steps[index].redo, command):
                steps[index].undo = inverse
                index += 1
            else:
                steps, index = [], 0
    return steps, index


def _same(a: str, b: str) -> bool:
    return Command.from_json(a).to_json() == Command.from_json(b).to_json()


def restore(store: Store, annotator: str, limit: int = 500) -> tuple[list[tuple[Command, Command]], int]:
    """The annotator's rebuilt stack: [(redo command, undo command)], and how many are done."""
    rows = [(r["action"], r["command"], r["inverse"]) for r in reversed(store.edit_log(annotator, limit))]
    steps, index = replay(rows)
    keep_from = max(0, index - 200)  # a long day's history, not every edit ever made
    pairs = [(Command.from_json(s.redo), Command.from_json(s.undo)) for s in steps[keep_from:]]
    return pairs, index - keep_from


def rebuild_undo_stack(session: "Session") -> int:
    """Fill the session's (empty) undo stack from the log; returns how many steps came back."""
    from gui.undo import CoreCommand

    pairs, done = restore(session.store, session.annotator)
    commands = []
    for redo, undo in pairs:
        command = CoreCommand(session, redo, already_applied_inverse=undo)
        session.undo_stack.push(command)  # its first redo() is skipped: it is in the database
        commands.append(command)
    for command in reversed(commands[done:]):
        command.mark_undone()
        session.undo_stack.undo()
    return len(pairs)
