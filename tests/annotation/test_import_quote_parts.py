"""Imports keep the quotation invariant the editor keeps: a SOURCE or CUE is stored only hanging
from its QUOTE (attached when the file says how, refused with file and line when it does not),
and errors about one comment name that comment's own line."""
from __future__ import annotations

import json
from pathlib import Path

from annotation.exporters import ExportOptions, run_export
from annotation.import_job import import_files
from annotation.importers import ImportOptions
from annotation.jobs import run
from annotation.store import Store
from tests.annotation.test_export_support import make_project

TEXT = "Merkel said the talks went well."


def _import(store: Store, path: Path, fmt: str | None = None, **kw):  # type: ignore[no-untyped-def]
    return run(import_files(store, [path], ImportOptions(as_annotator="x", **kw), fmt))


def _rels(store: Store) -> set[tuple[str, str, str]]:
    doc_id = store.document_ids()[0]
    labels = {s.id: s.label for s in store.spans(doc_id)}
    return {(labels[r.head_id], labels[r.child_id], r.label) for r in store.relations(doc_id)}


def _ls_task(result: list[dict]) -> str:
    return json.dumps([{"id": 1, "data": {"text": TEXT}, "annotations": [{"result": result}]}], indent=1)


def _ls_span(ident: str, start: int, end: int, label: str) -> dict:
    return {"id": ident, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "labels": [label]}}


def test_labelstudio_lone_source_is_refused_with_file_and_line(store, tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(_ls_task([_ls_span("s", 0, 6, "SOURCE"), _ls_span("q", 12, 31, "QUOTE")]), encoding="utf-8")
    report = _import(store, path)
    assert report.errors == [f"{path}:1: SOURCE 0-6 'Merkel' belongs to no QUOTE (link it from its QUOTE with a source "
                             "relation, or map the label to an entity with --label-map)"]
    assert store.document_count() == 0


def test_labelstudio_left_arrow_is_read_from_to_id(store, tmp_path):
    path = tmp_path / "ls.json"
    rel = {"from_id": "s", "to_id": "q", "type": "relation", "direction": "left", "labels": ["source"]}
    path.write_text(_ls_task([_ls_span("s", 0, 6, "SOURCE"), _ls_span("q", 12, 31, "QUOTE"), rel]), encoding="utf-8")
    assert not _import(store, path).errors
    assert _rels(store) == {("QUOTE", "SOURCE", "source")}


def _brat(tmp_path: Path, ann: str, text: str = TEXT) -> Path:
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "doc.ann"
    path.write_text(ann, encoding="utf-8")
    return path


def test_brat_lone_cue_is_refused_naming_its_own_line(store, tmp_path):
    ann = "T1\tSOURCE 0 6\tMerkel\nT2\tQUOTE 12 31\tthe talks went well\nT3\tCUE 7 11\tsaid\nE1\tAttribution:T3 Content:T2 Source:T1\n"
    # T3 is the event's trigger (brat's own way of giving the cue): attached, not refused.
    assert not _import(store, _brat(tmp_path, ann)).errors
    assert _rels(store) == {("QUOTE", "SOURCE", "source"), ("QUOTE", "CUE", "cue")}
    lone = "T1\tSOURCE 0 6\tMerkel\nT2\tQUOTE 12 31\tthe talks went well\nT3\tCUE 7 11\tsaid\nR1\tsource Arg1:T2 Arg2:T1\n"
    with Store.create(tmp_path / "other.db") as other:
        path = _brat(tmp_path, lone)
        report = _import(other, path)
        assert len(report.errors) == 1 and report.errors[0].startswith(f"{path}:3: CUE 7-11 'said' belongs to no QUOTE")
        assert other.document_count() == 0


def test_brat_source_relation_drawn_from_the_source_is_turned_round(store, tmp_path):
    ann = "T1\tSOURCE 0 6\tMerkel\nT2\tQUOTE 12 31\tthe talks went well\nR1\tsource Arg1:T1 Arg2:T2\n"
    assert not _import(store, _brat(tmp_path, ann)).errors
    assert _rels(store) == {("QUOTE", "SOURCE", "source")}


def test_prodigy_source_relation_with_wrong_ends_is_refused(store, tmp_path):
    task = {"text": TEXT, "_input_hash": 1, "answer": "accept",
            "spans": [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 0, "end": 6, "label": "SOURCE"}],
            "relations": [{"head": 0, "child": 0, "label": "source", "head_span": {"start": 0, "end": 6, "label": "PERSON"},
                           "child_span": {"start": 0, "end": 6, "label": "SOURCE"}}]}
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"text": "Other text.", "_input_hash": 2}) + "\n" + json.dumps(task) + "\n", encoding="utf-8")
    report = _import(store, path)
    assert report.errors == [f"{path}:2: relation source goes from PERSON to SOURCE; it must go from a QUOTE to its SOURCE"]
    assert store.document_count() == 0


def test_conll_source_tags_are_refused_on_their_line(store, tmp_path):
    path = tmp_path / "x.conll"
    path.write_text("-DOCSTART- -X- -X- O\n\nMerkel _ _ B-SOURCE\nsaid _ _ O\n\nShe _ _ B-PERSON\n", encoding="utf-8")
    report = _import(store, path)
    assert len(report.errors) == 1 and report.errors[0].startswith(f"{path}:3: SOURCE 0-6 'Merkel' belongs to no QUOTE")


def test_changed_comment_text_names_the_comments_own_line(tmp_path):
    project = make_project(tmp_path / "p.db", n=1)
    out = tmp_path / "out.jsonl"
    with Store.open(project) as store:
        run(run_export(store, out, "prodigy", ExportOptions("ann")))
        lines = out.read_text(encoding="utf-8").splitlines()
        numbers = [i for i, line in enumerate(lines, 1) if json.loads(line)["meta"]["unit"] == "c1"]
        number = numbers[0]
        assert number > 1  # the body comes first: the article's line is not the comment's
        for n in numbers:  # every record of the comment (its spans, its stance) carries the changed text
            task = json.loads(lines[n - 1])
            task["text"] = task["text"].replace("clever", "CLEVER")
            lines[n - 1] = json.dumps(task, ensure_ascii=False)
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = run(import_files(store, [out], ImportOptions(as_annotator="other")))
    assert len(report.errors) == 1 and report.errors[0].startswith(f"{out}:{number}: the comment 'c1' of article 'a0' differs")
