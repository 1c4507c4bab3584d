"""The document list as a lazy table model: it holds ids (or, unfiltered in document order,
just a count) and fetches pages of rows only when the view asks for them, so a project of
100,000 documents opens at once.

Edits never reset it: a status change updates the row in place (dataChanged), and so does a
stance label while sorted by "most to learn" (the row's Unsure figure; the row stays where it
is). A row stays listed until the filter changes, even if it no longer matches it (as in Anki's
browser), so the list does not jump under the user. Bulk work (import, a suggestion run) and a
new filter read the list again: those are new queries, not edits.

A filtered or sorted list is read as its ids in order, once (a page is then fetched by id):
labelling comments changes a document's uncertainty, and an order re-read page by page would
shift under the view, showing a document twice or never. On a big project that read takes
longer than the window may stall (issue 14: 100 ms; "most to learn" on 100,000 documents
~90-140 ms of SQLite, filters 30-60 ms), so it runs on a pool thread on its own connection
while the list keeps showing, and answering, its previous rows; the new ids replace them when
they arrive (``listed``). Only the newest request counts: a search typed meanwhile starts a
new read, the older one is interrupted and its answer, should it still come, is dropped.
Small projects (up to ``sync_limit`` documents) are read on the spot, which takes a few ms.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import (
    QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QRunnable, Qt, QThreadPool, Signal,
)
from PySide6.QtGui import QColor

from annotation.model import Changes
from annotation.store import DocFilter, DocumentRow, Store
from annotation.store.reading import SORT_DOCUMENT_ORDER, SORT_MOST_TO_LEARN
from gui.plain_text import plain_tooltip

PAGE = 200
SYNC_LIMIT = 10_000  # documents: up to this many a filter's ids are read on the UI thread (< ~15 ms)
COLUMNS = ("Status", "Title", "Comments", "Unsure")
STATUS_COLUMN, TITLE_COLUMN, COMMENTS_COLUMN, UNSURE_COLUMN = range(4)  # Unsure: shown when sorted by it
DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_MARKS = {"new": "", "done": "✓ done", "skip": "↷ skip", "flag": "⚑ flag"}
STATUS_COLORS = {"done": "#2e9e5b", "skip": "#8a8a8a", "flag": "#d1495b"}

_Index = QModelIndex | QPersistentModelIndex
_pool: QThreadPool | None = None


def _reader_pool() -> QThreadPool:
    """Not the global pool: jobs (pre-annotation, the integrity check) may hold its threads for
    minutes, and the list must not wait behind them. Two threads: a read being interrupted
    does not hold up the next."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(2)
    return _pool


def _is_plain(flt: DocFilter) -> bool:
    """Unfiltered, in document order: paged by offset from a count, no ids needed."""
    return not (flt.status or flt.annotator or flt.label or flt.search.strip()) and flt.sort == SORT_DOCUMENT_ORDER


class _ReadSignals(QObject):
    done = Signal(int, object)  # generation, the ids in order
    failed = Signal(int, str)  # generation, message
    ended = Signal(int)  # generation: the read is over, whatever came of it


