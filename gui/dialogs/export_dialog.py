"""File ▸ Export…: the command line's export options in a dialog, run as a job, and the report
(with the `spacy train` command for a spaCy export) shown and copyable afterwards.

Options map one to one on ``annotation.exporters.ExportOptions``: the format, whose layer (an
annotator or gold), whether model suggestions go along, a train/dev/test split with its seed,
and how spans are aligned to tokens. The output is chosen through gui.file_dialogs only.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from annotation.model import GOLD

if TYPE_CHECKING:
    from annotation.exporters import ExportOptions, ExportReport
    from annotation.store import Store

ALIGNMENTS = ("expand", "contract", "strict")


class ExportDialog(QDialog):
    def __init__(self, store: "Store", annotator: str, parent: QWidget | None = None) -> None:
        from annotation.exporters import EXPORTERS

        super().__init__(parent)
        self.setWindowTitle("Export")
        self._specs = EXPORTERS
        self.format = QComboBox()
        for name in sorted(EXPORTERS):
            self.format.addItem(f"{name} — {EXPORTERS[name].description}" if EXPORTERS[name].description else name, name)
        self.format.setCurrentIndex(max(0, self.format.findData("spacy")))
        self.layer = QComboBox()
        layers = store.layers_with_annotations()
        for name in dict.fromkeys([annotator, *layers, GOLD]):
            self.layer.addItem("gold (adjudicated)" if name == GOLD else name, name)
        self.suggestions = QCheckBox("Include model suggestions")
        self.split = QCheckBox("Split train / dev / test by article")
        self.split.setChecked(True)
        self.train, self.dev, self.test = (self._percent(v) for v in (80, 10, 10))
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.alignment = QComboBox()
        self.alignment.addItems(ALIGNMENTS)
        self.output = QLineEdit()
        self.output.setPlaceholderText("where to write the export")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_output)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        split_row = QHBoxLayout()
        for label, box in (("train", self.train), ("dev", self.dev), ("test", self.test)):
            split_row.addWidget(QLabel(label))
            split_row.addWidget(box)
        split_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Layer", self.layer)
        form.addRow("", self.suggestions)
        form.addRow("", self.split)
        form.addRow("Split (%)", split_row)
        form.addRow("Seed", self.seed)
        form.addRow("Token alignment", self.alignment)
        form.addRow("Output", out_row)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for signal in (self.output.textChanged, self.split.toggled, self.train.valueChanged, self.dev.valueChanged,
                       self.test.valueChanged):
            signal.connect(lambda *_: self.validate())
        self.validate()

    def _percent(self, value: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 100)
        box.setValue(value)
        return box

    def fmt(self) -> str:
        return str(self.format.currentData())

    def choose_output(self) -> None:
        from gui import file_dialogs  # never reads the project's files

        spec = self._specs[self.fmt()]
        if spec.folder:
            path = file_dialogs.get_save_file_name(self, "Export into a new folder", "", "Folders (*)")
        else:
            path = file_dialogs.get_save_file_name(self, "Export to", "", f"{self.fmt()} (*{spec.extension});;All files (*)")
        if path:
            self.output.setText(path)

    def options(self) -> "ExportOptions":
        from annotation.exporters import ExportOptions

        split = None
        if self.split.isChecked():
            split = tuple(box.value() / 100 for box in (self.train, self.dev, self.test))
        return ExportOptions(str(self.layer.currentData()), self.suggestions.isChecked(), split,
                             self.seed.value(), self.alignment.currentText())

    def validate(self) -> str:
        problem = ""
        if not self.output.text().strip():
            problem = "Choose where to write the export."
        elif self.split.isChecked() and self.train.value() + self.dev.value() + self.test.value() != 100:
            problem = "The split must add up to 100%."
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
        for box in (self.train, self.dev, self.test):
            box.setEnabled(self.split.isChecked())
        return problem


def report_text(report: "ExportReport") -> str:
    """What was written, what was dropped and why, and what to run next."""
    lines = [f"Warning: {w}" for w in report.warnings] + ([""] if report.warnings else [])  # first: they change what the rest means
    lines += [f"Wrote {len(report.files)} file(s):", *(f"  {f}" for f in report.files)]
    if report.documents:
        lines.append("Documents: " + ", ".join(f"{split} {n}" for split, n in report.documents.items()))
    for kind, counter in report.counts.items():
        if counter:
            lines.append(f"{kind.capitalize()}: " + ", ".join(f"{k} {v}" for k, v in sorted(counter.items())))
    if report.snapped or report.trimmed:
        lines.append(f"Aligned to tokens: {report.snapped} snapped, {report.trimmed} trimmed of whitespace")
    if report.misaligned:
        lines += [f"Not aligned to tokens ({len(report.misaligned)}):", *(f"  {m}" for m in report.misaligned[:50])]
    if report.dropped:
        lines += [f"Dropped ({len(report.dropped)}):", *(f"  {d}" for d in report.dropped[:50])]
    if report.hints:
        lines += ["", "Next:", *(f"  {h}" for h in report.hints)]
    return "\n".join(lines)


class ReportDialog(QDialog):
    """The export report, read-only, with Copy for the whole text and for the train command."""

    def __init__(self, report: "ExportReport", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export finished")
        self.resize(760, 420)
        self.text = QPlainTextEdit(report_text(report))
        self.text.setReadOnly(True)
        copy = QPushButton("Copy report")
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.text.toPlainText()))
        self.command = next((h for h in report.hints if "spacy train" in h), "")
        copy_command = QPushButton("Copy the spacy train command")
        copy_command.setEnabled(bool(self.command))
        copy_command.clicked.connect(lambda: QApplication.clipboard().setText(self.command))
        self.copy_command_button = copy_command
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addWidget(copy_command)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)


def start_export(window, dialog: ExportDialog | None = None) -> bool:  # type: ignore[no-untyped-def]
    """Ask (or take a filled-in dialog, for tests), then export on a worker with progress; the
    report opens when it is done. Returns whether the job started."""
    from annotation.exporters import run_export

    if dialog is None:
        dialog = ExportDialog(window.store, window.session.annotator, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    out, fmt, options = Path(dialog.output.text().strip()), dialog.fmt(), dialog.options()

    def done(report: "ExportReport") -> None:
        warned = f" ({len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''}: see the report)" if report.warnings else ""
        # Per split, as the command line says it: a document shared by train and dev is not two.
        splits = report.documents
        documents = (", ".join(f"{n} {split}" for split, n in splits.items()) if len(splits) > 1
                     else str(sum(splits.values())))
        window.show_message(f"Exported {documents} document(s) to {out}{warned}")
        box = ReportDialog(report, window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        window.last_export_report = box

    return window.jobs.start("Exporting", window.store,
                             lambda store, token: run_export(store, out, fmt, options, token), on_done=done)
