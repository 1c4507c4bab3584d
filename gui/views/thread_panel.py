"""The comment thread beside the article: the tree of comments, the open comment's text with its
spans, and stance labelling at the speed of reading.

Keys (focus in the thread): J/K or Down/Up next/previous comment; the schema's stance keys
(1-4) label toward the current target and the reply keys (5-8) toward the parent; T / Shift+T
switch target; N next comment still to label; U "unsure"; E edit the note; Backspace clears;
Enter edits the comment's spans (Escape comes back). Digits and J/K also work while the
comment's text has focus (no span label uses them); T, N and U do not, because entity labels
own those letters there. Auto-advance waits for a reply's stance toward its parent as well,
and says so, unless View ▸ Reply stance optional is on.

Every edit is a core command pushed through the session, so it shares the undo stack and the
edit log with the article view.
"""
from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QPlainTextEdit, QSplitter, QTreeView, QVBoxLayout, QWidget,
)

from annotation.commands import Batch, ClearStance, Command, SetStance, SetStatus
from annotation.document_done import check_done
from annotation.model import REPLY_TARGET, Changes, Unit
from gui import settings
from gui.models.thread_model import COMMENT_COLUMN, REPLY_COLUMN, STANCE_COLUMN, ThreadModel
from gui.session import Session
from gui.views.stance_controls import CommentDetail, StanceBar, StanceControls
from gui.views.stance_keys import key_hint, key_name
from gui.views.stance_targets import TargetsMixin, install_target_action

def _stance_column_width(tree: QTreeView, labels: list[str]) -> int:
    """Wide enough for the longest label as a suggestion ("against? 87%", italic), so the model's
    probability is never cut to "against? …"."""
    italic = QFont(tree.font())
    italic.setItalic(True)
    metrics = QFontMetrics(italic)
    widest = max((metrics.horizontalAdvance(f"{name}? 100%") for name in labels), default=0)
    return max(92, widest + 16)


def _thread_tree(model: ThreadModel, parent: QWidget, labels: list[str]) -> QTreeView:
    tree = QTreeView(parent)
    tree.setModel(model)
    tree.setUniformRowHeights(True)  # constant-time scrolling over thousands of rows
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.setIndentation(16)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(COMMENT_COLUMN, QHeaderView.ResizeMode.Stretch)
    for column in (STANCE_COLUMN, REPLY_COLUMN):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, _stance_column_width(tree, labels))
    return tree


def _comment_text_view(session: Session, parent: QWidget) -> QWidget | None:
    """The article view's span editor for one comment, when that module is available."""
    try:
        module = importlib.import_module("gui.views.annotated_text")
        return module.AnnotatedTextView(session, parent)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        return None


