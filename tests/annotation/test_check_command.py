"""`goldspan check PROJECT.db`: SQLite's integrity plus Goldspan's invariants, one line a problem.

Each corruption is written with plain sqlite3 (as another program or an old Goldspan could), and
the check must name it in exactly one line and exit 1; a clean project exits 0 and prints nothing.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotation.cli import main
from annotation.commands import NEW_SPAN, AddSpan, SetStance
from annotation.model import ENTITY, QUOTE_LAYER, Comment, Document, ImportedArticle, Relation, Span
from annotation.store import Store

TEXT = "Anna Berg said \u201cit works\u201d in Oslo. \U0001F642"
COMMENT = "I agree with Anna."


def _build(path: Path) -> dict[str, int]:
    """A small clean project: an article with a quotation and an entity, a comment with a stance."""
    with Store.create(path) as store:
        with store.transaction():
            result = store.import_articles([ImportedArticle(Document(None, "d1", "T", TEXT), (Comment(None, None, "c1", COMMENT),))], "t")
        doc = result.document_ids[0]
        comment = store.comments(doc)[0].id
        assert comment is not None
        store.apply(AddSpan(Span(None, doc, None, 0, 9, "PERSON", ENTITY, "ann")))
        q0, q1 = TEXT.index("\u201c"), TEXT.index("\u201d") + 1
        store.apply(AddSpan(Span(None, doc, None, q0, q1, "QUOTE", QUOTE_LAYER, "ann")))
        quote = next(s.id for s in store.spans(doc) if s.label == "QUOTE")
        assert quote is not None
        store.apply(AddSpan(Span(None, doc, None, 0, 9, "SOURCE", QUOTE_LAYER, "ann"),
                            (Relation(None, doc, quote, NEW_SPAN, "source", "ann"),)))
        store.apply(SetStance(comment, store.targets(doc)[0], "ann", "favor"))
        return {"doc": doc, "comment": comment, "quote": quote,
                "person": next(s.id for s in store.spans(doc) if s.label == "PERSON"),  # type: ignore[dict-item]
                "source": next(s.id for s in store.spans(doc) if s.label == "SOURCE")}  # type: ignore[dict-item]


@pytest.fixture
def clean(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "p.db"
    return path, _build(path)


def _raw(path: Path, *statements: tuple[str, tuple]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for sql, params in statements:
        conn.execute(sql, params)
    conn.close()


def _span_sql(doc: int, comment: int | None, start: int, end: int, label: str, layer: str, who: str = "ann",
              span_id: int | None = None) -> tuple[str, tuple]:
    return ("INSERT INTO spans(id, document_id, comment_id, start, end, label, layer, annotator, origin, created, updated) "
            "VALUES (?,?,?,?,?,?,?,?, 'human', '', '')", (span_id, doc, comment, start, end, label, layer, who))


def _rel_sql(doc: int, head: int, child: int, label: str, who: str = "ann") -> tuple[str, tuple]:
    return ("INSERT INTO relations(document_id, head_id, child_id, label, annotator, origin, created) "
            "VALUES (?,?,?,?,?, 'human', '')", (doc, head, child, label, who))


def _run(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str]]:
    code = main(["check", str(path), *extra])
    out = capsys.readouterr().out
    return code, out.splitlines()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_clean_project_exits_0_and_prints_nothing_and_the_check_never_writes(clean, capsys) -> None:
    path, _ids = clean
    before = _digest(path)
    assert _run(path, capsys) == (0, [])
    assert _digest(path) == before
    code, lines = _run(path, capsys, "--json")
    assert code == 0 and json.loads("\n".join(lines)) == {"project": str(path), "ok": True, "problems": []}


CORRUPTIONS: dict[str, Callable[[dict[str, int]], list[tuple[str, tuple]]]] = {
    "span_outside_text": lambda i: [_span_sql(i["doc"], None, 30, 400, "GPE", ENTITY)],
    "duplicate_span": lambda i: [("DROP INDEX spans_identity", ()), _span_sql(i["doc"], None, 0, 9, "PERSON", ENTITY)],
    "orphan_quote_part": lambda i: [_span_sql(i["doc"], None, 10, 14, "CUE", QUOTE_LAYER)],
    "relation_across_units": lambda i: [
        _span_sql(i["doc"], i["comment"], 13, 17, "PERSON", ENTITY, span_id=500),
        _rel_sql(i["doc"], i["source"], 500, "coref")],
    "relation_across_layers": lambda i: [
        _span_sql(i["doc"], None, 30, 34, "GPE", ENTITY, who="bob", span_id=501),
        _rel_sql(i["doc"], i["source"], 501, "coref")],
    "relation_wrong_ends": lambda i: [_rel_sql(i["doc"], i["quote"], i["person"], "source")],
    "relation_label_unknown": lambda i: [_rel_sql(i["doc"], i["source"], i["person"], "likes")],
    "duplicate_relation": lambda i: [("DROP INDEX relations_identity", ()), _rel_sql(i["doc"], i["quote"], i["source"], "source")],
    "span_label_unknown": lambda i: [_span_sql(i["doc"], None, 30, 34, "CITY", ENTITY)],
    "span_layer_wrong": lambda i: [_span_sql(i["doc"], None, 30, 34, "GPE", QUOTE_LAYER)],
    # Rows no edit wrote (as an old import might hold): changing the logged stance would also
    # disagree with the edit log, a second, separate problem (see the log test below).
    "stance_label_unknown": lambda i: [("INSERT INTO stances(comment_id, target, label, annotator, created, updated) "
                                        "SELECT comment_id, target, 'meh', 'bob', created, updated FROM stances", ())],
    "stance_target_unknown": lambda i: [("INSERT INTO stances(comment_id, target, label, annotator, created, updated) "
                                         "SELECT comment_id, 'the moon', label, 'bob', created, updated FROM stances", ())],
    "foreign_key": lambda i: [("PRAGMA foreign_keys = OFF", ()), ("DELETE FROM comments", ()),
                              ("DELETE FROM spans WHERE comment_id IS NOT NULL", ())],
    "edit_unreadable": lambda i: [("INSERT INTO edits(time, annotator, action, document_id, command, inverse) "
                                   "VALUES ('t', 'ann', 'do', 1, '{oops', '{}')", ())],
    "edit_unknown_command": lambda i: [("INSERT INTO edits(time, annotator, action, document_id, command, inverse) "
                                        "VALUES ('t', 'ann', 'do', 1, '{\"kind\": \"teleport\"}', '{\"kind\": \"teleport\"}')", ())],
    "edit_document_missing": lambda i: [("INSERT INTO edits(time, annotator, action, document_id, command, inverse) "
                                         "VALUES ('t', 'ann', 'do', 99, '{\"kind\": \"batch\", \"commands\": []}', "
                                         "'{\"kind\": \"batch\", \"commands\": []}')", ())],
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_each_corruption_is_one_line_and_exit_1(clean, capsys, kind: str) -> None:
    path, ids = clean
    _raw(path, *CORRUPTIONS[kind](ids))
    code, lines = _run(path, capsys)
    assert code == 1
    if kind == "foreign_key":  # the stance row now points at a deleted comment
        assert lines and all(": foreign_key: " in line for line in lines)
        return
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: {kind}: ")
    code, out = _run(path, capsys, "--json")
    report = json.loads("\n".join(out))
    assert code == 1 and report["ok"] is False and [p["kind"] for p in report["problems"]] == [kind]


def test_a_damaged_file_is_reported_not_a_traceback(clean, capsys) -> None:
    path, _ids = clean
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'spans_identity'").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:  # scribble over one index page: the table data stays readable
        fh.seek((root - 1) * page_size)
        fh.write(b"\x0d" + b"\xff" * 200)
    code, lines = _run(path, capsys)
    assert code == 1 and lines and all(line.startswith(f"{path}: ") for line in lines)
    assert any(": integrity: " in line or ": unreadable: " in line for line in lines)


@settings(max_examples=40, deadline=None)
@given(start=st.integers(-3, len(COMMENT) + 4), end=st.integers(-3, len(COMMENT) + 4))
def test_spans_inside_their_text_is_judged_in_code_points(tmp_path_factory, start: int, end: int) -> None:
    path = tmp_path_factory.mktemp("h") / "p.db"
    ids = _build(path)
    _raw(path, _span_sql(ids["doc"], ids["comment"], start, end, "ORG", ENTITY))
    with Store.open(path, read_only=True) as store:
        kinds = [p.kind for p in store.check_problems()]
    inside = 0 <= start < end <= len(COMMENT)
    assert kinds == ([] if inside else ["span_outside_text"])


def test_a_text_with_a_nul_character_is_measured_like_python(tmp_path: Path) -> None:
    """SQLite's length() stops at NUL: a span after one is inside its text all the same."""
    path = tmp_path / "p.db"
    with Store.create(path) as store:
        with store.transaction():
            doc = store.import_articles([ImportedArticle(Document(None, "d", "T", "ab\x00cdef"))], "t").document_ids[0]
        store.apply(AddSpan(Span(None, doc, None, 3, 7, "ORG", ENTITY, "ann")))
        assert store.check_problems() == []


