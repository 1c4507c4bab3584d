"""An export never writes onto the project, never deletes a file it did not write, never follows
a symbolic link out of its folder, and derives file names that cannot collide (issue 10, items 2,
3 and 6)."""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from annotation.cli import main
from annotation.exporters import EXPORTERS
from annotation.store import Store
from tests.annotation.test_export_support import BODY, article, make_project, snapshot

FORMATS = sorted(EXPORTERS)


def _integrity(project: Path) -> str:
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _layer(project: Path) -> dict[str, set]:
    with Store.open(project, read_only=True) as store:
        return snapshot(store, "ann")


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


# -- item 2: never onto the project -----------------------------------------------------------


def _target(project: Path, how: str) -> Path:
    """OUT naming the project itself, through a hard link, through a symbolic link, or its WAL."""
    if how == "itself":
        return project
    if how == "hard link":
        link = project.with_name("out.jsonl")
        os.link(project, link)
        return link
    if how == "symlink":
        link = project.with_name("link.jsonl")
        link.symlink_to(project)
        return link
    return project.with_name(project.name + "-wal")


@pytest.mark.parametrize("how", ["itself", "hard link", "symlink", "wal"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_onto_the_project_is_refused_and_the_project_survives(tmp_path, capsys, fmt, how):
    project = make_project(tmp_path / "p.db", 2)
    before = _layer(project)
    size = project.stat().st_size
    out = _target(project, how)
    assert main(["export", str(project), str(out), "--format", fmt, "--annotator", "ann", "--quiet"]) == 1
    lines = _error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and lines[0].startswith("goldspan: error: ") and "Traceback" not in lines[0]
    assert project.exists() and project.stat().st_size == size
    assert _integrity(project) == "ok"
    assert _layer(project) == before
    assert not list(tmp_path.glob("*manifest.json"))


def test_an_export_into_the_projects_own_folder_never_touches_the_project(tmp_path):
    project = make_project(tmp_path / "p.db", 2)
    before = _layer(project)
    for fmt in FORMATS:
        out = tmp_path if EXPORTERS[fmt].folder else tmp_path / f"x{EXPORTERS[fmt].extension}"
        main(["export", str(project), str(out), "--format", fmt, "--annotator", "ann", "--quiet"])
    assert _integrity(project) == "ok" and _layer(project) == before


# -- item 3: another program's manifest, links --------------------------------------------------


def test_another_programs_manifest_never_names_files_to_delete(tmp_path, capsys):
    project = make_project(tmp_path / "p.db", 2)
    out = tmp_path / "shared"
    out.mkdir()
    theirs = {"data.csv": "a,b\n1,2\n", "notes.txt": "my notes", "a0.ann": "T1\tX 0 1\tx\n"}
    for name, text in theirs.items():
        (out / name).write_text(text)
    manifest = json.dumps({"files": sorted(theirs), "tool": "other"})
    (out / "manifest.json").write_text(manifest)
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 1
    assert "manifest.json" in capsys.readouterr().err
    assert {name: (out / name).read_text() for name in theirs} == theirs
    assert (out / "manifest.json").read_text() == manifest


def test_a_foreign_manifest_beside_a_single_file_export_names_nothing_to_delete(tmp_path):
    project = make_project(tmp_path / "p.db", 2)
    (tmp_path / "keep.txt").write_text("mine")
    (tmp_path / "x.manifest.json").write_text(json.dumps({"files": ["keep.txt"]}))
    main(["export", str(project), str(tmp_path / "x.jsonl"), "--format", "prodigy", "--annotator", "ann", "--quiet"])
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_a_goldspan_looking_manifest_without_the_marker_never_deletes(tmp_path):
    """Even a manifest shaped like Goldspan's (or copied from another folder) names nothing to remove."""
    project = make_project(tmp_path / "p.db", 2)
    out = tmp_path / "brat"
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 0
    moved = tmp_path / "moved"
    out.rename(moved)  # the marker names the folder it was written for
    (moved / "extra.txt").write_text("not from this export")
    manifest = json.loads((moved / "manifest.json").read_text())
    manifest["files"].append("extra.txt")
    manifest["goldspan_export"]["files"].append({"name": "extra.txt", "size": 20, "sha256": "0" * 64})
    (moved / "manifest.json").write_text(json.dumps(manifest))
    with Store.open(project) as store, store.transaction():  # bob annotated only one article
        first = store.document(store.document_ids()[0])
        store.import_articles([article(first.ext_id, first.text)], "test", "bob")
    assert main(["export", str(project), str(moved), "--format", "brat", "--annotator", "bob", "--quiet"]) == 0
    assert (moved / "extra.txt").read_text() == "not from this export"
    assert (moved / "a1.ann").exists()  # listed, but for another folder: kept


def test_a_re_export_keeps_a_file_edited_since_the_previous_export(tmp_path):
    project = make_project(tmp_path / "p.db", 3)
    with Store.open(project) as store, store.transaction():
        first = store.document(store.document_ids()[0])
        store.import_articles([article(first.ext_id, first.text)], "test", "bob")
    out = tmp_path / "brat"
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 0
    edited = out / "a2.ann"
    edited.write_text(edited.read_text() + "#1\tAnnotatorNotes T1\tchecked by hand\n")
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "bob", "--quiet"]) == 0
    assert "checked by hand" in edited.read_text()  # changed since Goldspan wrote it: not Goldspan's to remove
    assert not (out / "a1.ann").exists()  # unchanged files of the previous export do go


