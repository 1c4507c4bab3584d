"""The bundled demo: its articles, and the project built from them in the user's data dir."""
from __future__ import annotations

import json
import sys

import pytest

from annotation import demo
from annotation.store import Store


def _records() -> list[dict]:
    return [json.loads(line) for path in demo.demo_sources() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _depth(comment: dict, by_id: dict) -> int:
    depth = 0
    while comment.get("parent"):
        comment, depth = by_id[comment["parent"]], depth + 1
    return depth


def test_demo_articles_cover_what_annotators_meet():
    records = _records()
    normal = [r for r in records if len(r["text"].split()) < 5000]
    (long_read,) = [r for r in records if len(r["text"].split()) >= 5000]
    assert 6 <= len(normal) <= 10 and all(3 <= len(r["comments"]) <= 15 for r in normal)
    assert len(long_read["comments"]) >= 100
    paragraphs = long_read["text"].split("\n\n")
    assert len(set(paragraphs)) == len(paragraphs) > 50  # composed, not one paragraph repeated
    everything = "\n".join(r["text"] + "\n" + "\n".join(c["text"] + c["author"] for c in r["comments"]) for r in records)
    for needle in ("according to", "told reporters that", " he said", " she said", "“The Salt Between Us”",
                   "Zoë", "Łukasz", "Müller", "São Paulo", "<b>", "<script>"):
        assert needle.lower() in everything.lower(), needle
    assert any(ord(ch) > 0x1F000 for ch in everything)  # an emoji
    assert all("fictional" in r["meta"]["note"] for r in records)
    for r in records:
        by_id = {c["id"]: c for c in r["comments"]}
        assert all(c.get("parent") in (None, *by_id) for c in r["comments"])
    deepest = max(_depth(c, {x["id"]: x for x in r["comments"]}) for r in records for c in r["comments"])
    assert deepest >= 3


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(demo.DATA_DIR_ENV, str(tmp_path / "data"))
    return tmp_path / "data"


def test_demo_project_is_built_in_the_data_dir_once(data_dir):
    before = sorted(p.name for p in demo.DEMO_SOURCE_DIR.iterdir())
    path = demo.demo_project_path("zoe", preannotate=False)
    assert path == data_dir / "demo.db"
    assert sorted(p.name for p in data_dir.iterdir()) == ["demo.db"]  # no partial file left behind
    with Store.open(path) as store:
        stats = store.stats()
        assert stats["documents"] == len(_records())
        docs = {store.document(i).ext_id: i for i in store.document_ids()}
        comments = store.comments(docs["demo-sorrowgate"])
        assert len(comments) >= 100 and sum(c.parent_id is not None for c in comments) >= 50
        (marked,) = [c for c in store.comments(docs["demo-quillmoth"]) if "<b>bold?</b>" in c.text]
        assert marked.author.startswith("<script>")  # stored literally, never interpreted
        store.set_meta_value("marker", "my own work")
    assert demo.demo_project_path("zoe", preannotate=False) == path
    with Store.open(path, read_only=True) as store:
        assert store.meta_value("marker") == "my own work"  # an existing demo is reused, not rebuilt
    assert sorted(p.name for p in demo.DEMO_SOURCE_DIR.iterdir()) == before


def test_a_damaged_demo_is_moved_aside_and_rebuilt(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "demo.db").write_bytes(b"half a file")
    path = demo.demo_project_path("zoe", preannotate=False)
    with Store.open(path, read_only=True) as store:
        assert store.document_count() == len(_records())
    assert [p.read_bytes() for p in data_dir.glob("demo.db.broken-*")] == [b"half a file"]


def test_demo_opens_without_the_pre_annotation_module(data_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "annotation.nlp.preannotate", None)  # import now fails
    path = demo.demo_project_path("zoe", preannotate=True)
    with Store.open(path, read_only=True) as store:
        assert store.meta_value("demo_preannotation").startswith("skipped: pre-annotation is not available")
        assert store.document_count() == len(_records())


def test_fresh_demo_carries_model_suggestions_when_pre_annotation_is_installed(data_dir):
    pytest.importorskip("annotation.nlp.preannotate")
    path = demo.demo_project_path("zoe", preannotate=True)
    with Store.open(path, read_only=True) as store:
        note = store.meta_value("demo_preannotation")
        if note.startswith("skipped"):
            pytest.skip(note)  # e.g. no spaCy model on this machine
        stats = store.stats()
    assert note == "done for zoe"
    assert stats["spans_by_origin"].get("model", 0) > 100
    assert {"PERSON", "QUOTE", "SOURCE", "CUE"} <= set(stats["spans_by_label"])