def test_changes_behind_goldspans_back_disagree_with_the_edit_log(tmp_path) -> None:
    """A stance or a span label changed with a plain `sqlite3` UPDATE, or a deleted span put
    back, is named: the log says what the last edit left."""
    import sqlite3 as raw_sqlite

    from annotation.commands import AddSpan, ClearStance, DeleteSpan, SetStance, UpdateSpan
    from annotation.model import ENTITY, Comment, Document, ImportedArticle, Span
    from annotation.store import Store

    path = tmp_path / "p.db"
    with Store.create(path) as store:
        with store.transaction():
            store.import_articles([ImportedArticle(Document(None, "d", "T", "Anna Berg met Carl Holm in Oslo."),
                                                   (Comment(None, None, "c1", "Good.", position=0),
                                                    Comment(None, None, "c2", "Bad.", position=1)))], "t")
        doc = store.document_ids()[0]
        c1, c2 = (c.id for c in store.comments(doc))
        store.apply(AddSpan(Span(None, doc, None, 0, 9, "PERSON", ENTITY, "ann")))
        anna = store.spans(doc)[0].id
        store.apply(UpdateSpan(anna, label="ORG"), "ann")
        store.apply(AddSpan(Span(None, doc, None, 14, 23, "PERSON", ENTITY, "ann")))
        carl = next(s for s in store.spans(doc) if s.start == 14)
        store.apply(DeleteSpan(carl.id), "ann")
        store.apply(SetStance(c1, "topic", "ann", "favor"))
        store.apply(SetStance(c2, "topic", "ann", "against"))
        store.apply(ClearStance(c2, "topic", "ann"))
        assert store.check_problems() == []
    conn = raw_sqlite.connect(path)
    conn.execute("UPDATE stances SET label = 'against' WHERE comment_id = ?", (c1,))
    conn.execute("UPDATE spans SET label = 'GPE' WHERE id = ?", (anna,))
    conn.execute("INSERT INTO spans(id, document_id, start, end, label, layer, annotator, origin, created, updated) "
                 "VALUES (?, ?, 14, 23, 'PERSON', 'entity', 'ann', 'human', 'x', 'x')", (carl.id, doc))
    conn.execute("INSERT INTO stances(comment_id, target, label, annotator, created, updated) "
                 "VALUES (?, 'topic', 'neutral', 'ann', 'x', 'x')", (c2,))
    conn.commit()
    conn.close()
    with Store.open(path, read_only=True) as store:
        kinds = sorted(p.kind for p in store.check_problems())
        messages = " | ".join(p.message for p in store.check_problems())
    assert kinds == ["log_mismatch"] * 4, messages
    assert "'against'" in messages and "'GPE'" in messages and "deleted it" in messages and "cleared it" in messages
