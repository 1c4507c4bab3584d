"""Accept-all and its undo update the text views in place from ``Changes.origins`` (no second
read of the document's spans): what a view shows afterwards must be exactly what a fresh load of
the document shows, span for span and character format for character format."""
from __future__ import annotations

from pathlib import Path
from typing import Callable
from unittest import mock

import pytest
from PySide6.QtGui import QTextCharFormat

from annotation.commands import UpdateSpan
from annotation.model import ORIGIN_HUMAN, ORIGIN_MODEL
from annotation.store import Store
from gui.app import open_window
from gui.views.annotated_text import AnnotatedTextView
from gui.views.span_index import SpanIndex
from tests.gui.gui_helpers import add_article, add_suggestion

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()


def _project(path: Path, n: int, accepted: Callable[[int], bool] = lambda i: i % 5 == 0) -> Path:
    """An article of ``n`` words: each an ORG suggestion (some already accepted), but two words
    made a QUOTE with its SOURCE; a comment with suggestions too, and a suggestion past the end
    of the article (from an old file: listed, not drawn)."""
    text = " ".join(WORDS[i % len(WORDS)] for i in range(n)) + "."
    store = Store.create(path)
    try:
        doc = add_article(store, text, "Many", comments=("alpha beta gamma", "delta epsilon"))
        places, position = [], 0
        for i in range(n):
            places.append((position, position + len(WORDS[i % len(WORDS)])))
            position = places[-1][1] + 1
        quote = add_suggestion(store, doc, places[3][0], places[6][1], "QUOTE", "tester")
        add_suggestion(store, doc, *places[1], "SOURCE", "tester", quote=quote)
        for i, (start, end) in enumerate(places):
            if i not in (3, 4, 5, 6):
                span_id = add_suggestion(store, doc, start, end, "ORG", "tester")
                if accepted(i):
                    store.apply(UpdateSpan(span_id, origin=ORIGIN_HUMAN), "tester")
        for comment in store.comments(doc):
            add_suggestion(store, doc, 0, 5, "PERSON", "tester", comment_id=comment.id)
        # bypassing the store's checks, as test_annotated_text does
        store.conn.execute(
            "INSERT INTO spans(document_id, comment_id, start, end, label, layer, annotator, origin, created, updated)"
            " VALUES (?, NULL, ?, ?, 'ORG', 'entity', 'tester', 'model', '', '')", (doc, len(text) - 1, len(text) + 40))
    finally:
        store.close()
    return path


def _window(qtbot, path: Path):  # type: ignore[no-untyped-def]
    window = open_window(path, "tester")
    assert window is not None
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def _formatted(view: AnnotatedTextView) -> list[list[tuple[int, int, object]]]:
    """Every block's character formats, after the view has formatted all of them."""
    while view._highlighter.deferred:
        view._highlight_deferred()
    out = []
    block = view.document().firstBlock()
    while block.isValid():
        out.append([(r.start, r.length, QTextCharFormat(r.format)) for r in block.layout().formats()])
        block = block.next()
    return out


def _shown(view: AnnotatedTextView) -> tuple:  # type: ignore[type-arg]
    index = view.span_index
    drawn = [(p.span, p.span.attrs, p.start, p.end) for p in index.in_order()]
    found = [(p.span, p.start, p.end) for p in index.overlapping(0, len(view.text()) * 2 + 2)]
    return drawn, found, dict(index.relations), dict(index.invalid), _formatted(view)


def _assert_as_fresh(window, view: AnnotatedTextView) -> None:  # type: ignore[no-untyped-def]
    fresh = AnnotatedTextView(window.session)
    try:
        fresh.resize(view.size())
        fresh.set_unit(view.unit())  # type: ignore[arg-type]
        assert _shown(view) == _shown(fresh)
        selected = view.selected_span()
        if selected is not None:
            assert selected == window.session.store.span(selected.id)  # what the inspector is given
    finally:
        fresh.deleteLater()


def _views(window) -> list[AnnotatedTextView]:  # type: ignore[no-untyped-def]
    return [v for v in window.findChildren(AnnotatedTextView) if v.unit() is not None]


def _round_trip(qtbot, tmp_path: Path, n: int, accepted: Callable[[int], bool] = lambda i: i % 5 == 0) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, _project(tmp_path / f"p{n}.db", n, accepted))
    store = window.session.store
    try:
        view = window.article
        view.select_span(next(p.span.id for p in view.span_index.in_order() if p.span.is_suggestion))
        assert len(_views(window)) >= 2  # the article and at least one comment
        for step in (window.accept_all, window.undo, window.redo, window.undo):
            before = {s.id: s.origin for s in store.spans(window.session.current_document, "tester")}
            # The views take what changed from the Changes record: the spans are not read again,
            # neither all of them (_refresh_spans) nor one by one (find_span, then upsert).
            with mock.patch.object(AnnotatedTextView, "_refresh_spans", side_effect=AssertionError("read again")), \
                    mock.patch.object(SpanIndex, "upsert", side_effect=AssertionError("read again")):
                step()
            after = {s.id: s.origin for s in store.spans(window.session.current_document, "tester")}
            assert after != before
            for shown in _views(window):
                _assert_as_fresh(window, shown)
        assert set(after.values()) == {ORIGIN_HUMAN, ORIGIN_MODEL}  # back as it was: some accepted before
    finally:
        window.close()
        store.close()


@pytest.mark.goldspan_check(allow=["span_outside_text"])
def test_accept_all_of_many_suggestions_shows_what_a_fresh_load_shows(qtbot, tmp_path):
    _round_trip(qtbot, tmp_path, 400)  # more than the view's bulk threshold: formatted again lazily


@pytest.mark.goldspan_check(allow=["span_outside_text"])
def test_accept_all_of_a_few_suggestions_shows_what_a_fresh_load_shows(qtbot, tmp_path):
    _round_trip(qtbot, tmp_path, 40)  # most of the article's spans: formatted again span by span


@pytest.mark.goldspan_check(allow=["span_outside_text"])
def test_accept_all_of_a_few_among_many_spans_shows_what_a_fresh_load_shows(qtbot, tmp_path):
    _round_trip(qtbot, tmp_path, 400, lambda i: i % 40 != 0)  # the index keeps its order span by span
