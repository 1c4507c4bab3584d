"""The open project as the GUI sees it: the store, who is annotating, the undo stack, and the
one ``changed`` signal that carries a core ``Changes`` record to every view."""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotation.commands import Command
from annotation.errors import CommandError
from annotation.model import Changes
from annotation.store import Store
from gui.job_undo import JobUndoCommand
from gui.undo import CoreCommand

if TYPE_CHECKING:
    from gui.workers import JobRunner


class Session(QObject):
    changed = Signal(object)  # annotation.model.Changes
    error = Signal(str)  # an edit the store refused: shown in the status bar
    document_opened = Signal(int)  # the current document id

    def __init__(self, store: Store, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.undo_stack = QUndoStack(self)
        self.current_document: int | None = None
        # Selections snap to whole tokens; off (View menu), or Alt held while dragging, keeps
        # exact characters. Shared by the article and every comment view.
        self.snap_to_tokens = True
        self._jobs: weakref.ref[JobRunner] | None = None  # weak: the window owns its runner

    def set_job_runner(self, jobs: "JobRunner") -> None:
        """The runner whose bulk jobs must finish before one of them can be taken back."""
        self._jobs = weakref.ref(jobs)

    def push(self, command: Command) -> bool:
        """Apply an edit through the undo stack. False (and ``error`` emitted) when refused."""
        undo_command = CoreCommand(self, command)
        self.undo_stack.push(undo_command)
        return not undo_command.failed

    def undo(self) -> None:
        """Edit ▸ Undo, from any window of this session."""
        if self._job_step_blocked(self.undo_stack.index() - 1):
            return
        self.undo_stack.undo()

    def redo(self) -> None:
        if self._job_step_blocked(self.undo_stack.index()):
            return
        self.undo_stack.redo()

    def _job_step_blocked(self, index: int) -> bool:
        """A job step replaces the whole project: never under a job that is still writing."""
        if not 0 <= index < self.undo_stack.count():
            return False
        command = self.undo_stack.command(index)
        jobs = self._jobs() if self._jobs is not None else None
        if isinstance(command, JobUndoCommand) and jobs is not None and jobs.busy:
            self.error.emit(f"A job is running; “{command.text()}” can be taken back when it has finished")
            return True
        return False

    def reloaded_after_restore(self) -> None:
        """The whole project was replaced (a bulk job taken back or redone): keep the open
        document when it still exists, else open the first one, then every view reloads."""
        current = self.current_document
        if current is not None:
            try:
                self.store.document(current)
            except CommandError:
                first = self.store.document_page(None, 0, 1)
                self.current_document = None
                if first:
                    self.open_document(first[0].id)
        self.refresh_all()

    def open_document(self, document_id: int) -> None:
        self.current_document = document_id
        self.document_opened.emit(document_id)

    def refresh_all(self) -> None:
        """After bulk work (import, pre-annotation, merge) every view reloads."""
        self.changed.emit(Changes(everything=True))
