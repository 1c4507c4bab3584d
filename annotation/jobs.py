"""Long work as generators: they yield Progress and return a result; cancel between batches.

The CLI drives them with a rich progress bar, the GUI on a worker thread with a cancel button.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Generator, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    done: float
    total: float  # 0 when unknown
    message: str = ""
    # (done, total) in the job's own items when ``done`` counts something finer: pre-annotation
    # counts characters (for an even bar and time left) and texts (what a user counts).
    items: tuple[int, int] | None = None

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0


Job = Generator[Progress, None, T]


class Cancelled(Exception):
    """Raised inside a job when its CancelToken is set; the job's open batch is rolled back."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def run(job: Job[T], on_progress: Callable[[Progress], None] | None = None) -> T:
    """Drive a job to completion and return its result."""
    while True:
        try:
            progress = next(job)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        if on_progress is not None:
            on_progress(progress)
