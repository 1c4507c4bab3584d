"""Markup in titles and target names is shown literally; control characters typed in the search
box neither raise nor leave the document list half reset."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6 import QtGui
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from annotation.store import Store
from gui.app import open_window
from gui.models.document_list import TITLE_COLUMN, DocumentListModel
from gui.plain_text import plain_tooltip
from tests.gui.gui_helpers import add_article, make_project

HOSTILE = "<b>Bold</b> <img src=file:///etc/passwd> & co"


def _as_qt_shows(tooltip: str) -> str:
    """What a tooltip displays: Qt renders it as HTML whenever it looks like HTML."""
    if QtGui.Qt.mightBeRichText(tooltip):
        doc = QTextDocument()
        doc.setHtml(tooltip)
        return doc.toPlainText()
    return tooltip


def test_plain_tooltip_keeps_every_character(qtbot):
    for text in (HOSTILE, "a\nb <i>c</i>", "plain", "x < y > z", "&amp; stays &amp;"):
        assert _as_qt_shows(plain_tooltip(text)) == text


def test_document_list_tooltip_shows_markup_literally(qtbot, tmp_path: Path):
    store = Store.create(tmp_path / "p.db")
    try:
        add_article(store, "Some text about a bridge.", HOSTILE, ext_id="x")
        model = DocumentListModel(store, "tester")
        tip = model.data(model.index(0, TITLE_COLUMN), Qt.ItemDataRole.ToolTipRole)
        shown = _as_qt_shows(tip)
        assert shown.splitlines()[0] == HOSTILE
    finally:
        store.close()


def test_stance_target_tooltip_shows_markup_literally(qtbot):
    from annotation.schema import default_schema
    from gui.views.stance_controls import StanceControls

    schema = default_schema()
    controls = StanceControls(schema.stance_labels, schema.reply_labels)
    qtbot.addWidget(controls)
    controls.show_comment(HOSTILE, None, False, None)
    assert _as_qt_shows(controls.target_row.title.toolTip()) == f"Stance toward {HOSTILE}"


def test_nul_in_search_box(qtbot, tmp_path: Path):
    path = make_project(tmp_path / "p.db")
    window = open_window(path, "tester")
    assert window is not None
    try:
        window.show()
        panel = window.documents
        total = panel.model.rowCount()
        assert total == 2
        panel.search.setFocus()
        for text, expected in (("\x00", 2), ("Sec\x00", 1), ("\x00\x01 bridge", 1), ("x\x00y", 0)):
            panel.search.clear()
            # Pasted, as a user gets a NUL into a line edit (QTest cannot type one).
            QApplication.clipboard().setText(text)
            qtbot.keyClick(panel.search, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
            assert panel.search.text() == text
            qtbot.keyClick(panel.search, Qt.Key.Key_Return)
            # The list is whole (not inside a reset) and answers; a NUL acts like a space.
            assert panel.model.rowCount() == expected, repr(text)
            assert all(panel.model.document_id(r) for r in range(expected))
        panel.search.clear()
        panel.apply_filter()
        assert panel.model.rowCount() == total
    finally:
        store = window.session.store
        window.close()
        store.close()
