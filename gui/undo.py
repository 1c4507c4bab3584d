"""One QUndoCommand type that wraps a core command. Undo applies the inverse the store returned.

Each apply returns the inverse of what it just did, so after an undo the redo command is the
exact inverse of the undo (e.g. re-adding a span with its original id), not the first command
again; ids stay stable however often the user goes back and forth.
"""
from __future__ import annotations

import sqlite3
import weakref
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from annotation.commands import Command
from annotation.errors import GoldspanError

if TYPE_CHECKING:
    from gui.session import Session


class CoreCommand(QUndoCommand):
    def __init__(self, session: "Session", command: Command, already_applied_inverse: Command | None = None) -> None:
        super().__init__(command.describe())
        # Weak: the session's undo stack owns this command, so a strong reference back would make
        # a Python/C++ cycle that the garbage collector tears down in the wrong order (a crash).
        self._session_ref = weakref.ref(session)
        self._redo = command
        self._undo: Command | None = already_applied_inverse
        self._skip_first_redo = already_applied_inverse is not None
        self._skip_next_undo = False
        self.failed: str = ""

    def mark_undone(self) -> None:
        """Restored from the edit log as already undone: the next undo() only moves the stack."""
        self._skip_next_undo = True

    def redo(self) -> None:
        if self._skip_first_redo:  # restored from the edit log: already in the database
            self._skip_first_redo = False
            return
        self._undo = self._run(self._redo, "redo" if self._undo is not None else "do")

    def undo(self) -> None:
        if self._skip_next_undo:
            self._skip_next_undo = False
            return
        if self._undo is None:
            return
        inverse = self._run(self._undo, "undo")
        if inverse is not None:
            self._redo = inverse

    @property
    def _session(self) -> "Session":
        session = self._session_ref()
        assert session is not None, "an undo command outlived its session"
        return session

    def _run(self, command: Command, action: str) -> Command | None:
        try:
            inverse, changes = self._session.store.apply(command, self._session.annotator, action=action)
        except (GoldspanError, sqlite3.OperationalError) as exc:
            # OperationalError: a worker (an import) holds the write lock past the busy timeout.
            message = str(exc) if isinstance(exc, GoldspanError) else (
                f"the project is busy ({exc}); a long job is writing, try again in a moment")
            self.failed = message
            self.setObsolete(True)
            self._session.error.emit(message)
            return None
        self._session.changed.emit(changes)
        return inverse
