"""A document annotated from the keyboard alone; preferences that persist."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QTextBrowser

from annotation.model import ORIGIN_HUMAN, ORIGIN_MODEL
from gui import settings
from gui.cheatsheet import CheatSheet
from tests.gui.gui_helpers import ARTICLE, add_suggestion, make_project
from tests.gui.test_main_window import _close, _window


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return make_project(tmp_path / "demo.db")


def test_whole_document_from_the_keyboard(qtbot, demo):
    window = _window(qtbot, demo)
    view = window.article
    store = window.session.store
    doc = window.session.current_document
    add_suggestion(store, doc, ARTICLE.index("Monday"), ARTICLE.index("Monday") + 6, "DATE", "tester")
    window.open_document(doc)
    assert QApplication.focusWidget() is view
    # Tab walks to the first span (the wrong ORG), a key relabels it, Enter accepts it and
    # moves on to the next suggestion.
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_span().label == "ORG"
    qtbot.keyClick(view, "p")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.selected_span().label == "GPE"
    # Caret and Shift+Ctrl+Right select words; the selection snaps to whole tokens.
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(ARTICLE.index("Critics")):
        qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, "n")
    critics = ARTICLE.index("Critics")
    assert any((s.start, s.end, s.label) == (critics, critics + 7, "NORP") for s in store.spans(doc))
    # One key accepts every remaining suggestion of the document, as one undo step.
    assert any(s.origin == ORIGIN_MODEL for s in store.spans(doc))
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert all(s.origin == ORIGIN_HUMAN for s in store.spans(doc))
    window.undo_action.trigger()
    assert sum(s.origin == ORIGIN_MODEL for s in store.spans(doc)) == 2  # GPE and DATE again
    # Delete from the keyboard, undo brings it back with its id.
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    selected = view.selected_span_id()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert store.find_span(selected) is None
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    assert store.find_span(selected) is not None
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # redo
    assert store.find_span(selected) is None
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.find_span(selected) is not None
    # The comments from the keyboard too (Ctrl+3, a stance key each), then Ctrl+Enter: done,
    # and the next undone document opens.
    qtbot.keyClick(view, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.thread.tree, "13")
    assert {s.label for s in store.stances(doc, "tester")} == {"favor", "neutral"}
    qtbot.keyClick(window.thread.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store.status(doc, "tester").status == "done"
    assert window.session.current_document != doc
    _close(window)


def test_hover_highlights_the_quotation_group(qtbot, demo):
    window = _window(qtbot, demo)
    view = window.article
    store = window.session.store
    doc = window.session.current_document
    q0, q1 = ARTICLE.index("We will"), ARTICLE.index("by May") + 6
    view.select_text(q0, q1)
    qtbot.keyClick(view, "q")
    she = ARTICLE.index("she said")
    view.select_text(she, she + 3)
    qtbot.keyClick(view, "s")
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    source = next(s for s in store.spans(doc) if s.label == "SOURCE")
    quote = next(s for s in store.spans(doc) if s.label == "QUOTE")
    rect = view.cursor_rect_at(she + 1)
    qtbot.mouseMove(view.viewport(), QPoint(1, 1))  # from somewhere else: a real move
    qtbot.mouseMove(view.viewport(), QPoint(rect.right() + 2, rect.center().y()))
    assert view.hover_group() == {source.id, quote.id}
    _close(window)


def test_cheat_sheet_lists_every_label_key(qtbot, demo):
    window = _window(qtbot, demo)
    qtbot.keyClick(window.article, Qt.Key.Key_F1)
    sheets = [w for w in QApplication.topLevelWidgets() if isinstance(w, CheatSheet) and w.isVisible()]
    assert sheets
    browser = sheets[0].findChild(QTextBrowser)
    plain = browser.toPlainText()
    for definition in window.store.schema.span_labels():
        assert definition.name in plain
    assert "Ctrl+Enter" in plain and "Alt+drag" in plain
    assert "next comment still to label" in plain and "a reply's stance toward its parent" in plain
    sheets[0].close()
    _close(window)


def test_font_size_and_layout_persist(qtbot, demo):
    window = _window(qtbot, demo)
    size = settings.font_size()
    qtbot.keyClick(window.article, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert settings.font_size() == size + 1
    assert window.article.font().pointSize() == size + 1
    window.main_splitter.setSizes([200, 700, 400])
    sizes = window.main_splitter.sizes()
    _close(window)
    again = _window(qtbot, demo)
    assert again.article.font().pointSize() == size + 1
    # The side panes keep their widths; the article takes what the window gives it (the
    # offscreen screen is smaller than the first window, so the restored window is too).
    restored = again.main_splitter.sizes()
    assert (restored[0], restored[2]) == (sizes[0], sizes[2])
    assert settings.last_project() == str(demo.resolve())
    _close(again)


def test_document_list_from_the_keyboard(qtbot, demo):
    window = _window(qtbot, demo)
    first = window.session.current_document
    qtbot.keyClick(window.article, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.documents.table
    qtbot.keyClick(window.documents.table, Qt.Key.Key_Down)
    assert window.session.current_document != first
    assert window.article_title.text() == "Second"
    qtbot.keyClick(window.documents.table, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.session.current_document == first
    _close(window)
