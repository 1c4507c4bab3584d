"""The keyboard cheat sheet (F1): everything can be done without the mouse."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from annotation.schema import Schema

KEYS = [
    ("Text", [
        ("Arrows, Ctrl+arrows", "move the caret by character / word"),
        ("Shift+(Ctrl+)arrows", "select words; a selection snaps to whole tokens"),
        ("Mouse drag", "select (snaps to tokens); Alt+drag keeps exact characters"),
        ("View ▸ Snap selections", "turn snapping off: character mode for mouse and keyboard"),
        ("Label key", "mark the selection with that label; on a selected span: relabel it"),
        ("Tab / Shift+Tab", "select the next / previous span"),
        ("Click", "select the span under the mouse (click again: the span around it)"),
        ("Enter", "accept the selected suggestion (it becomes yours) and go to the next"),
        ("Delete", "remove the selected span"),
        ("Alt+Left / Alt+Right", "move the start of the selected span by one token"),
        ("Alt+Shift+Left / Right", "move the end of the selected span by one token"),
        ("Esc", "clear the selection"),
    ]),
    ("Quotations", [
        ("q", "mark the selection as QUOTE (it becomes the current quotation)"),
        ("s / v", "mark SOURCE / CUE: linked to the current quotation"),
        ("Tab to a name, then s", "the same words become the SOURCE of the current quotation"),
        ("Ctrl+L", "link the selected SOURCE (he, the minister) to the entity it refers to: "
                   "then click it, or Tab to it and press Enter"),
    ]),
    ("Documents", [
        ("Ctrl+Enter", "mark the document done and open the next undone one (like Mark done: every comment "
                       "needs a stance first; the status bar names those still without one)"),
        ("Ctrl+Shift+A", "accept every suggestion in the document"),
        ("Ctrl+PgDown / Ctrl+PgUp", "next / previous document"),
        ("Ctrl+F", "search the documents"),
        ("Ctrl+1 / Ctrl+2 / Ctrl+3", "focus the document list / the article / the comments"),
        ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo, also across documents and restarts"),
        ("Ctrl+= / Ctrl+-", "larger / smaller text"),
    ]),
]


def cheat_sheet_html(schema: Schema) -> str:
    from gui.views.stance_keys import CHEAT_SHEET as THREAD_KEYS

    parts = ["<h2>Keyboard</h2>"]
    for title, rows in [*KEYS, ("Comments and stance (in the comment thread)", list(THREAD_KEYS))]:
        parts.append(f"<h3>{title}</h3><table cellpadding='3'>")
        parts += [f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>" for k, v in rows]
        parts.append("</table>")
    parts.append("<h3>Label keys</h3><table cellpadding='3'>")
    for definition in schema.span_labels():
        parts.append(
            f"<tr><td><b>{html.escape(definition.key)}</b></td><td><span style='background:{definition.color};"
            f" color:#000'>&nbsp;{html.escape(definition.name)}&nbsp;</span> {html.escape(definition.description)}</td></tr>"
        )
    parts.append("</table>")
    return "".join(parts)


class CheatSheet(QDialog):
    def __init__(self, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Goldspan keyboard cheat sheet")
        browser = QTextBrowser()
        browser.setHtml(cheat_sheet_html(schema))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        self.resize(620, 640)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
