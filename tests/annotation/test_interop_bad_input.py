"""Other tools' files with bad offsets, mismatched span texts or broken lines: one clear line
naming the file and line, and nothing of that file imported."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotation.import_job import import_files
from annotation.importers import ImportOptions
from annotation.jobs import run


def _import(store, path: Path, fmt: str | None = None, **kw):  # type: ignore[no-untyped-def]
    return run(import_files(store, [path], ImportOptions(as_annotator="x", **kw), fmt))


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


GOOD = {"text": "Angela Merkel visited Paris.", "_input_hash": 1, "_task_hash": 2, "answer": "accept",
        "spans": [{"start": 0, "end": 13, "label": "PERSON"}]}


def test_prodigy_offsets_beyond_the_text(store, tmp_path):
    bad = {**GOOD, "text": "Short.", "spans": [{"start": 0, "end": 40, "label": "PERSON"}]}
    report = _import(store, _write_jsonl(tmp_path / "p.jsonl", [GOOD, bad]))
    assert report.errors == [f"{tmp_path / 'p.jsonl'}:2: span 0-40 (PERSON) is beyond the text (length 6)"]
    assert store.document_count() == 0


def test_prodigy_span_text_not_matching_its_offsets(store, tmp_path):
    bad = {**GOOD, "spans": [{"start": 0, "end": 6, "label": "PERSON", "text": "Merkel"}]}
    report = _import(store, _write_jsonl(tmp_path / "p.jsonl", [GOOD, GOOD, bad]))
    assert len(report.errors) == 1 and ":3: span 0-6 (PERSON): the file says 'Merkel' but the text there is 'Angela'" in report.errors[0]
    assert store.document_count() == 0


def test_prodigy_broken_line_names_it(store, tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{broken\n", encoding="utf-8")
    report = _import(store, path)
    assert report.errors and ":2: broken JSON line" in report.errors[0]
    assert store.document_count() == 0


def test_doccano_offsets_beyond_the_text(store, tmp_path):
    path = _write_jsonl(tmp_path / "d.jsonl", [{"text": "EU rejects it.", "label": [[0, 2, "ORG"], [5, 99, "ORG"]]}])
    report = _import(store, path)
    assert report.errors == [f"{path}:1: span 5-99 (ORG) is beyond the text (length 14)"]


def test_doccano_relation_to_a_missing_entity(store, tmp_path):
    path = _write_jsonl(tmp_path / "d.jsonl", [{"text": "Google hired Page.", "entities": [
        {"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"}], "relations": [{"from_id": 0, "to_id": 5, "type": "coref"}]}])
    report = _import(store, path)
    assert report.errors and ":1: relation" in report.errors[0] and "not in this line" in report.errors[0]


def test_labelstudio_text_mismatch_after_utf16_conversion(store, tmp_path):
    text = "😀 Merkel spoke."
    good = {"start": 3, "end": 9, "text": "Merkel", "labels": ["PERSON"]}  # UTF-16: the emoji is two units
    bad = {"start": 2, "end": 8, "text": "Merkel", "labels": ["PERSON"]}
    tasks = [{"data": {"text": text}, "annotations": [{"result": [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "value": v}]}]}
             for v in (good, bad)]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    report = _import(store, path)
    assert len(report.errors) == 1 and ":2: span 1-7 (PERSON): the file says 'Merkel'" in report.errors[0]
    assert store.document_count() == 0
    path.write_text(json.dumps(tasks[:1]), encoding="utf-8")
    assert not _import(store, path).errors
    (span,) = store.spans(store.document_ids()[0])
    assert text[span.start:span.end] == "Merkel"


def test_brat_offsets_and_text_checked(store, tmp_path):
    (tmp_path / "a.txt").write_text("Merkel met Macron.", encoding="utf-8")
    ann = tmp_path / "a.ann"
    ann.write_text("T1\tPERSON 0 6\tMerkel\nT2\tPERSON 11 17\tMacrom\n", encoding="utf-8")
    report = _import(store, ann)
    assert report.errors == [f"{ann}:2: T2: the file says 'Macrom' but the text at 11 17 is 'Macron'"]
    ann.write_text("T1\tPERSON 0 60\tMerkel\n", encoding="utf-8")
    assert "beyond the text (length 18)" in _import(store, ann).errors[0]
    assert store.document_count() == 0


def test_brat_fragments_relations_events_and_attributes(store, tmp_path):
    text = "“We agreed,” he said.\nUshakov is an aide."
    (tmp_path / "q.txt").write_text(text, encoding="utf-8")
    (tmp_path / "q.ann").write_text(
        "T1\tQUOTE 0 12\t“We agreed,”\nT2\tSOURCE 13 15\the\nT3\tCUE 16 20\tsaid\nT4\tAttribution 16 20\tsaid\n"
        "T5\tPERSON 22 29\tUshakov\nE1\tAttribution:T4 Content:T1 Source:T2 Cue:T3\nR1\tcoref Arg1:T2 Arg2:T5\n"
        "A1\tIndirect T1\n#1\tAnnotatorNotes T5\tthe aide\n", encoding="utf-8")
    report = _import(store, tmp_path / "q.ann")
    assert not report.errors
    doc_id = store.document_ids()[0]
    spans = {s.id: s for s in store.spans(doc_id)}
    assert sorted((text[s.start:s.end], s.label) for s in spans.values()) == sorted([
        ("he", "SOURCE"), ("said", "CUE"), ("Ushakov", "PERSON"), ("“We agreed,”", "QUOTE")])
    rels = {(text[spans[r.head_id].start:spans[r.head_id].end], r.label, text[spans[r.child_id].start:spans[r.child_id].end])
            for r in store.relations(doc_id)}
    assert rels == {("“We agreed,”", "source", "he"), ("“We agreed,”", "cue", "said"), ("he", "coref", "Ushakov")}
    quote = next(s for s in spans.values() if s.label == "QUOTE")
    assert quote.attrs == {"direct": False}


def test_conll_bad_tag_names_the_line(store, tmp_path):
    path = tmp_path / "c.conll"
    path.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP X-MISC\n", encoding="utf-8")
    report = _import(store, path)
    assert report.errors == [f"{path}:4: tag 'X-MISC' is not IOB (expected O, B-X, I-X, E-X or S-X)"]


def test_conll_misc_needs_a_mapping(store, tmp_path):
    path = tmp_path / "c.conll"
    path.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n", encoding="utf-8")
    report = _import(store, path)
    assert report.errors and "unknown label 'MISC'" in report.errors[0]
    assert not _import(store, path, label_map={"MISC": "NORP"}).errors
    text = store.document(store.document_ids()[0]).text
    assert text == "EU rejects German" and {(text[s.start:s.end], s.label) for s in store.spans(store.document_ids()[0])} == {
        ("EU", "ORG"), ("German", "NORP")}


def test_stance_csv_unknown_comment_or_article(store, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("article_id,comment_id,target,label\nnope,1,topic,favor\n", encoding="utf-8")
    report = _import(store, path)
    assert report.errors == [f"{path.name}:2: article 'nope' is not in the project (import the articles first)"] or \
        "article 'nope' is not in the project" in report.errors[0]


@pytest.mark.parametrize("content", [b"", b"\x00\x01binary", b"\xff\xfe\x00broken"])
def test_spacy_docbin_that_is_not_one(store, tmp_path, content):
    path = tmp_path / "x.spacy"
    path.write_bytes(content)
    report = _import(store, path)
    assert len(report.errors) == 1 and str(path) in report.errors[0]


def test_labelstudio_unlabelled_relation_needs_a_name(store, tmp_path):
    text = "He is Sergey Lavrov. He said so."
    result = [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 2, "labels": ["SOURCE"]}},
        {"id": "b", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 6, "end": 19, "labels": ["PERSON"]}},
        {"id": "q", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 29, "end": 31, "labels": ["QUOTE"]}},
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": []},
        # An unlabelled arrow from the SOURCE to its QUOTE can only be that link: named and turned round.
        {"from_id": "a", "to_id": "q", "type": "relation", "direction": "right", "labels": []},
    ]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 7, "data": {"text": text}, "annotations": [{"result": result}]}]), encoding="utf-8")
    report = _import(store, path)
    assert report.errors and "has no label" in report.errors[0] and "--label-map =LABEL" in report.errors[0]
    assert not _import(store, path, label_map={"": "coref"}).errors
    doc_id = store.document_ids()[0]
    labels = {s.id: s.label for s in store.spans(doc_id)}
    rels = {(labels[r.head_id], labels[r.child_id], r.label) for r in store.relations(doc_id)}
    assert rels == {("SOURCE", "PERSON", "coref"), ("QUOTE", "SOURCE", "source")}
    assert store.document(doc_id).ext_id == "7"


def test_prodigy_relation_finds_its_span_by_label_when_offsets_repeat(store, tmp_path):
    task = {"text": "Merkel said so.", "_input_hash": 1, "answer": "accept",
            "spans": [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 0, "end": 6, "label": "SOURCE"},
                      {"start": 7, "end": 11, "label": "QUOTE"}],
            "relations": [{"head": 2, "child": 0, "label": "source", "head_span": {"start": 7, "end": 11, "label": "QUOTE"},
                           "child_span": {"start": 0, "end": 6, "label": "SOURCE"}}]}
    assert not _import(store, _write_jsonl(tmp_path / "p.jsonl", [task])).errors
    doc_id = store.document_ids()[0]
    spans = {s.id: s.label for s in store.spans(doc_id)}
    (rel,) = store.relations(doc_id)
    assert (spans[rel.head_id], spans[rel.child_id]) == ("QUOTE", "SOURCE")