class _IdsRead(QRunnable):
    """A filter's ids in its order, read on a pool thread on a connection of its own."""

    def __init__(self, store: Store, flt: DocFilter, annotator: str, generation: int) -> None:
        super().__init__()
        self._store, self._filter, self._annotator = store, flt, annotator
        self.generation = generation
        self.signals = _ReadSignals()
        self._lock = threading.Lock()
        self._worker: Store | None = None
        self.cancelled = False

    def run(self) -> None:
        worker: Store | None = None
        try:
            if self.cancelled:
                return
            worker = self._store.worker()
            with self._lock:
                self._worker = worker
            if self.cancelled:
                return
            ids = worker.document_ids(self._filter, self._annotator)
            if not self.cancelled:
                self._emit(self.signals.done, self.generation, ids)
        except Exception as exc:  # noqa: BLE001 - reported to the list, never lost on a thread
            if not self.cancelled:
                self._emit(self.signals.failed, self.generation, f"{type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._worker = None
            if worker is not None:
                worker.close()
            self._emit(self.signals.ended, self.generation)

    @staticmethod
    def _emit(signal: object, *args: object) -> None:
        try:
            signal.emit(*args)  # type: ignore[attr-defined]
        except RuntimeError:  # the application is going away: nobody is listening any more
            pass

    def cancel(self) -> None:
        """Called from the UI thread: drop the answer and stop the query if it is running."""
        self.cancelled = True
        with self._lock:
            if self._worker is not None:
                self._worker.interrupt()


class DocumentListModel(QAbstractTableModel):
    listed = Signal()  # a list asked for (filter, order, refresh) is now shown
    read_failed = Signal(str)  # reading a list on the worker failed: the previous rows stay

    def __init__(self, store: Store, annotator: str, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._store = store
        self._annotator = annotator
        self._filter = DocFilter()  # the filter of the rows shown
        self._wanted = self._filter  # the filter asked for last (another while a read is running)
        self._count = store.document_count(None)
        self._pages: dict[int, list[DocumentRow]] = {}
        self._row_of: dict[int, int] = {}  # document id -> row, for fetched rows only
        self._anchors: dict[int, int] = {}  # row -> document id, found by find_row (document order)
        self._ids: list[int] | None = None  # the listed ids in order; None: unfiltered document order
        self._generation = 0
        self._reads: dict[int, _IdsRead] = {}  # running reads (kept alive until they end)
        self.sync_limit = SYNC_LIMIT

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
            if self._ids is not None:
                ids = self._ids[page_number * PAGE:(page_number + 1) * PAGE]
                page = self._store.document_rows(ids, self._annotator, uncertainty=self.sorted_by_uncertainty)
                if len(page) != len(ids):  # a document deleted meanwhile: keep the rows aligned
                    known = {item.id: item for item in page}
                    page = [known.get(i) or DocumentRow(i, "", "(deleted)", 0, "") for i in ids]
            else:
                page = self._plain_page(page_number)
            self._pages[page_number] = page
            for i, item in enumerate(page):
                self._row_of[item.id] = page_number * PAGE + i
        offset = row - page_number * PAGE
        return page[offset] if offset < len(page) else None

    def _plain_page(self, page_number: int) -> list[DocumentRow]:
        """A page of the unfiltered document order: next to a page already fetched, at the end,
        or around a document found by ``find_row``, by id (keyset); else by OFFSET, which deep
        in 100,000 documents walks ~20 ms of table pages."""
        store, flt, who = self._store, self._filter, self._annotator
        start = page_number * PAGE
        size = max(0, min(PAGE, self._count - start))
        before, after = self._pages.get(page_number - 1), self._pages.get(page_number + 1)
        if before and len(before) == PAGE:
            return store.document_page(flt, 0, size, who, after_id=before[-1].id)
        if after:
            return store.document_page_before(flt, after[0].id, size, who)
        if start + size >= self._count:
            return store.document_page_before(flt, None, size, who)
        for row, document_id in self._anchors.items():  # a found document on or near this page
            if start <= row < start + size:
                return (store.document_page_before(flt, document_id, row - start, who)
                        + store.document_page(flt, 0, start + size - row, who, after_id=document_id - 1))
            if start + size <= row <= start + 3 * PAGE:  # the page above it (the view shows both)
                return store.document_page_before(flt, document_id, row - start, who)[:size]
            if start - 3 * PAGE <= row < start:
                return store.document_page(flt, start - row, size, who, after_id=document_id - 1)
        return store.document_page(flt, start, PAGE, who)

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
        if self._ids is not None:
            try:
                return self._ids.index(document_id)
            except ValueError:
                return None
        row = self._store.document_position(self._filter, document_id)
        if row is None or row >= self._count:
            return None
        self._anchors[row] = document_id  # its page can then be fetched around it, by id
        return row

    @property
    def sorted_by_uncertainty(self) -> bool:
        """The rows shown are in "most to learn" order (with their Unsure figures)."""
        return self._filter.sort == SORT_MOST_TO_LEARN

    @property
    def current_filter(self) -> DocFilter:
        """The filter of the rows shown (``wanted_filter`` is the one asked for)."""
        return self._filter

    @property
    def wanted_filter(self) -> DocFilter:
        return self._wanted

    @property
    def loading(self) -> bool:
        """A list asked for is still being read on the worker (the previous rows are shown)."""
        return self._generation in self._reads

    def set_filter(self, flt: DocFilter) -> None:
        """Show ``flt``'s documents in its order: at once when that is cheap, else when the
        worker has read them (``listed`` says when); the previous rows stay meanwhile."""
        self._request(flt)

    def _request(self, flt: DocFilter) -> None:
        self._generation += 1
        self._cancel_reads()
        if _is_plain(flt):
            count = self._store.document_count(None)  # the smallest index: ~2 ms for 100,000
            self._wanted = flt
            self._show(flt, None, count)
        elif self._on_the_spot():
            ids = self._store.document_ids(flt, self._annotator)  # a failing query changes nothing
            self._wanted = flt
            self._show(flt, ids)
        else:
            self._wanted = flt
            read = _IdsRead(self._store, flt, self._annotator, self._generation)
            read.signals.done.connect(self._read_done)
            read.signals.failed.connect(self._read_failed)
            read.signals.ended.connect(self._read_ended)
            self._reads[self._generation] = read
            _reader_pool().start(read)

    def _on_the_spot(self) -> bool:
        return self._store.path is None or self._store.document_count(None) <= self.sync_limit

    def _cancel_reads(self) -> None:
        for read in self._reads.values():
            read.cancel()

    def _read_done(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return  # a stale answer: the user has asked for something else since
        self._show(self._wanted, ids)

    def _read_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._reads.pop(generation, None)
            self.read_failed.emit(message)

    def _read_ended(self, generation: int) -> None:
        self._reads.pop(generation, None)

    def _show(self, flt: DocFilter, ids: list[int] | None, count: int | None = None) -> None:
        """Put a list on screen. The same ids and filter again (a refresh after bulk work that
        moved nothing) keep the view's scroll and selection: only the rows are re-read."""
        self._reads.pop(self._generation, None)
        count = len(ids) if ids is not None else int(count or 0)
        if flt == self._filter and ids == self._ids and count == self._count:
            self._pages.clear()
            self._row_of.clear()
            self._anchors.clear()
            if count:
                self.dataChanged.emit(self.index(0, 0), self.index(count - 1, len(COLUMNS) - 1))
        else:
            self.beginResetModel()
            self._filter, self._ids, self._count = flt, ids, count
            self._pages.clear()
            self._row_of.clear()
            self._anchors.clear()
            self.endResetModel()
        self.listed.emit()

    # -- changes --------------------------------------------------------------------------

    def on_changed(self, changes: Changes) -> None:
        if changes.everything:
            self._request(self._wanted)  # import, pre-annotation, a suggestion run: read again
            return
        for document_id in changes.statuses:
            self._update_row(document_id, status=self._store.status(document_id, self._annotator).status)
        if changes.stances and self.sorted_by_uncertainty:
            # A label closes its suggestion: the row's mean changes, its place does not (yet).
            fetched = sorted(d for d in changes.documents if d in self._row_of)
            for fresh in self._store.document_rows(fetched, self._annotator, uncertainty=True):
                self._update_row(fresh.id, uncertainty=(fresh.uncertainty, fresh.n_suggestions))

    def _update_row(self, document_id: int, status: str | None = None,
                    uncertainty: tuple[float | None, int] | None = None) -> None:
        row = self._row_of.get(document_id)
        if row is None:
            return
        page_number, offset = divmod(row, PAGE)
        page = self._pages.get(page_number)
        if page is None or offset >= len(page):
            return
        item = page[offset]
        mean, n = uncertainty if uncertainty is not None else (item.uncertainty, item.n_suggestions)
        page[offset] = DocumentRow(item.id, item.ext_id, item.title, item.n_comments,
                                   item.status if status is None else status, mean, n)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))


def _unsure_line(row: DocumentRow) -> str:
    if row.uncertainty is None:
        return "\nno open stance suggestions (listed last)"
    return (f"\nstance model unsure: {row.uncertainty:.2f} on average (1 − probability) over "
            f"{row.n_suggestions} open suggestion{'s' if row.n_suggestions != 1 else ''}")