class ThreadPanel(TargetsMixin, QWidget):
    progress_changed = Signal(int, int)  # labelled, total comments of the current document (see status_text)
    message = Signal(str)  # one line for the status bar

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.store = session.store
        schema = self.store.schema
        self._stance_keys = {d.key: d.name for d in schema.stance_labels}
        self._reply_keys = {d.key: d.name for d in schema.reply_labels}
        self.document_id: int | None = None
        self.current_comment: int | None = None
        self._progress = (0, 0)
        self._progress_key: tuple[int | None, int, int] = (None, -1, -1)
        self.uncertain_first = False  # N: next unlabelled by the stance model's uncertainty (Model menu)

        self.model = ThreadModel(self.store, session.annotator, self)
        self.model.reply_stance_required = not settings.reply_stance_optional()
        self.tree = _thread_tree(self.model, self, [d.name for d in (*schema.stance_labels, *schema.reply_labels)])
        self.tree.installEventFilter(self)
        self.model.rowsInserted.connect(self._expand_new_rows)
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)

        self.bar = StanceBar(self)
        self.target_box, self.auto_advance = self.bar.target_box, self.bar.auto_advance
        self.progress_label, self.done_button = self.bar.progress_label, self.bar.done_button
        self.target_box.currentTextChanged.connect(self._on_target_chosen)
        self.bar.add_target_button.clicked.connect(self.add_target_dialog)
        self.done_button.clicked.connect(self.mark_done)

        text_view = _comment_text_view(session, self)
        self.has_span_editor = text_view is not None
        if text_view is not None:
            text_view.message.connect(self.message)  # type: ignore[attr-defined]
            self.attach_text_view(text_view)  # type: ignore[arg-type]
            text_view.installEventFilter(self)
        else:  # read-only plain text: markup is never interpreted
            text_view = QPlainTextEdit(self)
            text_view.setReadOnly(True)
        self.detail = CommentDetail(text_view, StanceControls(schema.stance_labels, schema.reply_labels), key_hint(schema), self)
        self.text_view, self.controls = text_view, self.detail.controls
        self.comment_header, self.parent_line = self.detail.header, self.detail.parent_line
        self.controls.target_row.label_clicked.connect(lambda name: self._click_label(name, reply=False))
        self.controls.reply_row.label_clicked.connect(lambda name: self._click_label(name, reply=True))
        self.controls.target_row.unsure_toggled.connect(lambda on: self._set_flag(False, unsure=on))
        self.controls.reply_row.unsure_toggled.connect(lambda on: self._set_flag(True, unsure=on))
        self.controls.target_row.note_edited.connect(lambda note: self._set_flag(False, note=note))
        self.controls.reply_row.note_edited.connect(lambda note: self._set_flag(True, note=note))
        for row in (self.controls.target_row, self.controls.reply_row):
            row.note.returnPressed.connect(self.tree.setFocus)
            row.note.installEventFilter(self)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.bar)
        layout.addWidget(self.splitter, 1)

        # Digits and J/K work anywhere in the panel (the note field keeps its typing: a line
        # edit claims printable keys before shortcuts see them).
        for key in [*self._stance_keys, *self._reply_keys, "J", "K"]:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            name = {"J": "next", "K": "previous"}.get(key, key)
            shortcut.activated.connect(lambda name=name: self._key(name))

        session.changed.connect(self._on_changed)
        session.document_opened.connect(self.set_document)
        self.setFocusProxy(self.tree)  # "focus the comments" lands where the keys work
        self._show_comment(None)

    # -- public API -----------------------------------------------------------------------

    def set_document(self, document_id: int | None) -> None:
        if document_id == self.document_id and document_id is not None:
            return
        self.document_id = document_id
        self.current_comment = None
        self.model.set_document(document_id)
        self._reload_targets()
        self._show_comment(None)
        ids = self.model.comment_ids()
        if ids:
            self.select_comment(ids[0])
        self._update_progress()

    @property
    def current_target(self) -> str:
        return self.model.current_target

    def set_target(self, target: str) -> None:
        self.model.set_current_target(target)
        if self.target_box.currentText() != target:
            self.target_box.setCurrentText(target)
        self._show_stance()

    def select_comment(self, comment_id: int) -> None:
        """Make a comment current: expanded to, selected, and scrolled in with its parent."""
        index = self.model.index_of(comment_id)
        if not index.isValid():
            return
        parent = index.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        self.tree.setCurrentIndex(index)
        self._scroll_with_parent(index)

    def next_comment(self, step: int = 1) -> None:
        ids = self.model.comment_ids()
        if not ids:
            return
        at = ids.index(self.current_comment) if self.current_comment in ids else -1
        self.select_comment(ids[max(0, min(len(ids) - 1, at + step))])

    def next_unlabelled(self) -> bool:
        """Go to the next comment (wrapping) still missing a label for the current target or,
        for a reply, toward its parent. False when every comment is done."""
        ids = self.model.comment_ids()
        at = ids.index(self.current_comment) if self.current_comment in ids else -1
        todo = [c for c in ids[at + 1:] + ids[: at + 1] if not self.model.is_complete(c)]
        if self.uncertain_first:  # the Model menu's setting: where the model is least sure first
            todo.sort(key=self._certainty)  # stable: ties (and unsuggested comments) keep reading order
        for comment_id in todo:
            self.select_comment(comment_id)
            return True
        self.message.emit(f"Every comment is labelled for {self.current_target}")
        return False

    def _certainty(self, comment_id: int) -> float:
        suggestion = self.model.suggestion_of(comment_id, self.current_target)
        return suggestion.probability if suggestion is not None else 2.0  # no suggestion: last

    def switch_target(self, step: int = 1) -> None:
        targets = self.model.targets
        if targets:
            at = targets.index(self.current_target) if self.current_target in targets else 0
            self.set_target(targets[(at + step) % len(targets)])
            self.message.emit(f"Stance target: {self.current_target}")

    def label_current(self, label: str, reply: bool = False) -> bool:
        """Label the open comment toward the current target (or its parent); via the undo stack."""
        if self.current_comment is None:
            return False
        if reply and not self.model.row(self.current_comment).is_reply:
            self.message.emit("This comment is not a reply: it has no stance toward a parent")
            return False
        row = self.controls.reply_row if reply else self.controls.target_row
        target = REPLY_TARGET if reply else self.current_target
        # A note or "unsure" typed before choosing a label goes in with it.
        return self._push(SetStance(self.current_comment, target, self.session.annotator, label,
                                    row.note.text(), row.unsure.isChecked()))

    def accept_suggestion(self) -> bool:
        """The open comment's stance suggestions (current target, and toward its parent) become
        the annotator's labels: one undo step, and undo shows the suggestions again."""
        if self.current_comment is None:
            return False
        comment = self.current_comment
        targets = [self.current_target] + ([REPLY_TARGET] if self.model.row(comment).is_reply else [])
        commands = [SetStance(comment, t, self.session.annotator, s.label)
                    for t in targets if (s := self.model.suggestion_of(comment, t)) is not None]
        if not commands or not self._push(Batch(tuple(commands), "Accept stance suggestion")):
            return False
        self._advance_after_label(comment)
        return True

    def clear_current(self) -> bool:
        if self.current_comment is None:
            return False
        commands = [ClearStance(self.current_comment, t, self.session.annotator) for t in
                    (self.current_target, REPLY_TARGET) if self.model.stance_of(self.current_comment, t)]
        return bool(commands) and self._push(Batch(tuple(commands), "Clear stance"))

    def attach_text_view(self, view: QPlainTextEdit) -> QAction:
        """Give a span view (the article's, or a comment's) the "Stance target" action:
        its context menu and Ctrl+T make the span under the mouse, or the selected one, a target."""
        return install_target_action(view, self.add_target_from_span)

    def progress(self) -> tuple[int, int]:
        """(labelled, total) comments of the current document, as store.stance_progress counts."""
        return self._progress

    def mark_done(self) -> bool:
        """Mark the document done when annotation.document_done allows it (the rule Ctrl+Enter
        uses too); else say what is missing and go to the first comment that needs a label."""
        if self.document_id is None:
            return False
        check = check_done(self.store, self.document_id, self.session.annotator)
        if not check.ready:
            if self.current_comment not in {c.id for c in check.without_stance}:
                self.select_comment(check.without_stance[0].id)  # type: ignore[arg-type]
            self.message.emit(f"Not done yet: {check.missing()}")
            return False
        return self._push(SetStatus(self.document_id, self.session.annotator, "done"))

    # -- keys -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent)
        if watched is not self.tree:
            return self._escape_to_tree(watched, event)
        name = key_name(event, set(self._stance_keys) | set(self._reply_keys))
        if name is None:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # the tree handles it below, so the panel's shortcut does not also fire
            return True
        return self._key(name)

    def _escape_to_tree(self, watched: QObject, event: QKeyEvent) -> bool:
        """Escape from a note, or from the comment text when nothing is selected there (the
        first Escape still clears a selection), returns to the thread."""
        if event.type() != QEvent.Type.KeyPress or event.key() != Qt.Key.Key_Escape:
            return False
        if watched is self.text_view and self.has_span_editor:
            view: Any = self.text_view
            if view.selected_span() is not None or view.textCursor().hasSelection():
                return False
        self.tree.setFocus()
        return True

    def _key(self, name: str) -> bool:
        actions = {
            "next": lambda: self.next_comment(1), "previous": lambda: self.next_comment(-1),
            "next target": lambda: self.switch_target(1), "previous target": lambda: self.switch_target(-1),
            "next unlabelled": self.next_unlabelled, "clear": self.clear_current,
            "unsure": lambda: self._set_flag(False, unsure=not self.controls.target_row.unsure.isChecked()),
            "note": self.controls.target_row.note.setFocus,
            # Enter accepts a model's stance suggestion when the comment has one, else edits the text.
            "edit text": lambda: self.accept_suggestion() or self.text_view.setFocus(),
        }
        if name in actions:
            actions[name]()
            return True
        reply = name in self._reply_keys
        label = self._reply_keys.get(name) or self._stance_keys.get(name)
        if label is None:
            return False
        if self.label_current(label, reply) and self.current_comment is not None:
            self._advance_after_label(self.current_comment)
        return True

    def _advance_after_label(self, comment_id: int) -> None:
        """Auto-advance once the comment is complete; a reply still waiting for its stance toward
        its parent says so, rather than staying put without a word."""
        if not self.auto_advance.isChecked() or comment_id != self.current_comment:
            return
        if self.model.is_complete(comment_id):
            self.next_comment(1)
        elif self.model.needs_reply_stance(comment_id):
            keys = "/".join(self._reply_keys)
            self.message.emit(f"This reply also needs its stance toward the parent comment ({keys}) before moving on "
                              "(or turn on View ▸ Reply stance optional)")

    @property
    def reply_stance_optional(self) -> bool:
        return not self.model.reply_stance_required

    def set_reply_stance_optional(self, optional: bool) -> None:
        """The setting (gui.settings, View menu): a reply is complete with its target stance alone."""
        self.model.set_reply_stance_required(not optional)

    # -- internals ------------------------------------------------------------------------

    def _push(self, command: Command) -> bool:
        # A refused edit is reported once, by the session's ``error`` signal.
        return self.session.push(command)

    def _click_label(self, name: str, reply: bool) -> None:
        row = self.controls.reply_row if reply else self.controls.target_row
        if self.current_comment is not None and row.current == name:  # clicking the set label clears it
            target = REPLY_TARGET if reply else self.current_target
            self._push(ClearStance(self.current_comment, target, self.session.annotator))
        else:
            self.label_current(name, reply)
        self.tree.setFocus()

    def _set_flag(self, reply: bool, unsure: bool | None = None, note: str | None = None) -> None:
        """Change the note or "unsure" of a stored label; before a label exists they wait in the row."""
        if self.current_comment is None:
            return
        target = REPLY_TARGET if reply else self.current_target
        old = self.model.stance_of(self.current_comment, target)
        row = self.controls.reply_row if reply else self.controls.target_row
        if old is None:
            if unsure is not None:
                row.unsure.blockSignals(True)
                row.unsure.setChecked(unsure)
                row.unsure.blockSignals(False)
            return
        new_unsure = old.unsure if unsure is None else unsure
        new_note = old.note if note is None else note
        if (new_unsure, new_note) != (old.unsure, old.note):
            self._push(SetStance(self.current_comment, target, self.session.annotator, old.label, new_note, new_unsure))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        comment_id = current.internalId() if current.isValid() else None
        if comment_id != self.current_comment:
            self._show_comment(comment_id)

    def _show_comment(self, comment_id: int | None) -> None:
        self.current_comment = comment_id
        if comment_id is None or self.document_id is None:
            self.comment_header.setText("No comment" if self.document_id is not None else "")
            self.parent_line.setVisible(False)
            self._set_text(None)
            self.controls.show_nothing()
            return
        row = self.model.row(comment_id)
        self.comment_header.setText(" · ".join(p for p in (row.author or "anonymous", row.time) if p)
                                    + (f"   ⚠ replies to comment {row.parent_ext_id}, which is missing" if row.parent_missing else ""))
        parent_id = self.model.parent_id(comment_id)
        self.parent_line.setVisible(parent_id is not None)
        if parent_id is not None:
            parent = self.model.row(parent_id)
            self.parent_line.setText(f"↩ in reply to {parent.author or 'anonymous'}: “{parent.preview}”")
        self._set_text(Unit(self.document_id, comment_id))
        self._show_stance()

    def _show_stance(self) -> None:
        """Only the stance rows: a label edit leaves the comment's text and its selection alone."""
        comment_id = self.current_comment
        if comment_id is None:
            self.controls.show_nothing()
            return
        self.controls.show_comment(self.current_target, self.model.stance_of(comment_id, self.current_target),
                                   self.model.row(comment_id).is_reply, self.model.stance_of(comment_id, REPLY_TARGET))

    def _set_text(self, unit: Unit | None) -> None:
        view: Any = self.text_view
        if self.has_span_editor:
            if unit is not None:
                view.set_unit(unit)
            view.setEnabled(unit is not None)
        else:
            view.setPlainText(self.store.unit_text(unit) if unit is not None else "")

    def _scroll_with_parent(self, index: QModelIndex) -> None:
        parent = index.parent()
        self.tree.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        if parent.isValid() and not self.tree.viewport().rect().contains(self.tree.visualRect(parent)):
            # Put the parent at the top, then make sure the reply itself is still in view.
            self.tree.scrollTo(parent, QAbstractItemView.ScrollHint.PositionAtTop)
            self.tree.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _expand_new_rows(self, parent: QModelIndex, first: int, last: int) -> None:
        # Threads open expanded (the usual reading); children are still fetched page by page.
        for row in range(first, last + 1):
            index = self.model.index(row, 0, parent)
            if self.model.hasChildren(index):
                self.tree.expand(index)

    def _on_changed(self, changes: Changes) -> None:
        if self.document_id is None:
            return
        mine = changes.everything or self.document_id in changes.documents
        if not mine:
            return
        current = self.current_comment
        self.model.apply_changes(changes)
        if changes.everything or self.document_id in changes.targets:
            self._reload_targets()
        if changes.everything:
            if current is not None and current in self.model.comment_ids():
                self.select_comment(current)
            else:
                self._show_comment(None)
        elif current is not None and (current in changes.stances or self.document_id in changes.targets):
            self._show_stance()
        self._update_progress()

    def _update_progress(self) -> None:
        labelled = total = 0
        done = False
        if self.document_id is not None:
            labelled, total = self.store.stance_progress(self.session.annotator, self.document_id)
            done = self.store.status(self.document_id, self.session.annotator).status == "done"
        self.progress_label.setText(f"{labelled}/{total} labelled" if self.document_id is not None else "")
        self.done_button.setText("Done ✓" if done else "Mark done")
        # Enabled while there is something to mark, so a click can say what is still missing.
        self.done_button.setEnabled(self.document_id is not None and not done and not self.store.read_only)
        if done:
            tip = "This document is done"
        elif labelled == total:
            tip = "Every comment has a stance: mark this document done (Ctrl+Enter does the same)"
        else:
            tip = f"{total - labelled} of {total} comments have no stance yet: a click names them"
        self.done_button.setToolTip(tip)
        changed = (self.document_id, labelled, total) != self._progress_key
        self._progress, self._progress_key = (labelled, total), (self.document_id, labelled, total)
        if changed:  # listeners hear of a new document or a new count, not of every edit
            self.progress_changed.emit(labelled, total)

    def status_text(self) -> str:
        """For the status bar: this document's labelled comments, then the project's."""
        if self.document_id is None:
            return ""
        labelled, total = self._progress
        all_labelled, all_total = self.store.stance_progress(self.session.annotator)
        return f"Comments labelled {labelled}/{total} · project {all_labelled:,}/{all_total:,}"
