"""Project ▸ Labels…: rename (its spans follow, one undo step), rekey with clash checks,
recolour, add, remove a label in use (asks; its spans go and come back with undo)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QToolButton

from annotation.commands import Command, EditSchema
from annotation.errors import CommandError
from annotation.store import Store
from annotation.store.schema_edits import schema_to_toml
from gui.app import open_window
from gui.dialogs.labels_dialog import KEY, NAME, LabelsDialog, edit_labels
from tests.gui.gui_helpers import make_project


def _window(qtbot, path):  # type: ignore[no-untyped-def]
    window = open_window(path, "tester")
    assert window is not None
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def _row(dialog: LabelsDialog, name: str) -> int:
    return next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, NAME).text() == name)


def _type_into(qtbot, dialog: LabelsDialog, row: int, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLineEdit

    table = dialog.table
    rect = table.visualItemRect(table.item(row, column))
    table.scrollToItem(table.item(row, column))
    rect = table.visualItemRect(table.item(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert editors, "no cell editor opened"
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(row, column).text() == text)  # the delegate commits queued


def test_rename_in_use_renames_spans_in_one_undo_step(qtbot, tmp_path):
    window = _window(qtbot, make_project(tmp_path / "p.db"))
    store = window.session.store
    doc = window.session.current_document
    assert {s.label for s in store.spans(doc, "tester")} == {"ORG", "GPE"}
    dialog = LabelsDialog(store.schema, store.spans_per_label(), window)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_into(qtbot, dialog, _row(dialog, "ORG"), NAME, "ORGANISATION")
    # a key clash is refused before OK: PERSON's key "p" given to ORGANISATION
    _type_into(qtbot, dialog, _row(dialog, "ORGANISATION"), KEY, "p")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "already PERSON" in dialog.problems.text()
    _type_into(qtbot, dialog, _row(dialog, "ORGANISATION"), KEY, "z")
    assert ok.isEnabled()
    dialog.set_colour(_row(dialog, "ORGANISATION"), "#123456")
    errors: list[str] = []
    window.session.error.connect(errors.append)
    assert edit_labels(window, window.session, dialog), errors
    assert not errors
    assert {s.label for s in store.spans(doc, "tester")} == {"ORGANISATION", "GPE"}
    definition = store.schema.label("ORGANISATION")
    assert definition is not None and definition.key == "z" and definition.color == "#123456"
    assert store.schema.label("ORG") is None
    assert any("ORGANISATION" in b.text() for b in window.palette_bar.findChildren(QToolButton))  # palette rebuilt
    # the new key labels a selection in the text at once
    view = window.article
    view.select_text(ARTICLE_MONDAY[0], ARTICLE_MONDAY[1])
    qtbot.keyClick(view, "z")
    assert ("ORGANISATION", ARTICLE_MONDAY) in {(s.label, (s.start, s.end)) for s in store.spans(doc, "tester")}
    window.undo()  # the span
    window.undo()  # the schema edit, renames included
    assert {s.label for s in store.spans(doc, "tester")} == {"ORG", "GPE"}
    assert store.schema.label("ORG").key == "o"  # type: ignore[union-attr]
    window.redo()
    assert {s.label for s in store.spans(doc, "tester")} == {"ORGANISATION", "GPE"}
    window.close()
    store.close()


ARTICLE_MONDAY = (48, 54)  # "Monday" in gui_helpers.ARTICLE


def test_add_and_remove_a_label_in_use_asks(qtbot, tmp_path, monkeypatch):
    window = _window(qtbot, make_project(tmp_path / "p.db"))
    store = window.session.store
    doc = window.session.current_document
    dialog = LabelsDialog(store.schema, store.spans_per_label(), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    new_row = dialog.table.rowCount() - 1
    _type_into(qtbot, dialog, _row(dialog, "NEW_LABEL_1") if dialog.table.item(new_row, NAME) else new_row, NAME, "TEAM")
    _type_into(qtbot, dialog, _row(dialog, "TEAM"), KEY, "j")
    dialog.table.setCurrentCell(_row(dialog, "GPE"), NAME)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (asked.append(a[2]), QMessageBox.StandardButton.No)[1])
    assert not edit_labels(window, window.session, dialog)  # "No": nothing changes
    assert asked and "GPE (1 spans)" in asked[0]
    assert store.schema.label("GPE") is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert edit_labels(window, window.session, dialog)
    assert store.schema.label("GPE") is None and store.schema.label("TEAM") is not None
    assert {s.label for s in store.spans(doc, "tester")} == {"ORG"}
    window.undo()
    assert store.schema.label("GPE") is not None and store.schema.label("TEAM") is None
    assert {s.label for s in store.spans(doc, "tester")} == {"ORG", "GPE"}
    window.close()
    store.close()


def test_edit_schema_command_rules(tmp_path):
    store = Store.open(make_project(tmp_path / "p.db"))
    try:
        schema = store.schema
        clash = tuple(d if d.name != "ORG" else type(d)(d.name, d.color, "p", d.description) for d in schema.entity)
        try:
            store.apply(EditSchema(schema_to_toml(schema, clash)), "tester")
            raise AssertionError("a key clash was accepted")
        except CommandError as exc:
            assert "already used" in str(exc)
        without_org = tuple(d for d in schema.entity if d.name != "ORG")
        try:
            store.apply(EditSchema(schema_to_toml(schema, without_org)), "tester")
            raise AssertionError("a label in use was dropped")
        except CommandError as exc:
            assert "still used" in str(exc)
        command = EditSchema("x", (("A", "B"),), "Rename A → B")
        assert Command.from_json(command.to_json()) == command
    finally:
        store.close()
