"""The open project as the GUI sees it: the store, who is annotating, the undo stack, and the
one ``changed`` signal that carries a core ``Changes`` record to every view."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotation.commands import Command
from annotation.model import Changes
from annotation.store import Store
from gui.undo import CoreCommand


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

    def push(self, command: Command) -> bool:
        """Apply an edit through the undo stack. False (and ``error`` emitted) when refused."""
        undo_command = CoreCommand(self, command)
        self.undo_stack.push(undo_command)
        return not undo_command.failed

    def open_document(self, document_id: int) -> None:
        self.current_document = document_id
        self.document_opened.emit(document_id)

    def refresh_all(self) -> None:
        """After bulk work (import, pre-annotation, merge) every view reloads."""
        self.changed.emit(Changes(everything=True))
