"""Opening and writing projects when things go wrong: one line, never a traceback, the project
unchanged. Durable commits for edits (synchronous=FULL), NORMAL only inside Store.bulk()."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from annotation.commands import SetStatus
from annotation.errors import DiskFull, ProjectError, ProjectReadOnly
from annotation.model import Comment, Document, ImportedArticle
from annotation.store import Store

ROOT = Path(__file__).resolve().parents[2]
FULL, NORMAL = 2, 1


def goldspan(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gui.launcher", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip() and "propagateSizeHints" not in line]
    assert result.returncode != 0 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def _project(path: Path, documents: int = 40) -> tuple[Path, int]:
    with Store.create(path) as store:
        articles = [ImportedArticle(Document(None, f"d{n}", f"T{n}", f"Article {n}. " * 80),
                                    tuple(Comment(None, None, f"c{n}-{k}", f"Comment {k}. " * 20) for k in range(3)))
                    for n in range(documents)]
        with store.transaction():
            first = store.import_articles(articles, "t").document_ids[0]
    return path, first


# -- durability ------------------------------------------------------------------------------

def test_edits_commit_with_synchronous_full_and_bulk_work_with_normal(tmp_path):
    path, doc = _project(tmp_path / "p.db", 1)
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == FULL
        worker = store.worker()
        assert worker.conn.execute("PRAGMA synchronous").fetchone()[0] == FULL
        with worker.bulk():
            assert worker.conn.execute("PRAGMA synchronous").fetchone()[0] == NORMAL
            worker.set_meta_value("probe", "1")
        assert worker.conn.execute("PRAGMA synchronous").fetchone()[0] == FULL
        worker.close()
        store.apply(SetStatus(doc, "ann", "done"), "ann")
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == FULL


# -- damaged projects ------------------------------------------------------------------------

def _truncated(path: Path) -> Path:
    os.truncate(path, path.stat().st_size // 2)
    return path


def _scribbled(path: Path) -> Path:
    """Header and schema intact, garbage in the middle: only the integrity check sees it."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle:middle + 3 * 4096] = bytes((n * 7 + 3) % 256 for n in range(3 * 4096))
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("damage", [_truncated, _scribbled])
def test_a_damaged_project_is_refused_in_one_line_and_not_written(tmp_path, damage):
    path, _ = _project(tmp_path / "p.db")
    damage(path)
    before = _digest(path)
    article = tmp_path / "a.csv"
    article.write_text("id,text\n1,Some text.\n")
    line = _one_line(goldspan("import", str(path), str(article)))
    assert str(path) in line and "damaged" in line
    assert _digest(path) == before


@pytest.mark.parametrize("damage", [_truncated, _scribbled])
def test_a_screenshot_of_a_damaged_project_writes_nothing_to_it(tmp_path, damage):
    path, _ = _project(tmp_path / "p.db")
    damage(path)
    before = _digest(path)
    out = tmp_path / "out.png"
    line = _one_line(goldspan("--screenshot", str(out), str(path)))
    assert str(path) in line and "damaged" in line
    assert _digest(path) == before and not out.exists()


# -- two inits at once ------------------------------------------------------------------------

INIT_AT_THE_SIGNAL = textwrap.dedent('''
    import os, sys, time
    from annotation.cli import main
    go = sys.argv[1]
    while not os.path.exists(go):
        time.sleep(0.0005)
    sys.exit(main(["init", sys.argv[2]]))
''')


