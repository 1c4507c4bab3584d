"""Edges of other tools' files: CoNLL I- after O only in files that are IOB1 throughout, a
Label Studio offset inside a surrogate pair, and output piped into a reader that stops early."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotation.import_job import import_files
from annotation.importers import ImportOptions
from annotation.jobs import run
from tests.annotation.test_export_support import make_project


def _import(store, path: Path, **kw):  # type: ignore[no-untyped-def]
    return run(import_files(store, [path], ImportOptions(as_annotator="x", **kw)))


def test_conll_iob1_throughout_is_read_as_iob1(store, tmp_path):
    path = tmp_path / "iob1.conll"
    # IOB1: I- opens a span, B- only between two adjacent spans of one type
    path.write_text("EU I-ORG\nrejects O\nGerman I-MISC\ncall O\nto O\nParis I-LOC\nBerlin B-LOC\n", encoding="utf-8")
    assert not _import(store, path, label_map={"MISC": "NORP"}).errors
    doc_id = store.document_ids()[0]
    text = store.document(doc_id).text
    assert [(text[s.start:s.end], s.label) for s in store.spans(doc_id)] == [
        ("EU", "ORG"), ("German", "NORP"), ("Paris", "LOC"), ("Berlin", "LOC")]


def test_conll_i_after_o_in_an_iob2_file_is_refused_with_its_line(store, tmp_path):
    path = tmp_path / "mixed.conll"
    path.write_text("-DOCSTART- -X- O O\n\nEU B-ORG\nrejects O\nGerman I-MISC\ncall O\n", encoding="utf-8")
    report = _import(store, path)
    assert report.errors == [f"{path}:5: an I- tag after O starts a span, which only IOB1 allows, but line 3 is IOB2; "
                             "fix the tag (B-) or write the whole file in one scheme"]
    assert store.document_count() == 0


def test_labelstudio_offset_inside_a_surrogate_pair_is_refused(store, tmp_path):
    text = "I 😀 Paris"  # the emoji is UTF-16 units 2-3
    result = [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": 3, "end": 10, "labels": ["GPE"]}}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"result": result}]}]), encoding="utf-8")
    report = _import(store, path)
    assert report.errors == [f"{path}:1: result a: start 3 falls inside the character '😀' (a surrogate pair in "
                             "Label Studio's UTF-16 offsets)"]


def test_output_piped_into_a_reader_that_stops_prints_no_traceback(tmp_path):
    project = make_project(tmp_path / "p.db", n=2)
    goldspan = f"'{sys.executable}' -m annotation.cli"
    for command in (f"{goldspan} export '{project}' '{tmp_path / 'o.jsonl'}' --format prodigy --annotator ann --quiet",
                    f"{goldspan} import '{project}' '{tmp_path / 'o.jsonl'}' --as-annotator bob"):
        done = subprocess.run(["sh", "-c", f"{command} | true"], capture_output=True, text=True, timeout=300,
                              cwd=Path(__file__).resolve().parents[2])
        assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def _task(text: str, *spans: tuple[int, int, str]) -> str:
    return json.dumps({"text": text, "_input_hash": hash(text) % 1000, "answer": "accept",
                       "spans": [{"start": s, "end": e, "label": label} for s, e, label in spans]}) + "\n"


def test_built_in_aliases_are_said_and_never_merge_two_labels(store, tmp_path, capsys):
    from annotation.cli import main

    merged = tmp_path / "merged.jsonl"
    merged.write_text(_task("Paris is in France.", (0, 5, "CITY")) + _task("Lyon and Spain.", (9, 14, "COUNTRY")), encoding="utf-8")
    report = _import(store, merged)
    assert report.errors == [f"{merged}:2: labels CITY and COUNTRY would all become GPE through built-in aliases; merging "
                             "them is for --label-map to say (--label-map CITY=GPE, --label-map COUNTRY=GPE), or map them "
                             "to different labels"]
    assert not _import(store, merged, label_map={"CITY": "GPE", "COUNTRY": "GPE"}).errors
    one = tmp_path / "one.jsonl"
    one.write_text(_task("Berlin is big.", (0, 6, "LOCATION")), encoding="utf-8")
    assert main(["import", str(store.path), str(one), "--as-annotator", "x"]) == 0
    assert "labels mapped by built-in aliases: LOCATION->LOC" in capsys.readouterr().out


def test_stance_corpus_rows_import_with_columns_and_count_what_was_stored(project, tmp_path, capsys):
    from annotation.cli import main
    from annotation.store import Store

    path = tmp_path / "semeval.csv"
    path.write_text('Tweet,Target,Stance\n"I love God, truly",Atheism,0\nGod is dead,Atheism,2\n"I love God, truly",Atheism,0\n'
                    'Hillary rocks,Hillary Clinton,2\n', encoding="utf-8")
    args = ["import", str(project), str(path), "--format", "stance-csv", "--text-column", "Tweet", "--target-column", "Target",
            "--label-column", "Stance", "--group-by", "Target", "--as-annotator", "x",
            "--label-map", "0=against", "--label-map", "1=neutral", "--label-map", "2=favor"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "imported 2 new documents" in out and "3 comments" in out and "3 stance labels" in out  # the repeated row is not
    with Store.open(project) as store:
        got = set()
        for doc_id in store.document_ids():
            texts = {c.id: c.text for c in store.comments(doc_id)}
            got |= {(store.document(doc_id).text, texts[s.comment_id], s.target, s.label) for s in store.stances(doc_id, "x")}
    assert got == {("Atheism", "I love God, truly", "Atheism", "against"), ("Atheism", "God is dead", "Atheism", "favor"),
                   ("Hillary Clinton", "Hillary rocks", "Hillary Clinton", "favor")}
    assert main(args) == 0  # again: nothing new is stored, and nothing is counted
    assert "0 comments, 0 spans, 0 relations, 0 stance labels" in capsys.readouterr().out
