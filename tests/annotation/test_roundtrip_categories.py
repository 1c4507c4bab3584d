"""Document categories (other tools' text classification) and stance CSV annotators go out and come back."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotation.exporters import ExportOptions, run_export
from annotation.import_job import import_files
from annotation.importers import ImportOptions
from annotation.jobs import run
from annotation.model import Document, ImportedArticle
from annotation.store import Store
from tests.annotation.test_export_support import make_project


def _categorised(path: Path) -> Path:
    with Store.create(path) as store, store.transaction():
        store.import_articles([ImportedArticle(Document(None, "t1", "t", "Docs are missing for the API."), categories={"DOCUMENTATION": 1.0}),
                               ImportedArticle(Document(None, "t2", "t", "Crash on start."), categories={"DOCUMENTATION": 0.0}),
                               ImportedArticle(Document(None, "t3", "t", "Add a README 😀."), categories={"DOCUMENTATION": 1.0, "BUG": 0.0})],
                              "t", "cat")
    return path


@pytest.mark.parametrize("fmt,out,files,positive_only", [
    ("prodigy", "c.jsonl", ["c.jsonl"], False),
    ("spacy", "c", ["c/train.spacy"], False),
    ("labelstudio", "c.json", ["c.json"], True),
    ("doccano", "c.jsonl", ["c.stance.jsonl"], True),
])
def test_categories_round_trip(tmp_path, fmt, out, files, positive_only):
    with Store.open(_categorised(tmp_path / "p.db"), read_only=True) as store:
        kw = {"split": (1.0,)} if fmt == "spacy" else {}
        run(run_export(store, tmp_path / out, fmt, ExportOptions("cat", **kw)))
    with Store.create(tmp_path / "q.db") as dst:
        report = run(import_files(dst, [tmp_path / f for f in files], ImportOptions(as_annotator="cat")))
        assert not report.errors, report.errors
        got = {dst.document(i).text: dst.document(i).meta.get("categories", {}).get("cat", {}) for i in dst.document_ids()}
    expected = {"Docs are missing for the API.": {"DOCUMENTATION": 1.0}, "Crash on start.": {"DOCUMENTATION": 0.0},
                "Add a README 😀.": {"DOCUMENTATION": 1.0, "BUG": 0.0}}
    if positive_only:  # these formats list the labels that apply, not the rejected ones
        expected = {k: {n: v for n, v in cats.items() if v} for k, cats in expected.items()}
        got = {k: {n: v for n, v in cats.items() if v} for k, cats in got.items()}
    assert got == expected


def test_stance_csv_keeps_the_annotator_column_unless_told(tmp_path):
    project = make_project(tmp_path / "p.db", 2)
    with Store.open(project) as store:
        run(run_export(store, tmp_path / "s.csv", "stance-csv", ExportOptions("ann")))
        rows = (tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()
        assert rows[0] == "article_id,comment_id,parent_id,target,label,annotator,time,comment_text,article_title"
        assert any(r.startswith("a0,c2,c1,@parent,disagree,ann,") for r in rows)
        (tmp_path / "t.csv").write_text(rows[0] + "\n" + "\n".join(r.replace(",ann,", ",bob,") for r in rows[1:]) + "\n", encoding="utf-8")
        assert not run(import_files(store, [tmp_path / "t.csv"], ImportOptions(), annotator="me")).errors
        assert len(store.stances(annotator="bob")) == 6 and not store.stances(annotator="me")
        assert not run(import_files(store, [tmp_path / "t.csv"], ImportOptions(as_annotator="carol"))).errors
        assert len(store.stances(annotator="carol")) == 6
