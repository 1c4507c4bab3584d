"""The real Prodigy and doccano files in ../shared/fixtures/interop arrive with what they contain."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from annotation.import_job import import_files
from annotation.importers import ImportOptions
from annotation.jobs import run
from annotation.exporters import ExportOptions, run_export
from annotation.schema import default_schema, parse_schema
from annotation.store import Store
from tests.helpers import INTEROP, REPO, shared


def fixture(name: str) -> Path:
    return shared(*INTEROP, name)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_prodigy_headlines_every_accepted_span_arrives_with_its_label(store):
    path = fixture("prodigy_news_headlines_ner.jsonl")
    tasks = _jsonl(path)
    report = run(import_files(store, [path], ImportOptions(as_annotator="prodigy")))
    assert not report.errors
    aliases = {"LOCATION": "LOC"}
    expected = Counter()
    for task in tasks:
        if task["answer"] == "accept":
            for s in task.get("spans", []):
                expected[(task["text"], task["text"][s["start"]:s["end"]], aliases.get(s["label"], s["label"]))] += 1
    got = Counter()
    for doc_id in store.document_ids():
        doc = store.document(doc_id)
        for span in store.spans(doc_id, "prodigy"):
            got[(doc.text, doc.text[span.start:span.end], span.label)] += 1
            assert span.origin == "import"
    assert got == expected and sum(got.values()) == 303
    assert store.document_count() == len({t["text"] for t in tasks})
    ignored = next(t for t in tasks if t["answer"] == "ignore")
    ignored_doc = store.document_by_hash(__import__("annotation.model", fromlist=["text_hash"]).text_hash(ignored["text"]))
    assert ignored_doc is not None and store.spans(ignored_doc.id) == []


def test_prodigy_label_map_overrides_the_alias(store):
    report = run(import_files(store, [fixture("prodigy_news_headlines_ner.jsonl")],
                              ImportOptions(as_annotator="p", label_map={"LOCATION": "GPE"})))
    assert not report.errors
    labels = Counter(s.label for d in store.document_ids() for s in store.spans(d, "p"))
    assert labels == {"ORG": 136, "GPE": 121, "PERSON": 38, "PRODUCT": 8}


def test_unknown_label_is_refused_with_the_list_and_nothing_is_imported(store):
    report = run(import_files(store, [fixture("prodigy_news_headlines_ner.jsonl")],
                              ImportOptions(as_annotator="p", label_map={"PRODUCT": "GADGET"})))
    assert len(report.errors) == 1
    assert "unknown label 'GADGET'" in report.errors[0] and "PERSON" in report.errors[0] and "--label-map" in report.errors[0]
    assert report.errors[0].startswith(str(fixture("prodigy_news_headlines_ner.jsonl").name)) or "prodigy_news" in report.errors[0]
    assert store.document_count() == 0  # one file, one transaction


def test_prodigy_binary_textcat_becomes_document_categories(store, tmp_path):
    path = fixture("prodigy_github_issues_textcat.jsonl")
    tasks = _jsonl(path)
    report = run(import_files(store, [path], ImportOptions(as_annotator="p")))
    assert not report.errors
    answers = Counter()
    for doc_id in store.document_ids():
        cats = store.document(doc_id).meta.get("categories", {}).get("p", {})
        answers[cats.get("DOCUMENTATION")] += 1
    expected = Counter(t["answer"] for t in tasks)
    assert answers[1.0] == expected["accept"] and answers[0.0] == expected["reject"] and answers[None] == expected["ignore"]
    # ... and they go out again as textcat data
    run(run_export(store, tmp_path / "cats.jsonl", "prodigy", ExportOptions("p")))
    out = [t for t in _jsonl(tmp_path / "cats.jsonl") if t.get("label") == "DOCUMENTATION"]
    assert Counter(t["answer"] for t in out) == {"accept": expected["accept"], "reject": expected["reject"]}


def test_doccano_sequence_labelling_with_custom_columns(store):
    path = fixture("doccano_sequence_labeling.jsonl")
    options = ImportOptions(as_annotator="d", text_column="column_data", label_column="column_label")
    report = run(import_files(store, [path], options, fmt="doccano"))
    assert not report.errors
    got = {(store.document(d).text[s.start:s.end], s.label) for d in store.document_ids() for s in store.spans(d, "d")}
    assert got == {("EU", "ORG"), ("Peter Blackburn", "PERSON"), ("Obama", "PERSON")}


def test_doccano_classification_becomes_document_categories(store):
    options = ImportOptions(as_annotator="d", text_column="column_data", label_column="column_label")
    report = run(import_files(store, [fixture("doccano_text_classification.jsonl")], options))
    assert not report.errors
    cats = {store.document(d).text: store.document(d).meta["categories"]["d"] for d in store.document_ids()}
    assert cats == {"Terrible customer service.": {"negative": 1.0}, "Really great transaction.": {"positive": 1.0},
                    "Great price.": {"positive": 1.0}}


@pytest.fixture
def relation_project(tmp_path: Path) -> Path:
    """A project whose schema has doccano's example relations (the default news schema has not)."""
    text = default_schema().source_text.replace(
        "[relation]\n", '[relation]\nfoundedAt = { color = "#111111" }\nfoundedBy = { color = "#222222" }\n')
    path = tmp_path / "rel.db"
    Store.create(path, parse_schema(text)).close()
    return path


@pytest.mark.parametrize("name", ["doccano_relation_extraction.jsonl", "doccano_export_relation_extraction.jsonl"])
def test_doccano_relations_arrive(relation_project, name):
    with Store.open(relation_project) as store:
        report = run(import_files(store, [fixture(name)], ImportOptions(as_annotator="d")))
        assert not report.errors, report.errors
        (doc_id,) = store.document_ids()
        text = store.document(doc_id).text
        spans = {s.id: (text[s.start:s.end], s.label) for s in store.spans(doc_id, "d")}
        relations = {(spans[r.head_id][0], r.label, spans[r.child_id][0]) for r in store.relations(doc_id, "d")}
    assert sorted(spans.values()) == [("Google", "ORG"), ("Larry Page", "PERSON"), ("September 4, 1998", "DATE"), ("Sergey Brin", "PERSON")]
    assert relations == {("Google", "foundedAt", "September 4, 1998"), ("Google", "foundedBy", "Larry Page"),
                         ("Google", "foundedBy", "Sergey Brin")}


def test_doccano_relations_unknown_to_the_schema_are_refused(store):
    report = run(import_files(store, [fixture("doccano_relation_extraction.jsonl")], ImportOptions(as_annotator="d")))
    assert report.errors and "unknown relation 'foundedAt'" in report.errors[0] and "coref" in report.errors[0]
    assert store.document_count() == 0


def test_cli_imports_the_headlines_then_exports_them_to_spacy(tmp_path):
    project = tmp_path / "p.db"
    env = {**os.environ, "GOLDSPAN_ANNOTATOR": "me"}

    def goldspan(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "annotation.cli", *args], capture_output=True, text=True, env=env, cwd=REPO)

    assert goldspan("init", str(project)).returncode == 0
    result = goldspan("import", str(project), str(fixture("prodigy_news_headlines_ner.jsonl")))
    assert result.returncode == 0, result.stderr
    assert "303 spans" in result.stdout
    result = goldspan("export", str(project), str(tmp_path / "out"), "--format", "spacy", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "-m spacy train" in result.stdout and (tmp_path / "out" / "config.cfg").exists()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["annotator"] == "me" and manifest["counts"]["spans"]["LOC"] == 121
    assert sum(manifest["split"]["documents"].values()) == 372  # the ignored headline has nothing
