"""Snapshots that make bulk jobs undoable: a merge, an import into an annotated project,
a pre-annotation that changes an annotated project. (Adjudication today is the review window's
decisions, each an ordinary undo step logged in the edit log, so it needs none; a batch
adjudication command would wrap its run in ``before_bulk_job`` like the others.)

Before such a job the whole project is copied (SQLite's online backup API, see
annotation/store/snapshots.py); taking the job back copies that snapshot into the live project.
A restore first snapshots the state it replaces ("before restoring …"), so a restore can itself
be taken back.

Where they are kept: beside the project, in ``.goldspan-snapshots/<project file name>/``.
Chosen over the user data folder because a snapshot belongs to one project file: it moves,
is copied and backed up with the project's folder, it is the same for every login that opens
the project, it goes away when the folder is deleted, and it needs no identity scheme that a
copied or re-created project could confuse. The folder must be writable anyway (SQLite keeps
the project's WAL there). The dot keeps it out of the way in file dialogs. Each snapshot also
records the project's creation stamp, and a snapshot of another project is refused.

Each snapshot is ``NNNN.db`` (a self-contained SQLite file) with ``NNNN.json`` beside it: job,
time, annotator, project path, edit-log high-water mark, size. A snapshot is written under a
temporary name and renamed, its JSON last, so a crash never leaves a half snapshot listed.

Rotation: the newest KEEP (default 10) are kept, and older ones go while all of them together
exceed MAX_MB (default 2048); the newest is always kept. $GOLDSPAN_SNAPSHOTS_KEEP and
$GOLDSPAN_SNAPSHOTS_MAX_MB change the limits.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, TypeVar

from annotation.errors import GoldspanError
from annotation.jobs import Job, Progress
from annotation.store import snapshots as primitives

if TYPE_CHECKING:
    from annotation.store import Store

T = TypeVar("T")

FOLDER_NAME = ".goldspan-snapshots"
KEEP_ENV, MAX_MB_ENV = "GOLDSPAN_SNAPSHOTS_KEEP", "GOLDSPAN_SNAPSHOTS_MAX_MB"
DEFAULT_KEEP, DEFAULT_MAX_MB = 10, 2048
ROTATION_HELP = (f"Snapshots are kept beside the project in {FOLDER_NAME}/; the newest {DEFAULT_KEEP} are kept "
                 f"(${KEEP_ENV}) and older ones are removed while all together exceed {DEFAULT_MAX_MB} MB "
                 f"(${MAX_MB_ENV}); the newest is always kept.")
RESTORE_PREFIX = "before restoring "


class SnapshotError(GoldspanError):
    """A snapshot that cannot be found, read or restored."""


@dataclass(frozen=True)
class Snapshot:
    number: int
    job: str  # what the snapshot comes before, e.g. "Merge ben.db"
    time: str  # ISO 8601, UTC
    annotator: str
    project: str
    edit_high_water: int  # the project's last edit-log id when the snapshot was taken
    size: int  # bytes
    file: str  # the snapshot database's file name inside the snapshot folder

    @property
    def is_restore(self) -> bool:
        return self.job.startswith(RESTORE_PREFIX)

    def describe(self) -> str:
        return f"#{self.number} ({self.job}, {self.time})"


def folder(project: Path) -> Path:
    real = project.resolve()  # one folder however the project is reached (a symlink, a relative path)
    return real.parent / FOLDER_NAME / real.name


def list_snapshots(project: Path) -> list[Snapshot]:
    """The project's snapshots, oldest first. Unreadable metadata is skipped, not fatal."""
    where = folder(project)
    if not where.is_dir():
        return []
    found = []
    for meta in where.glob("*.json"):
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            snap = Snapshot(**{k: data[k] for k in Snapshot.__dataclass_fields__})
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if (where / snap.file).is_file():
            found.append(snap)
    return sorted(found, key=lambda s: s.number)


