"""Importing articles with their threads, and every kind of bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.import_job import import_files
from annotation.jobs import run
from annotation.store import Store
from tests.helpers import CORPUS, SEED, shared

BOILERPLATE = ("Leave a Reply", "Cancel reply", "Please enter your comment", "Please enter your name")


def goldspan(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gui.launcher", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, cwd=Path(__file__).resolve().parents[2],
    )


def _dump(project: Path) -> tuple:
    with Store.open(project, read_only=True) as s:
        return (s.stats(), [(d.ext_id, d.text) for d in s.iter_documents()])


def test_seed_article_splits_body_comments_and_reply(project):
    seed = shared(*SEED)
    with Store.open(project) as store:
        report = run(import_files(store, [seed]))
        assert not report.errors
        (doc_id,) = store.document_ids()
        doc = store.document(doc_id)
        comments = store.comments(doc_id)
    assert len(comments) == 3
    top = [c for c in comments if c.parent_id is None]
    (reply,) = [c for c in comments if c.parent_id is not None]
    assert reply.parent_id == top[0].id and reply.text.startswith("Putin may be sympathetic")
    assert top[0].text.startswith("In his campaign") and "The question that many are asking" in top[0].text
    assert top[1].text.startswith("Trump is one of those people")
    assert doc.text.startswith("Russian President Vladimir Putin") and doc.text.count("\n\n") == 3
    for text in [doc.text] + [c.text for c in comments]:
        assert not any(b in text for b in BOILERPLATE)


def test_cli_init_import_stats_on_the_seed(tmp_path):
    project = tmp_path / "p.db"
    assert goldspan("init", str(project)).returncode == 0
    result = goldspan("import", str(project), str(shared(*SEED)))
    assert result.returncode == 0, result.stderr
    stats = json.loads(goldspan("stats", str(project), "--json").stdout)
    assert stats["documents"] == 1 and stats["comments"] == 3 and stats["replies"] == 1


def test_same_article_twice_is_not_duplicated(project):
    with Store.open(project) as store:
        run(import_files(store, [shared(*CORPUS)]))
        first = store.stats()
        report = run(import_files(store, [shared(*CORPUS)]))
        assert store.stats() == first
        assert report.result.documents_existing == first["documents"] == 24


def test_jsonl_threads_meta_and_unknown_keys(project, tmp_path):
    path = tmp_path / "a.jsonl"
    record = {"id": "a1", "title": "T", "text": "Body é 😀.", "section": "world",
              "comments": [{"id": "r", "parent": "p", "text": "reply first"},
                           {"id": "p", "text": "parent", "author": "Zoë", "likes": 3},
                           {"id": "o", "parent": "gone", "text": "orphan"}]}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with Store.open(project) as store:
        assert not run(import_files(store, [path])).errors
        (doc_id,) = store.document_ids()
        doc = store.document(doc_id)
        comments = {c.ext_id: c for c in store.comments(doc_id)}
    assert doc.meta == {"section": "world"} and doc.text == "Body é 😀."
    assert comments["r"].parent_id == comments["p"].id
    assert comments["p"].meta == {"likes": 3} and comments["p"].author == "Zoë"
    assert comments["o"].parent_missing and comments["o"].parent_id is None


def test_parent_cycle_is_refused_naming_the_line(project, tmp_path):
    path = tmp_path / "cycle.jsonl"
    good = {"id": "ok", "text": "fine"}
    bad = {"id": "b", "text": "x", "comments": [{"id": "1", "parent": "2", "text": "a"}, {"id": "2", "parent": "1", "text": "b"}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with Store.open(project) as store:
        report = run(import_files(store, [path]))
        assert len(report.errors) == 1 and "cycle.jsonl:2" in report.errors[0] and "cycle" in report.errors[0]
        assert store.document_count() == 0  # the file is one transaction


@pytest.mark.parametrize("name, content, expected", [
    ("broken.jsonl", b'{"id": "1", "text": "ok"}\n{"id": "2", "text": \n', "broken.jsonl:2: broken JSON"),
    ("invalid.jsonl", b'{"id": "1", "text": "ok"}\n{"id": "2", "text": "\xff\xfe bad"}\n', "invalid.jsonl:2: invalid UTF-8"),
    ("empty.txt", b"", "empty.txt: the file is empty"),
    ("blank.jsonl", b"\n\n  \n", "blank.jsonl: the file is empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("notes.xyz", b"hello", "unknown file type '.xyz'"),
    ("notext.jsonl", b'{"id": "1", "title": "no text"}\n', "notext.jsonl:1: missing or non-string 'text'"),
])
def test_bad_files_get_one_clear_line_and_change_nothing(tmp_path, name, content, expected):
    project = tmp_path / "p.db"
    assert goldspan("init", str(project)).returncode == 0
    assert goldspan("import", str(project), str(shared(*SEED))).returncode == 0
    before = _dump(project)
    bad = tmp_path / name
    bad.write_bytes(content)
    result = goldspan("import", str(project), str(bad))
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and expected in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert _dump(project) == before


def test_other_files_still_import_when_one_is_broken(tmp_path):
    project = tmp_path / "p.db"
    goldspan("init", str(project))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{oops\n')
    result = goldspan("import", str(project), str(bad), str(shared(*SEED)))
    assert result.returncode == 1 and "bad.jsonl:2" in result.stderr
    assert _dump(project)[0]["documents"] == 1


def test_latin1_text_is_detected(project, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(("Le président François Hollande a déclaré que la réunion était très importante. " * 5).encode("latin-1"))
    with Store.open(project) as store:
        report = run(import_files(store, [path]))
        assert not report.errors, report.errors
        doc = store.document(store.document_ids()[0])
    assert "François" in doc.text and doc.meta["encoding"] in {"latin_1", "cp1252", "iso8859_15"}


@pytest.mark.parametrize("content, expected", [
    (b"not a database at all", "not a Goldspan project"),
    (b"", "empty file"),
])
def test_project_files_that_are_not_projects(tmp_path, content, expected):
    db = tmp_path / "x.db"
    db.write_bytes(content)
    result = goldspan("stats", str(db))
    assert result.returncode == 1 and expected in result.stderr and db.read_bytes() == content


def test_plain_sqlite_database_is_not_a_project(tmp_path):
    import sqlite3

    db = tmp_path / "other.db"
    sqlite3.connect(db).execute("CREATE TABLE t(x)").connection.commit()
    result = goldspan("import", str(db), str(shared(*SEED)))
    assert result.returncode == 1 and "not a Goldspan project" in result.stderr


@pytest.mark.goldspan_check(allow=["unreadable"])  # a project from the future, on purpose
def test_newer_project_version_is_refused(project):
    import sqlite3

    conn = sqlite3.connect(project)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    result = goldspan("stats", str(project))
    assert result.returncode == 1 and "newer Goldspan" in result.stderr


def test_read_only_project_is_refused(project, monkeypatch):
    # Tests run as root in CI, and root bypasses permission bits: answer as os.access would for a user.
    from annotation.errors import ProjectError
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    with pytest.raises(ProjectError, match="read-only"):
        Store.open(project)


def test_second_writer_is_told_clearly(project):
    code = (
        "import sys; from annotation.store import Store\n"
        "try:\n    Store.open(sys.argv[1])\nexcept Exception as e:\n    print(type(e).__name__, e)\n"
    )
    with Store.open(project):
        out = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.startswith("ProjectLocked") and "another Goldspan process" in out and "pid" in out


def test_schema_with_a_typo_names_file_and_line(tmp_path):
    from annotation.schema import DEFAULT_SCHEMA_PATH

    schema = tmp_path / "typo.toml"
    text = DEFAULT_SCHEMA_PATH.read_text().replace('PERSON      = { color = "#f4a259"', 'PERSON      = { colour = "#f4a259"')
    schema.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "colour =" in l)
    result = goldspan("init", str(tmp_path / "p.db"), "--schema", str(schema))
    assert result.returncode == 1 and f"typo.toml:{line}:" in result.stderr and "colour" in result.stderr
    assert not (tmp_path / "p.db").exists() or (tmp_path / "p.db").stat().st_size == 0
