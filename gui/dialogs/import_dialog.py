"""File ▸ Import…: files or a folder, the format (or by extension), whose annotations they are,
a label mapping, and a preview of what would come in and what would not.

The preview reads at most ``PREVIEW_ARTICLES`` articles of each file (files over
``PREVIEW_BYTES`` are named, not read) with the same importers the job uses, so what it says
is what the import will do: documents, comments, spans per label, and labels the project does
not have (refused unless mapped). The import itself runs as the usual job.

Files adding up to more than ``PREVIEW_AT_ONCE_BYTES`` (or a folder) are previewed off the UI
thread: reading 200 articles takes a few tenths of a second, and the dialog must stay live
meanwhile (nothing on the UI thread over 100 ms). A worker thread waits for a child process that
reads them (``preview_child``): read on the worker thread itself, the importers held the GIL and
the UI thread stalled over 100 ms waiting for it. Small ones are previewed on the spot.
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLineEdit, QListWidget,
    QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotation.errors import GoldspanError

if TYPE_CHECKING:
    from annotation.importers import ImportOptions
    from annotation.schema import Schema

PREVIEW_ARTICLES = 200
PREVIEW_BYTES = 20 << 20
PREVIEW_AT_ONCE_BYTES = 256 << 10  # larger selections (and folders) are previewed on a worker
KEEP = "(as in the file)"


@dataclass
class Preview:
    files: int = 0
    documents: int = 0
    comments: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)  # labels the project lacks
    problems: list[str] = field(default_factory=list)  # files that would not import, and why
    partial: list[str] = field(default_factory=list)  # files read only in part


def preview(paths: list[str], schema: "Schema", options: "ImportOptions", fmt: str | None,
            project: Path | None = None) -> Preview:
    """What importing ``paths`` would bring, read with the real importers (first articles only).
    The open project's own files are never read (that would drop SQLite's locks on them)."""
    from annotation.import_job import expand_paths, is_project_file
    from annotation.importers import choose_importer

    result = Preview()
    for path in expand_paths(paths):
        result.files += 1
        if is_project_file(project, path):
            result.problems.append(f"{path}: this is the open project (or one of its files); it cannot be imported into itself")
            continue
        try:
            if not path.is_file():
                raise GoldspanError(f"{path}: no such file")
            if path.stat().st_size > PREVIEW_BYTES:
                result.partial.append(f"{path.name}: large file, not previewed")
                continue
            spec = choose_importer(path, fmt)
            articles = list(islice(spec.read(path, options, lambda _done: None), PREVIEW_ARTICLES + 1))
        except GoldspanError as exc:
            result.problems.append(str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 - the import would name it the same way
            result.problems.append(f"{path}: cannot import this file ({type(exc).__name__}: {exc})")
            continue
        if len(articles) > PREVIEW_ARTICLES:
            result.partial.append(f"{path.name}: first {PREVIEW_ARTICLES} articles previewed")
            articles = articles[:PREVIEW_ARTICLES]
        if not articles:
            result.problems.append(f"{path}: no articles found in the file")
        for article in articles:
            result.documents += 1
            result.comments += len(article.comments)
            for span in article.spans:
                label = options.label_map.get(span.label, span.label)
                result.labels[label] += 1
                if schema.layer_of(label) is None:
                    result.unknown[label] += 1
    return result


_PREVIEW = preview  # the real one: previewed in a child process (see preview_child)


def describe(result: Preview) -> str:
    lines = [f"{result.files} file(s): {result.documents:,} documents, {result.comments:,} comments"]
    if result.labels:
        lines.append("Spans: " + ", ".join(f"{label} {n:,}" for label, n in result.labels.most_common()))
    if result.unknown:
        lines.append("Not in this project's labels (the file is refused unless you map them): "
                     + ", ".join(f"{label} ({n:,})" for label, n in result.unknown.most_common()))
    if result.problems:
        lines += ["Would not be imported:", *(f"  {p}" for p in result.problems)]
    if result.partial:
        lines += ["Previewed in part:", *(f"  {p}" for p in result.partial)]
    return "\n".join(lines)


def _previewed_in_background(paths: list[str]) -> bool:
    """Only sizes are asked (a stat opens no descriptor, so SQLite's locks are safe)."""
    total = 0
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                return True
            total += path.stat().st_size if path.is_file() else 0
        except OSError:
            continue
    return total > PREVIEW_AT_ONCE_BYTES


class _PreviewSignals(QObject):
    done = Signal(int, object, object)  # generation, preview, preview without the mapping


class _PreviewRunnable(QRunnable):
    def __init__(self, generation: int, signals: _PreviewSignals, run: "object") -> None:
        super().__init__()
        self._generation = generation
        self._signals = signals
        self._run = run

    def run(self) -> None:
        try:
            result, raw = self._run()  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 - shown in the dialog, like a file that would not import
            result = raw = Preview(problems=[f"the preview failed: {type(exc).__name__}: {exc}"])
        try:
            self._signals.done.emit(self._generation, result, raw)
        except RuntimeError:
            pass  # the dialog was closed meanwhile


class ImportDialog(QDialog):
    def __init__(self, schema: "Schema", annotator: str, parent: QWidget | None = None) -> None:
        from annotation.importers import IMPORTERS

        super().__init__(parent)
        self.setWindowTitle("Import")
        self.resize(760, 560)
        self._schema = schema
        self.files = QListWidget()
        add_files = QPushButton("Add &files…")
        add_files.clicked.connect(self.choose_files)
        add_folder = QPushButton("Add a f&older…")
        add_folder.clicked.connect(self.choose_folder)
        clear = QPushButton("Clear")
        clear.clicked.connect(lambda: (self.files.clear(), self.refresh()))
        file_buttons = QHBoxLayout()
        for button in (add_files, add_folder, clear):
            file_buttons.addWidget(button)
        file_buttons.addStretch(1)
        self.format = QComboBox()
        self.format.addItem("Automatic (by file type)", None)
        for name in sorted(IMPORTERS):
            self.format.addItem(name, name)
        self.annotator = QLineEdit(annotator)
        self.annotator.setToolTip("Annotations in the files (Prodigy, doccano, brat …) become this annotator's")
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels(["Label in the files", "Label in this project"])
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.mapping.setColumnWidth(0, 220)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Import annotations as", self.annotator)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.files, 1)
        layout.addLayout(file_buttons)
        layout.addLayout(form)
        layout.addWidget(self.mapping, 1)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(lambda *_: self.refresh())
        self.last_preview = Preview()
        self.previewing = False  # a preview is being read on a worker
        self._generation = 0  # of the newest preview asked for; older answers are dropped
        self._preview_signals = _PreviewSignals(self)
        self._preview_signals.done.connect(self._preview_ready)
        self.refresh()

    # -- choosing -------------------------------------------------------------------------

    def choose_files(self) -> None:
        from gui import file_dialogs  # never reads the files it lists

        self.add_paths(file_dialogs.get_open_file_names(
            self, "Import articles", "", "Articles (*.txt *.jsonl *.json *.csv *.html *.htm *.ann *.spacy *.conll);;All files (*)"))

    def choose_folder(self) -> None:
        from gui import file_dialogs

        dialog = file_dialogs.file_dialog(self, "Import a folder", "", file_dialogs.ALL_FILES, QFileDialog.FileMode.Directory)
        self.add_paths(file_dialogs._run(dialog))

    def add_paths(self, paths: list[str]) -> None:
        known = set(self.paths())
        for path in paths:
            if path not in known:
                self.files.addItem(path)
        self.refresh()

    def paths(self) -> list[str]:
        return [self.files.item(i).text() for i in range(self.files.count())]

    def fmt(self) -> str | None:
        return self.format.currentData()

    def label_map(self) -> dict[str, str]:
        out = {}
        for row in range(self.mapping.rowCount()):
            theirs = self.mapping.item(row, 0).text()
            ours = self.mapping.cellWidget(row, 1).currentText()
            if ours != KEEP:
                out[theirs] = ours
        return out

    def options(self) -> "ImportOptions":
        from annotation.importers import ImportOptions

        return ImportOptions(label_map=self.label_map(), as_annotator=self.annotator.text().strip())

    # -- preview --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Preview again; labels the project lacks get a row in the mapping table."""
        paths = self.paths()
        self._generation += 1
        self.previewing = False
        if not paths:
            self.summary.setPlainText("Add files or a folder to see what would be imported.")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        project = getattr(getattr(self.parent(), "store", None), "path", None)
        schema, options, fmt = self._schema, self.options(), self.fmt()
        mapped = self.label_map()

        def run() -> tuple[Preview, Preview]:
            result = preview(paths, schema, options, fmt, project)
            raw = preview(paths, schema, _without_map(options), fmt, project) if mapped else result
            return result, raw

        def run_in_child() -> tuple[Preview, Preview]:
            if preview is not _PREVIEW or getattr(sys, "frozen", False):  # replaced in this process (a
                return run()  # test), or no Python to start a child with: read here, on the worker
            from gui.dialogs.preview_child import preview_in_child

            return preview_in_child(paths, schema, options, fmt, project, bool(mapped))

        if not _previewed_in_background(paths):
            self._show_preview(mapped, *run())
            return
        self.previewing = True
        self.summary.setPlainText(f"Reading {len(paths)} file(s) for the preview…")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        QThreadPool.globalInstance().start(_PreviewRunnable(self._generation, self._preview_signals, run_in_child))

    def _preview_ready(self, generation: int, result: Preview, raw: Preview) -> None:
        if generation != self._generation:
            return  # the files, format or mapping changed since: a newer preview is coming
        self.previewing = False
        self._show_preview(self.label_map(), result, raw)

    def _show_preview(self, mapped: dict[str, str], result: Preview, raw: Preview) -> None:
        for label in sorted(set(raw.unknown) | set(mapped)):
            self._mapping_row(label)
        self.last_preview = result
        self.summary.setPlainText(describe(result))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(result.documents > 0 or bool(result.partial))

    def _mapping_row(self, label: str) -> None:
        for row in range(self.mapping.rowCount()):
            if self.mapping.item(row, 0).text() == label:
                return
        row = self.mapping.rowCount()
        self.mapping.insertRow(row)
        item = QTableWidgetItem(label)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.mapping.setItem(row, 0, item)
        choice = QComboBox()
        choice.addItem(KEEP)
        choice.addItems([d.name for d in self._schema.span_labels()])
        choice.currentIndexChanged.connect(lambda *_: self.refresh())
        self.mapping.setCellWidget(row, 1, choice)


def _without_map(options: "ImportOptions") -> "ImportOptions":
    from dataclasses import replace

    return replace(options, label_map={})


def run_import_dialog(window, dialog: ImportDialog | None = None) -> bool:  # type: ignore[no-untyped-def]
    """Ask, then import as a job (one undo step in an annotated project)."""
    if dialog is None:
        dialog = ImportDialog(window.store.schema, window.session.annotator, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    paths = dialog.paths()
    return bool(paths) and window.import_paths(paths, options=dialog.options(), fmt=dialog.fmt())


__all__ = ["ImportDialog", "Path", "describe", "preview", "run_import_dialog"]
