"""The terminal display of a cluster pre-annotation: units, units/s, time left, per-worker counts.

Rich on a terminal (one bar for the run, one line per worker); elsewhere (a log file, CI) a
plain line now and then, so a long run on a server still says where it is.
"""
from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Callable, TypeVar

from annotation.jobs import Job, Progress, run

if TYPE_CHECKING:
    from annotation.nlp.cluster import ClusterProgress

T = TypeVar("T")
PLAIN_EVERY = 30.0  # seconds between progress lines when stderr is not a terminal


def run_cluster_job(make_job: Callable[[Callable[[str], None]], Job[T]], quiet: bool = False) -> T:
    """Drive the job built by ``make_job(notify)``; notices (the dashboard link, refused workers)
    are printed on stderr above the bar."""
    if quiet:
        return run(make_job(lambda line: None))
    from rich.console import Console
    from rich.progress import BarColumn, Progress as Bar, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    live = sys.stderr.isatty()
    class RunTimeLeft(TimeRemainingColumn):
        """Time left for the run's row only: a worker's share has no end of its own."""

        def render(self, task):  # type: ignore[no-untyped-def]
            return "" if task.fields.get("worker") else super().render(task)

    bar = Bar(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[units]}"),
              TextColumn("{task.fields[rate]}"), RunTimeLeft(), console=console, transient=True,
              disable=not live)
    last_plain = [0.0]
    worker_rows: dict[str, int] = {}

    def notify(line: str) -> None:
        console.print(line, markup=False, highlight=False, soft_wrap=True)  # "goldspan[cluster]" is not markup

    with bar:
        main = bar.add_task("pre-annotating", total=None, units="", rate="")

        def update(progress: Progress) -> None:
            units = getattr(progress, "units_total", None)
            if units is None:
                bar.update(main, completed=progress.done, total=progress.total or None, description=progress.message)
                return
            p: ClusterProgress = progress  # type: ignore[assignment]
            rate = f"{p.units_per_second:.1f} units/s" if p.units_per_second else ""
            bar.update(main, completed=p.done, total=p.total or None, description=p.message,
                       units=f"{p.units_done}/{p.units_total} units", rate=rate)
            for worker, count in p.workers:  # each worker's bar: its share of the run's units
                if worker not in worker_rows:
                    worker_rows[worker] = bar.add_task(f"  {worker}", total=p.units_total or None, units="", rate="",
                                                          worker=True)
                bar.update(worker_rows[worker], completed=count, units=f"{count} units")
            if not live and p.units_done and time.monotonic() - last_plain[0] >= PLAIN_EVERY:
                last_plain[0] = time.monotonic()
                per_worker = ", ".join(f"{w} {n}" for w, n in p.workers)
                notify(f"{p.units_done}/{p.units_total} units, {p.units_per_second:.1f} units/s ({per_worker})")

        return run(make_job(notify), update)
