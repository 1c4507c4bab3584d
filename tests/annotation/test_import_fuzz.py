"""Fuzzing every import format: valid files (Goldspan's own exports of each format, the real
Prodigy and doccano files, articles as JSONL, CSV, text and HTML) are mutated — truncated,
bytes inserted or removed, values swapped for another type — and `goldspan import` must never
print a traceback and never import half a file: either it imports, or it says one line naming
the file and leaves the project exactly as it was."""
from __future__ import annotations

import itertools
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from annotation.cli import main
from annotation.exporters import ExportOptions, run_export
from annotation.jobs import run
from annotation.store import Store
from tests.annotation.test_export_support import make_project
from tests.helpers import INTEROP, shared

# Seeds: for each format, files as {name: bytes} and the name to import.
Bundle = tuple[dict[str, bytes], str]

ARTICLE = {"id": "n1", "title": "News", "url": "https://example.org/n1", "text": "Angela Merkel visited Paris on Monday.\n\nShe said so.",
           "comments": [{"id": "c1", "author": "ann", "text": "Good visit."}, {"id": "c2", "parent": "c1", "text": "Agreed!"}]}
CSV_THREADS = ("article_id,comment_id,parent_id,author,title,text\n"
               "a1,,,,Title,\"Angela Merkel visited Paris.\"\n"
               "a1,c1,,bob,,\"Nice, really.\"\n"
               "a1,c2,c1,eve,,Agreed\n")
TXT = ("Angela Merkel visited Paris on Monday.\n\nShe met the president.\n\n"
       "1. Great article\n   • I agree\n2. Another view\n")
HTML = ("<html><head><title>News</title><meta property=\"article:published_time\" content=\"2024-01-01\"></head>"
        "<body><article><h1>News</h1><p>Angela Merkel visited Paris on Monday.</p><p>She met the president.</p></article>"
        "<ol class=\"commentlist\"><li class=\"comment\" id=\"comment-1\"><div class=\"comment-content\"><p>Great</p></div>"
        "<ol class=\"children\"><li class=\"comment\" id=\"comment-2\"><div class=\"comment-content\"><p>Agreed</p></div></li></ol>"
        "</li></ol></body></html>")


def _exports(root: Path) -> dict[str, Bundle]:
    """Goldspan's own export of a small annotated project in every format that imports back."""
    project = make_project(root / "seed.db", 2)
    out: dict[str, Bundle] = {}
    with Store.open(project, read_only=True) as store:
        for fmt, name in (("prodigy", "x.jsonl"), ("doccano", "x.jsonl"), ("labelstudio", "x.json"), ("conll", "x.conll"),
                          ("stance-csv", "x.csv"), ("spacy", "spacy"), ("brat", "brat")):
            target = root / fmt / name
            run(run_export(store, target, fmt, ExportOptions(annotator="ann")))
            folder = target if target.is_dir() else target.parent
            files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
                     if p.is_file() and "manifest" not in p.name}
            main_file = {"spacy": "all.spacy", "brat": "a0.ann"}.get(fmt, name)
            if fmt == "spacy":
                main_file = next(n for n in files if n.endswith(".spacy"))
            out[fmt] = (files, main_file)
    return out


def _fixture_lines(name: str, n: int) -> bytes:
    lines = shared(*INTEROP, name).read_bytes().splitlines(keepends=True)
    return b"".join(lines[:n])


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Bundle]:
    out = _exports(tmp_path_factory.mktemp("seeds"))
    out["prodigy-real"] = ({"news.jsonl": _fixture_lines("prodigy_news_headlines_ner.jsonl", 12)}, "news.jsonl")
    out["prodigy-textcat-real"] = ({"issues.jsonl": _fixture_lines("prodigy_github_issues_textcat.jsonl", 12)}, "issues.jsonl")
    for name in ("doccano_export_relation_extraction.jsonl", "doccano_relation_extraction.jsonl",
                 "doccano_sequence_labeling.jsonl", "doccano_text_classification.jsonl"):
        out[name] = ({name: _fixture_lines(name, 50)}, name)
    out["jsonl"] = ({"a.jsonl": (json.dumps(ARTICLE) + "\n" + json.dumps({**ARTICLE, "id": "n2", "text": "Other."}) + "\n").encode()}, "a.jsonl")
    out["json"] = ({"a.json": json.dumps([ARTICLE]).encode()}, "a.json")
    out["csv"] = ({"t.csv": CSV_THREADS.encode()}, "t.csv")
    out["txt"] = ({"s.txt": TXT.encode()}, "s.txt")
    out["html"] = ({"p.html": HTML.encode()}, "p.html")
    return out


# -- mutations --------------------------------------------------------------------------------

