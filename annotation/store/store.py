"""The Store: the only door to a project file. Methods take and return dataclasses."""
from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from pathlib import Path
from typing import Iterator

import sqlite_utils

from annotation.errors import ProjectError, ProjectLocked, ProjectReadOnly
from annotation.schema import Schema, default_schema, parse_schema
from annotation.store import connection
from annotation.store.editing import EditingMixin
from annotation.store.exporting import ExportingMixin
from annotation.store.importing import ImportingMixin
from annotation.store.merging import MergingMixin
from annotation.store.reading import ReadingMixin
from annotation.store.rows import now
from annotation.store.stats import StatsMixin
from annotation.store.suggestions import SuggestionsMixin
from annotation.store.checking import CheckingMixin
from annotation.store.cluster_writes import ClusterWritesMixin
from annotation.store.models_registry import ModelsRegistryMixin
from annotation.store.stance_suggestions import StanceSuggestionsMixin
from annotation.store.schema_edits import SchemaEditsMixin


class Store(ReadingMixin, EditingMixin, ImportingMixin, StatsMixin, ExportingMixin, MergingMixin, SuggestionsMixin, CheckingMixin, ModelsRegistryMixin, StanceSuggestionsMixin, ClusterWritesMixin, SchemaEditsMixin):
    """One open project. Thread use: one Store per thread (workers open their own)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, read_only: bool, locked: bool) -> None:
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.path = path
        self.read_only = read_only
        self._locked = locked
        self.read_only_reason = ""  # why it is read-only when not asked for (a read-only folder)
        self._schema: Schema | None = None

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, schema: Schema | None = None) -> "Store":
        """Create a new project file with a schema (the default news schema if none).

        The project is built under a temporary name and linked into place only when complete,
        under the writer lock: two `goldspan init` at once give one project and one clear
        error, and a crash half-way leaves no half-made project behind."""
        schema = schema or default_schema()
        if str(path) == ":memory:":
            conn = connection.connect(":memory:")
            connection.migrate(conn, ":memory:")
            store = cls(conn, None, False, False)
            store._write_new_project_meta(schema)
            return store
        path = Path(path)
        if path.is_dir():
            raise ProjectError(f"{path}: is a folder; give the new project a file name")
        if not path.parent.is_dir():
            raise ProjectError(f"{path}: cannot create the project: no such folder {path.parent}")
        if not os.access(path.parent, os.W_OK):
            raise ProjectReadOnly(f"{path}: cannot create the project: its folder is read-only")
        try:
            connection.acquire_writer_lock(path)
        except ProjectLocked:
            raise ProjectLocked(f"{path}: another Goldspan process is creating or writing this project; "
                                "open it once that is done") from None
        try:
            if path.exists() and path.stat().st_size > 0:
                raise ProjectError(f"{path}: already exists; open it, or choose another name")
            _build_and_link(path, schema)
            store = cls.open(path, check=False)  # shares the lock taken above
        finally:
            connection.release_writer_lock(path)
        return store

    def _write_new_project_meta(self, schema: Schema) -> None:
        with self.transaction():
            self.conn.execute("INSERT INTO meta(key, value) VALUES ('schema', ?)", (schema.source_text,))
            self.conn.execute("INSERT INTO meta(key, value) VALUES ('created', ?)", (now(),))

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, check: bool = True) -> "Store":
        """Open an existing project; raises ProjectError with one clear line when it cannot.

        Nothing is written to a file that fails the checks (not a project, damaged). In a
        read-only folder a read-only open uses SQLite's immutable mode (no -shm can be made
        there); ``read_only_reason`` then says so.

        ``check=False`` skips the integrity check (it reads the whole file: about 0.4 s for
        100,000 documents); the caller then runs ``check_integrity()`` itself, e.g. the GUI on
        a worker thread after the window is up."""
        path = Path(path)
        connection.check_path(path)
        folder_writable = os.access(path.parent, os.W_OK)
        if not read_only and not os.access(path, os.W_OK):
            raise ProjectReadOnly(f"{path}: the project file is read-only; make it writable or open it "
                                  "read-only (goldspan open --read-only)")
        if not read_only and not folder_writable:
            raise ProjectReadOnly(f"{path}: its folder is read-only, so SQLite cannot keep its journal there; "
                                  "open it read-only (goldspan open --read-only)")
        immutable = read_only and not folder_writable
        locked = False
        if not read_only:
            connection.acquire_writer_lock(path)
            locked = True
        try:
            conn = _open_checked(path, read_only, immutable, check)
        except BaseException:
            if locked:
                connection.release_writer_lock(path)
            raise
        store = cls(conn, path, read_only, locked)
        if immutable:
            store.read_only_reason = (f"{path.name} is in a read-only folder, so it is open read-only "
                                      "as last saved; copy it to a writable folder to edit it")
            if _has_unsaved_wal(path):
                store.read_only_reason += f" (recent edits still in {path.name}-wal are not shown)"
        return store

    def worker(self) -> "Store":
        """A second connection to the same project for a worker thread (same writer lock)."""
        if self.path is None:
            raise ProjectError("an in-memory project cannot be shared with a worker")
        worker = Store.open(self.path, read_only=self.read_only, check=False)  # this one checked
        worker.read_only_reason = self.read_only_reason
        return worker

    def check_integrity(self) -> None:
        """PRAGMA quick_check; raises ProjectError naming the damage."""
        connection.integrity_check(self.conn, self.path or ":memory:")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        if self._locked and self.path:
            connection.release_writer_lock(self.path)
            self._locked = False

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; nested calls become savepoints.

        The outer one starts with BEGIN IMMEDIATE: a deferred transaction that reads first and
        then writes fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) when a worker's
        connection committed in between, whereas IMMEDIATE takes the write lock up front and
        waits for it under the busy timeout.

        A full disk or a damaged file becomes one clear ProjectError (DiskFull, ProjectDamaged)
        after the rollback, so nothing of the failed step is half saved."""
        self.require_writable()
        if self.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise connection.user_error(exc, self.path) or exc from None
        try:
            yield
        except BaseException as exc:
            self._rollback()
            error = connection.user_error(exc, self.path)
            if error is not None:
                raise error from None
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            error = connection.user_error(exc, self.path)
            if error is not None:
                raise error from None
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back itself (SQLITE_FULL)
                self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Commits inside run with ``synchronous=NORMAL`` instead of FULL.

        For bulk jobs only (import, pre-annotation batches): in WAL mode a process kill still
        loses nothing committed, and a power cut can lose only the last batches, whole and in
        order; the jobs are resumable and record their progress in the same transactions, so a
        rerun redoes exactly those. The next FULL commit (any edit) makes them durable too."""
        if self.read_only or self.path is None:
            yield
            return
        connection.set_durable(self.conn, False)
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):
                connection.set_durable(self.conn, True)

    def require_writable(self) -> None:
        if self.read_only:
            why = self.read_only_reason or "another window is writing to it"
            raise ProjectError(f"{self.path}: opened read-only ({why})")

    # -- project metadata -----------------------------------------------------------------

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            self._schema = parse_schema(row[0], f"{self.path or ':memory:'} (stored schema)")
        return self._schema

    def meta_value(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta_value(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def ensure_annotator(self, name: str) -> None:
        if not name:
            raise ProjectError("an annotator name is required")
        self.conn.execute("INSERT OR IGNORE INTO annotators(name, created) VALUES (?, ?)", (name, now()))

    def annotators(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM annotators ORDER BY name")]


def _open_checked(path: Path, read_only: bool, immutable: bool, check: bool) -> sqlite3.Connection:
    """Connect, check the header, then (``check``) the whole file, then migrate: in that order,
    so a damaged file is refused before anything is written to it."""
    conn: sqlite3.Connection | None = None
    try:
        conn = connection.connect(path, read_only=read_only, immutable=immutable)
        if check:
            connection.integrity_check(conn, path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if read_only:
            from annotation.store.migrations import SCHEMA_VERSION

            if version > SCHEMA_VERSION:
                connection.migrate(conn, path)  # raises the "newer Goldspan" error
            if version != SCHEMA_VERSION:
                raise ProjectError(f"{path}: project format {version}; open it writable once to upgrade")
        else:
            connection.migrate(conn, path)
        return conn
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise connection.user_error(exc, path) or ProjectError(f"{path}: cannot read the project: {exc}") from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise


def _build_and_link(path: Path, schema: Schema) -> None:
    """Make the complete project under a temporary name in the same folder, then link it into
    place; link() fails instead of replacing a file that appeared meanwhile."""
    # SQLite creates it (with the usual permissions; mkstemp's would be owner-only)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.creating")
    try:
        conn = connection.connect(tmp, create=True)
        try:
            connection.migrate(conn, tmp)
            store = Store(conn, tmp, False, False)
            store._write_new_project_meta(schema)
        finally:
            conn.close()  # the last connection checkpoints the WAL into the file and removes it
        try:
            os.link(tmp, path)
        except FileExistsError:
            if path.stat().st_size > 0:
                raise ProjectError(f"{path}: already exists; open it, or choose another name") from None
            os.replace(tmp, path)  # an empty placeholder file (e.g. from a save dialog) becomes the project
        except OSError:  # a file system without hard links: we hold the lock, so nobody races us
            if path.exists() and path.stat().st_size > 0:
                raise ProjectError(f"{path}: already exists; open it, or choose another name") from None
            os.replace(tmp, path)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot create the project: {exc.strerror}") from None
    except sqlite3.Error as exc:  # e.g. a full disk while building it: nothing was linked in
        raise connection.user_error(exc, path) or ProjectError(f"{path}: cannot create the project: {exc}") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _has_unsaved_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0
