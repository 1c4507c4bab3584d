"""The document list panel: filters (status, annotator, label, full-text search) and the order
(document order, or "most to learn": where the stance model is least sure first) over a lazy
table of documents. The order is a preference and is remembered; the filters are per visit.

On a big project the model reads a filtered or sorted list on a worker (see
gui/models/document_list.py): the table keeps its rows and stays usable meanwhile, the count
line says what is being read, and when the list arrives the open document is selected in it
again. Enter in the search field opens the first match once the list has arrived."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget,
)

from annotation.model import STATUSES
from annotation.store import DocFilter
from annotation.store.reading import SORT_DOCUMENT_ORDER, SORT_MOST_TO_LEARN, SORTS
from gui.models.document_list import COMMENTS_COLUMN, STATUS_COLUMN, TITLE_COLUMN, UNSURE_COLUMN, DocumentListModel
from gui.session import Session

ANY = ""
SORT_KEY = "documents/sort"  # QSettings: the list's order, kept between sessions
SORT_NAMES = {SORT_DOCUMENT_ORDER: "Document order", SORT_MOST_TO_LEARN: "Most to learn"}


class DocumentListPanel(QWidget):
    document_activated = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._quiet = False  # True while the list follows a document opened elsewhere
        self._open_first_when_listed = False  # Enter in the search while its list is being read
        self.model = DocumentListModel(session.store, session.annotator, self)
        self.search = QLineEdit(placeholderText="Search title and text…")
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("Any status", ANY)
        for status in STATUSES:
            self.status.addItem(status.capitalize(), status)
        self.annotator = QComboBox()
        self.label = QComboBox()
        self.sort = QComboBox()
        self.sort.setToolTip("Order of the list. Most to learn: documents whose open stance suggestions the model is "
                             "least sure of (mean 1 − probability) first; documents without suggestions last.")
        for key in SORTS:
            self.sort.addItem(SORT_NAMES[key], key)
        saved = QSettings().value(SORT_KEY, SORT_DOCUMENT_ORDER)
        self.sort.setCurrentIndex(max(0, self.sort.findData(saved if saved in SORTS else SORT_DOCUMENT_ORDER)))
        self._fill_choices()
        self.count = QLabel()
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # Fixed row heights: the view never measures rows it does not show (lazy fetching).
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATUS_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COMMENTS_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(STATUS_COLUMN, 64)
        header.resizeSection(COMMENTS_COLUMN, 76)
        header.setSectionResizeMode(UNSURE_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(UNSURE_COLUMN, 56)

        filters = QHBoxLayout()
        filters.addWidget(self.status)
        filters.addWidget(self.annotator)
        filters.addWidget(self.label)
        filters.addWidget(self.sort)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.textChanged.connect(self._forget_open_first)
        self.search.returnPressed.connect(self._open_first_match)
        for combo in (self.status, self.annotator, self.label):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.sort.currentIndexChanged.connect(self._sort_chosen)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(self._row_changed)
        session.changed.connect(self._on_changed)
        self.model.listed.connect(self._listed)
        self.model.read_failed.connect(self._read_failed)
        if self.sort.currentData() != SORT_DOCUMENT_ORDER:
            self.model.set_filter(self.current_filter())  # the remembered order
        self._show_unsure_column()
        self._update_count()

    def _fill_choices(self) -> None:
        store = self.session.store
        self.annotator.blockSignals(True)
        self.annotator.clear()
        self.annotator.addItem("Me", self.session.annotator)
        for name in store.annotators():
            if name != self.session.annotator:
                self.annotator.addItem(name, name)
        self.annotator.blockSignals(False)
        self.label.blockSignals(True)
        self.label.clear()
        self.label.addItem("Any label", ANY)
        for definition in store.schema.span_labels():
            self.label.addItem(definition.name, definition.name)
        self.label.blockSignals(False)

    def current_filter(self) -> DocFilter:
        status = self.status.currentData() or ""
        who = self.annotator.currentData() or self.session.annotator
        # The annotator choice scopes the status; alone ("Me" and any status) it does not filter.
        annotator = who if (status or who != self.session.annotator) else ""
        return DocFilter(status=status, annotator=annotator, label=self.label.currentData() or "",
                         search=self.search.text().strip(), sort=self.sort.currentData() or SORT_DOCUMENT_ORDER)

    def _sort_chosen(self) -> None:
        QSettings().setValue(SORT_KEY, self.sort.currentData() or SORT_DOCUMENT_ORDER)
        self.apply_filter()

    def _show_unsure_column(self) -> None:
        self.table.setColumnHidden(UNSURE_COLUMN, not self.model.sorted_by_uncertainty)

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())  # shown now, or on ``listed`` when read on the worker
        self._update_count()

    def _listed(self) -> None:
        """A list asked for is on screen: its columns, its count, and the open document in it."""
        self._show_unsure_column()
        self._update_count()
        current = self.session.current_document
        if current is not None:
            self.select_document(current, emit=False)
        if self._open_first_when_listed:
            self._open_first_when_listed = False
            self._open_first()

    def _read_failed(self, message: str) -> None:
        self._open_first_when_listed = False
        self._update_count()
        self.count.setText(f"{self.count.text()} · could not read the list: {message.splitlines()[0]}")

    def _open_first_match(self) -> None:
        """Enter in the search field: search now and open the first match (keyboard flow)."""
        self._debounce.stop()
        self.apply_filter()
        if self.model.loading:
            self._open_first_when_listed = True  # the first match of the list being read
        else:
            self._open_first()

    def _forget_open_first(self) -> None:
        self._open_first_when_listed = False  # typing on after Enter: that Enter was for another search

    def _open_first(self) -> None:
        if self.model.rowCount():
            first = self.model.document_id(0)
            if first is not None:
                self.document_activated.emit(first)
            self.table.setFocus()

    def select_document(self, document_id: int, emit: bool = True) -> None:
        row = self.model.find_row(document_id)
        if row is None:
            return
        index = self.model.index(row, TITLE_COLUMN)
        # Not by blocking the selection model's signals: the view itself listens to them.
        self._quiet = not emit
        try:
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
        finally:
            self._quiet = False
        self.table.scrollTo(index)

    def _row_changed(self, index: QModelIndex, *_: object) -> None:
        if index.isValid() and not self._quiet:
            document_id = self.model.document_id(index.row())
            if document_id is not None and document_id != self.session.current_document:
                self.document_activated.emit(document_id)

    def _on_changed(self, changes: object) -> None:
        everything = getattr(changes, "everything", False)
        self.model.on_changed(changes)  # type: ignore[arg-type]
        if everything:
            self._fill_choices()
        if everything or getattr(changes, "statuses", None):
            self._update_count()

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        total = self.session.store.document_count(None)
        text = f"{shown:,} of {total:,} documents" if shown != total else f"{total:,} documents"
        if self.model.loading:
            wanted = self.model.wanted_filter
            text += " · sorting…" if wanted.sort != self.model.current_filter.sort else " · reading the list…"
        self.count.setText(text)