INTERESTING = [b"\x00", b"\xff", b"\xc3", b'"', b"{", b"[", b"]", b"}", b",", b"\n", b"\r", b"\t", b";", b":", b"\\",
               b"\\ud800", b"-1", b"99999999", b"1e309", b"null", b"<", b"&#0;", b"\xef\xbb\xbf", b"[" * 5000]
VALUES: list[Any] = [None, True, False, 0, -1, 10**30, 1.5, "", "x", "\ud800", [], {}, [[1, 2, "X"]], {"a": 1},
                     [None], "../../etc/passwd", "a/b", "PERSON", {"start": "0"}]


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every position (as a key path) inside a parsed JSON value."""
    out = [prefix]
    stack = [(node, prefix)]
    while stack:
        item, path = stack.pop()
        children = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        for key, child in children:
            out.append((*path, key))
            stack.append((child, (*path, key)))
    return out


def _replace(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    parent = node
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return node


@st.composite
def retyped(draw: st.DrawFn, data: bytes) -> bytes:
    """One value of a JSON document (or of one JSONL line) replaced by a value of another type;
    for other text, a number swapped for a word or the other way round."""
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if line.strip()]
    try:
        whole = json.loads(text)
        paths = _paths(whole)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        return json.dumps(_replace(whole, path, draw(st.sampled_from(VALUES)))).encode()
    except ValueError:
        pass
    if candidates:
        i = candidates[draw(st.integers(0, len(candidates) - 1))]
        try:
            parsed = json.loads(lines[i])
        except ValueError:
            parsed = None
        if parsed is not None:
            paths = _paths(parsed)
            path = paths[draw(st.integers(0, len(paths) - 1))]
            lines[i] = json.dumps(_replace(parsed, path, draw(st.sampled_from(VALUES))))
            return "\n".join(lines).encode()
    tokens = list(re.finditer(r"\d+|[A-Za-z]+", text))
    if not tokens:
        return data
    m = tokens[draw(st.integers(0, len(tokens) - 1))]
    swap = draw(st.sampled_from(["x", "-1", "99999", "", "1.5", "0"]))
    return (text[: m.start()] + swap + text[m.end():]).encode()


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "insert", "delete", "retype", "retype", "retype", "duplicate"]))
    at = draw(st.integers(0, len(data)))
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        extra = draw(st.one_of(st.sampled_from(INTERESTING), st.binary(min_size=1, max_size=6)))
        return data[:at] + extra + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 40)):]
    if kind == "duplicate":
        lines = data.splitlines(keepends=True)
        if not lines:
            return data
        i = draw(st.integers(0, len(lines) - 1))
        return b"".join(lines[: i + 1] + [lines[i]] + lines[i + 1:])
    return draw(retyped(data))


# -- the property -----------------------------------------------------------------------------


def _state(project: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        # The writer note (who has the project open, since when) is not the project's content.
        return [line for line in conn.iterdump() if not line.startswith("INSERT INTO \"meta\" VALUES('writer'")]
    finally:
        conn.close()


_counter = itertools.count()


def _check_one(project: Path, root: Path, bundle: Bundle, which: str, data: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    files, main_file = bundle
    folder = root / f"case{next(_counter)}"
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data if name == which else content)
    before = _state(project)
    capsys.readouterr()
    code = main(["import", str(project), str(folder / main_file), "--as-annotator", "fz", "--annotator", "fz"])
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert code in (0, 1)
    if code != 0:
        errors = [line for line in err.splitlines() if line.startswith("goldspan: error: ")]
        assert len(errors) == 1, err
        assert str(folder) in errors[0], errors[0]
        assert _state(project) == before, f"half a file imported: {errors[0]}"


FORMATS = ["prodigy", "doccano", "labelstudio", "conll", "stance-csv", "spacy", "brat", "prodigy-real",
           "prodigy-textcat-real", "doccano_export_relation_extraction.jsonl", "doccano_relation_extraction.jsonl",
           "doccano_sequence_labeling.jsonl", "doccano_text_classification.jsonl", "jsonl", "json", "csv", "txt", "html"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_mutated_files_never_crash_the_import_nor_import_half(fmt, seeds, tmp_path, capsys):
    project = tmp_path / "fuzz.db"
    Store.create(project).close()
    bundle = seeds[fmt]
    # stance-csv labels comments that must already be in the project: the articles go in first.
    if fmt == "stance-csv":
        brat_files, _ = seeds["brat"]
        folder = tmp_path / "articles"
        for name, content in brat_files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
        assert main(["import", str(project), str(folder), "--as-annotator", "other"]) == 0
    names = sorted(bundle[0])

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        which = data.draw(st.sampled_from(names), label="file")
        mutated_bytes = data.draw(mutated(bundle[0][which]), label="content")
        _check_one(project, tmp_path, bundle, which, mutated_bytes, capsys)

    check()