def test_two_inits_at_once_make_one_project_and_one_clear_error(tmp_path):
    for round_ in range(6):
        go, path = tmp_path / f"go{round_}", tmp_path / f"p{round_}.db"
        children = [subprocess.Popen([sys.executable, "-c", INIT_AT_THE_SIGNAL, str(go), str(path)], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        time.sleep(1.5)  # both are importing, then waiting on the signal (a slow start only weakens the race)
        go.touch()
        results = [(c.wait(), *c.communicate()) for c in children]
        codes = sorted(code for code, _, _ in results)
        assert codes == [0, 1], results
        loser = next(err for code, _, err in results if code == 1)
        assert loser.count("\n") == 1 and "Traceback" not in loser and str(path) in loser, loser
        with Store.open(path) as store:
            store.check_integrity()
            assert store.schema.name
        assert not [p for p in tmp_path.iterdir() if p.name.endswith((".creating", ".creating-wal"))]


# -- read-only folder -------------------------------------------------------------------------

def test_a_project_in_a_read_only_folder_opens_read_only_and_says_so(tmp_path, monkeypatch):
    path, doc = _project(tmp_path / "p.db", 2)
    real_access = os.access
    # Tests may run as root, which ignores permission bits: answer as os.access would for a user.
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(ProjectReadOnly, match="read-only.*--read-only"):
        Store.open(path)
    with Store.open(path, read_only=True) as store:
        assert store.read_only and "read-only folder" in store.read_only_reason
        assert store.document_count() == 2
        # immutable mode: SQLite makes no -shm or -wal where it could not write
        assert not path.with_name("p.db-shm").exists() and not path.with_name("p.db-wal").exists()
        with pytest.raises(ProjectError, match="read-only folder"):
            store.apply(SetStatus(doc, "ann", "done"), "ann")


def test_goldspan_open_has_read_only(monkeypatch):
    import gui.app
    from gui import launcher

    calls = []
    monkeypatch.setattr(gui.app, "run_gui", lambda **kw: calls.append(kw) or 0)
    assert launcher.main(["open", "p.db", "--read-only"]) == 0
    assert calls and calls[0]["read_only"] is True and calls[0]["project"] == "p.db"


# -- a full disk -----------------------------------------------------------------------------

def _full_disk(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every new connection may not grow the file: SQLite answers SQLITE_FULL, as on a full disk."""
    from annotation.store import connection

    real = connection.connect

    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(connection, "connect", connect)


def test_a_full_disk_is_one_line_naming_the_project(tmp_path, monkeypatch, capsys):
    from annotation.cli import main

    path, _ = _project(tmp_path / "p.db", 1)
    article = tmp_path / "a.csv"
    article.write_text("id,text\n" + "".join(f"{n},{'Some long text. ' * 400}\n" for n in range(20)))
    before = _digest(path)
    _full_disk(monkeypatch)
    assert main(["import", str(path), str(article)]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "disk is full" in err[0] and str(path) in err[0], err
    monkeypatch.undo()
    assert _digest(path) == before


def test_a_full_disk_edit_raises_disk_full_and_leaves_nothing_half_done(tmp_path):
    path, doc = _project(tmp_path / "p.db", 1)
    with Store.open(path) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        edits = store.conn.execute("SELECT count(*) FROM edits").fetchone()[0]
        with pytest.raises(DiskFull, match="disk is full"):
            with store.transaction():
                store.set_meta_value("big", "x" * 200_000)
        assert store.conn.execute("SELECT count(*) FROM edits").fetchone()[0] == edits
        assert store.meta_value("big") == ""
        store.conn.execute(f"PRAGMA max_page_count = {pages * 10}")
        store.apply(SetStatus(doc, "ann", "done"), "ann")  # and the next try works
        assert store.status(doc, "ann").status == "done"


def test_a_full_disk_stops_the_whole_import(tmp_path, monkeypatch, capsys):
    """Every later file would fail the same way: one line about the disk, not one per file."""
    from annotation.cli import main

    path, _ = _project(tmp_path / "p.db", 1)
    files = []
    for name in ("a", "b", "c"):
        article = tmp_path / f"{name}.csv"
        article.write_text("id,text\n" + "".join(f"{name}{n},{'Some long text. ' * 400}\n" for n in range(20)))
        files.append(str(article))
    before = _digest(path)
    _full_disk(monkeypatch)
    assert main(["import", str(path), *files]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "disk is full" in err[0], err
    monkeypatch.undo()
    assert _digest(path) == before
