"""Edits survive a SIGKILL while another program opens and closes the project file.

POSIX locks belong to the process: if Goldspan itself opens and closes the project's .db
outside SQLite (a header check, a lock descriptor, a worker's open), SQLite's locks are
dropped, an outside `sqlite3` that opens and closes the file then checkpoints and deletes
-wal/-shm, and later edits go into deleted files. The child below walks every such path,
lets another process open and close the file, applies an edit and reports it; the parent
SIGKILLs it and reopens: the edit must be there.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import sys
import textwrap
from pathlib import Path

import pytest

from annotation.model import Document, ImportedArticle
from annotation.store import Store

ROOT = Path(__file__).resolve().parents[2]

# A second process that opens the project with plain sqlite3, reads, and closes it: when it
# believes it is the last user it checkpoints and deletes -wal and -shm.
OUTSIDE_READER = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1])\n"
    "c.execute('SELECT count(*) FROM documents').fetchone()\n"
    "c.close()\n"
)

CHILD = textwrap.dedent('''
    import subprocess, sys, time
    from pathlib import Path
    from annotation.commands import SetStatus
    from annotation.store import Store
    from annotation.store import connection

    path, step, doc_id, reader = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    store = Store.open(path)
    if step == "worker":
        worker = store.worker()
        worker.close()
    elif step == "header":
        connection.check_is_project_file(path)
    elif step == "integrity":
        worker = store.worker()  # the window runs the check on a worker connection
        worker.check_integrity()
        worker.close()
        store.check_integrity()
    elif step == "readonly":
        Store.open(path, read_only=True).close()
    subprocess.run([sys.executable, "-c", reader, str(path)], check=True)
    store.apply(SetStatus(doc_id, "ann", "done"), "ann")
    print("committed", flush=True)
    time.sleep(600)
''')


def _project(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "p.db"
    with Store.create(path) as store:
        result = store.import_articles([ImportedArticle(Document(None, "d1", "Title", "Some text."))], "t")
        return path, result.document_ids[0]


def run_and_kill(args: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    """Start a child, wait for its "committed" line, SIGKILL it."""
    child = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, **(env or {})})
    # A child that never gets to its edit (a dialog that never shows) must fail the test, not
    # hang the suite: it is killed after a generous wait and readline then returns "".
    watchdog = threading.Timer(180, child.kill)
    watchdog.start()
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        assert line.strip() == "committed", (line, child.stderr.read() if child.poll() is not None else "")  # type: ignore[union-attr]
    finally:
        watchdog.cancel()
        child.send_signal(signal.SIGKILL)
        child.wait()


@pytest.mark.parametrize("step", ["worker", "header", "integrity", "readonly"])
def test_an_edit_survives_a_kill_after_an_outside_reader(tmp_path, step):
    path, doc_id = _project(tmp_path)
    run_and_kill([sys.executable, "-c", CHILD, str(path), step, str(doc_id), OUTSIDE_READER])
    with Store.open(path) as store:
        status = store.status(doc_id, "ann")
        assert status is not None and status.status == "done", f"the edit after the {step} path was lost"
        store.check_integrity()


def test_the_writer_lock_is_a_separate_file(tmp_path):
    path, _ = _project(tmp_path)
    with Store.open(path):
        # Only SQLite holds descriptors of the project's own files in this process.
        mine = {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                if os.path.exists(f"/proc/self/fd/{fd}")}
        assert str(path.resolve()) in mine  # SQLite's
        lock_files = [p for p in mine if p.startswith(str(path.resolve()) + ".")]
        assert any(p.endswith(".lock") for p in lock_files), mine


def test_the_header_check_does_not_open_the_file_outside_sqlite(tmp_path, monkeypatch):
    import builtins
    import io

    from annotation.store import connection

    path, _ = _project(tmp_path)
    opened: list[str] = []
    real_open, real_io_open, real_os_open = builtins.open, io.open, os.open

    def spy(real):  # type: ignore[no-untyped-def]
        def wrapper(file, *args, **kwargs):  # type: ignore[no-untyped-def]
            opened.append(str(file))
            return real(file, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(builtins, "open", spy(real_open))
    monkeypatch.setattr(io, "open", spy(real_io_open))
    monkeypatch.setattr(os, "open", spy(real_os_open))
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: spy(real_open)(str(self), *a, **k))
    connection.check_is_project_file(path)
    with Store.open(path) as store:
        store.worker().close()
    assert not [p for p in opened if Path(p).name in {"p.db", "p.db-wal", "p.db-shm"}], opened
