"""The document list as a lazy table model: it holds a count and fetches pages of rows only
when the view asks for them, so a project of 100,000 documents opens at once.

Edits never reset it: a status change updates the row in place (dataChanged). A row stays
listed until the filter changes, even if it no longer matches it (as in Anki's browser), so the
list does not jump under the user. Bulk work (import) and a new filter reset it: those are
new queries, not edits.

Sorted by "most to learn", the order is read once (the ids, when the filter is set or after
bulk work such as a stance-suggestion run) and pages are fetched by id: labelling comments
changes a document's uncertainty, and an order re-read page by page would shift under the
view, showing a document twice or never.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from annotation.model import Changes
from annotation.store import DocFilter, DocumentRow, Store
from annotation.store.reading import SORT_MOST_TO_LEARN
from gui.plain_text import plain_tooltip

PAGE = 200
COLUMNS = ("Status", "Title", "Comments", "Unsure")
STATUS_COLUMN, TITLE_COLUMN, COMMENTS_COLUMN, UNSURE_COLUMN = range(4)  # Unsure: shown when sorted by it
DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_MARKS = {"new": "", "done": "✓ done", "skip": "↷ skip", "flag": "⚑ flag"}
STATUS_COLORS = {"done": "#2e9e5b", "skip": "#8a8a8a", "flag": "#d1495b"}

_Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    def __init__(self, store: Store, annotator: str, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._store = store
        self._annotator = annotator
        self._filter = DocFilter()
        self._count = store.document_count(None)
        self._pages: dict[int, list[DocumentRow]] = {}
        self._row_of: dict[int, int] = {}  # document id -> row, for fetched rows only
        self._order: list[int] | None = None  # the ids in order, when sorted by "most to learn"

    # -- Qt model API ---------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < self._count):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == STATUS_COLUMN:
                return STATUS_MARKS.get(row.status, row.status)
            if column == TITLE_COLUMN:
                return row.title or row.ext_id
            if column == COMMENTS_COLUMN:
                return row.n_comments
            if column == UNSURE_COLUMN:
                return "" if row.uncertainty is None else f"{row.uncertainty:.2f}"
        elif role == Qt.ItemDataRole.ToolTipRole and column in (TITLE_COLUMN, UNSURE_COLUMN):
            return plain_tooltip(f"{row.title or row.ext_id}\nid {row.ext_id} · {row.n_comments} comments · {row.status}"
                                 + (_unsure_line(row) if self.sorted_by_uncertainty else ""))
        elif role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN and row.status in STATUS_COLORS:
            return QColor(STATUS_COLORS[row.status])
        elif role == Qt.ItemDataRole.TextAlignmentRole and column in (COMMENTS_COLUMN, UNSURE_COLUMN):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == DOCUMENT_ID_ROLE:
            return row.id
        return None

    # -- rows -----------------------------------------------------------------------------

    def row_at(self, row: int) -> DocumentRow | None:
        page_number = row // PAGE
        page = self._pages.get(page_number)
        if page is None:
            if self._order is not None:
                ids = self._order[page_number * PAGE:(page_number + 1) * PAGE]
                page = self._store.document_rows(ids, self._annotator, uncertainty=True)
                if len(page) != len(ids):  # a document deleted meanwhile: keep the rows aligned
                    known = {item.id: item for item in page}
                    page = [known.get(i) or DocumentRow(i, "", "(deleted)", 0, "") for i in ids]
            else:
                page = self._store.document_page(self._filter, page_number * PAGE, PAGE, self._annotator)
            self._pages[page_number] = page
            for i, item in enumerate(page):
                self._row_of[item.id] = page_number * PAGE + i
        offset = row - page_number * PAGE
        return page[offset] if offset < len(page) else None

    def document_id(self, row: int) -> int | None:
        item = self.row_at(row)
        return item.id if item else None

    def row_of(self, document_id: int) -> int | None:
        """The row of a document already fetched (the open one always is)."""
        return self._row_of.get(document_id)

    def find_row(self, document_id: int) -> int | None:
        """The row of any listed document, fetched or not (after a jump, e.g. "next undone")."""
        row = self._row_of.get(document_id)
        if row is not None:
            return row
        ids = self._order if self._order is not None else self._store.document_ids(self._filter, self._annotator)
        return ids.index(document_id) if document_id in ids else None

    @property
    def sorted_by_uncertainty(self) -> bool:
        return self._filter.sort == SORT_MOST_TO_LEARN

    @property
    def current_filter(self) -> DocFilter:
        return self._filter

    def set_filter(self, flt: DocFilter) -> None:
        self.beginResetModel()
        try:  # a failing query must not leave the view inside a half-done reset
            self._filter = flt
            self._reload()
        finally:
            self.endResetModel()

    def _reload(self) -> None:
        self._pages.clear()
        self._row_of.clear()
        if self._filter.sort == SORT_MOST_TO_LEARN:
            self._order = self._store.document_ids(self._filter, self._annotator)
            self._count = len(self._order)
        else:
            self._order = None
            self._count = self._store.document_count(self._filter)

    # -- changes --------------------------------------------------------------------------

    def on_changed(self, changes: Changes) -> None:
        if changes.everything:
            self.beginResetModel()  # import or pre-annotation: the rows themselves changed
            self._reload()
            self.endResetModel()
            return
        for document_id in changes.statuses:
            row = self._row_of.get(document_id)
            if row is None:
                continue
            page_number, offset = divmod(row, PAGE)
            page = self._pages.get(page_number)
            if page is None or offset >= len(page):
                continue
            status = self._store.status(document_id, self._annotator).status
            item = page[offset]
            page[offset] = DocumentRow(item.id, item.ext_id, item.title, item.n_comments, status,
                                       item.uncertainty, item.n_suggestions)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))


def _unsure_line(row: DocumentRow) -> str:
    if row.uncertainty is None:
        return "\nno open stance suggestions (listed last)"
    return (f"\nstance model unsure: {row.uncertainty:.2f} on average (1 − probability) over "
            f"{row.n_suggestions} open suggestion{'s' if row.n_suggestions != 1 else ''}")
