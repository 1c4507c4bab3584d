"""Shared pieces of the CLI: the annotator, opening projects, progress bars, errors."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TypeVar

from annotation.jobs import Job, Progress, run

T = TypeVar("T")


def fail(message: str, code: int = 1) -> int:
    """One clear line on stderr and a non-zero exit."""
    print(f"goldspan: error: {message}", file=sys.stderr)
    return code


def add_annotator_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--annotator", help="who is working (default: $GOLDSPAN_ANNOTATOR, then the login name)")


def resolve_annotator(value: str | None) -> str:
    if value:
        return value
    env = os.environ.get("GOLDSPAN_ANNOTATOR", "").strip()
    if env:
        return env
    try:
        return getpass.getuser() or "annotator"
    except (KeyError, OSError):
        return "annotator"


def run_with_progress(job: Job[T], label: str, quiet: bool = False) -> T:
    """Drive a job with a rich progress bar on stderr (shown only on a terminal or when long)."""
    if quiet:
        return run(job)
    from rich.progress import BarColumn, Progress as Bar, TaskProgressColumn, TextColumn, TimeRemainingColumn

    with Bar(
        TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
        transient=True, disable=not sys.stderr.isatty(),
        console=None,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(progress: Progress) -> None:
            bar.update(task, completed=progress.done, total=progress.total or None,
                       description=progress.message or label)

        return run(job, update)
