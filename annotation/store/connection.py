"""Opening a project file: checks, migrations, WAL, durability.

Only SQLite opens a project's ``.db``, ``-wal`` and ``-shm`` inside a Goldspan process. POSIX
locks belong to the process, so one stray ``open()``/``close()`` of the file (a header check,
a lock descriptor) would silently drop the locks SQLite holds for every connection: an
outside ``sqlite3`` that then opens and closes the file believes it is the last user,
checkpoints, deletes ``-wal``/``-shm``, and our later commits go into deleted files. So the
header is checked through SQLite, and the writer lock lives in a separate file
(annotation/store/locking.py).
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from annotation.errors import DiskFull, ProjectDamaged, ProjectError
from annotation.store.locking import acquire_writer_lock, lock_path, release_writer_lock  # noqa: F401 (re-exported)
from annotation.store.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

SQLITE_FULL = 13
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


def uri(path: Path, **params: str) -> str:
    """A ``file:`` URI for ``path``; '?', '#' and '%' in a name would otherwise cut it short."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(path.absolute()))}" + (f"?{query}" if query else "")


def check_path(path: Path) -> None:
    """The checks that need no reading (stat only): missing, a folder, empty."""
    if not path.exists():
        raise ProjectError(f"{path}: no such project file (create one with: goldspan init {path})")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    if path.stat().st_size == 0:
        # SQLite would take an empty file for an empty database (and a writer would make it one)
        raise ProjectError(f"{path}: empty file, not a Goldspan project")


def check_project(conn: sqlite3.Connection, path: Path | str) -> None:
    """Refuse, with one clear line, a connection to anything that is not a Goldspan project.
    Reads only (the header through SQLite), so nothing is written to a file that is not ours."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if code == SQLITE_NOTADB or "not a database" in str(exc):
            raise ProjectError(f"{path}: not a Goldspan project (not an SQLite database)") from None
        raise ProjectDamaged(f"{path}: the project file is damaged ({exc}); restore a backup") from None
    if app_id != APPLICATION_ID:
        raise ProjectError(f"{path}: an SQLite database, but not a Goldspan project")


def check_is_project_file(path: Path) -> None:
    """Refuse, with one clear line, anything that is not a Goldspan project (through SQLite:
    SQLite keeps its own descriptors open while this process holds locks on the file)."""
    path = Path(path)
    check_path(path)
    immutable = not os.access(path.parent, os.W_OK)  # a read-only connection there cannot make -shm
    conn = _connect_uri(uri(path, mode="ro", **({"immutable": "1"} if immutable else {})), path)
    try:
        check_project(conn, path)
    finally:
        conn.close()


def _connect_uri(target: str, path: Path | str) -> sqlite3.Connection:
    try:
        return sqlite3.connect(target, uri=True, isolation_level=None, check_same_thread=False, timeout=10)
    except sqlite3.OperationalError as exc:
        raise ProjectError(f"{path}: cannot open the project: {exc}") from None


def connect(path: Path | str, *, read_only: bool = False, immutable: bool = False, create: bool = False) -> sqlite3.Connection:
    """A connection to a project, checked to be one (unless ``create``) before anything is written.

    Never creates a file unless ``create``: ``mode=rw`` fails on a missing file instead."""
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    else:
        path = Path(path)
        if immutable:
            # A read-only folder (or medium): SQLite can make no -shm there, and immutable mode
            # reads the file without any locking or journal. Nobody can be writing to it.
            params = {"mode": "ro", "immutable": "1"}
        else:
            params = {"mode": "ro" if read_only else ("rwc" if create else "rw")}
        conn = _connect_uri(uri(path, **params), path)
        if not create:
            try:
                check_project(conn, path)
            except BaseException:
                conn.close()
                raise
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    if not read_only and not immutable and str(path) != ":memory:":
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            conn.close()
            raise ProjectError(f"{path}: cannot switch the project to WAL mode (got {mode})")
        set_durable(conn, True)
    return conn


def set_durable(conn: sqlite3.Connection, durable: bool) -> None:
    """FULL: every commit is on disk before it returns (an edit shown on screen survives a
    power cut). NORMAL in WAL mode survives a process kill but a power cut may drop the last
    commits; only bulk jobs use it (see Store.bulk)."""
    conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")


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
            # another process may have migrated between our read and our write lock
            if conn.execute("PRAGMA user_version").fetchone()[0] != number:
                conn.execute("ROLLBACK")
                return migrate(conn, path)
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
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
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    if result != "ok":
        raise ProjectDamaged(f"{path}: the project file is damaged ({result}); restore a backup")


SQLITE_IOERR = 10
_ALMOST_NO_SPACE = 1 << 20  # bytes


def is_disk_full(exc: BaseException, path: Path | str | None = None) -> bool:
    """SQLITE_FULL; or an I/O error where the folder has (almost) no space left: SQLite reports
    ENOSPC while growing -wal or -shm as "disk I/O error"."""
    if not isinstance(exc, sqlite3.Error):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code == SQLITE_FULL or "disk is full" in str(exc):
        return True
    if path is None or str(path) == ":memory:" or (code is None or code & 0xFF != SQLITE_IOERR):
        return False
    try:
        space = os.statvfs(Path(path).parent)
    except OSError:
        return False
    return space.f_bavail * space.f_frsize < _ALMOST_NO_SPACE


def user_error(exc: BaseException, path: Path | str | None) -> ProjectError | None:
    """The one-line error for an SQLite failure a user can act on (full disk, damage), else None."""
    where = path or ":memory:"
    if is_disk_full(exc, path):
        return DiskFull(f"{where}: the disk is full; nothing was saved by this step. Free some space and try again")
    if isinstance(exc, sqlite3.DatabaseError) and (
            getattr(exc, "sqlite_errorcode", None) == SQLITE_CORRUPT or "malformed" in str(exc)):
        return ProjectDamaged(f"{where}: the project file is damaged ({exc}); restore a backup")
    return None
