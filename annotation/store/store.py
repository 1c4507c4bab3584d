"""The Store: the only door to a project file. Methods take and return dataclasses."""
from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
from pathlib import Path
from typing import Iterator

import sqlite_utils

from annotation.errors import ProjectError
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


class Store(ReadingMixin, EditingMixin, ImportingMixin, StatsMixin, ExportingMixin, MergingMixin, SuggestionsMixin, CheckingMixin):
    """One open project. Thread use: one Store per thread (workers open their own)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, read_only: bool, locked: bool) -> None:
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.path = path
        self.read_only = read_only
        self._locked = locked
        self._schema: Schema | None = None

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, schema: Schema | None = None) -> "Store":
        """Create a new project file with a schema (the default news schema if none)."""
        schema = schema or default_schema()
        if str(path) != ":memory:":
            path = Path(path)
            if path.exists() and path.stat().st_size > 0:
                raise ProjectError(f"{path}: already exists; open it, or choose another name")
            try:
                path.touch()
            except OSError as exc:
                raise ProjectError(f"{path}: cannot create the project: {exc.strerror}") from None
        conn = connection.connect(path)
        connection.migrate(conn, path)
        store = cls(conn, None if str(path) == ":memory:" else Path(path), False, False)
        if store.path:
            connection.acquire_writer_lock(store.path)
            store._locked = True
        with store.db.atomic():
            conn.execute("INSERT INTO meta(key, value) VALUES ('schema', ?)", (schema.source_text,))
            conn.execute("INSERT INTO meta(key, value) VALUES ('created', ?)", (now(),))
        store._note_writer()
        return store

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, check: bool = True) -> "Store":
        """Open an existing project; raises ProjectError with one clear line when it cannot.

        ``check=False`` skips the integrity check (it reads the whole file: about 0.4 s for
        100,000 documents); the caller then runs ``check_integrity()`` itself, e.g. the GUI on
        a worker thread after the window is up."""
        path = Path(path)
        connection.check_is_project_file(path)
        if not read_only and not os.access(path, os.W_OK):
            raise ProjectError(f"{path}: the project file is read-only; make it writable or open it read-only")
        if not read_only and not os.access(path.parent, os.W_OK):
            raise ProjectError(f"{path}: its folder is read-only, so SQLite cannot keep its journal there")
        locked = first_writer = False
        if not read_only:
            first_writer = connection.acquire_writer_lock(path)
            locked = True
        try:
            conn = connection.connect(path, read_only=read_only)
            try:
                if read_only:
                    version = conn.execute("PRAGMA user_version").fetchone()[0]
                    from annotation.store.migrations import SCHEMA_VERSION
                    if version > SCHEMA_VERSION:
                        connection.migrate(conn, path)  # raises the "newer Goldspan" error
                    if version != SCHEMA_VERSION:
                        raise ProjectError(f"{path}: project format {version}; open it writable once to upgrade")
                else:
                    connection.migrate(conn, path)
                if check:
                    connection.integrity_check(conn, path)
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise ProjectError(f"{path}: cannot read the project: {exc}") from None
        except BaseException:
            if locked:
                connection.release_writer_lock(path)
            raise
        store = cls(conn, path, read_only, locked)
        if first_writer:  # a worker's connection is not a new writer: it must not write here
            store._note_writer()
        return store

    def worker(self) -> "Store":
        """A second connection to the same project for a worker thread (same writer lock)."""
        if self.path is None:
            raise ProjectError("an in-memory project cannot be shared with a worker")
        return Store.open(self.path, read_only=self.read_only, check=False)  # this one checked

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

    def _note_writer(self) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('writer', ?)",
                (f"pid {os.getpid()} on {socket.gethostname()} since {now()}",),
            )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; nested calls become savepoints.

        The outer one starts with BEGIN IMMEDIATE: a deferred transaction that reads first and
        then writes fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) when a worker's
        connection committed in between, whereas IMMEDIATE takes the write lock up front and
        waits for it under the busy timeout."""
        self.require_writable()
        if self.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def require_writable(self) -> None:
        if self.read_only:
            raise ProjectError(f"{self.path}: opened read-only (another window is writing to it)")

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