def find(project: Path, which: str | int | None) -> Snapshot:
    """A snapshot by number (``3``, ``#3``), by file name, or the newest when ``which`` is None."""
    snaps = list_snapshots(project)
    if not snaps:
        raise SnapshotError(f"{project}: no snapshots (one is taken before each bulk job)")
    if which is None:
        return snaps[-1]
    key = str(which).strip().lstrip("#")
    for snap in snaps:
        if (key.isdigit() and int(key) == snap.number) or key in (snap.file, Path(snap.file).stem):
            return snap
    numbers = ", ".join(str(s.number) for s in snaps)
    raise SnapshotError(f"{project}: no snapshot {which!r} (there are: {numbers}; list them with: goldspan snapshots {project})")


def take(store: "Store", job: str, annotator: str, protect: tuple[int, ...] = ()) -> Snapshot:
    """Copy the project as it is now into a new snapshot, then rotate old ones away (never
    the new one, nor those numbered in ``protect``: e.g. the one about to be restored)."""
    if store.path is None:
        raise SnapshotError("an in-memory project has no snapshots")
    where = folder(store.path)
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SnapshotError(f"{where}: cannot keep snapshots there: {exc.strerror}") from None
    _clear_leftovers(where)
    existing = list_snapshots(store.path)
    number = max((s.number for s in existing), default=0) + 1
    name = f"{number:04d}.db"
    partial = where / f"{name}.partial"
    partial.unlink(missing_ok=True)
    try:
        primitives.copy_project_to(store.conn, partial)
        high_water, created = primitives.snapshot_facts(partial)
        # as private as the project: a snapshot holds all of its text and annotations
        os.chmod(partial, store.path.stat().st_mode & 0o777)
        os.replace(partial, where / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    snap = Snapshot(
        number=number, job=job, time=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        annotator=annotator, project=str(store.path.resolve()), edit_high_water=high_water,
        size=(where / name).stat().st_size, file=name,
    )
    _write_json(where / f"{number:04d}.json", {**asdict(snap), "project_created": created})
    rotate(store.path, protect=(number, *protect))
    return snap


def _clear_leftovers(where: Path) -> None:
    """Remove what a snapshot killed half-way left: a partial copy, or a copy whose metadata
    was never written. Only the project's writer takes snapshots, so none is in progress."""
    for leftover in where.glob("*.partial"):
        leftover.unlink(missing_ok=True)
    for copy in where.glob("[0-9]*.db"):
        if not copy.with_suffix(".json").exists():
            copy.unlink(missing_ok=True)


def _write_json(path: Path, data: dict) -> None:  # type: ignore[type-arg]
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def limits() -> tuple[int, int]:
    """(how many to keep, total bytes allowed), from the environment or the defaults."""
    def number(env: str, default: float) -> float:
        try:
            value = float(os.environ.get(env, "") or default)
        except ValueError:
            return default
        return value if value > 0 else default
    return max(1, int(number(KEEP_ENV, DEFAULT_KEEP))), int(number(MAX_MB_ENV, DEFAULT_MAX_MB) * 1024 * 1024)


def rotate(project: Path, protect: tuple[int, ...] = ()) -> list[Snapshot]:
    """Remove the oldest snapshots beyond the limits; returns those removed. Those numbered in
    ``protect`` (the one just taken) stay, even when they alone exceed the limits."""
    keep, max_bytes = limits()
    snaps = list_snapshots(project)
    removable = [s for s in snaps if s.number not in protect]
    removed = []
    while removable and (len(snaps) > keep or sum(s.size for s in snaps) > max_bytes):
        oldest = removable.pop(0)
        _remove(project, oldest)
        snaps.remove(oldest)
        removed.append(oldest)
    return removed


def _remove(project: Path, snap: Snapshot) -> None:
    where = folder(project)
    (where / f"{snap.number:04d}.json").unlink(missing_ok=True)  # unlisted first, then gone
    (where / snap.file).unlink(missing_ok=True)


def restore(store: "Store", which: Snapshot | str | int | None, annotator: str,
            save_current: bool = True) -> tuple[Snapshot, Snapshot | None]:
    """Put the project back into the state of a snapshot (the newest when ``which`` is None).

    With ``save_current`` the state it replaces is snapshotted first ("before restoring …"), so
    the restore can be taken back; returns (restored, that new snapshot)."""
    if store.path is None:
        raise SnapshotError("an in-memory project has no snapshots")
    store.require_writable()
    snap = which if isinstance(which, Snapshot) else find(store.path, which)
    path = folder(store.path) / snap.file
    if not path.is_file():
        raise SnapshotError(f"{store.path}: snapshot {snap.describe()} is gone (removed by rotation?)")
    _, created = primitives.snapshot_facts(path)
    if created != primitives.project_created(store.conn):
        raise SnapshotError(f"{store.path}: snapshot {snap.describe()} is of another project; not restored")
    primitives.ensure_no_other_writer(store.conn, store.path)
    what = f"{RESTORE_PREFIX}#{snap.number}" + ("" if snap.is_restore else f" ({snap.job})")
    saved = take(store, what, annotator, protect=(snap.number,)) if save_current else None
    try:
        primitives.restore_project_from(store.conn, path, store.path)
    except GoldspanError:
        if saved is not None:  # the project is unchanged, so that snapshot is a duplicate
            _remove(store.path, saved)
        raise
    store._schema = None  # the restored project may carry another schema version
    return snap, saved


def is_annotated(store: "Store") -> bool:
    return primitives.has_annotations(store.conn)


@dataclass
class BulkJobGuard:
    """What ``before_bulk_job`` took: the snapshot (None when none was needed), and whether the
    job changed the project (an unchanged project's snapshot is removed again)."""

    description: str
    snapshot: Snapshot | None = None
    changed: bool = False


@contextlib.contextmanager
def before_bulk_job(store: "Store", description: str, annotator: str = "", needed: bool = True) -> Iterator[BulkJobGuard]:
    """Snapshot the project before a bulk job runs in the ``with`` block on the same ``store``.

    The snapshot is kept when the job changed anything, also when it failed or was cancelled
    after committing some batches (those can then be taken back too). A job that wrote nothing
    leaves no snapshot, so repeated no-op runs do not rotate the useful ones away. Refuses to
    start the job (SnapshotError) when the snapshot cannot be written: running a bulk job that
    cannot be taken back is exactly what this prevents."""
    guard = BulkJobGuard(description)
    if not needed or store.path is None or store.read_only:
        yield guard
        return
    guard.snapshot = take(store, description, annotator)
    changes_before = store.conn.total_changes
    try:
        yield guard
    finally:
        try:
            guard.changed = (store.conn.total_changes != changes_before
                             or primitives.edit_high_water(store.conn) != guard.snapshot.edit_high_water)
        except sqlite3.Error:  # the connection is gone (a runner dropped the job): keep the snapshot
            guard.changed = True
        if not guard.changed:
            discard(store.path, guard.snapshot)
            guard.snapshot = None


def discard(project: Path, snap: Snapshot) -> None:
    """Remove a snapshot that is not needed (its job changed nothing)."""
    _remove(project, snap)


def guarded_job(store: "Store", description: str, annotator: str, job: Job[T], guard_out: list[BulkJobGuard],
                needed: bool = True) -> Job[T]:
    """``job`` with a snapshot before it, for runners that drive generators (the GUI's workers).
    The guard is appended to ``guard_out`` before the job starts, so the caller sees it even when
    the job fails or is cancelled."""
    yield Progress(0, 0, f"saving a snapshot before: {description}" if needed else description)
    with before_bulk_job(store, description, annotator, needed) as guard:
        guard_out.append(guard)
        return (yield from job)


def describe_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} B"


__all__ = [
    "BulkJobGuard", "Snapshot", "SnapshotError", "before_bulk_job", "discard", "find", "folder", "guarded_job",
    "is_annotated", "list_snapshots", "restore", "rotate", "take",
]


def files_label(paths: "list[str] | tuple[str, ...]") -> str:
    """How a job over files is named in Undo and the snapshot list: one name, or a count."""
    names = [Path(p).name or str(p) for p in paths]
    return names[0] if len(names) == 1 else f"{len(names)} files"