def test_a_symlink_in_the_export_folder_is_never_written_through(tmp_path, capsys):
    project = make_project(tmp_path / "p.db", 2)
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "precious.txt"
    target.write_text("precious")
    out = tmp_path / "brat"
    out.mkdir()
    (out / "a0.txt").symlink_to(target)
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert target.read_text() == "precious"
    assert (out / "a0.txt").is_symlink()


def test_a_symlinked_subfolder_never_leads_the_export_outside(tmp_path):
    project = make_project(tmp_path / "p.db", 4)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a0.txt").write_text("theirs")
    out = tmp_path / "brat"
    out.mkdir()
    for split in ("train", "dev"):
        (out / split).symlink_to(outside, target_is_directory=True)
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--split", "0.5,0.5",
                 "--quiet"]) == 1
    assert {p.name: p.read_text() for p in outside.iterdir()} == {"a0.txt": "theirs"}


def test_clean_up_never_deletes_through_a_symlink(tmp_path):
    project = make_project(tmp_path / "p.db", 3)
    with Store.open(project) as store, store.transaction():
        first = store.document(store.document_ids()[0])
        store.import_articles([article(first.ext_id, first.text)], "test", "bob")
    out = tmp_path / "brat"
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 0
    outside = tmp_path / "precious.ann"
    outside.write_bytes((out / "a2.ann").read_bytes())  # the same bytes as the listed file
    (out / "a2.ann").unlink()
    (out / "a2.ann").symlink_to(outside)
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "bob", "--quiet"]) == 0
    assert outside.exists() and (out / "a2.ann").is_symlink()


def test_an_existing_file_no_goldspan_export_wrote_is_not_overwritten(tmp_path, capsys):
    project = make_project(tmp_path / "p.db", 2)
    out = tmp_path / "brat"
    out.mkdir()
    (out / "a1.txt").write_text("someone's own brat text")
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 1
    assert "a1.txt" in capsys.readouterr().err
    assert (out / "a1.txt").read_text() == "someone's own brat text"
    assert sorted(p.name for p in out.iterdir()) == ["a1.txt"]  # what this export had begun is gone again


# -- item 6: file names from ids cannot collide ---------------------------------------------


TRICKY_IDS = ["x", "x.c1", "X", "a b", "a_b", "a%20b", ".x", "x.thread", "annotation", "über", "~1", "y/../z", ""]


