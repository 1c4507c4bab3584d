"""The bundled demo project: built on first use in the user's data directory, never in resources/.

``goldspan`` with no project opens it. It is imported from ``resources/demo/*.jsonl`` into a
fresh project and, when the pre-annotation module and a spaCy model are available,
pre-annotated so the user sees suggestions at once. The project is built under a temporary
name and renamed into place, so an interrupted first run never leaves a half-built demo that
later runs would mistake for the real one.
"""
from __future__ import annotations

import inspect
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from annotation.errors import GoldspanError, ProjectError
from annotation.jobs import Job, Progress, run

APP_NAME = "goldspan"
APP_AUTHOR = "Goldspan"  # only Windows uses it; the same folder gui.app uses
DEMO_FILE_NAME = "demo.db"
DATA_DIR_ENV = "GOLDSPAN_DATA_DIR"  # tests and portable installs point this elsewhere
DEMO_SOURCE_DIR = Path(__file__).resolve().parent.parent / "resources" / "demo"

log = logging.getLogger(__name__)


def data_dir() -> Path:
    """Where Goldspan keeps per-user data: $GOLDSPAN_DATA_DIR, else the platform's data dir."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, APP_AUTHOR)


def demo_sources() -> list[Path]:
    files = sorted(DEMO_SOURCE_DIR.glob("*.jsonl"))
    if not files:
        raise ProjectError(f"{DEMO_SOURCE_DIR}: the demo articles are missing from this installation")
    return files


def build_demo_project(path: Path, annotator: str, preannotate: bool = True) -> Job[Path]:
    """Create the demo project at ``path`` (which must not exist yet); yields progress."""
    from annotation.import_job import import_files
    from annotation.store import Store

    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    for leftover in (partial, *_sidecars(partial)):
        leftover.unlink(missing_ok=True)
    store = Store.create(partial)
    try:
        report = yield from import_files(store, demo_sources(), annotator=annotator)
        if report.failed:
            raise ProjectError("the bundled demo articles did not import: " + "; ".join(report.errors))
        if preannotate:
            note = yield from _preannotate(store, annotator)
            store.set_meta_value("demo_preannotation", note)
        store.set_meta_value("demo", "built " + datetime.now(timezone.utc).isoformat(timespec="seconds"))
    except BaseException:
        store.close()
        for leftover in (partial, *_sidecars(partial)):
            leftover.unlink(missing_ok=True)
        raise
    store.close()  # checkpoints the WAL, so the one file is the whole project
    os.replace(partial, path)
    return path


def _preannotate(store, annotator: str) -> Job[str]:  # type: ignore[no-untyped-def]
    """Model suggestions for the demo when the NLP side is installed; otherwise say why not.

    The demo must open even without a spaCy model, so a missing module or model is a note
    in the project (and the log), not an error."""
    try:
        from annotation.nlp.preannotate import preannotate
    except ImportError as exc:
        log.info("demo project without suggestions: pre-annotation is not available (%s)", exc)
        return f"skipped: pre-annotation is not available ({exc})"
    kwargs = {}
    if "n_process" in inspect.signature(preannotate).parameters:
        kwargs["n_process"] = 1  # the GUI is starting: do not fork a pool for nine articles
    try:
        yield from preannotate(store, annotator, **kwargs)
    except (GoldspanError, OSError, ImportError) as exc:
        log.warning("demo project without suggestions: pre-annotation failed: %s", exc)
        return f"skipped: {exc}"
    return f"done for {annotator}"


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _usable(path: Path) -> bool:
    from annotation.store.connection import check_is_project_file

    try:
        check_is_project_file(path)
    except ProjectError:
        return False
    return True


def demo_project_path(
    annotator: str | None = None,
    preannotate: bool = True,
    on_progress: Callable[[Progress], None] | None = None,
) -> Path:
    """The demo project's file, created fresh from resources/demo when it does not exist yet.

    A damaged demo (not a project any more) is moved aside and rebuilt; the user's own
    annotations on a healthy demo are never touched.
    """
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"{folder}: cannot create Goldspan's data folder: {exc.strerror or exc}") from None
    path = folder / DEMO_FILE_NAME
    if path.exists():
        if _usable(path):
            return path
        aside = path.with_name(f"{path.name}.broken-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
        log.warning("%s is not a usable project; moved to %s and rebuilding the demo", path, aside)
        os.replace(path, aside)
    if annotator is None:
        from annotation.cli.common import resolve_annotator

        annotator = resolve_annotator(None)
    return run(build_demo_project(path, annotator, preannotate), on_progress)
