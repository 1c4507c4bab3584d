"""Bulk jobs can be taken back: a snapshot before each one, restored from the command line."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotation import snapshots
from annotation.cli import main
from annotation.errors import GoldspanError
from annotation.store import Store
from tests.annotation.test_merge_fixtures import (
    annotate_alice, annotate_bob, new_project, stance, write_articles,
)

REPO = Path(__file__).resolve().parents[2]
MORE_ARTICLES = [
    {"id": "n1", "title": "Ferry delayed", "text": "The ferry to Bergen was delayed by fog on Tuesday.",
     "comments": [{"id": "e1", "text": "Again?"}]},
]
# A Prodigy-style file that carries annotations onto an article the project already has.
IMPORT_WITH_SPANS = {"text": "The ferry to Bergen was delayed by fog on Tuesday.",
                     "spans": [{"start": 13, "end": 19, "label": "GPE"}], "answer": "accept"}


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (the writer note in meta aside: it names the last process that
    opened the project), read by a separate connection."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'documents_fts%' ORDER BY name")]
    out = {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}
    out["meta"] = [row for row in out["meta"] if row[0] != "writer"]
    out["fts"] = sorted(conn.execute("SELECT rowid, title FROM documents_fts WHERE documents_fts MATCH 'Bergen'"))
    conn.close()
    for table in ("spans", "relations", "stances", "targets", "doc_status", "comments", "documents"):
        assert table in out
    return out


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def projects(tmp_path: Path) -> tuple[Path, Path]:
    """alice's annotated project and bob's project file over the same articles."""
    articles = write_articles(tmp_path / "articles.jsonl")
    alice, bob = tmp_path / "alice.db", tmp_path / "ben.db"
    with new_project(alice, articles) as store:
        annotate_alice(store)
    with new_project(bob, articles) as store:
        annotate_bob(store)
    return alice, bob


def restore_cli(project: Path, *which: str) -> int:
    return main(["restore", str(project), *which, "--annotator", "alice"])


def test_a_merge_is_taken_back_exactly_and_the_restore_can_be_taken_back(projects, capsys) -> None:
    alice, bob = projects
    before = dump(alice)
    assert main(["merge", str(alice), str(bob), "--annotator", "alice"]) == 0
    after = dump(alice)
    assert after["spans"] != before["spans"]  # the merge brought bob's work in

    found = snapshots.list_snapshots(alice)
    assert [s.job for s in found] == ["Merge ben.db"]
    assert found[0].annotator == "alice" and found[0].size > 0 and found[0].project == str(alice.resolve())
    capsys.readouterr()

    assert restore_cli(alice, "--last") == 0
    out = capsys.readouterr().out
    assert dump(alice) == before
    assert integrity(alice) == "ok"
    with Store.open(alice) as store:  # still a project that opens for writing, in WAL mode
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stance(store, "alice", "a1", "c1", "against")  # and takes new edits
    # the restore saved what it replaced, and says how to take it back
    saved = snapshots.list_snapshots(alice)[-1]
    assert saved.job == "before restoring #1 (Merge ben.db)"
    assert f"goldspan restore {alice} {saved.number}" in out

    assert restore_cli(alice, str(saved.number)) == 0
    assert dump(alice) == after
    assert integrity(alice) == "ok"


def test_the_high_water_mark_is_the_edit_log_before_the_job(projects) -> None:
    alice, bob = projects
    with Store.open(alice, read_only=True) as store:
        high = store.conn.execute("SELECT max(id) FROM edits").fetchone()[0]
    assert main(["merge", str(alice), str(bob)]) == 0
    assert snapshots.list_snapshots(alice)[0].edit_high_water == high


def test_an_import_into_an_annotated_project_is_taken_back(projects, tmp_path: Path) -> None:
    alice, _ = projects
    more = tmp_path / "more.jsonl"
    more.write_text("\n".join(json.dumps(a) for a in MORE_ARTICLES) + "\n", encoding="utf-8")
    tagged = tmp_path / "tagged.jsonl"
    tagged.write_text(json.dumps(IMPORT_WITH_SPANS) + "\n", encoding="utf-8")
    before = dump(alice)
    assert main(["import", str(alice), str(more), str(tagged), "--format", "prodigy", "--as-annotator", "carol"]) in (0, 1)
    assert dump(alice)["documents"] != before["documents"]
    assert [s.job for s in snapshots.list_snapshots(alice)] == ["Import 2 files"]
    assert restore_cli(alice) == 0
    assert dump(alice) == before


def test_an_import_into_an_empty_project_takes_no_snapshot(tmp_path: Path) -> None:
    project = tmp_path / "empty.db"
    assert main(["init", str(project)]) == 0
    articles = write_articles(tmp_path / "articles.jsonl")
    assert main(["import", str(project), str(articles)]) == 0
    assert snapshots.list_snapshots(project) == []


def test_a_job_that_changes_nothing_leaves_no_snapshot(projects) -> None:
    alice, bob = projects
    assert main(["merge", str(alice), str(bob)]) == 0
    assert main(["merge", str(alice), str(bob)]) == 0  # merging again adds nothing
    assert [s.job for s in snapshots.list_snapshots(alice)] == ["Merge ben.db"]


def test_preannotate_force_is_taken_back(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "articles.jsonl")
    project = tmp_path / "p.db"
    with new_project(project, articles) as store:
        annotate_alice(store)
    assert main(["preannotate", str(project), "--annotator", "alice"]) == 0
    before = dump(project)
    assert main(["preannotate", str(project), "--annotator", "alice", "--force"]) == 0
    assert dump(project) != before  # the units are redone
    jobs = [s.job for s in snapshots.list_snapshots(project)]
    assert jobs[-1] == "Pre-annotate --force"
    assert restore_cli(project) == 0
    assert dump(project) == before


def test_rotation_keeps_the_newest_n_and_respects_the_size_cap(projects, monkeypatch) -> None:
    alice, _ = projects
    monkeypatch.setenv(snapshots.KEEP_ENV, "3")
    with Store.open(alice) as store:
        taken = [snapshots.take(store, f"job {n}", "alice") for n in range(5)]
    assert [s.number for s in snapshots.list_snapshots(alice)] == [t.number for t in taken[-3:]]
    assert sorted(p.name for p in snapshots.folder(alice).iterdir()) == [
        f"{t.number:04d}.{ext}" for t in taken[-3:] for ext in ("db", "json")]
    size = taken[-1].size
    monkeypatch.setenv(snapshots.MAX_MB_ENV, str(2.5 * size / 1024 / 1024))  # room for two
    with Store.open(alice) as store:
        newest = snapshots.take(store, "job 5", "alice")
    assert [s.number for s in snapshots.list_snapshots(alice)] == [taken[-1].number, newest.number]
    monkeypatch.setenv(snapshots.MAX_MB_ENV, str(0.5 * size / 1024 / 1024))  # not even one fits
    with Store.open(alice) as store:
        last = snapshots.take(store, "job 6", "alice")
    assert [s.number for s in snapshots.list_snapshots(alice)] == [last.number]  # the newest stays


def test_help_says_where_and_how_many(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["snapshots", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert ".goldspan-snapshots" in text and "newest 10" in text and "2048 MB" in text


def test_listing_as_text_and_json(projects, capsys) -> None:
    alice, bob = projects
    assert main(["merge", str(alice), str(bob), "--annotator", "alice"]) == 0
    capsys.readouterr()
    assert main(["snapshots", str(alice)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].split()[0] == "1" and "Merge ben.db" in lines[1] and "alice" in lines[1]
    assert main(["snapshots", str(alice), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (snap,) = data["snapshots"]
    assert {"number", "job", "time", "annotator", "project", "edit_high_water", "size"} <= set(snap)


@pytest.mark.parametrize("which", ["99", "nonsense", ""])
def test_a_bad_snapshot_is_one_line_and_nonzero(projects, capsys, which: str) -> None:
    alice, bob = projects
    assert main(["merge", str(alice), str(bob)]) == 0
    merged = dump(alice)
    capsys.readouterr()
    assert restore_cli(alice, which) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("goldspan: error:")
    assert dump(alice) == merged
    assert [s.job for s in snapshots.list_snapshots(alice)] == ["Merge ben.db"]  # nothing taken either


def test_restore_without_snapshots_is_one_line_and_nonzero(projects, capsys) -> None:
    alice, _ = projects
    assert restore_cli(alice, "--last") != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no snapshots" in err[0]


def test_a_snapshot_of_another_project_is_refused(projects, tmp_path: Path, capsys) -> None:
    alice, bob = projects
    assert main(["merge", str(alice), str(bob)]) == 0
    # a different project that happens to sit at the same path later
    alice.unlink()
    for side in ("-wal", "-shm"):
        Path(f"{alice}{side}").unlink(missing_ok=True)
    with new_project(alice, write_articles(tmp_path / "again.jsonl")):
        pass
    fresh = dump(alice)
    capsys.readouterr()
    assert restore_cli(alice, "1") != 0
    assert "another project" in capsys.readouterr().err
    assert dump(alice) == fresh


def test_restore_is_refused_while_another_process_writes(projects) -> None:
    alice, bob = projects
    assert main(["merge", str(alice), str(bob)]) == 0
    merged = dump(alice)
    with Store.open(alice):  # this process holds the project for writing
        result = subprocess.run([sys.executable, "-m", "annotation.cli", "restore", str(alice), "--last"],
                                capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert dump(alice) == merged
    assert len(snapshots.list_snapshots(alice)) == 1


def test_restore_is_refused_while_another_connection_holds_the_write_lock(projects) -> None:
    alice, bob = projects
    assert main(["merge", str(alice), str(bob)]) == 0
    merged = dump(alice)
    with Store.open(alice) as store:
        other = sqlite3.connect(alice, isolation_level=None)  # e.g. a sqlite3 shell in a transaction
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(GoldspanError, match="another program is writing"):
                snapshots.restore(store, None, "alice")
        finally:
            other.execute("ROLLBACK")
            other.close()
    assert dump(alice) == merged
    assert len(snapshots.list_snapshots(alice)) == 1  # the refused restore left no snapshot


def test_a_snapshot_killed_half_way_is_never_listed_and_is_cleared(projects) -> None:
    alice, bob = projects
    assert main(["merge", str(alice), str(bob)]) == 0
    where = snapshots.folder(alice)
    (where / "0002.db.partial").write_bytes(b"half a copy")  # killed while copying
    (where / "0003.db").write_bytes(b"a copy without its metadata")  # killed before the JSON
    assert [s.number for s in snapshots.list_snapshots(alice)] == [1]
    assert restore_cli(alice, "3") != 0
    with Store.open(alice) as store:
        taken = snapshots.take(store, "job", "alice")
    assert sorted(p.name for p in where.iterdir()) == ["0001.db", "0001.json", f"{taken.number:04d}.db", f"{taken.number:04d}.json"]


def test_one_snapshot_folder_however_the_project_is_reached(projects, tmp_path: Path, monkeypatch) -> None:
    alice, bob = projects
    link = tmp_path / "link.db"
    link.symlink_to(alice)
    monkeypatch.chdir(tmp_path)
    assert main(["merge", "link.db", str(bob)]) == 0
    assert [s.job for s in snapshots.list_snapshots(alice)] == ["Merge ben.db"]
    assert snapshots.folder(Path("alice.db")) == snapshots.folder(link) == snapshots.folder(alice)


def test_restoring_the_oldest_snapshot_at_the_limit_keeps_it_for_the_restore(projects, monkeypatch) -> None:
    alice, bob = projects
    monkeypatch.setenv(snapshots.KEEP_ENV, "2")
    before = dump(alice)
    assert main(["merge", str(alice), str(bob)]) == 0  # snapshot 1: before the merge
    with Store.open(alice) as store:
        snapshots.take(store, "another job", "alice")  # snapshot 2: the limit is reached
    assert restore_cli(alice, "1") == 0  # its "before restoring" snapshot must not rotate #1 away first
    assert dump(alice) == before
    assert [s.job for s in snapshots.list_snapshots(alice)] == ["Merge ben.db", "before restoring #1 (Merge ben.db)"]
