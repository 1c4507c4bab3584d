"""Honest imports (issue 10, items 4 and 5, and "Bad input and failure"): format detection never
drops annotations, spans are checked against the stored text, and every malformed file gets one
line naming the file and line, a non-zero exit, the project unchanged, while the other files of
the same command still import."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotation.cli import main
from annotation.store import Store
from tests.helpers import INTEROP, shared

GOOD_ARTICLE = {"id": "good-1", "title": "Good", "text": "A good article that imports whatever came before it."}


def state(project: Path) -> list[str]:
    """Everything in the project, comparable before and after a refused import."""
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        # The writer note (who has the project open, since when) is not the project's content.
        return [line for line in conn.iterdump() if not line.startswith("INSERT INTO \"meta\" VALUES('writer'")]
    finally:
        conn.close()


def _good_file(tmp_path: Path) -> Path:
    path = tmp_path / "zz_good.jsonl"
    path.write_text(json.dumps(GOOD_ARTICLE) + "\n", encoding="utf-8")
    return path


def _ext_ids(project: Path) -> set[str]:
    with Store.open(project, read_only=True) as store:
        return {store.document(i).ext_id for i in store.document_ids()}


def _span_count(project: Path) -> int:
    with Store.open(project, read_only=True) as store:
        return sum(store.stats()["spans_by_label"].values())


# -- item 4: a first record over 64 KB --------------------------------------------------------

LONG = ("Angela Merkel met Emmanuel Macron in Paris. " * 1700).strip()  # ~75 KB


def _long_spans() -> list[tuple[int, int, str]]:
    spans = []
    for pos in range(0, len(LONG), len("Angela Merkel met Emmanuel Macron in Paris. ")):
        spans.append((pos, pos + 13, "PERSON"))
        spans.append((pos + 37, pos + 42, "GPE"))
    return spans


def test_a_doccano_file_whose_first_record_is_over_64_kb_keeps_every_span(project, tmp_path, capsys):
    spans = _long_spans()
    path = tmp_path / "big.jsonl"
    records = [{"text": LONG, "label": [list(s) for s in spans]}, {"text": "EU rejects it.", "label": [[0, 2, "ORG"]]}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert len(path.read_text().splitlines()[0].encode()) > 64 * 1024
    code = main(["import", str(project), str(path), "--as-annotator", "ann"])
    assert code == 0, capsys.readouterr().err
    assert _span_count(project) == len(spans) + 1


def test_a_prodigy_file_whose_first_record_is_over_64_kb_keeps_every_span(project, tmp_path, capsys):
    spans = _long_spans()
    path = tmp_path / "big.jsonl"
    task = {"text": LONG, "spans": [{"start": s, "end": e, "label": label} for s, e, label in spans],
            "_input_hash": 1, "_task_hash": 2, "answer": "accept"}
    path.write_text(json.dumps(task) + "\n", encoding="utf-8")
    code = main(["import", str(project), str(path), "--as-annotator", "ann"])
    assert code == 0, capsys.readouterr().err
    assert _span_count(project) == len(spans)


def test_the_real_prodigy_fixture_behind_a_long_first_line_is_still_prodigy(project, tmp_path, capsys):
    lines = shared(*INTEROP, "prodigy_news_headlines_ner.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["meta"] = {**first.get("meta", {}), "padding": "x" * 70_000}  # the marks come after 64 KB
    first = {k: first[k] for k in sorted(first, key=lambda k: k != "meta")}
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    assert main(["import", str(project), str(path), "--as-annotator", "ann"]) == 0, capsys.readouterr().err
    assert _span_count(project) > 0


def test_a_pretty_printed_label_studio_file_with_a_long_first_text_is_label_studio(project, tmp_path, capsys):
    task = {"data": {"text": LONG}, "annotations": [{"result": [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 13, "labels": ["PERSON"]}}]}]}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task], indent=2), encoding="utf-8")
    assert main(["import", str(project), str(path), "--as-annotator", "ann"]) == 0, capsys.readouterr().err
    assert _span_count(project) == 1


def test_annotation_keys_no_importer_claims_are_refused_not_dropped(project, tmp_path, capsys):
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({"text": "Angela Merkel spoke.", "spans": [{"start": 0, "end": 13, "label": "PERSON"}]}) + "\n",
                    encoding="utf-8")
    before = state(project)
    assert main(["import", str(project), str(path), "--as-annotator", "ann"]) == 1
    (line,) = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert f"{path}:1:" in line and "spans" in line
    assert state(project) == before
    # Said explicitly, the user gets articles (the keys kept as metadata).
    assert main(["import", str(project), str(path), "--format", "jsonl"]) == 0


def test_a_labelled_csv_is_refused_rather_than_its_labels_dropped(project, tmp_path, capsys):
    path = tmp_path / "labelled.csv"
    path.write_text("text,label\nThe council voted for the ferry.,politics\n", encoding="utf-8")
    before = state(project)
    assert main(["import", str(project), str(path)]) == 1
    (line,) = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert line.startswith(f"goldspan: error: {path}:1: ") and "label" in line
    assert state(project) == before
    assert main(["import", str(project), str(path), "--format", "csv"]) == 0


@pytest.mark.parametrize("records, fmt", [
    ([{"text": "Google hired Page.", "entities": [{"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"}], "relations": []},
      {"text": "Angela Merkel spoke.", "spans": [{"start": 0, "end": 13, "label": "PERSON"}]}], "doccano"),
    ([{"text": "Google hired Page.", "_input_hash": 1, "answer": "accept", "spans": []},
      {"text": "Angela Merkel spoke.", "_input_hash": 2, "answer": "accept",
       "entities": [{"id": 0, "start_offset": 0, "end_offset": 13, "label": "PERSON"}]}], "Prodigy"),
])
def test_keys_the_chosen_importer_cannot_place_are_refused(project, tmp_path, capsys, records, fmt):
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    before = state(project)
    assert main(["import", str(project), str(path), "--as-annotator", "ann"]) == 1
    (line,) = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert line.startswith(f"goldspan: error: {path}:2: ") and fmt in line
    assert state(project) == before


# -- item 5: spans against the stored text ------------------------------------------------------


def test_spans_are_checked_against_the_stored_comment_not_the_files(project, tmp_path, capsys):
    body = "Angela Merkel visited Paris on Monday."
    article = {"id": "a1", "title": "T", "text": body, "comments": [{"id": "c1", "text": "Short comment.."}]}
    src = tmp_path / "articles.jsonl"
    src.write_text(json.dumps(article) + "\n", encoding="utf-8")
    assert main(["import", str(project), str(src)]) == 0
    before = state(project)
    longer = "A much longer comment where Berlin appears."
    records = [
        {"text": body, "entities": [{"id": 0, "start_offset": 0, "end_offset": 13, "label": "PERSON"}], "relations": [],
         "meta": {"document": "a1", "unit": "body", "title": "T"}},
        {"text": longer, "entities": [{"id": 0, "start_offset": 28, "end_offset": 34, "label": "GPE"}], "relations": [],
         "meta": {"document": "a1", "unit": "c1"}},
    ]
    path = tmp_path / "other.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["import", str(project), str(path), "--as-annotator", "ann"]) == 1
    (line,) = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    # the comment's own record (line 2), not the article's first line
    assert line.startswith(f"goldspan: error: {path}:2:") and "'c1'" in line and "differs" in line
    assert state(project) == before  # not even the body's span


def test_a_span_beyond_the_stored_text_is_refused_even_when_the_file_gives_no_text(project, tmp_path):
    from annotation.model import Comment, Document, ImportedArticle, ImportedSpan
    from annotation.errors import InputError

    with Store.open(project) as store:
        with store.transaction():
            store.import_articles([ImportedArticle(Document(None, "a1", "T", "Body text here."),
                                                   (Comment(None, None, "c1", "Sixteen chars..."),))], "f")
        labels = ImportedArticle(Document(None, "a1", "", ""), (Comment(None, None, "c1", ""),),
                                 spans=(ImportedSpan("s", 20, 26, "PERSON", comment_ext_id="c1"),), refers_to_existing=True)
        with pytest.raises(InputError, match="outside the comment 'c1' as stored"):
            with store.transaction():
                store.import_articles([labels], "labels.jsonl", "ann")
        assert store.stats()["spans_by_label"] == {}


# -- the fuzzing causes: one line, file and line, project unchanged, later files imported ----------

P_TASK = {"text": "Angela Merkel visited Paris.", "_input_hash": 1, "_task_hash": 2, "answer": "accept",
          "spans": [{"start": 0, "end": 13, "label": "PERSON"}, {"start": 22, "end": 27, "label": "GPE"}]}
LS_TASK = {"data": {"text": "Angela Merkel visited Paris."}, "annotations": [{"result": [
    {"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 13, "labels": ["PERSON"]}},
    {"id": "b", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 22, "end": 27, "labels": ["GPE"]}}]}]}
PAGE = "<html><head><title>T</title></head><body><article>\n<p>First paragraph of the page.</p>\n<p>Bad \x00 here.</p></article></body></html>"


def _relation(head: object, child: object = None, label: object = "coref") -> dict:
    return {**P_TASK, "relations": [{"head": 0, "child": 1, "label": label, "head_span": head,
                                     "child_span": child if child is not None else {"start": 22, "end": 27, "label": "GPE"}}]}


def _ls(result_patch: dict) -> list:
    task = json.loads(json.dumps(LS_TASK))
    task["annotations"][0]["result"].append(result_patch)
    return [LS_TASK, task]


def _lines(*records: object) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


CASES = {
    # name: (file name, content, line)
    "json nested 10,000 deep": ("deep.jsonl", _lines(P_TASK) + "[" * 10_000 + "]" * 10_000 + "\n", 2),
    "json file nested 10,000 deep": ("deep.json", "[" * 10_000 + "]" * 10_000, 1),
    "lone surrogate in jsonl": ("sur.jsonl", _lines(GOOD_ARTICLE | {"id": "s0"}) + '{"id": "s1", "text": "bad \\ud800 text"}\n', 2),
    "lone surrogate in prodigy": ("surp.jsonl", _lines(P_TASK) + json.dumps(P_TASK)[:-1] + ', "meta": {"x": "\\udfff"}}\n', 2),
    "csv with a blank first line": ("blank.csv", "\ntext,title\nSome article text,T\n", 1),
    "nul in decoded html": ("nul.html", PAGE, 3),
    "prodigy relations not a list": ("rel1.jsonl", _lines(P_TASK, {**P_TASK, "relations": 5}), 2),
    "prodigy relation offsets a list": ("rel2.jsonl", _lines(_relation({"start": [0], "end": 13, "label": "PERSON"})), 1),
    "prodigy relation label a list": ("rel3.jsonl", _lines(_relation({"start": 0, "end": 13, "label": ["PERSON"]})), 1),
    "prodigy relation span a string": ("rel4.jsonl", _lines(P_TASK, _relation("0-13")), 2),
    "labelstudio labels a number": ("ls1.json", json.dumps(_ls({"id": "c", "type": "labels", "value": {"start": 0, "end": 6, "labels": 5}})), 2),
    "labelstudio labels nested": ("ls2.json", json.dumps(_ls({"id": "c", "type": "labels", "value": {"start": 0, "end": 6, "labels": [["PERSON"]]}})), 2),
    "labelstudio relation labels a number": ("ls3.json", json.dumps(_ls({"type": "relation", "from_id": "a", "to_id": "b", "labels": 7})), 2),
    "labelstudio choices a string": ("ls4.json", json.dumps(_ls({"id": "d", "type": "choices", "from_name": "x", "value": {"choices": "favor"}})), 2),
}


def _brat(tmp_path: Path, name: str, comments: object) -> Path:
    (tmp_path / f"{name}.txt").write_text("Angela Merkel visited Paris.", encoding="utf-8")
    (tmp_path / f"{name}.ann").write_text("T1\tPERSON 0 13\tAngela Merkel\n", encoding="utf-8")
    (tmp_path / f"{name}.c1.txt").write_text("A comment.", encoding="utf-8")
    (tmp_path / f"{name}.c1.ann").write_text("", encoding="utf-8")
    (tmp_path / f"{name}.thread").write_text(json.dumps({"id": name, "title": "T", "comments": comments}, indent=1), encoding="utf-8")
    return tmp_path / f"{name}.ann"


BRAT_CASES = {
    "brat thread file with a slash": ([{"id": "c0", "file": "b.c1"}, {"id": "c1", "file": "../elsewhere/b.c1"}], 11),
    "brat thread entry not an object": ([{"id": "c0", "file": "b.c1"}, 5], 9),
}


def _bad_file(tmp_path: Path, case: str) -> tuple[Path, Path, int]:
    """(path to import, path the error names, line)."""
    if case in BRAT_CASES:
        comments, line = BRAT_CASES[case]
        ann = _brat(tmp_path, "b", comments)
        return ann, tmp_path / "b.thread", line
    name, content, line = CASES[case]
    path = tmp_path / name
    if name.endswith(".html"):
        path.write_bytes(content.encode("utf-16"))  # a BOM: NUL bytes pass the binary check, the NUL is decoded
    else:
        path.write_text(content, encoding="utf-8")
    return path, path, line


@pytest.mark.parametrize("case", [*CASES, *BRAT_CASES])
def test_malformed_input_is_one_line_and_changes_nothing(project, tmp_path, capsys, case):
    path, named, line = _bad_file(tmp_path, case)
    before = state(project)
    assert main(["import", str(project), str(path), "--as-annotator", "ann"]) == 1
    err = capsys.readouterr().err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"goldspan: error: {named}:{line}: "), lines[0]
    assert state(project) == before


@pytest.mark.parametrize("case", [*CASES, *BRAT_CASES])
def test_malformed_input_does_not_stop_the_files_after_it(project, tmp_path, capsys, case):
    path, named, _ = _bad_file(tmp_path, case)
    good = _good_file(tmp_path)
    assert main(["import", str(project), str(path), str(good), "--as-annotator", "ann"]) == 1
    err = capsys.readouterr().err
    assert [x for x in err.splitlines() if x.strip()][0].startswith(f"goldspan: error: {named}:")
    assert "good-1" in _ext_ids(project)


def test_an_unforeseen_importer_error_is_one_line_and_the_rest_go_on(project, tmp_path, capsys, monkeypatch):
    from annotation.importers import base

    def explode(path, options, progress):  # type: ignore[no-untyped-def]
        yield from ()
        raise ZeroDivisionError("a case no importer foresaw")

    monkeypatch.setitem(base.IMPORTERS, "boom", base.ImporterSpec("boom", (".boom",), explode))
    bad = tmp_path / "a.boom"
    bad.write_text("x")
    good = _good_file(tmp_path)
    assert main(["import", str(project), str(bad), str(good)]) == 1
    err = capsys.readouterr().err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"goldspan: error: {bad}: ") and "ZeroDivisionError" in lines[0]
    assert "good-1" in _ext_ids(project)


def test_a_binary_file_without_line_ends_is_refused_after_the_sniff_stops_reading(project, tmp_path, capsys):
    zeros = tmp_path / "zeros.jsonl"
    zeros.write_bytes(b"\x00" * 200_000)  # no line end at all: sniffing must not read on for ever
    good = _good_file(tmp_path)
    assert main(["import", str(project), str(zeros), str(good)]) == 1
    lines = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert lines == [f"goldspan: error: {zeros}:1: binary file (NUL byte at offset 0), not text"]
    assert "good-1" in _ext_ids(project)


def test_the_project_itself_is_never_read_as_input(project, tmp_path, capsys):
    """A link (or hard link) to the project named like an input file: reading it would drop
    SQLite's locks on the project in this process; it is refused by inode, unread."""
    import os

    link = tmp_path / "sneaky.jsonl"
    link.symlink_to(project)
    hard = tmp_path / "hard.jsonl"
    os.link(project, hard)
    good = _good_file(tmp_path)
    assert main(["import", str(project), str(link), str(hard), str(good)]) == 1
    lines = [x for x in capsys.readouterr().err.splitlines() if x.strip()]
    assert lines == [f"goldspan: error: {link}: is the project itself (or one of its files), not something to import",
                     f"goldspan: error: {hard}: is the project itself (or one of its files), not something to import"]
    assert "good-1" in _ext_ids(project)


def test_the_real_command_prints_one_line_per_bad_file_and_imports_the_rest(project, tmp_path):
    """The installed entry point (not just main()): every fuzzing cause in one command, then a good file."""
    import os
    import subprocess
    import sys

    from tests.helpers import REPO

    paths, expected = [], []
    for n, case in enumerate([*CASES, *BRAT_CASES]):
        folder = tmp_path / f"case{n}"
        folder.mkdir()
        path, named, line = _bad_file(folder, case)
        paths.append(str(path))
        expected.append(f"goldspan: error: {named}:{line}: ")
    paths.append(str(_good_file(tmp_path)))
    result = subprocess.run([sys.executable, "-m", "gui.launcher", "import", str(project), *paths, "--as-annotator", "ann"],
                            capture_output=True, text=True, cwd=REPO, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == len(expected) and all(line.startswith(prefix) for line, prefix in zip(lines, expected)), lines
    assert "good-1" in _ext_ids(project)
