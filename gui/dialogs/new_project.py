"""File ▸ New project…: a file name and folder (through gui.file_dialogs), and a label schema
(the default news schema, or a TOML file), then the new project opens in place of this one."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from annotation.errors import GoldspanError
from annotation.schema import default_schema, load_schema
from annotation.store import Store


class NewProjectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project")
        self.resize(620, 200)
        self.path = QLineEdit()
        self.path.setPlaceholderText("folder/name.db")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_path)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(choose)
        self.schema = QComboBox()
        self.schema.addItem("News (entities, quotations, stance) — the default", "")
        self.schema.addItem("From a schema file (.toml)…", "file")
        self.schema.activated.connect(self._schema_chosen)
        self.schema_file = ""
        form = QFormLayout()
        form.addRow("Project file", path_row)
        form.addRow("Labels", self.schema)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Next: File ▸ Import… adds articles; File ▸ Pre-annotate suggests entities and quotations."))
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.path.textChanged.connect(lambda *_: self.problem.clear())
        self.created: Path | None = None

    def choose_path(self) -> None:
        from gui import file_dialogs

        chosen = file_dialogs.get_save_file_name(self, "New project", "", "Goldspan projects (*.db)")
        if chosen:
            self.path.setText(chosen if chosen.endswith((".db", ".goldspan")) else chosen + ".db")

    def _schema_chosen(self, index: int) -> None:
        from gui import file_dialogs

        if self.schema.itemData(index) == "file":
            chosen = file_dialogs.get_open_file_name(self, "Label schema", "", "Schemas (*.toml);;All files (*)")
            if chosen:
                self.schema_file = chosen
                self.schema.setItemText(index, f"From {Path(chosen).name}")
            else:
                self.schema.setCurrentIndex(0)

    def create(self) -> None:
        """Create the project file; stay open with the reason when that is not possible."""
        text = self.path.text().strip()
        if not text:
            self.problem.setText("Give the new project a file name.")
            return
        path = Path(text).expanduser()
        if path.suffix not in (".db", ".goldspan"):
            path = path.with_name(path.name + ".db")
        try:
            schema = load_schema(self.schema_file) if self.schema.currentData() == "file" and self.schema_file else default_schema()
            Store.create(path, schema).close()
        except GoldspanError as exc:
            self.problem.setText(str(exc))
            return
        self.created = path
        self.accept()


def new_project(window, dialog: NewProjectDialog | None = None) -> bool:  # type: ignore[no-untyped-def]
    """Create a project and open it in a new window in place of ``window``."""
    from gui.app import open_window

    if dialog is None:
        dialog = NewProjectDialog(window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    if dialog.created is None:
        return False
    opened = open_window(dialog.created, window.session.annotator, parent_for_errors=window)
    if opened is None:
        return False
    opened.show()
    window.replaced_by = opened
    window.close()
    return True
