"""One QUndoCommand type that wraps a core command. Undo applies the inverse the store returned.

Each apply returns the inverse of what it just did, so after an undo the redo command is the
exact inverse of the undo (e.g. re-adding a span with its original id), not the first command
again; ids stay stable however often the user goes back and forth.
"""
from __future__ import annotations

import sqlite3
import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox

from annotation.commands import Command
from annotation.errors import DiskFull, GoldspanError
from annotation.store.connection import is_disk_full

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
            if isinstance(exc, DiskFull) or is_disk_full(exc):
                message = (f"The disk is full: “{command.describe()}” is not saved. "
                           "Free some space, then Retry (the edit is kept until then).")
                if action == "do":  # a new edit: kept aside, re-applied by Retry
                    unsaved_edits(self._session).keep(command, message)
            elif isinstance(exc, GoldspanError):
                message = str(exc)
            else:  # a worker (an import) holds the write lock past the busy timeout
                message = f"the project is busy ({exc}); a long job is writing, try again in a moment"
            self.failed = message
            self.setObsolete(True)
            self._session.error.emit(message)
            return None
        self._session.changed.emit(changes)
        return inverse


class UnsavedEdits:
    """Edits the store could not save because the disk was full: listed in a (non-blocking)
    box with Retry, which pushes them again in order, and Discard. Never dropped silently."""

    def __init__(self, session: "Session") -> None:
        self._session_ref = weakref.ref(session)
        self.commands: list[Command] = []
        self.box: QMessageBox | None = None

    def keep(self, command: Command, message: str) -> None:
        self.commands.append(command)
        self._show(message)

    def retry(self) -> bool:
        """Re-apply the kept edits in order; True when all are saved now."""
        session = self._session_ref()
        waiting, self.commands = self.commands, []
        for number, command in enumerate(waiting):
            if session is None or not session.push(command):
                # the failed one put itself back (keep); the ones after it wait behind it
                self.commands += [c for c in waiting[number + 1:] if c not in self.commands]
                return False
        self._close_box()
        return True

    def discard(self) -> None:
        self.commands = []
        self._close_box()

    def _show(self, message: str) -> None:
        lines = "\n".join(f"• {c.describe()}" for c in self.commands)
        text = f"{message}\n\nNot saved yet:\n{lines}"
        if self.box is None:
            # No parent: the box must outlive a window closed meanwhile; it stays above the others.
            box = QMessageBox(QMessageBox.Icon.Critical, "The disk is full", "")
            box.setWindowModality(Qt.WindowModality.NonModal)
            box.setTextFormat(Qt.TextFormat.PlainText)  # describe() may quote text with markup
            retry = box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
            discard = box.addButton("Discard these edits", QMessageBox.ButtonRole.DestructiveRole)
            retry.clicked.connect(self.retry)
            discard.clicked.connect(self.discard)
            self.box = box
        self.box.setText(text)
        self.box.show()  # not blocking: the window keeps painting and can be read meanwhile

    def _close_box(self) -> None:
        if self.box is not None:
            self.box.hide()


_unsaved: "weakref.WeakKeyDictionary[Session, UnsavedEdits]" = weakref.WeakKeyDictionary()


def unsaved_edits(session: "Session") -> UnsavedEdits:
    """The session's edits waiting for disk space (one list per session)."""
    found = _unsaved.get(session)
    if found is None:
        found = _unsaved[session] = UnsavedEdits(session)
    return found
