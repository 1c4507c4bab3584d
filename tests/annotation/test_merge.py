"""Merging a colleague's project file: matched by text, both sides kept, idempotent, refusals."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotation.cli import main
from annotation.commands import AddSpan, AddTarget
from annotation.errors import ProjectError
from annotation.merge import MergeError, merge
from annotation.model import Span
from annotation.schema import default_schema, parse_schema
from annotation.store import Store
from tests.annotation.test_merge_fixtures import ARTICLES, add, new_project, stance, two_projects, write_articles


def _snapshot(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    out = {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr)
           for t in ("documents", "comments", "spans", "relations", "stances", "doc_status", "targets", "annotators")}
    out["edits"] = sorted(map(tuple, conn.execute("SELECT annotator, action, command FROM edits")), key=repr)
    conn.close()
    return out


def test_merge_brings_the_other_annotator_in_and_keeps_ours(tmp_path: Path) -> None:
    alice, bob = two_projects(tmp_path)
    with Store.open(bob, read_only=True) as other:
        bob_spans = {(s.start, s.end, s.label) for d in other.document_ids() for s in other.spans(d, "bob")}
        bob_rel = sum(len(other.relations(d, "bob")) for d in other.document_ids())
    with Store.open(alice) as store:
        before_alice = [(s.start, s.end, s.label) for d in store.document_ids() for s in store.spans(d, "alice")]
        report = merge(store, bob, reviewer="alice")
        assert report.annotators == {"bob": "bob"}
        assert report.documents_matched == 2 and report.documents_added == 0
        assert report.spans_added == len(bob_spans)
        assert report.relations_added == bob_rel == 2
        assert report.stances_added == 5 and report.statuses_set == 2
        assert store.document_count() == 2
        merged = {(s.start, s.end, s.label) for d in store.document_ids() for s in store.spans(d, "bob")}
        assert merged == bob_spans
        assert [(s.start, s.end, s.label) for d in store.document_ids() for s in store.spans(d, "alice")] == before_alice
        # relations point at bob's spans in this file
        for doc in store.document_ids():
            for rel in store.relations(doc, "bob"):
                assert store.span(rel.head_id).annotator == "bob" and store.span(rel.child_id).label == "SOURCE"
        assert {s.label for s in store.stances(annotator="bob")} == {"favor", "against", "unrelated"}
        assert all(st.status == "done" for st in store.statuses("bob"))
        log = store.edit_log("bob")
        assert log and all(row["action"] == "merged" for row in log)


def test_merging_twice_changes_nothing(tmp_path: Path) -> None:
    alice, bob = two_projects(tmp_path)
    with Store.open(alice) as store:
        merge(store, bob)
    first = _snapshot(alice)
    with Store.open(alice) as store:
        report = merge(store, bob)
    assert not report.changed
    assert _snapshot(alice) == first


def test_same_annotator_diverging_is_kept_twice_and_reported(tmp_path: Path) -> None:
    alice, bob = two_projects(tmp_path)
    # bob also worked in alice's file, differently: same name, diverging edits
    with Store.open(alice) as store:
        add(store, "bob", "a1", "Oslo", "GPE")
    with Store.open(alice) as store:
        report = merge(store, bob)
        assert report.annotators["bob"] == "bob@bob"
        assert report.renamed["bob"] == ["a1"]
        assert any("kept both" in line for line in report.lines())
        doc = store.document_by_ext_id("a1").id  # type: ignore[union-attr]
        assert [(s.label) for s in store.spans(doc, "bob")] == ["GPE"]  # ours untouched
        assert len(store.spans(doc, "bob@bob")) == 5
    with Store.open(alice) as store:
        assert not merge(store, bob).changed  # still idempotent with the renamed layer


def test_fast_forward_adds_only_what_is_new(tmp_path: Path) -> None:
    alice, bob = two_projects(tmp_path)
    with Store.open(alice) as store:
        merge(store, bob)
    with Store.open(bob) as other:  # bob keeps working in his own file
        other.apply(AddTarget(other.document_by_ext_id("a1").id, "Berg"))  # type: ignore[union-attr,arg-type]
        stance(other, "bob", "a1", "c1", "favor", target="Berg")
        add(other, "bob", "a2", "A storm", "EVENT")
    with Store.open(alice) as store:
        report = merge(store, bob)
        assert report.annotators == {"bob": "bob"}
        assert (report.spans_added, report.stances_added, report.targets_added) == (1, 1, 1)


def test_documents_only_in_the_other_file_are_added_and_changed_texts_skipped(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "articles.jsonl")
    ours = new_project(tmp_path / "ours.db", articles)
    changed = [dict(ARTICLES[0], text=ARTICLES[0]["text"] + " Updated."), dict(ARTICLES[1], id="new-2")]
    other_articles = tmp_path / "other.jsonl"
    other_articles.write_text("\n".join(__import__("json").dumps(a) for a in changed) + "\n")
    theirs = new_project(tmp_path / "theirs.db", other_articles)
    add(theirs, "carol", "a1", "Anna Berg", "PERSON")
    theirs.close()
    report = merge(ours, tmp_path / "theirs.db")
    assert report.documents_text_differs == ["a1"]
    assert report.documents_matched == 1  # a2 matched by text although its id differs
    assert report.spans_added == 0
    ours.close()


def test_a_new_document_and_its_comments_come_along(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "articles.jsonl")
    ours = Store.create(tmp_path / "ours.db")
    theirs = new_project(tmp_path / "theirs.db", articles)
    stance(theirs, "carol", "a1", "c2", "against")
    theirs.close()
    report = merge(ours, tmp_path / "theirs.db")
    assert report.documents_added == 2 and report.comments_added == 5
    doc = ours.document_by_ext_id("a1")
    comments = ours.comments(doc.id)  # type: ignore[union-attr,arg-type]
    c2 = next(c for c in comments if c.ext_id == "c2")
    assert c2.parent_id == next(c.id for c in comments if c.ext_id == "c1")
    assert ours.stance(c2.id, "topic", "carol").label == "against"  # type: ignore[arg-type,union-attr]
    ours.close()


def test_not_a_project_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    alice, _bob = two_projects(tmp_path)
    before = _snapshot(alice)
    junk = tmp_path / "notes.db"
    junk.write_text("hello")
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE x(y)").connection.close()
    with Store.open(alice) as store:
        with pytest.raises(ProjectError, match="not a Goldspan project"):
            merge(store, junk)
        with pytest.raises(ProjectError, match="not a Goldspan project"):
            merge(store, plain)
        with pytest.raises(ProjectError, match="no such project file"):
            merge(store, tmp_path / "missing.db")
        with pytest.raises(MergeError, match="that is this project"):
            merge(store, alice)
        newer = tmp_path / "newer.db"
        Store.create(newer).close()
        conn = sqlite3.connect(newer)
        conn.execute("PRAGMA user_version = 99")
        conn.close()
        with pytest.raises(ProjectError, match="newer Goldspan"):
            merge(store, newer)
    assert _snapshot(alice) == before


OTHER_SCHEMA = default_schema().source_text.replace('CARDINAL    =', 'NUMBER      =')


def test_another_schema_is_refused_with_the_differences_or_mapped(tmp_path: Path) -> None:
    alice, _bob = two_projects(tmp_path)
    other = Store.create(tmp_path / "other.db", parse_schema(OTHER_SCHEMA))
    from annotation.import_job import import_files
    from annotation.jobs import run
    run(import_files(other, [write_articles(tmp_path / "a.jsonl")]))
    add(other, "dave", "a2", "Bergen", "GPE")
    doc = other.document_by_ext_id("a1")
    other.apply(AddSpan(Span(None, doc.id, None, 0, 7, "NUMBER", "entity", "dave")))  # type: ignore[union-attr,arg-type]
    other.close()
    before = _snapshot(alice)
    with Store.open(alice) as store:
        with pytest.raises(MergeError, match=r"entity label 'NUMBER' \(1 uses\)") as info:
            merge(store, tmp_path / "other.db")
        assert "--label-map" in str(info.value) and "nothing was changed" in str(info.value)
    assert _snapshot(alice) == before
    with Store.open(alice) as store:
        report = merge(store, tmp_path / "other.db", {"NUMBER": "CARDINAL"})
        assert report.spans_added == 2
        assert {s.label for s in store.spans(store.document_by_ext_id("a1").id, "dave")} == {"CARDINAL"}  # type: ignore[union-attr,arg-type]


def test_cli_merge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alice, bob = two_projects(tmp_path)
    assert main(["merge", str(alice), str(bob)]) == 0
    assert "annotator 'bob': merged as 'bob'" in capsys.readouterr().out
    assert main(["merge", str(alice), str(bob)]) == 0
    assert "nothing new" in capsys.readouterr().out
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01binary")
    assert main(["merge", str(alice), str(junk)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a Goldspan project" in err
    assert main(["merge", str(alice), str(bob), "--label-map", "oops"]) == 1
