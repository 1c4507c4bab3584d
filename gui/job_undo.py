"""Bulk jobs as undo steps: Edit ▸ Undo names the job ("Undo Merge ben.db") and takes it back.

A bulk job (merge, import into an annotated project, pre-annotation of an annotated project)
runs on a worker thread, which first snapshots the project (annotation.snapshots). When the
job has changed the project, one JobUndoCommand goes on the session's undo stack, on top of
the ordinary edits: its undo restores the snapshot, its redo the state the undo replaced
(snapshotted by the first undo, so toggling back and forth adds no more snapshots).

A restore replaces the whole file, so every view reloads (one ``Changes(everything=True)``);
the open document is kept when it still exists, otherwise the first document opens.
"""
from __future__ import annotations

import sqlite3
import weakref
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QUndoCommand

from annotation import snapshots
from annotation.errors import GoldspanError
from annotation.jobs import CancelToken, Job
from annotation.snapshots import BulkJobGuard, Snapshot
from annotation.store import Store
from annotation.store.snapshots import data_version

if TYPE_CHECKING:
    from gui.session import Session
    from gui.workers import JobRunner

Needed = Callable[[Store], bool]  # asked on the worker's connection: does this job need a snapshot?


def always(_store: Store) -> bool:
    return True


class JobUndoCommand(QUndoCommand):
    """One finished bulk job. Pushed after the job ran, so its first redo does nothing."""

    def __init__(self, session: "Session", description: str, before: Snapshot) -> None:
        super().__init__(description)
        # Weak, like gui.undo.CoreCommand: the session's stack owns this command.
        self._session_ref = weakref.ref(session)
        self.before = before
        self.after: Snapshot | None = None  # the state the first undo replaced
        self._applied = True
        self.failed = ""

    @property
    def _session(self) -> "Session":
        session = self._session_ref()
        assert session is not None, "an undo command outlived its session"
        return session

    def redo(self) -> None:
        if self._applied:  # the job itself did this
            return
        if self.after is not None:
            self._restore(self.after, save_current=False)

    def undo(self) -> None:
        # The first undo keeps what it replaces (the job's result, and any edits since that are
        # undone by now), so redo and `goldspan restore` can bring it back.
        self._restore(self.before, save_current=self.after is None)

    def _restore(self, snapshot: Snapshot, save_current: bool) -> None:
        session = self._session
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            _, saved = snapshots.restore(session.store, snapshot, session.annotator, save_current=save_current)
        except (GoldspanError, sqlite3.Error) as exc:
            self.failed = str(exc)
            self.setObsolete(True)  # the project is unchanged; the stack drops this step
            session.error.emit(f"Could not take back “{self.text()}”: {exc}")
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        if saved is not None:
            self.after = saved
        self._applied = not self._applied
        session.reloaded_after_restore()


def _history_mark(session: "Session") -> tuple[int, int, object]:
    """Changes whenever an edit is pushed, undone or redone (the command objects are kept)."""
    stack = session.undo_stack
    index = stack.index()
    return index, stack.count(), stack.command(index - 1) if index > 0 else None


def start_undoable_job(session: "Session", jobs: "JobRunner", title: str, description: str,
                       factory: Callable[[Store, CancelToken], Job[Any]], on_done: Callable[[Any], None] | None = None,
                       needed: Needed = always) -> bool:
    """Start a bulk job on ``jobs`` (a gui.workers.JobRunner) with a snapshot before it, and
    put one undo step named ``description`` on the session's stack when it changed the project
    (also when it failed or was cancelled after committing some batches)."""
    guards: list[BulkJobGuard] = []
    annotator = session.annotator
    # Commits by the worker's connection change the main connection's data_version; the
    # session's own edits do not. That tells whether the job wrote anything, however it ended.
    version = data_version(session.store.conn)
    history_at_start = _history_mark(session)

    def job(store: Store, token: CancelToken) -> Job[Any]:
        return snapshots.guarded_job(store, description, annotator, factory(store, token), guards, needed(store))

    settled = False

    def settle() -> None:
        nonlocal settled
        if settled:
            return
        settled = True
        try:
            jobs.failed.disconnect(failed)
        except (RuntimeError, TypeError):
            pass
        guard = guards[0] if guards else None
        if guard is None or guard.snapshot is None:
            return
        if data_version(session.store.conn) == version and not guard.changed:
            snapshots.discard(session.store.path, guard.snapshot)  # type: ignore[arg-type]
            return
        if _history_mark(session) != history_at_start:
            # Edits were made or undone while the job ran: restoring its snapshot would take them
            # back too, unseen, under steps still on the stack. No step; the snapshot stays.
            session.error.emit(f"“{description}” changed the project while you edited, so Undo cannot take it back "
                               f"alone; `goldspan restore {session.store.path} {guard.snapshot.number}` can "
                               "(with those edits)")
            return
        session.undo_stack.push(JobUndoCommand(session, description, guard.snapshot))

    def done(result: Any) -> None:
        settle()
        if on_done is not None:
            on_done(result)

    def failed(failed_title: str, _message: str) -> None:
        # Ours has ended once the runner is free; "another job is still running" comes while busy.
        if failed_title == title and not jobs.busy:
            settle()

    if not jobs.start(title, session.store, job, on_done=done):
        return False
    jobs.failed.connect(failed)  # queued from the worker thread: connected in time
    return True
