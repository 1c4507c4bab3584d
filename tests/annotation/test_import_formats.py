"""CSV and HTML articles, folders, big files, and the bad input those formats bring."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotation.import_job import import_files
from annotation.importers import ImportOptions
from annotation.jobs import run
from annotation.store import Store


def _import(store: Store, *paths: Path, options: ImportOptions | None = None, fmt: str | None = None):
    return run(import_files(store, list(paths), options, fmt))


def _threads(store: Store) -> dict[str, tuple]:
    """ext_id -> (document, {comment ext_id: comment}) for every document."""
    out = {}
    for doc_id in store.document_ids():
        doc = store.document(doc_id)
        out[doc.ext_id] = (doc, {c.ext_id: c for c in store.comments(doc_id)})
    return out


# -- CSV ------------------------------------------------------------------------------------

def test_csv_articles_one_a_row_with_meta_and_multiline_text(store, tmp_path):
    path = tmp_path / "articles.csv"
    path.write_text(
        'id,title,url,published,body,section\n'
        'a1,Harbour reopens,https://example.org/a1,2026-03-01,"The harbour in Valdoria reopened.\n\nZoë Brandt said it was ""overdue"".",ports\n'
        'a2,,,,"Second article, with a comma.",\n',
        encoding="utf-8",
    )
    report = _import(store, path, options=ImportOptions(text_column="body"))
    assert not report.errors
    docs = _threads(store)
    a1, _ = docs["a1"]
    assert a1.title == "Harbour reopens" and a1.url == "https://example.org/a1" and a1.published == "2026-03-01"
    assert a1.text == 'The harbour in Valdoria reopened.\n\nZoë Brandt said it was "overdue".'
    assert a1.meta == {"section": "ports"}
    a2, comments = docs["a2"]
    assert a2.title == "Second article, with a comma." and a2.meta == {} and comments == {}


def test_csv_comment_rows_build_threads_in_any_order(store, tmp_path):
    path = tmp_path / "threads.csv"
    path.write_text(
        "article_id,comment_id,parent_id,author,time,text,title,likes\n"
        "n1,c2,c1,Łukasz,2026-03-02T10:05,I disagree with you.,,1\n"
        "n1,,,,,The council voted 5-4 to close the ferry.,Ferry closes,\n"
        "n1,c1,,Zoë,2026-03-02T10:00,About time.,,7\n"
        "n2,,,,,Another story entirely.,,\n"
        "n1,c3,c2,Ana,,\"Multi\nline reply\",,\n",
        encoding="utf-8",
    )
    report = _import(store, path)
    assert not report.errors, report.errors
    docs = _threads(store)
    n1, comments = docs["n1"]
    assert n1.title == "Ferry closes" and n1.text == "The council voted 5-4 to close the ferry."
    assert [c.ext_id for c in sorted(comments.values(), key=lambda c: c.position)] == ["c2", "c1", "c3"]
    assert comments["c2"].parent_id == comments["c1"].id and comments["c3"].parent_id == comments["c2"].id
    assert comments["c1"].author == "Zoë" and comments["c1"].time == "2026-03-02T10:00"
    assert comments["c1"].meta == {"likes": "7"} and comments["c3"].text == "Multi\nline reply"
    assert docs["n2"][1] == {}


def test_csv_semicolons_and_windows_1252(store, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("id;text\r\nx1;Müller’s café in São Paulo closed — “for good”, he said.\r\n".encode("cp1252"))
    report = _import(store, path)
    assert not report.errors, report.errors
    (doc, _), = _threads(store).values()
    assert doc.text == "Müller’s café in São Paulo closed — “for good”, he said."


@pytest.mark.parametrize("content, expected", [
    ("id,body\n1,x\n", "bad.csv:1: no 'text' column (columns: id, body)"),
    ("article_id,comment_id,target,label\na,1,ferry,favor\n", "bad.csv:1: this looks like a stance-label sheet"),
    ("id,text\n1,fine\n2,\n", "bad.csv:3: the article text (column 'text') is empty"),
    ("id,text\n1,fine\n2,\"unclosed\n3,x\n", "bad.csv:3: broken CSV"),
    ("id,text\n1,fine\n2,two,three\n", "bad.csv:3: 3 cells but the header has 2 columns"),
    ("article_id,comment_id,text\na,,body\na,c1,reply\nb,c2,orphan\n", "bad.csv:4: comments for article 'b' but no article row"),
    ("article_id,comment_id,text\na,,body\na,,again\n", "bad.csv:3: a second article row for article 'a'"),
    ("id,text,id\n1,x,2\n", "bad.csv:1: column 'id' appears twice"),
])
def test_bad_csv_names_file_and_line_and_imports_nothing(store, tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    report = _import(store, path)
    assert len(report.errors) == 1 and expected in report.errors[0], report.errors
    assert store.document_count() == 0


def test_csv_text_column_option_from_the_command_line(tmp_path):
    from tests.annotation.test_import import goldspan

    project = tmp_path / "p.db"
    assert goldspan("init", str(project)).returncode == 0
    path = tmp_path / "a.csv"
    path.write_text("headline,content\nH,Body text here.\n")
    result = goldspan("import", str(project), str(path), "--text-column", "content", "--title-column", "headline")
    assert result.returncode == 0, result.stderr
    with Store.open(project, read_only=True) as s:
        (doc,) = list(s.iter_documents())
    assert doc.title == "H" and doc.text == "Body text here."
