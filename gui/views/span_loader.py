"""Loads a long text's spans on a worker thread, so opening a 5 MB article with 50,000 spans
shows its text at once and never blocks the window: reading and indexing that many rows takes
most of a second, which the UI thread must not spend (nothing over 100 ms there).

The worker opens its own connection (``Store.worker``), reads the unit's spans and relations,
builds the ``SpanIndex`` (plain Python, no Qt) and hands it to the view, which adopts it if the
view still shows that unit and nothing changed meanwhile (a generation number says so).
"""
from __future__ import annotations

import sys
import weakref
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from annotation.model import Unit
from annotation.offsets import OffsetMap
from annotation.store import Store
from gui.views.span_index import SpanIndex

ASYNC_CHARS = 300_000  # texts longer than this load their spans on a worker
# While a worker builds 50,000 span objects it holds the GIL, and each Python call the window
# makes (a paint, an event filter) waits up to the switch interval for it: 5 ms by default, a
# stutter when a repaint makes dozens of such calls. A shorter interval while loading keeps
# the window smooth at a small cost in the worker's speed.
_LOADING_SWITCH_INTERVAL = 0.0005
_loads_running = 0
_normal_interval = sys.getswitchinterval()


def _loading(started: bool) -> None:
    global _loads_running, _normal_interval
    if started:
        if _loads_running == 0:
            _normal_interval = sys.getswitchinterval()
            sys.setswitchinterval(_LOADING_SWITCH_INTERVAL)
        _loads_running += 1
    else:
        _loads_running = max(0, _loads_running - 1)
        if _loads_running == 0:
            sys.setswitchinterval(_normal_interval)


class InvalidSpans(list):  # type: ignore[type-arg]
    """The document's invalid spans, delivered after its span index."""


class _Signals(QObject):
    loaded = Signal(int, object)  # generation, SpanIndex (or an error message)
    ended = Signal()  # every load, delivered or not


class _Load(QRunnable):
    def __init__(self, store: Store, unit: Unit, annotator: str, text: str, generation: int, signals: _Signals) -> None:
        super().__init__()
        self._store, self._unit, self._annotator, self._text = store, unit, annotator, text
        self._generation = generation
        self.signals = signals

    def run(self) -> None:
        try:
            worker = self._store.worker()
        except Exception as exc:  # noqa: BLE001 - reported to the view, which shows it
            self._send(f"cannot load the spans: {exc}")
            self._end()
            return
        try:
            unit = self._unit
            spans = worker.spans(unit.document_id, self._annotator, comment_id=unit.comment_id)
            ids = {s.id for s in spans}
            relations = [r for r in worker.relations(unit.document_id, self._annotator)
                         if r.head_id in ids or r.child_id in ids]
            index = SpanIndex(OffsetMap(self._text))
            index.reset(OffsetMap(self._text), spans, relations)
            self._send(index)
            # Then the whole document's invalid spans (comments too) for the inspector: on a
            # long text that scan takes a good part of a second, so the spans do not wait for it.
            self._send(InvalidSpans(worker.invalid_spans(unit.document_id)))
        except Exception as exc:  # noqa: BLE001
            self._send(f"cannot load the spans: {exc}")
        finally:
            worker.close()
            self._end()

    def _send(self, result: object) -> None:
        try:
            self.signals.loaded.emit(self._generation, result)
        except RuntimeError:  # the view went away with its signals: nobody is waiting for this
            pass

    def _end(self) -> None:
        try:
            self.signals.ended.emit()
        except RuntimeError:  # the view went away with its signals: nobody will hear "ended"
            _loading(False)


class SpanLoader:
    """One view's background loads; only the newest one's result is delivered."""

    def __init__(self, deliver: Callable[[SpanIndex | str], None]) -> None:
        self._deliver_ref = weakref.WeakMethod(deliver)  # type: ignore[arg-type]
        # Owned by the view (a QObject of this thread), never by a Python reference: the loads
        # in flight hold one, and the pool thread that drops it last would destroy a QObject of
        # this thread there (the job runner's segfault had that shape).
        owner = getattr(deliver, "__self__", None)
        self._signals = _Signals(owner if isinstance(owner, QObject) else None)
        self._signals.loaded.connect(self._arrived)
        self._signals.ended.connect(lambda: _loading(False))
        self.generation = 0
        self.pending = False

    def start(self, store: Store, unit: Unit, annotator: str, text: str) -> None:
        self.generation += 1
        self.pending = True
        _loading(True)
        QThreadPool.globalInstance().start(_Load(store, unit, annotator, text, self.generation, self._signals))

    def forget(self) -> None:
        """A newer text was shown synchronously: drop whatever is still on its way."""
        self.generation += 1
        self.pending = False

    def _arrived(self, generation: int, result: object) -> None:
        if generation != self.generation:
            return
        if isinstance(result, InvalidSpans):
            if self.pending:
                return  # the index did not arrive (an error): nothing to pair it with
        elif not self.pending:
            return
        else:
            self.pending = False
        deliver = self._deliver_ref()
        if deliver is not None:
            deliver(result)  # type: ignore[arg-type]


def can_load_async(store: Store, text: str) -> bool:
    return len(text) > ASYNC_CHARS and store.path is not None
