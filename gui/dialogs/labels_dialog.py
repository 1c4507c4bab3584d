"""Project ▸ Labels…: the span labels of the project's schema, editable in a table.

Entity labels can be added, renamed, recoloured, rekeyed, described and removed. The quotation
labels (QUOTE, SOURCE, CUE) keep their names, which the quotation rules rely on, but take any
colour, key and description. Keys are checked as you type: one character, used once across
entity and quotation labels. The result is one ``EditSchema`` command (renames included), or,
when a removed label is still in use and the user agrees, a batch that first deletes its spans:
either way one undo step.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QColorDialog, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotation.schema import LabelDef, Schema

if TYPE_CHECKING:
    from gui.session import Session

LAYER, NAME, KEY, COLOR, DESCRIPTION = range(5)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_ORIGINAL = Qt.ItemDataRole.UserRole  # on the name cell: the label's name when the dialog opened
FIXED_QUOTE_LABELS = ("QUOTE", "SOURCE", "CUE")


class LabelsDialog(QDialog):
    def __init__(self, schema: Schema, usage: dict[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Labels")
        self.resize(720, 520)
        self._schema = schema
        self._usage = usage
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Layer", "Name", "Key", "Colour", "Description"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for definition in schema.entity:
            self._add_row("entity", definition)
        for definition in schema.quote:
            self._add_row("quote", definition)
        self.table.itemChanged.connect(lambda _item: self.validate())
        self.table.cellDoubleClicked.connect(self._double_clicked)
        add = self.add_button = QPushButton("&Add entity label")
        add.clicked.connect(self.add_label)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        colour = QPushButton("&Colour…")
        colour.clicked.connect(lambda: self.choose_colour(self.table.currentRow()))
        buttons_row = QHBoxLayout()
        for button in (add, self.remove_button, colour):
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)
        self.problems = QLabel()
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setStyleSheet("color: #c0392b;")
        self.problems.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        hint = QLabel("Double-click a cell to edit it (the colour cell opens a colour chooser). "
                      "Renaming a label renames its spans (hover a name to see how many use it).")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons_row)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.table.currentCellChanged.connect(lambda *_: self._update_remove())
        self._update_remove()
        self.validate()

    # -- rows -----------------------------------------------------------------------------

    def _add_row(self, layer: str, definition: LabelDef, original: str | None = None) -> int:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        layer_item = QTableWidgetItem(layer)
        layer_item.setFlags(layer_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        name = QTableWidgetItem(definition.name)
        name.setData(_ORIGINAL, definition.name if original is None else original)
        used = self._usage.get(definition.name, 0) if original is None or original else 0
        name.setToolTip(f"{used:,} spans use this label")
        if layer == "quote":
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)  # the quotation rules use these names
        colour = QTableWidgetItem(definition.color)
        colour.setFlags(colour.flags() & ~Qt.ItemFlag.ItemIsEditable)
        colour.setBackground(QColor(definition.color))
        for column, item in ((LAYER, layer_item), (NAME, name), (KEY, QTableWidgetItem(definition.key)),
                             (COLOR, colour), (DESCRIPTION, QTableWidgetItem(definition.description))):
            self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        return row

    def add_label(self) -> None:
        taken = {self.table.item(r, NAME).text() for r in range(self.table.rowCount())}
        number = 1
        while f"NEW_LABEL_{number}" in taken:
            number += 1
        row = self._add_row("entity", LabelDef(f"NEW_LABEL_{number}", "#cccccc", ""), original="")
        self.table.setCurrentCell(row, NAME)
        self.table.editItem(self.table.item(row, NAME))
        self.validate()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row >= 0 and self.table.item(row, LAYER).text() == "entity":
            self.table.removeRow(row)
            self.validate()

    def _update_remove(self) -> None:
        row = self.table.currentRow()
        self.remove_button.setEnabled(row >= 0 and self.table.item(row, LAYER).text() == "entity")

    def _double_clicked(self, row: int, column: int) -> None:
        if column == COLOR:
            self.choose_colour(row)

    def choose_colour(self, row: int) -> None:
        if row < 0:
            return
        item = self.table.item(row, COLOR)
        chosen = QColorDialog.getColor(QColor(item.text()), self, "Label colour")
        if chosen.isValid():
            self.set_colour(row, chosen.name())

    def set_colour(self, row: int, color: str) -> None:
        item = self.table.item(row, COLOR)
        item.setText(color)
        item.setBackground(QColor(color))

    # -- the result -----------------------------------------------------------------------

    def labels(self) -> tuple[tuple[LabelDef, ...], tuple[LabelDef, ...]]:
        """(entity, quote) label definitions as edited."""
        out: dict[str, list[LabelDef]] = {"entity": [], "quote": []}
        for row in range(self.table.rowCount()):
            text = [self.table.item(row, c).text().strip() for c in range(5)]
            out[text[LAYER]].append(LabelDef(text[NAME], text[COLOR], text[KEY], text[DESCRIPTION]))
        return tuple(out["entity"]), tuple(out["quote"])

    def renames(self) -> tuple[tuple[str, str], ...]:
        pairs = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, NAME)
            original = item.data(_ORIGINAL)
            if original and original != item.text().strip():
                pairs.append((original, item.text().strip()))
        return tuple(pairs)

    def removed(self) -> list[str]:
        kept = {self.table.item(r, NAME).data(_ORIGINAL) for r in range(self.table.rowCount())}
        return [d.name for d in self._schema.entity if d.name not in kept]

    def validate(self) -> list[str]:
        """Problems that keep OK disabled: bad or repeated names, keys that are not one
        character or clash with another label's key."""
        problems: list[str] = []
        names: dict[str, int] = {}
        keys: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            name = self.table.item(row, NAME).text().strip()
            key = self.table.item(row, KEY).text().strip()
            if not _NAME.match(name):
                problems.append(f"“{name}”: a name starts with a letter and has only letters, digits, _ or -")
            if name in names:
                problems.append(f"“{name}” is used twice")
            names[name] = row
            if len(key) != 1:
                problems.append(f"{name}: the key must be one character")
            elif key in keys:
                problems.append(f"{name}: key “{key}” is already {keys[key]}'s")
            else:
                keys[key] = name
        self.problems.setText("\n".join(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)
        return problems


def edit_labels(parent: QWidget, session: "Session", dialog: LabelsDialog | None = None) -> bool:
    """Show the dialog (or take one already filled in, for tests) and push its edit as one undo
    step. Removing a label still in use asks first; yes deletes its spans in the same step."""
    from PySide6.QtWidgets import QMessageBox

    from annotation.commands import Batch, Command, DeleteSpan, EditSchema
    from annotation.store.schema_edits import schema_to_toml, span_ids_with_label

    store = session.store
    if dialog is None:
        dialog = LabelsDialog(store.schema, store.spans_per_label(), parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    entity, quote = dialog.labels()
    renames = dialog.renames()
    text = schema_to_toml(store.schema, entity, quote)
    usage = store.spans_per_label()
    doomed = [label for label in dialog.removed() if usage.get(label)]
    commands: list[Command] = []
    if doomed:
        counts = ", ".join(f"{label} ({usage[label]:,} spans)" for label in doomed)
        answer = QMessageBox.question(
            parent, "Remove labels in use",
            f"These labels are still in use: {counts}.\n\nRemove them and delete their spans? (Edit ▸ Undo brings them back.)")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        commands += [DeleteSpan(i) for label in doomed for i in span_ids_with_label(store, label)]
    if text == store.schema.source_text and not renames and not commands:
        return False  # nothing changed
    what = "Rename " + ", ".join(f"{a} → {b}" for a, b in renames) if renames else "Edit labels"
    edit = EditSchema(text, renames, what)
    return session.push(Batch((*commands, edit), what) if commands else edit)


