"""Opening a project file: checks, migrations, WAL, and the one-writer lock."""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from annotation.errors import ProjectError, ProjectLocked
from annotation.store.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class _HeldLock:
    fd: int
    count: int


# One process holds the writer lock once; its worker threads open more connections under it.
_locks: dict[str, _HeldLock] = {}
_locks_guard = threading.Lock()


def acquire_writer_lock(path: Path) -> bool:
    """Take the project's writer lock or raise ProjectLocked naming who holds it. True when this
    process did not hold it yet (a worker's second connection shares the holder's lock).

    flock is released by the kernel when the process dies, so a crash never leaves a stale lock.
    """
    key = str(path.resolve())
    with _locks_guard:
        held = _locks.get(key)
        if held:
            held.count += 1
            return False
        fd = os.open(key, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            who = _lock_owner(path)
            raise ProjectLocked(
                f"{path}: the project is open for writing in another Goldspan process{who}; "
                "close it there first, or open this one read-only"
            ) from None
        _locks[key] = _HeldLock(fd, 1)
        return True


def release_writer_lock(path: Path) -> None:
    key = str(path.resolve())
    with _locks_guard:
        held = _locks.get(key)
        if not held:
            return
        held.count -= 1
        if held.count == 0:
            fcntl.flock(held.fd, fcntl.LOCK_UN)
            os.close(held.fd)
            del _locks[key]


def _lock_owner(path: Path) -> str:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        row = conn.execute("SELECT value FROM meta WHERE key='writer'").fetchone()
        conn.close()
        return f" ({row[0]})" if row else ""
    except sqlite3.Error:
        return ""


def check_is_project_file(path: Path) -> None:
    """Refuse, with one clear line, anything that is not a Goldspan project."""
    if not path.exists():
        raise ProjectError(f"{path}: no such project file (create one with: goldspan init {path})")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    with path.open("rb") as fh:
        head = fh.read(100)
    if len(head) == 0:
        raise ProjectError(f"{path}: empty file, not a Goldspan project")
    if not head.startswith(_SQLITE_MAGIC):
        raise ProjectError(f"{path}: not a Goldspan project (not an SQLite database)")
    app_id = int.from_bytes(head[68:72], "big")
    if app_id != APPLICATION_ID:
        raise ProjectError(f"{path}: an SQLite database, but not a Goldspan project")


def connect(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    elif read_only:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False, timeout=10)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    if not read_only and str(path) != ":memory:":
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise ProjectError(f"{path}: cannot switch the project to WAL mode (got {mode})")
        # Every edit is committed at once; NORMAL in WAL still survives a process kill.
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def migrate(conn: sqlite3.Connection, path: Path | str) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path}: written by a newer Goldspan (project format {version}, this version reads up to "
            f"{SCHEMA_VERSION}); update Goldspan to open it"
        )
    for number in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out


def integrity_check(conn: sqlite3.Connection, path: Path | str) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise ProjectError(f"{path}: the project file is damaged ({result}); restore a backup")
