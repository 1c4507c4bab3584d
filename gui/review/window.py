"""Review mode: compare two or more annotators and settle every difference into gold from the
keyboard. Every decision is an ordinary core command pushed on the session's undo stack, so it
is one undo step and the edit log records the reviewer (the session's annotator).

The current document is shown side by side: one pane per annotator with only that annotator's
spans and stance labels, scrolled in step (gui/review/side_by_side.py says how each state looks:
open differences underlined in red, versions taken into gold marked in teal, rejected ones grey
and struck through). Clicking a span in a pane selects its difference. The document list marks
documents whose gold layer is marked done as reviewed.

Nothing slow runs on the window's thread: the comparison (annotation.adjudication.Comparison)
is kept per document and refreshed only where a change touched it; the panes draw only the
spans near what they show; with the main window's job runner a document's text is shown at
once while it is compared, and its agreed items written to gold, on the runner's worker (keys
pressed meanwhile wait for that, a fraction of a second). bench/review_bench.py measures it.

Keys: 1..9 (or A, B) accept that annotator's version, + (or =) accept all of them, X reject
(gold keeps nothing there), E edit the label of the gold version, N/J next difference,
P/K previous, Ctrl+Enter document reviewed (gold marked done: also keeps rejections settled
after the window closes), Ctrl+Z / Ctrl+Shift+Z undo and redo.
"""
from __future__ import annotations

import sys
from html import escape
from typing import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QInputDialog, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QSplitter,
    QVBoxLayout, QWidget,
)

from annotation.adjudication import AGREED, AdjudicationError, Comparison, Item, _stance_items, agreed_to_gold, resolve
from annotation.commands import Batch, Command, SetStance, SetStatus, UpdateSpan
from annotation.errors import GoldspanError
from annotation.jobs import Progress
from annotation.model import GOLD, Changes
from gui.review.documents import MARK_ROLE, NAME_ROLE, REVIEWED_LEAD, REVIEWED_ROLE, DocumentEntryDelegate, shared_documents
from gui.review.side_by_side import (
    CURRENT_BAND, DIFFERENCE_RED, REJECTED_BACKGROUND, REJECTED_TEXT, STANCE_COLOR, SideBySide, build_layout, version_state,
)
from gui.session import Session
from gui.undo import CoreCommand

AUTO_GOLD_KEY = "review/auto_gold_agreed"
COLORS = ["#5fa8d3", "#f4a259", "#b388eb", "#7bc47f", "#e76f51"]  # annotator 1, 2, ...
AGREED_COLOR, GOLD_COLOR = "#c7eac9", "#00695c"
REVIEWED_COLOR = "#2e7d32"

KEYS_HELP = ("1/A, 2/B … accept that annotator · + accept all · X reject · E edit label · N/J next · P/K previous · "
             "Ctrl+Enter document reviewed · Ctrl+Z undo")

AGREED_JOB = "Agreed items to gold"  # the job title (JobRunner.failed names it)
# While the comparing job runs on the worker thread, the interpreter hands the GIL over this
# often (Python's default: every 5 ms). The window's thread needs the GIL at every step of
# opening (each Qt call from Python, each paint of a Python delegate or pane): with the
# default it waited up to 5 ms each time, which made opening a 10,000-word document stall the
# window for 60-120 ms; with this the stall is the window's own work. Restored when the job ends.
JOB_SWITCH_INTERVAL = 0.0005

LabelChooser = Callable[[str, list[str], str], "str | None"]  # (title, labels, current) -> choice


def auto_gold_enabled() -> bool:
    value = QSettings().value(AUTO_GOLD_KEY, True)
    return value not in (False, "false", "0", 0)


def set_auto_gold(enabled: bool) -> None:
    QSettings().setValue(AUTO_GOLD_KEY, bool(enabled))