def test_file_stems_are_distinct_for_distinct_ids_even_ignoring_case():
    from annotation.exporters.brat import file_stem

    stems = [file_stem(i, n) for n, i in enumerate(TRICKY_IDS)]
    assert len({s.lower() for s in stems}) == len(TRICKY_IDS)
    assert all("." not in s and "/" not in s and s for s in stems)


def test_brat_round_trip_keeps_documents_whose_ids_look_like_each_others_files(tmp_path):
    project = tmp_path / "p.db"
    with Store.create(project) as store, store.transaction():
        store.import_articles([article(ext_id, BODY + f" Story {n}.") for n, ext_id in enumerate(TRICKY_IDS[:-1])], "test", "ann")
    out = tmp_path / "brat"
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 0
    fresh = tmp_path / "fresh.db"
    Store.create(fresh).close()
    assert main(["import", str(fresh), str(out), "--as-annotator", "ann"]) == 0
    with Store.open(project, read_only=True) as a, Store.open(fresh, read_only=True) as b:
        assert snapshot(b, "ann") == snapshot(a, "ann")
        assert sorted(b.document(i).ext_id for i in b.document_ids()) == sorted(TRICKY_IDS[:-1])
        comments = {b.document(i).ext_id: len(b.comments(i)) for i in b.document_ids()}
        assert set(comments.values()) == {2}


def test_an_export_never_writes_among_the_projects_snapshots(tmp_path, capsys):
    project = make_project(tmp_path / "p.db", 2)
    snapshots = tmp_path / ".goldspan-snapshots" / "p.db"
    snapshots.mkdir(parents=True)
    (snapshots / "0001.db").write_bytes(b"a snapshot")
    for out, fmt in ((snapshots / "0001.db", "prodigy"), (snapshots, "brat"), (snapshots / "x.jsonl", "doccano")):
        assert main(["export", str(project), str(out), "--format", fmt, "--annotator", "ann", "--quiet"]) == 1
    assert "project" in capsys.readouterr().err
    assert sorted(p.name for p in snapshots.iterdir()) == ["0001.db"] and (snapshots / "0001.db").read_bytes() == b"a snapshot"


def test_an_export_folder_named_through_a_link_is_fine(tmp_path):
    project = make_project(tmp_path / "p.db", 2)
    real = tmp_path / "exports-2026"
    real.mkdir()
    (tmp_path / "current").symlink_to(real, target_is_directory=True)
    assert main(["export", str(project), str(tmp_path / "current"), "--format", "brat", "--annotator", "ann", "--quiet"]) == 0
    assert (real / "a0.ann").exists() and (real / "manifest.json").exists()


def test_a_write_error_mid_export_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    project = make_project(tmp_path / "p.db", 3)
    out = tmp_path / "brat"
    from annotation.exporters import brat

    calls = {"n": 0}
    real = brat._write

    def full_disk(ctx, path, text):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device", str(path))
        real(ctx, path, text)

    monkeypatch.setattr(brat, "_write", full_disk)
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 1
    lines = _error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "No space left on device" in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_a_manifest_listing_the_project_never_gets_it_removed(tmp_path):
    """An export into the project's own folder whose manifest (forged, or from an older tool)
    names the project and its side files: the clean-up of a re-export leaves them alone."""
    import hashlib

    project = make_project(tmp_path / "p.db", 3)
    with Store.open(project) as store, store.transaction():
        first = store.document(store.document_ids()[0])
        store.import_articles([article(first.ext_id, first.text)], "test", "bob")
    assert main(["export", str(project), str(tmp_path), "--format", "brat", "--annotator", "ann", "--quiet"]) == 0
    before = _layer(project)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    data = project.read_bytes()
    for name in ("p.db", "p.db-wal", "p.db-shm", "p.db.lock"):
        manifest["files"].append(name)
        manifest["goldspan_export"]["files"].append(
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert main(["export", str(project), str(tmp_path), "--format", "brat", "--annotator", "bob", "--quiet"]) == 0
    assert project.read_bytes() == data and _integrity(project) == "ok" and _layer(project) == before
