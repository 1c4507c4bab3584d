"""Runs core jobs (generators yielding Progress) on a QThreadPool thread.

The worker opens its own Store (``store.worker()``): SQLite connections are not shared across
threads. A progress dialog appears only when the job takes more than about half a second;
Cancel sets the job's CancelToken, which the job checks between batches (its open batch rolls
back). Errors from any job reach one handler: ``JobRunner.failed``.
"""
from __future__ import annotations

import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotation.errors import GoldspanError
from annotation.jobs import CancelToken, Cancelled, Job, Progress
from annotation.store import Store

JobFactory = Callable[[Store, CancelToken], Job[Any]]
_SCALE = 1000  # QProgressDialog takes ints; progress is reported as a fraction of this


class _Signals(QObject):
    progress = Signal(object)  # Progress
    finished = Signal(object)  # the job's result
    failed = Signal(str)
    cancelled = Signal()


class _JobRunnable(QRunnable):
    def __init__(self, store: Store, factory: JobFactory, token: CancelToken, signals: _Signals) -> None:
        super().__init__()
        self._store = store
        self._factory = factory
        self._token = token
        self.signals = signals

    def run(self) -> None:
        try:
            worker_store = self._store.worker()
        except GoldspanError as exc:
            self.signals.failed.emit(str(exc))
            return
        job: Job[Any] | None = None
        try:
            job = self._factory(worker_store, self._token)
            while True:
                try:
                    progress = next(job)
                except StopIteration as stop:
                    self.signals.finished.emit(stop.value)
                    return
                self.signals.progress.emit(progress)
                if self._token.cancelled:
                    self._token.check()
        except Cancelled:
            _close(job)  # the job has stopped (a child process too) before the window hears it
            self.signals.cancelled.emit()
        except GoldspanError as exc:
            _close(job)
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a crash in a job is reported, never silent
            _close(job)
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
        finally:
            worker_store.close()


def _close(job: Job[Any] | None) -> None:
    """Finish a job the runner stops (cancel seen between yields): its ``finally`` blocks run now,
    on this thread, not whenever the generator is collected."""
    if job is not None:
        try:
            job.close()
        except Exception:  # noqa: BLE001 - the first error is the one reported
            pass


class JobRunner(QObject):
    """One writing job at a time; each job gets a progress dialog with Cancel."""

    failed = Signal(str, str)  # title, message: the one error handler
    finished = Signal(str, object)  # title, result

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._pool = QThreadPool.globalInstance()
        self._running: tuple[CancelToken, QProgressDialog | None, _Signals] | None = None
        self._next_at_once = False
        self._next_unit = ""
        self._next_items = "units"
        self.dialog: QProgressDialog | None = None  # the running job's dialog (tests read it)

    def show_next_at_once(self, unit: str = "", items: str = "units") -> None:
        """The next job's dialog appears at once (a job known to be long, e.g. pre-annotation,
        whose first step loads a model), and counts its progress in ``unit`` with a rate and
        the time left; a Progress that also counts ``items`` shows them done and per second."""
        self._next_at_once = True
        self._next_unit = unit
        self._next_items = items

    @property
    def busy(self) -> bool:
        return self._running is not None

    def start(self, title: str, store: Store, factory: JobFactory, show_dialog: bool = True,
              on_done: Callable[[Any], None] | None = None) -> bool:
        if self._running is not None:
            self._next_at_once, self._next_unit, self._next_items = False, "", "units"
            self.failed.emit(title, "Another job is still running; wait for it or cancel it first.")
            return False
        token = CancelToken()
        # Parented to the runner (this thread): the C++ object is never owned by a Python
        # reference that the worker thread may drop last (the runnable's, as the pool deletes it),
        # which destroyed a QObject of this thread from the worker (a segfault with no Python frame).
        signals = _Signals(self)
        dialog: QProgressDialog | None = None
        if show_dialog:
            dialog = QProgressDialog(title, "Cancel", 0, _SCALE, self._parent_widget)
            dialog.setWindowTitle(title)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0 if self._next_at_once else 500)  # only long jobs show a dialog
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setValue(0)
            # Not token.cancel: PySide watches a plain object's bound method through a weakref
            # whose callback disconnects, and the pool thread drops the token last (as it deletes
            # the finished runnable) while this thread may be destroying the dialog: a segfault
            # with no Python frame. A lambda holds the token without a weakref.
            dialog.canceled.connect(lambda: token.cancel())
            if self._next_at_once:
                dialog.setLabelText(f"{title}: starting…")
                dialog.show()
        unit, items = self._next_unit, self._next_items
        self._next_at_once, self._next_unit, self._next_items = False, "", "units"
        self._running = (token, dialog, signals)
        self.dialog = dialog
        rate = _Rate()

        def progress(p: Progress) -> None:
            if dialog is not None:
                text = p.message or title
                if unit and p.total:
                    text += "\n" + rate.describe(p.done, p.total, unit, p.items, items)
                dialog.setLabelText(text)
                dialog.setMaximum(_SCALE if p.total else 0)  # 0: a busy indicator
                dialog.setValue(int(p.fraction * _SCALE))

        def done(result: object) -> None:
            self._finish()
            if on_done is not None:
                on_done(result)
            self.finished.emit(title, result)

        signals.progress.connect(progress)
        signals.finished.connect(done)
        signals.failed.connect(lambda message: (self._finish(), self.failed.emit(title, message)))
        signals.cancelled.connect(lambda: (self._finish(), self.failed.emit(title, "Cancelled; nothing from the unfinished batch was kept.")))
        self._pool.start(_JobRunnable(store, factory, token, signals))
        return True

    def cancel(self) -> None:
        if self._running is not None:
            self._running[0].cancel()

    def _finish(self) -> None:
        if self._running is None:
            return
        _, dialog, signals = self._running
        self._running = None
        self.dialog = None
        signals.deleteLater()  # here, after the worker's last queued emission has been delivered
        if dialog is not None:
            dialog.reset()
            dialog.close()
            dialog.deleteLater()

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)


class _Rate:
    """Done so far, the rate since counting began (after the model loaded) and the time left."""

    def __init__(self) -> None:
        self._start: tuple[float, float, float] | None = None  # (time, done, items done) at the first counted report

    def describe(self, done: float, total: float, unit: str, items: tuple[int, int] | None = None,
                 items_unit: str = "units") -> str:
        """"3,210 of 12,000 units · 41 units/s · about 3 min left" when the job counts items
        beside ``unit`` (the time left is still reckoned in ``unit``: items differ in size),
        else the same in ``unit``."""
        now = time.monotonic()
        items_done = items[0] if items else 0
        if self._start is None:
            self._start = (now, done, items_done)
        elapsed = now - self._start[0]
        counted = done - self._start[1]
        if items:
            text = f"{items[0]:,} of {items[1]:,} {items_unit}"
        else:
            text = f"{done:,.0f} of {total:,.0f} {unit}"
        if elapsed > 0.5 and counted > 0:
            per_second = counted / elapsed
            left = (total - done) / per_second
            if items:
                text += f" · {(items_done - self._start[2]) / elapsed:,.1f} {items_unit}/s"
            else:
                text += f" · {per_second:,.0f} {unit}/s"
            text += f" · about {_duration(left)} left"
        return text


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