class ReviewWindow(QWidget):
    """A top-level window over the session's project."""

    decided = Signal(str)  # a message after each decision (also shown in the status line)

    def __init__(self, session: Session, annotators: Sequence[str] | None = None, parent: QWidget | None = None,
                 jobs: object = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.session = session
        self.store = session.store
        # a gui.workers.JobRunner (the main window's): agreed items are written to gold on its
        # worker while the document is already shown; without one they are written here
        self.jobs = jobs
        self._writing: bool | None = None  # True while the comparing (and agreed-items) job runs
        self._queued: int | None = None  # a document opened while that job ran: opened after it
        self._missed = False  # this document changed while the job compared it
        if jobs is not None:
            jobs.failed.connect(self._job_failed)  # type: ignore[attr-defined]
        self.comparison: Comparison | None = None  # the open document's, refreshed after each change
        self._compared_now = False
        self._row_texts: list[str] = []  # the difference list's texts as shown
        self._rejected_shown: set[str] = set()  # self.rejected when the list was last written
        self._layout_key: tuple | None = None  # what the panes' text was built from
        self._colors: dict[str, str] = {}
        self._row_keys: list[str] = []
        self.setWindowTitle("Goldspan — review annotators")
        self.annotators: list[str] = []
        self.document_id: int | None = None
        self.items: list[Item] = []
        self.rejected: set[str] = set()  # keys rejected in this session: gold holds nothing there, yet decided
        self._reviewed = False  # the gold layer of the open document is marked done
        self.choose_label: LabelChooser = self._ask_label

        self.picker = QListWidget()
        self.picker.setMaximumHeight(110)
        self.compare_button = QPushButton("Compare")
        self.compare_button.clicked.connect(self.compare_checked)
        self.auto_gold = QCheckBox("Agreed items go to gold automatically")
        self.auto_gold.setChecked(auto_gold_enabled())
        self.auto_gold.toggled.connect(self._auto_gold_toggled)
        self.documents = QListWidget()
        # long names are elided with their marks whole (the full name in the tooltip): no sideways scrolling
        self.documents.setItemDelegate(DocumentEntryDelegate(self.documents))
        self.documents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.documents.currentRowChanged.connect(self._document_row_changed)
        self.differences = QListWidget()
        self.differences.currentRowChanged.connect(self._difference_row_changed)
        self.side = SideBySide()  # one pane per annotator, scrolled in step
        self.side.clicked.connect(self._clicked_at)
        self._open_counts: dict[int, int] = {}  # document -> differences still open, once it was opened
        self._agreed: list[Item] = []
        self._reloads = 0  # counts _reload calls: a decision reloads only if its command did not
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)  # annotator names are escaped
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("Annotators"))
        left_layout.addWidget(self.picker)
        left_layout.addWidget(self.compare_button)
        left_layout.addWidget(self.auto_gold)
        left_layout.addWidget(QLabel("Documents"))
        left_layout.addWidget(self.documents, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.differences)
        self.differences.setToolTip(KEYS_HELP)
        text_box = QWidget()
        text_layout = QVBoxLayout(text_box)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.legend)
        text_layout.addWidget(self.side, 1)
        right.addWidget(text_box)
        right.setSizes([170, 490])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([260, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self.resize(1280, 760)
        self._create_actions()
        self._fill_picker(annotators)
        session.changed.connect(self._on_changed)
        if annotators:
            self.compare(annotators)

    # -- set-up --------------------------------------------------------------------------

    # Signals go to bound methods of this window, never to lambdas or module functions: twice a
    # test process aborted inside ReviewWindow.__init__ while connecting one of those (PySide's
    # shared receiver for plain callables); a bound slot lives and dies with the window.
    def _auto_gold_toggled(self, on: bool) -> None:
        set_auto_gold(on)

    def _difference_row_changed(self, _row: int) -> None:
        self._show_current()

    def _action_triggered(self) -> None:
        slot = self._action_slots.get(self.sender())  # type: ignore[call-overload]
        if slot is not None:
            slot()

    def _create_actions(self) -> None:
        self._action_slots: dict[QAction, Callable[[], None]] = {}

        def add(keys: Sequence[str], slot: Callable[[], None], text: str) -> QAction:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self._action_slots[action] = slot
            action.triggered.connect(self._action_triggered)
            self.addAction(action)
            return action

        for index in range(9):
            keys = [str(index + 1)] + ([chr(ord("A") + index)] if index < 2 else [])
            add(keys, lambda i=index: self.accept_index(i), f"Accept annotator {index + 1}")
        add(["+", "="], self.accept_all, "Accept all versions")
        add(["X", "Del"], self.reject, "Reject (gold keeps nothing)")
        add(["E"], self.edit, "Edit the gold label")
        add(["N", "J"], lambda: self.step(1), "Next difference")
        add(["P", "K"], lambda: self.step(-1), "Previous difference")
        add(["Ctrl+Return", "Ctrl+Enter"], self.mark_reviewed, "Document reviewed (gold done)")
        add(["Ctrl+Z"], lambda: self._unless_writing(self.session.undo), "Undo")  # a bulk job's step restores its snapshot
        add(["Ctrl+Shift+Z", "Ctrl+Y"], lambda: self._unless_writing(self.session.redo), "Redo")

    def _fill_picker(self, chosen: Sequence[str] | None) -> None:
        names = [n for n in self.store.annotators_with_data() if n != GOLD]
        default = list(chosen or names[:2])
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in default else Qt.CheckState.Unchecked)
            self.picker.addItem(item)

    def compare_checked(self) -> None:
        names = [self.picker.item(i).text() for i in range(self.picker.count())
                 if self.picker.item(i).checkState() == Qt.CheckState.Checked]
        self.compare(names)

    def compare(self, annotators: Sequence[str]) -> bool:
        """Review these annotators: lists the documents two or more of them worked on."""
        if len(annotators) < 2:
            self._say("Pick at least two annotators to compare.")
            return False
        self.annotators = list(annotators)
        self.comparison = None
        shared = shared_documents(self.store, self.annotators)
        self._open_counts = {}
        self.documents.blockSignals(True)
        self.documents.clear()
        for doc_id in shared:
            doc = self.store.document(doc_id)
            entry = QListWidgetItem()
            entry.setData(Qt.ItemDataRole.UserRole, doc_id)
            entry.setData(NAME_ROLE, f"{doc.ext_id} — {doc.title}")
            self.documents.addItem(entry)
        self._mark_documents()
        self.documents.blockSignals(False)
        self.side.set_annotators(self.annotators, COLORS)
        self.legend.setToolTip(KEYS_HELP)
        self.legend.setText(
            f'<span style="background:{AGREED_COLOR}">&nbsp;agreed&nbsp;</span>'
            f'   <span style="text-decoration:underline;color:{DIFFERENCE_RED}">differs (open)</span>'
            f'   <span style="color:{GOLD_COLOR};text-decoration:overline underline">in gold</span>'
            f'   <span style="background:{REJECTED_BACKGROUND};color:{REJECTED_TEXT};text-decoration:line-through">'
            f'&nbsp;rejected&nbsp;</span>'
            f'   <span style="color:{DIFFERENCE_RED}">- - missing in this pane</span>'
            f'   <span style="background:{CURRENT_BAND}">&nbsp;current&nbsp;</span>'
            f'<br><small>{escape(KEYS_HELP)} · click a span to select it</small>')
        if not shared:  # nothing to show (also after undoing the merge that brought the other file)
            self.document_id, self.items, self._agreed = None, [], []
            self.differences.clear()
            self.side.clear()
            self._say(f"{', '.join(self.annotators)} have no document in common.")
            return False
        self.documents.setCurrentRow(0)
        return True

    # -- documents and differences ---------------------------------------------------------

    def _document_row_changed(self, row: int) -> None:
        if row >= 0:
            self.open_document(self.documents.item(row).data(Qt.ItemDataRole.UserRole))

    def open_document(self, document_id: int) -> None:
        self.document_id = document_id
        if self._can_compare_in_job():
            self._show_text_only(document_id)  # the panes at once; spans and differences follow
            self._compare_in_job(document_id)
            return
        self.comparison = Comparison(self.store, document_id, self.annotators)
        self._compared_now = True  # the next reload need not read the document again
        reloads = self._reloads
        if self.auto_gold.isChecked() and not self.store.read_only:
            command = agreed_to_gold(self.store, document_id, self.annotators, self.comparison.items)
            # an ordinary undo step (no snapshot needed): Ctrl+Z takes this document's batch back
            if command is not None:
                self.session.push(command)  # one undo step; refreshes through _on_changed
        if self._reloads == reloads:
            self._reload(keep_key=None)
        self._go_to_open(0)

    def _can_compare_in_job(self) -> bool:
        """With the main window's job runner (and a project file): compare, and write the agreed
        items, on its worker. Not while another job runs (one writing job at a time): then here."""
        jobs = self.jobs
        if jobs is None or self.store.path is None:
            return False
        return self._writing is not None or not jobs.busy  # type: ignore[attr-defined]

    def _show_text_only(self, document_id: int) -> None:
        """The document's text in the panes (stance labels in the headers), no spans yet."""
        self.comparison, self.items, self._agreed = None, [], []
        self._row_texts, self._row_keys = [], []
        self.differences.clear()
        stance_items = _stance_items(self.store, document_id, self.annotators)
        layout_key = (document_id, tuple(self.annotators),
                      tuple((i.key, tuple(o.label for o in i.options)) for i in stance_items))
        if self.side.layout_ is None or layout_key != self._layout_key:
            layout = build_layout(self.store, document_id, self.annotators, stance_items)
            if self.side.layout_ is None or layout.texts != self.side.layout_.texts:
                self.side.set_layout(layout)
            else:
                self.side.layout_ = layout
            self._layout_key = layout_key
        self.side.draw_spans([], self.state_of, self._label_color)
        self.side.show_current(None)
        self._say("Comparing the annotators…")

    def _compare_in_job(self, document_id: int) -> None:
        """Compare the document on the job runner's worker (its own connection) and, with
        "agreed items go to gold" on, write them there too: a few hundred agreed spans take the
        store 0.3-0.6 s to write and log, too long for the window's thread. The batch becomes one
        undo step, pushed as already applied; the comparison comes back ready to show."""
        if self._writing is not None:  # our job for another document still runs: this one next
            self._queued = document_id
            return
        session, annotator, names = self.session, self.session.annotator, list(self.annotators)
        auto = self.auto_gold.isChecked() and not self.store.read_only

        def job(worker, _token):  # type: ignore[no-untyped-def]
            previous = sys.getswitchinterval()
            sys.setswitchinterval(min(previous, JOB_SWITCH_INTERVAL))  # the window stays responsive
            try:
                yield Progress(0, 2, "Comparing the annotators")
                comparison = Comparison(worker, document_id, names)
                command = agreed_to_gold(worker, document_id, names, comparison.items) if auto else None
                if command is None:
                    return comparison, None, None, None
                yield Progress(1, 2, "Adding the agreed items to gold")
                inverse, changes = worker.apply(command, annotator=annotator)
                comparison.refresh(changes)
                return comparison, command, inverse, changes
            finally:  # also when it fails or is cancelled (the runner closes the job)
                sys.setswitchinterval(previous)

        def done(result: tuple[Comparison, Command | None, Command | None, Changes | None]) -> None:
            comparison, command, inverse, changes = result
            self._writing = None
            comparison.store = self.store  # the worker's connection is closed: read through ours
            if command is not None:
                session.undo_stack.push(CoreCommand(session, command, already_applied_inverse=inverse))
            queued, self._queued = self._queued, None
            current = (queued is None and self.document_id == comparison.document_id
                       and self.annotators == comparison.names)
            if current:
                if self._missed:  # an edit elsewhere landed meanwhile: read everyone again
                    comparison.refresh()
                self.comparison, self._compared_now = comparison, True
            if changes is not None:
                session.changed.emit(changes)  # every view; this window reloads through _on_changed
            if current:
                if self._compared_now:
                    self._reload(keep_key=None)
                self._go_to_open(0)
            elif queued is not None and queued == self.document_id:
                self.open_document(queued)

        self._writing = True
        self._missed = False
        if not self.jobs.start(AGREED_JOB, self.store, job, on_done=done):  # type: ignore[attr-defined]
            self._writing = None
            self._open_here(document_id)

    def _open_here(self, document_id: int) -> None:
        """open_document without a job (the runner is busy, or the job failed)."""
        jobs, self.jobs = self.jobs, None
        try:
            self.open_document(document_id)
        finally:
            self.jobs = jobs

    def _job_failed(self, title: str, message: str) -> None:
        if title == AGREED_JOB:
            self._writing = None
            queued, self._queued = self._queued, None
            self._say(f"Comparing in the background failed ({message}); comparing here.")
            if self.document_id is not None and (queued is None or queued == self.document_id):
                self._open_here(self.document_id)

    def _unless_writing(self, action: Callable[[], object]) -> bool:
        """Run an edit once the document is compared and its agreed items written: an edit made
        a moment after opening a document waits for that job (what is left of it) and lands after
        it on the undo stack."""
        if self._writing is not None:
            self.jobs.wait(60000)  # type: ignore[attr-defined]
            QCoreApplication.sendPostedEvents()  # the job's finished signal: its undo step, the reload
        if self._writing is not None:
            self._say("Still comparing this document; try again in a moment.")
            return False
        action()
        return True

    def _reload(self, keep_key: str | None, changes: Changes | None = None) -> None:
        """Show the open document as it is now; ``changes``: what changed since the last reload
        (then only the annotators it touched are read again), None when not known."""
        if self.document_id is None:
            return
        if self._writing is not None and self.comparison is None:
            self._missed = True  # being compared on the worker: read again when it is done
            return
        comparison = self.comparison
        if comparison is None or comparison.document_id != self.document_id or comparison.names != self.annotators:
            comparison = self.comparison = Comparison(self.store, self.document_id, self.annotators)
            changed: set[str] | None = None  # everything is new
        elif self._compared_now:
            changed = None  # compared a moment ago, by open_document
        else:
            comparison.refresh(changes)  # only what changed since the last read is compared again
            changed = comparison.changed
        self._compared_now = False
        all_items = comparison.items
        reviewed = self.store.status(self.document_id, GOLD).status == "done"
        if reviewed != self._reviewed:
            changed = None  # every row's mark depends on it
        self._reviewed = reviewed
        self.items = [i for i in all_items if i.kind != AGREED]
        self._agreed = [i for i in all_items if i.kind == AGREED]
        self._fill_differences(changed, keep_key)
        # how much is left, shown once a document has been opened
        self._open_counts[self.document_id] = sum(not self.is_decided(i) for i in self.items)
        self._mark_documents([self.document_id])
        stance_items = [i for i in all_items if i.layer == "stance"]
        layout_key = (self.document_id, tuple(self.annotators),
                      tuple((i.key, tuple(o.label for o in i.options)) for i in stance_items))
        if self.side.layout_ is None or layout_key != self._layout_key:
            layout = build_layout(self.store, self.document_id, self.annotators, stance_items)
            if self.side.layout_ is None or layout.texts != self.side.layout_.texts:
                self.side.set_layout(layout)  # only when the text changed: the panes keep their scroll
            else:
                self.side.layout_ = layout
            self._layout_key = layout_key
        self._reloads += 1
        schema = self.store.schema
        self._colors = {}
        for group in (schema.entity, schema.quote, schema.stance_labels, schema.reply_labels):
            for definition in group:
                self._colors.setdefault(definition.name, definition.color)
        self.side.draw_spans([*self._agreed, *self.items], self.state_of, self._label_color)
        self._show_current()

    def _fill_differences(self, changed: set[str] | None, keep_key: str | None) -> None:
        """The difference list: rewritten whole when its items are others, else only the rows
        whose item changed or whose rejection mark did."""
        self.differences.blockSignals(True)
        rejected_flipped = self.rejected ^ self._rejected_shown
        self._rejected_shown = set(self.rejected)
        keys = [i.key for i in self.items]
        if changed is None or len(keys) != len(self._row_texts) or keys != self._row_keys:
            self._row_texts = [self._row_text(item) for item in self.items]
            self.differences.clear()
            self.differences.addItems(self._row_texts)
        else:
            dirty = changed | rejected_flipped
            for row, item in enumerate(self.items):
                if item.key in dirty:
                    text = self._row_text(item)
                    if text != self._row_texts[row]:
                        self._row_texts[row] = text
                        self.differences.item(row).setText(text)
        self._row_keys = keys
        row = next((n for n, i in enumerate(self.items) if i.key == keep_key), 0 if self.items else -1)
        self.differences.setCurrentRow(row)
        self.differences.blockSignals(False)

    def _mark_documents(self, document_ids: Sequence[int] | None = None) -> None:
        """Each entry's marks: ✓ and [reviewed] when its gold layer is marked done, else how many
        differences are open (once the document was opened here)."""
        gold_done = {row[0] for row in self.store.status_rows([GOLD]) if row[2] == "done"}
        for row in range(self.documents.count()):
            entry = self.documents.item(row)
            doc_id = entry.data(Qt.ItemDataRole.UserRole)
            if document_ids is not None and doc_id not in document_ids:
                continue
            reviewed = doc_id in gold_done
            name = entry.data(NAME_ROLE)
            open_count = self._open_counts.get(doc_id)
            if reviewed:
                mark, tip = "[reviewed]", "Reviewed: this document's gold layer is marked done (Ctrl+Enter)."
            elif open_count is None:
                mark, tip = "", "Not reviewed yet."
            else:
                mark = f"[{open_count} open]" if open_count else "[settled]"
                tip = "Not marked reviewed yet: Ctrl+Enter marks it."
            # the whole text stays the item's (copy, accessibility); the delegate draws it elided, marks whole
            text = (f"{REVIEWED_LEAD} " if reviewed else "") + name + (f"  {mark}" if mark else "")
            entry.setText(text)
            entry.setToolTip(f"{name}\n{tip}")  # the full name, however narrow the list
            entry.setData(MARK_ROLE, mark)
            entry.setData(REVIEWED_ROLE, reviewed)
            entry.setForeground(QBrush(QColor(REVIEWED_COLOR)) if reviewed else QBrush())

    def _row_text(self, item: Item) -> str:
        chosen = item.chosen()
        if chosen:
            mark = f"✓ {'+'.join(chosen)}"
        elif item.resolved:
            mark = "✓ edited"
        elif item.key in self.rejected:
            mark = "✓ rejected"
        else:
            mark = "•"
        return f"{mark}  {item.describe()}"

    def is_decided(self, item: Item) -> bool:
        """Gold holds a version, or it was rejected here, or the whole document is marked reviewed
        (which is how a rejection, an absence in gold, survives closing the window)."""
        return item.resolved or item.key in self.rejected or self._reviewed

    def mark_reviewed(self) -> None:
        """Mark the gold layer of this document done (one undo step), then go to the next document."""
        if not self._unless_writing(lambda: None):
            return
        if self.document_id is not None and self.session.push(SetStatus(self.document_id, GOLD, "done")):
            self._next_document()

    @property
    def comparing(self) -> bool:
        """The open document is being compared (and its agreed items written) on the job
        runner's worker: its differences are listed once that is done."""
        return self._writing is not None

    @property
    def current(self) -> Item | None:
        row = self.differences.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _go_to_open(self, start: int) -> None:
        """Select the first undecided difference from ``start`` on (wrapping), else stay."""
        n = len(self.items)
        for offset in range(n):
            row = (start + offset) % n
            if not self.is_decided(self.items[row]):
                self.differences.setCurrentRow(row)
                return
        self._say(f"All {n} differences in this document are settled." if n else "No differences in this document.")

    def step(self, delta: int) -> None:
        if not self._unless_writing(lambda: None):  # still comparing: its differences are not listed yet
            return
        if not self.items:
            self._next_document()
            return
        row = self.differences.currentRow() + delta
        if row >= len(self.items) or row < 0:
            if delta > 0 and self._next_document():
                return
            row = max(0, min(row, len(self.items) - 1))
        self.differences.setCurrentRow(row)

    def _next_document(self) -> bool:
        row = self.documents.currentRow()
        if row + 1 < self.documents.count():
            self.documents.setCurrentRow(row + 1)
            return True
        return False

    # -- decisions ---------------------------------------------------------------------------

    def accept_index(self, index: int) -> None:
        if index < len(self.annotators):
            self.decide([self.annotators[index]])

    def accept_all(self) -> None:
        item = self.current
        if item is not None:
            self.decide([o.annotator for o in item.options if not o.empty])

    def reject(self) -> None:
        self.decide([])

    def decide(self, accept: Sequence[str]) -> bool:
        if not self._unless_writing(lambda: None):
            return False
        item = self.current
        if item is None:
            return False
        accept = [n for n in accept if not item.option(n).empty] if accept else []
        try:
            command = resolve(self.store, item, accept)
        except (AdjudicationError, GoldspanError) as exc:
            self._say(str(exc))
            return False
        newly_rejected = not accept and item.key not in self.rejected
        if newly_rejected:  # before the push, so the reload it causes draws the item as rejected
            self.rejected.add(item.key)
        reloads = self._reloads
        nothing = isinstance(command, Batch) and not command.commands
        if not nothing:
            if not self.session.push(command):
                if newly_rejected:
                    self.rejected.discard(item.key)
                return False
        row = self.differences.currentRow()
        if self._reloads == reloads:  # nothing pushed, or a change the window did not reload for
            self._reload(keep_key=item.key, changes=Changes() if nothing else None)
        self._say(command.describe())
        self._go_to_open(row + 1)
        return True

    def edit(self) -> None:
        """Relabel the gold version of the current item (accepting annotator 1's first if gold is empty)."""
        if not self._unless_writing(lambda: None):
            return
        item = self.current
        if item is None:
            return
        if not item.resolved:
            first = next((o.annotator for o in item.options if not o.empty), None)
            if first is None or not self.decide([first]):
                return
            item = next(i for i in self.items if i.key == item.key)
            self.differences.setCurrentRow(self.items.index(item))
        if item.layer == "stance":
            labels = [d.name for d in (self.store.schema.reply_labels if item.target == "@parent" else self.store.schema.stance_labels)]
            choice = self.choose_label("Gold stance", labels, item.gold.label or "")
            if choice:
                self.session.push(SetStance(item.comment_id, item.target, GOLD, choice))  # type: ignore[arg-type]
        else:
            span = item.gold.parts[0].span
            group = self.store.schema.entity if span.layer == "entity" else self.store.schema.quote
            choice = self.choose_label("Gold label", [d.name for d in group], span.label)
            if choice and choice != span.label:
                self.session.push(UpdateSpan(span.id, label=choice))  # type: ignore[arg-type]
        self._reload(keep_key=item.key)

    def _ask_label(self, title: str, labels: list[str], current: str) -> str | None:
        index = labels.index(current) if current in labels else 0
        choice, ok = QInputDialog.getItem(self, title, "Label:", labels, index, False)
        return choice if ok else None

    # -- showing ---------------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if changes.everything and self.document_id is not None and not self._document_exists(self.document_id):
            self.compare(self.annotators)  # a bulk job taken back took this document with it
            return
        if changes.everything:
            self.comparison = None  # the whole project may be another: compare afresh
        if changes.everything or changes.statuses:
            self._mark_documents(None if changes.everything else list(changes.statuses))
        if self.document_id is not None and (changes.everything or self.document_id in changes.documents
                                             or self.document_id in changes.statuses):
            current = self.current
            self._reload(keep_key=current.key if current else None, changes=changes)

    def _document_exists(self, document_id: int) -> bool:
        try:
            self.store.document(document_id)
        except GoldspanError:
            return False
        return True

    @property
    def text(self) -> QPlainTextEdit:
        """The first annotator's pane (each pane holds the same text)."""
        return self.side.panes[0]

    def _label_color(self, label: str) -> str:
        return self._colors.get(label, STANCE_COLOR)  # the schema's colours, read in _reload

    def state_of(self, item: Item, annotator: str) -> str:
        """What became of one annotator's version of an item (side_by_side.version_state)."""
        return version_state(item, annotator, item.key in self.rejected, self._reviewed)

    def _show_current(self) -> None:
        if self.document_id is None or self.side.layout_ is None:
            return
        item = self.current
        self.side.show_current(item)
        decided = sum(self.is_decided(i) for i in self.items)
        where = ""
        if item is not None:
            where = "article: " if item.comment_id is None else f"comment {self.store.comment(item.comment_id).ext_id}: "
        self._say(f"{decided} of {len(self.items)} differences settled" + (f" — {where}{item.describe()}" if item else ""))

    def _clicked_at(self, position: int) -> None:
        """A click in a pane selects the difference under it (the innermost one)."""
        if self.side.layout_ is None:
            return
        under = [i for i in [*self.items, *self._agreed]
                 if self.side.where(i)[0] <= position < max(self.side.where(i)[1], self.side.where(i)[0] + 1)]
        if not under:
            return
        item = min(under, key=lambda i: self.side.where(i)[1] - self.side.where(i)[0])
        if item in self.items:
            self.differences.setCurrentRow(self.items.index(item))
        else:
            self._say(f"{item.describe()} (already the same for everyone)")

    def _say(self, message: str) -> None:
        self.status.setText(message)
        self.decided.emit(message)
