"""Review and agreement count a suggestion left in a document its annotator marked done as that
annotator's; an export without suggestions leaves it out. The export says so instead of silently
teaching a model that those words are not entities."""
from __future__ import annotations

import json
from pathlib import Path

from annotation.commands import AddSpan, SetOrigins, SetStatus
from annotation.exporters import ExportOptions, run_export
from annotation.jobs import run
from annotation.model import ENTITY, ORIGIN_HUMAN, ORIGIN_MODEL, Document, ImportedArticle, Span
from annotation.store import Store

TEXT = "Angela Merkel met Emmanuel Macron in Hamburg today."


def _project(path: Path) -> tuple[Path, int, list[int]]:
    with Store.create(path) as store:
        with store.transaction():
            store.import_articles([ImportedArticle(Document(None, "m1", "Merkel", TEXT), ())], "t")
        doc = store.document_by_ext_id("m1")
        assert doc is not None and doc.id is not None
        store.apply(AddSpan(Span(None, doc.id, None, 0, 13, "PERSON", ENTITY, "ann", ORIGIN_HUMAN)), "ann")
        for start, end, label in ((18, 33, "PERSON"), (37, 44, "GPE")):
            store.apply(AddSpan(Span(None, doc.id, None, start, end, label, ENTITY, "ann", ORIGIN_MODEL, model="m 1")), "ann")
        suggestions = [s.id for s in store.spans(doc.id) if s.origin == ORIGIN_MODEL and s.id is not None]
        return path, doc.id, suggestions


def _export(project: Path, out: Path, include: bool = False):  # type: ignore[no-untyped-def]
    with Store.open(project, read_only=True) as store:
        return run(run_export(store, out, "prodigy", ExportOptions("ann", include_suggestions=include)))


def test_suggestions_left_in_a_done_document_are_a_warning_until_accepted(tmp_path: Path) -> None:
    project, doc, suggestions = _project(tmp_path / "p.db")
    assert _export(project, tmp_path / "open.jsonl").warnings == []  # not done: the annotator is still at it
    with Store.open(project) as store:
        store.apply(SetStatus(doc, "ann", "done"), "ann")
    report = _export(project, tmp_path / "done.jsonl")
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("2 model suggestion(s) left untouched in 1 document(s) marked done are not exported")
    manifest = json.loads(report.manifest.read_text(encoding="utf-8"))
    assert manifest["warnings"] == report.warnings
    assert _export(project, tmp_path / "with.jsonl", include=True).warnings == []  # asked for: exported, nothing to say
    with Store.open(project) as store:
        store.apply(SetOrigins(tuple(suggestions), ORIGIN_HUMAN), "ann")
    assert _export(project, tmp_path / "accepted.jsonl").warnings == []
