"""A spaCy export whose dev set is (or holds) its training documents says so: in the report the
command line prints (stderr, after the train command) and the File > Export dialog shows."""
from __future__ import annotations

import json
from pathlib import Path

from annotation.cli import main
from annotation.exporters import ExportOptions, run_export
from annotation.jobs import run
from annotation.model import GOLD, Document, ImportedArticle, ImportedSpan
from annotation.store import Store
from tests.annotation.test_export_support import make_project


def _one_gold_document(path: Path) -> Path:
    body = "Angela Merkel met them in Hamburg today."
    with Store.create(path) as store, store.transaction():
        store.import_articles([ImportedArticle(Document(None, "m1", "Merkel in Hamburg", body), (),
                                               (ImportedSpan("a", 0, 13, "PERSON"), ImportedSpan("b", 26, 33, "GPE")))],
                              "t", GOLD)
    return path


def test_a_single_gold_document_in_train_and_dev_is_a_warning(tmp_path, capsys):
    project = _one_gold_document(tmp_path / "one.db")
    out = tmp_path / "out"
    assert main(["export", str(project), str(out), "--format", "spacy", "--gold", "--quiet"]) == 0
    printed = capsys.readouterr()
    assert "train with:" in printed.out
    assert printed.err.strip().splitlines() == [
        "warning: 1 document(s) are in both train and dev (“Merkel in Hamburg”): the layer has too few annotated "
        "articles for a separate dev set, so spacy train's scores are on text it has seen; annotate more articles "
        "for a real evaluation"]
    with Store.open(project, read_only=True) as store:
        report = run(run_export(store, tmp_path / "again", "spacy", ExportOptions(GOLD)))
    assert report.documents == {"train": 1, "dev": 1, "test": 0}
    assert len(report.warnings) == 1 and "both train and dev" in report.warnings[0]
    manifest = json.loads(report.manifest.read_text(encoding="utf-8"))
    assert manifest["warnings"] == report.warnings  # the warning stays with the files, not only on the terminal


def test_no_dev_split_is_a_warning_and_a_real_split_is_not(tmp_path, capsys):
    project = make_project(tmp_path / "p.db", 10)
    assert main(["export", str(project), str(tmp_path / "all"), "--format", "spacy", "--annotator", "ann",
                 "--split", "1", "--quiet"]) == 0
    assert "warning: no dev split: config.cfg evaluates on the 10 training document(s) themselves" in capsys.readouterr().err
    assert main(["export", str(project), str(tmp_path / "split"), "--format", "spacy", "--annotator", "ann", "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err
