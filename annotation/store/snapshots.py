"""Copying a whole project into a snapshot file and back, with SQLite's online backup API.

Only SQLite touches the project's files here: the copy reads through the project's own
connection and the restore writes through it, so SQLite's locks stay intact and every other
reader sees either the old project or the restored one, never a mixture. The snapshot files
are separate, self-contained databases (rollback journal, no -wal) that nothing else writes.

Policy (where snapshots live, naming, rotation) is in annotation/snapshots.py.
"""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator

from annotation.errors import ProjectError
from annotation.store import connection

_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
_BUSY_STEP_SECONDS = 0.1
# How long a restore waits for another connection's write to finish before it refuses. Python's
# backup() would otherwise retry for ever while another program holds the write lock.
_BUSY_STEPS_BEFORE_REFUSING = 30
_BUSY_TIMEOUT_MS = 100  # per step while restoring; the project's own timeout is restored after


class _Busy(Exception):
    pass


def _snapshot_uri(path: Path) -> str:
    # immutable: nothing ever writes a snapshot once it is complete, so no locks or journal
    return path.resolve().as_uri() + "?mode=ro&immutable=1"


def copy_project_to(conn: sqlite3.Connection, destination: Path) -> None:
    """Write a consistent copy of the project open on ``conn`` into the new file ``destination``.

    One backup step copies every page under one read transaction, so the copy is one committed
    state even while another connection writes (WAL readers do not wait for writers)."""
    if conn.in_transaction:
        raise ProjectError("cannot take a snapshot in the middle of a transaction")
    target = sqlite3.connect(str(destination), isolation_level=None)
    try:
        conn.backup(target, pages=-1)
        # The copy keeps the project's WAL flag; a snapshot is one self-contained file instead.
        target.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        raise ProjectError(f"{destination}: cannot write the snapshot: {exc}") from None
    finally:
        target.close()


def snapshot_facts(path: Path) -> tuple[int, str]:
    """(edit-log high-water mark, the project's creation stamp) of a snapshot file.

    The creation stamp identifies the project: a snapshot of another project (a copy of the
    folder, a file deleted and re-initialised under the same name) is refused on restore."""
    conn = sqlite3.connect(_snapshot_uri(path), uri=True)
    try:
        high = conn.execute("SELECT coalesce(max(id), 0) FROM edits").fetchone()[0]
        row = conn.execute("SELECT value FROM meta WHERE key = 'created'").fetchone()
        return int(high), row[0] if row else ""
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: not a readable snapshot ({exc})") from None
    finally:
        conn.close()


def project_created(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'created'").fetchone()
    return row[0] if row else ""


def edit_high_water(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM edits").fetchone()[0])


def has_annotations(conn: sqlite3.Connection) -> bool:
    """Anything a bulk job could overwrite or mix into: spans, stance labels, document statuses."""
    return any(
        conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]
        for table in ("spans", "stances", "doc_status")
    )


@contextlib.contextmanager
def _short_busy_timeout(conn: sqlite3.Connection) -> Iterator[None]:
    previous = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(previous)}")


def ensure_no_other_writer(conn: sqlite3.Connection, project: Path | str) -> None:
    """Refuse at once (before any snapshot is taken) while another connection is writing."""
    with _short_busy_timeout(conn):
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            raise ProjectError(
                f"{project}: another program is writing to the project; close it and restore again"
            ) from None


def restore_project_from(conn: sqlite3.Connection, snapshot: Path, project: Path | str) -> None:
    """Replace the whole project open on ``conn`` with the snapshot, in one write transaction.

    Refuses (ProjectError, project unchanged) when another connection keeps the write lock; then
    migrates a snapshot written by an older Goldspan and checks the result with integrity_check."""
    if conn.in_transaction:
        raise ProjectError(f"{project}: cannot restore in the middle of a transaction")
    source = sqlite3.connect(_snapshot_uri(snapshot), uri=True)
    busy_steps = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal busy_steps
        if status in _BUSY:
            busy_steps += 1
            if busy_steps >= _BUSY_STEPS_BEFORE_REFUSING:
                raise _Busy

    try:
        with _short_busy_timeout(conn):
            source.backup(conn, pages=-1, progress=progress, sleep=_BUSY_STEP_SECONDS)
    except _Busy:
        raise ProjectError(
            f"{project}: another program is writing to the project; close it and restore again"
        ) from None
    except sqlite3.Error as exc:
        raise ProjectError(f"{project}: cannot restore the snapshot {snapshot.name}: {exc}") from None
    finally:
        source.close()
    connection.migrate(conn, project)
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise ProjectError(f"{project}: the restored project fails its integrity check ({result})")
    # The whole project went through the WAL, which would otherwise keep its size on disk.
    # Best effort: a reader still on the old state makes this a no-op, not an error.
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()


def data_version(conn: sqlite3.Connection) -> int:
    """Changes whenever another connection (a worker, another process) commits to the project;
    this connection's own commits leave it alone."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def edits_after(conn: sqlite3.Connection, high_water: int, limit: int) -> list[sqlite3.Row]:
    """Edit-log rows after ``high_water``, oldest first, at most ``limit``."""
    cur = conn.execute("SELECT id, annotator, action, command, inverse FROM edits WHERE id > ? ORDER BY id LIMIT ?",
                       (high_water, limit))
    cur.row_factory = sqlite3.Row
    return list(cur)
