"""The annotation workspace: document list | article | comment thread, with the label palette,
the span inspector and a status bar with progress.

Menus are built in ``_create_menus`` and the comment area in ``_create_thread_panel``, so the
review mode and the thread can plug in at one clearly named place each.
"""
from __future__ import annotations

import importlib
import importlib.util

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget,
)

from annotation.commands import SetStatus
from annotation.jobs import Progress
from annotation.model import Changes, Span, Unit
from gui import file_dialogs, settings  # file_dialogs: never reads the listed files
from gui.cheatsheet import CheatSheet
from gui.editing import accept_all_command
from gui.history import rebuild_undo_stack
from gui.job_undo import start_undoable_job
from gui.session import Session
from gui.views.annotated_text import AnnotatedTextView
from gui.views.document_list import DocumentListPanel
from gui.views.label_palette import LabelPalette
from gui.views.span_inspector import SpanInspector
from gui.views.thread_panel import ThreadPanel
from gui.workers import JobRunner


_NOTHING = object()  # no selection recorded yet


class MainWindow(QMainWindow):
    def __init__(self, session: Session, read_only_reason: str = "") -> None:
        super().__init__()
        self.session = session
        session.setParent(self)  # the session, its undo stack and their signals die with the window
        self.store = session.store
        self.jobs = JobRunner(self)
        self.jobs.failed.connect(self._job_failed)
        session.set_job_runner(self.jobs)  # a job step cannot be taken back while a job writes
        self._checker = JobRunner(self)  # the background integrity check, beside any job
        self._checker.failed.connect(self._integrity_failed)
        self._following_undo = False
        # What the status bar's hint was about: it goes when the document, a selection or the
        # data change (see _selection_moved), so it never describes something no longer shown.
        self._hint_document: int | None = None
        self._hint_selection: dict[str, object] = {}
        self._opening_document = False
        self.remember_layout = True  # False for the offscreen screenshot: it must not change preferences
        title = self.store.path.name if self.store.path else "in-memory project"
        self.setWindowTitle(f"Goldspan — {title}" + (" (read-only)" if self.store.read_only else ""))

        self.documents = DocumentListPanel(session)
        self.article_title = QLabel()
        self.article_title.setTextFormat(Qt.TextFormat.PlainText)
        self.article_title.setWordWrap(True)
        title_font = self.article_title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.article_title.setFont(title_font)
        self.palette_bar = LabelPalette(self.store.schema)
        self.article = AnnotatedTextView(session)
        self.inspector = SpanInspector(session)
        self.article_splitter = QSplitter(Qt.Orientation.Vertical)
        self.article_splitter.addWidget(self.article)
        self.article_splitter.addWidget(self.inspector)
        self.article_splitter.setStretchFactor(0, 5)
        self.article_splitter.setStretchFactor(1, 1)
        article_column = QWidget()
        column = QVBoxLayout(article_column)
        column.setContentsMargins(4, 4, 4, 0)
        column.addWidget(self.article_title)
        column.addWidget(self.palette_bar)
        column.addWidget(self.article_splitter, 1)
        self.thread = self._create_thread_panel()
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.documents)
        self.main_splitter.addWidget(article_column)
        self.main_splitter.addWidget(self.thread)
        self.main_splitter.setStretchFactor(0, 2)
        self.main_splitter.setStretchFactor(1, 5)
        self.main_splitter.setStretchFactor(2, 3)
        self.setCentralWidget(self.main_splitter)

        self.progress_label = QLabel()
        self.statusBar().addPermanentWidget(self.progress_label)
        if self.store.read_only:
            badge = QLabel(" READ-ONLY ")
            badge.setStyleSheet("background: #d1495b; color: white; font-weight: bold; border-radius: 3px;")
            badge.setToolTip(read_only_reason or "This project is open read-only; edits are not possible.")
            self.statusBar().addPermanentWidget(badge)

        self._create_menus()
        self._apply_font_size(settings.font_size())
        if not settings.restore_window(self, self._splitters()):
            self.resize(1400, 860)
            self.main_splitter.setSizes([300, 680, 420])
            self.article_splitter.setSizes([600, 110])

        session.changed.connect(self._on_changed)
        session.error.connect(lambda message: self.show_message(message, error=True))
        session.document_opened.connect(self._document_opened)
        self.article.message.connect(self.show_message)
        self.article.span_selected.connect(self._span_selected)
        self.article.invalid_loaded.connect(lambda: self.inspector.set_invalid(self.article.document_invalid))
        self.palette_bar.label_clicked.connect(self._palette_label)
        self.documents.document_activated.connect(self.open_document)
        self.stance_label = QLabel()  # the thread's comment progress: this document, then the project
        self.statusBar().insertPermanentWidget(0, self.stance_label)
        self.thread.progress_changed.connect(lambda *_: self.stance_label.setText(self.thread.status_text()))
        self.thread.message.connect(self.show_message)
        self.thread.attach_text_view(self.article)  # right-click "Stance target", or Ctrl+T on a span
        self.thread.tree.selectionModel().currentChanged.connect(
            lambda current, _previous: self._selection_moved("comment", current.internalId() if current.isValid() else None))
        comment_view = self.thread.text_view
        if self.thread.has_span_editor:
            comment_view.span_selected.connect(  # type: ignore[attr-defined]
                lambda span: self._selection_moved("comment span", span.id if span is not None else None))
        self._update_progress()
        if not self.store.read_only:
            restored = rebuild_undo_stack(session)
            if restored:
                self.show_message(f"Undo history restored: {restored} steps (Ctrl+Z)")

    # -- building -------------------------------------------------------------------------

    def _create_thread_panel(self) -> ThreadPanel:
        """The comment thread. Its "Mark done" behaves like Ctrl+Enter: done, then the next."""
        panel = ThreadPanel(self.session, self)
        panel.done_button.clicked.disconnect()
        panel.done_button.clicked.connect(self._thread_done)
        return panel

    def _thread_done(self) -> None:
        self.mark_done()

    def _splitters(self) -> dict[str, QSplitter]:
        return {"main": self.main_splitter, "article": self.article_splitter}

    def _action(self, menu, text: str, slot, shortcut: object = None) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                action.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        return action

    def _create_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New project…", self.new_project_dialog, QKeySequence.StandardKey.New)
        self._action(file_menu, "&Open project…", self.open_project_dialog, QKeySequence.StandardKey.Open)
        self.import_action = self._action(file_menu, "&Import files…", self.import_files_dialog, "Ctrl+I")
        self.export_action = self._action(file_menu, "&Export…", self.export_dialog, "Ctrl+E")
        self.preannotate_action = self._action(file_menu, "&Pre-annotate documents", self.preannotate)
        self.preannotate_action.setEnabled(
            importlib.util.find_spec("annotation.nlp.preannotate") is not None and not self.store.read_only
        )
        self.import_action.setEnabled(not self.store.read_only)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self._action(edit_menu, "&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(edit_menu, "&Redo", self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        self.session.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.session.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.session.undo_stack.undoTextChanged.connect(lambda t: self.undo_action.setText(f"&Undo {t}".strip()))
        self.session.undo_stack.redoTextChanged.connect(lambda t: self.redo_action.setText(f"&Redo {t}".strip()))

        view_menu = bar.addMenu("&View")
        self._action(view_menu, "&Find documents", lambda: self.documents.search.setFocus(), QKeySequence.StandardKey.Find)
        self._action(view_menu, "Focus document &list", lambda: self.documents.table.setFocus(), "Ctrl+1")
        self._action(view_menu, "Focus &article", lambda: self.article.setFocus(), "Ctrl+2")
        self._action(view_menu, "Focus &comments", lambda: self.thread.setFocus(), "Ctrl+3")
        view_menu.addSeparator()
        snap = self._action(view_menu, "S&nap selections to whole words", self._toggle_snap)
        snap.setCheckable(True)
        snap.setChecked(self.session.snap_to_tokens)
        self.snap_action = snap
        optional = self._action(view_menu, "&Reply stance optional (advance on the target stance)", self._toggle_reply_optional)
        optional.setCheckable(True)
        optional.setChecked(self.thread.reply_stance_optional)
        optional.setToolTip("On: a reply is complete, and auto-advance and N move on, once its stance toward the "
                            "target is set; its stance toward its parent stays optional. Off: both are needed.")
        self.reply_optional_action = optional
        arcs = self._action(view_menu, "Quotation &arcs", lambda: self.article.set_arcs_visible(self.arcs_action.isChecked()), "Ctrl+Shift+L")
        arcs.setCheckable(True)
        arcs.setChecked(True)
        self.arcs_action = arcs
        self._action(view_menu, "&Larger text", lambda: self._apply_font_size(settings.font_size() + 1, save=True), ["Ctrl+=", "Ctrl++"])
        self._action(view_menu, "&Smaller text", lambda: self._apply_font_size(settings.font_size() - 1, save=True), "Ctrl+-")

        doc_menu = bar.addMenu("&Document")
        self.document_actions = [  # nothing to mark without an open document (empty project)
            self._action(doc_menu, "&Done, next undone", self.mark_done, ["Ctrl+Return", "Ctrl+Enter"]),
            self._action(doc_menu, "&Skip", lambda: self.set_status("skip"), "Ctrl+Shift+S"),
            self._action(doc_menu, "&Flag with note…", self.flag_with_note, "Ctrl+Shift+F"),
            self._action(doc_menu, "&Accept all suggestions", self.accept_all, "Ctrl+Shift+A"),
        ]
        doc_menu.addSeparator()
        self._action(doc_menu, "&Next document", lambda: self.step_document(1), "Ctrl+PgDown")
        self._action(doc_menu, "&Previous document", lambda: self.step_document(-1), "Ctrl+PgUp")

        project_menu = bar.addMenu("&Project")
        self.labels_action = self._action(project_menu, "&Labels…", self.edit_labels)
        self.labels_action.setEnabled(not self.store.read_only)

        from gui.review.menus import add_review_actions  # File > Merge annotator file…, the Review menu

        add_review_actions(self, bar, file_menu)

        importlib.import_module("gui.model_menu").install(self, bar)  # Model: train, use model, suggest stance
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard cheat sheet", self.show_cheat_sheet, "F1")

    # -- documents ------------------------------------------------------------------------

    def open_document(self, document_id: int) -> None:
        self.session.open_document(document_id)

    def open_first_document(self) -> None:
        first = self.documents.model.document_id(0) if self.documents.model.rowCount() else None
        if first is not None:
            self.open_document(first)

    def _document_opened(self, document_id: int) -> None:
        previous, self._hint_document = self._hint_document, document_id
        if previous is not None and previous != document_id:
            self.clear_message()  # a hint given before any document was open (startup) stays
        self._opening_document = True
        try:
            self._show_document(document_id)
        finally:
            self._opening_document = False

    def _show_document(self, document_id: int) -> None:
        document = self.store.document(document_id)
        self.article_title.setText(document.title or document.ext_id)
        self.article.set_unit(Unit(document_id), text=document.text)
        self.thread.set_document(document_id)
        if self.article.spans_pending():  # a long text: its worker lists the invalid spans too
            self.inspector.set_invalid([])
        else:
            self.inspector.set_invalid(self.store.invalid_spans(document_id))
        self.documents.select_document(document_id, emit=False)
        self._update_progress()
        self.article.setFocus()

    def step_document(self, step: int) -> None:
        model = self.documents.model
        current = self.session.current_document
        row = model.row_of(current) if current is not None else None
        target = (row + step) if row is not None else 0
        if 0 <= target < model.rowCount():
            document_id = model.document_id(target)
            if document_id is not None:
                self.open_document(document_id)

    def set_status(self, status: str, note: str = "") -> bool:
        current = self.session.current_document
        if current is None:
            return False
        return self.session.push(SetStatus(current, self.session.annotator, status, note))

    def mark_done(self) -> None:
        """Ctrl+Enter and the thread's Mark done: one rule (annotation.document_done, applied by
        the thread panel, which names what is missing when it refuses), then the next undone."""
        current = self.session.current_document
        if current is None or self.store.read_only:
            return
        if self.thread.document_id != current:
            self.thread.set_document(current)
        if self.thread.mark_done():
            self._open_next_undone(current)

    def _open_next_undone(self, current: int) -> None:
        following = self.store.next_document(current, self.session.annotator, ("new",))
        if following is None:
            self.show_message("Every document is done. Well done!")
        else:
            self.open_document(following)

    def flag_with_note(self) -> None:
        if self.session.current_document is None:
            return
        old = self.store.status(self.session.current_document, self.session.annotator).note
        note, ok = QInputDialog.getText(self, "Flag document", "What is wrong with this document?", text=old)
        if ok:
            self.set_status("flag", note)

    def accept_all(self) -> None:
        current = self.session.current_document
        command = accept_all_command(self.store, current, self.session.annotator) if current is not None else None
        if command is None:
            self.show_message("No suggestions left in this document")
        elif self.session.push(command):
            count = len(getattr(command, "span_ids", ()))
            self.show_message(f"Accepted {count:,} suggestion{'s' if count != 1 else ''} (Ctrl+Z takes them back)")

    # -- undo -----------------------------------------------------------------------------

    def undo(self) -> None:
        stack = self.session.undo_stack
        text, index = stack.undoText(), stack.index()
        self._following_undo = True
        try:
            self.session.undo()  # a bulk job's step restores its snapshot (gui.job_undo)
        finally:
            self._following_undo = False
        if stack.index() != index and text:
            self.show_message(f"Undid: {text}")  # confirmed where the eye goes after Ctrl+Z

    def redo(self) -> None:
        stack = self.session.undo_stack
        text, index = stack.redoText(), stack.index()
        self._following_undo = True
        try:
            self.session.redo()
        finally:
            self._following_undo = False
        if stack.index() != index and text:
            self.show_message(f"Redid: {text}")

    # -- changes --------------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        current = self.session.current_document
        if not changes.everything:
            # An edit: a hint given before it is out of date. (A job's reload is followed by the
            # job's own message, which may be about something only it knows, so it is kept.)
            self.clear_message()
        if self._following_undo and changes.documents and current not in changes.documents:
            # Undo reached into another document: show it, so the user sees what came back.
            self.open_document(min(changes.documents))
        if changes.everything or changes.statuses:
            self._update_progress()
        if changes.everything and current is not None:
            self.inspector.set_invalid(self.store.invalid_spans(current))
        if changes.schema:
            self.palette_bar.set_schema(self.store.schema)

    def _update_progress(self) -> None:
        done, total = self.store.document_progress(self.session.annotator)
        self._show_empty_state(total)
        text = f"Done {done:,} / {total:,} documents"
        current = self.session.current_document
        if current is not None:
            status = self.store.status(current, self.session.annotator).status
            text = f"This document: {status} · " + text
        self.progress_label.setText(text)

    def _show_empty_state(self, total: int) -> None:
        """An empty project says what to do next; document actions wait for a document."""
        has_document = self.session.current_document is not None
        for action in getattr(self, "document_actions", []):
            action.setEnabled(has_document and not self.store.read_only)
        if not has_document:
            self.thread.done_button.setEnabled(False)  # the thread's Mark done: nothing to mark
        if total == 0:
            self.article_title.setText("No documents yet")
            self.article.setPlaceholderText(
                "This project is empty.\n\nFile ▸ Import… (Ctrl+I) adds articles: .txt, .jsonl, .csv, .html, "
                "or files from Prodigy, doccano, brat and Label Studio.\nThen File ▸ Pre-annotate suggests "
                "entities and quotations, and Project ▸ Labels… edits the label set.")
        else:
            self.article.setPlaceholderText("")

    def _span_selected(self, span: Span | None) -> None:
        self.inspector.show_span(span, self.article.text())
        self._selection_moved("article", span.id if span is not None else None)

    def _selection_moved(self, part: str, selected: object) -> None:
        """A selection changed (a span in the article or a comment, the current comment): a hint
        about the old one goes. Changes made while a document opens belong to that switch."""
        previous = self._hint_selection.get(part, _NOTHING)
        self._hint_selection[part] = selected
        if self._opening_document or self.thread.document_id != self._hint_document:
            return
        if previous is not _NOTHING and previous != selected:
            self.clear_message()

    def _toggle_snap(self) -> None:
        self.session.snap_to_tokens = self.snap_action.isChecked()
        self.show_message("Selections snap to whole words" if self.session.snap_to_tokens
                          else "Character mode: selections keep exact characters")

    def _toggle_reply_optional(self) -> None:
        optional = self.reply_optional_action.isChecked()
        settings.set_reply_stance_optional(optional)
        self.thread.set_reply_stance_optional(optional)
        self.show_message("Replies move on once their target stance is set; the stance toward the parent is optional"
                          if optional else "Replies move on once both stances are set (target and parent)")

    def _palette_label(self, label: str) -> None:
        self.article.apply_label(label)
        self.article.setFocus()

    def show_message(self, message: str, error: bool = False) -> None:
        self.statusBar().setStyleSheet("QStatusBar { color: #c0392b; }" if error else "")
        self.statusBar().showMessage(message, 8000 if error else 5000)

    def clear_message(self) -> None:
        """The hint is about something no longer on screen (another document, selection, or an
        edit since): gone, rather than left to its timeout."""
        if self.statusBar().currentMessage():
            self.statusBar().clearMessage()
            self.statusBar().setStyleSheet("")

    def _apply_font_size(self, size: int, save: bool = False) -> None:
        if save:
            settings.set_font_size(size)
        size = settings.font_size() if save else size
        font = QFont(self.article.font())
        font.setPointSize(size)
        self.article.setFont(font)
        self.thread.setFont(font)

    # -- project and jobs -----------------------------------------------------------------

    def open_project_dialog(self) -> None:
        path = file_dialogs.get_open_file_name(self, "Open project", "", "Goldspan projects (*.db *.goldspan);;All files (*)")
        if path:
            from gui.app import open_window

            window = open_window(path, self.session.annotator, parent_for_errors=self)
            if window is not None:
                window.show()
                self.close()

    def import_files_dialog(self) -> None:
        from gui.dialogs.import_dialog import run_import_dialog  # format, annotator, mapping, preview

        run_import_dialog(self)

    def import_paths(self, paths: list[str], options: object = None, fmt: str | None = None) -> bool:
        from annotation.import_job import import_files
        from annotation.snapshots import files_label, is_annotated

        annotator = self.session.annotator
        # into an annotated project: one undo step, "Undo Import x.jsonl" (an empty one needs none)
        return start_undoable_job(
            self.session, self.jobs, "Importing", f"Import {files_label(paths)}",
            lambda store, token: import_files(store, paths, options, fmt, annotator=annotator, cancel=token),  # type: ignore[arg-type]
            on_done=self._import_done, needed=is_annotated,
        )

    def _import_done(self, report: object) -> None:
        self.session.refresh_all()
        errors = getattr(report, "errors", [])
        result = getattr(report, "result", None)
        added = getattr(result, "documents_added", 0)
        self.show_message(f"Imported {added} documents" + (f"; {len(errors)} files failed" if errors else ""))
        if errors:
            self.notify("Import", "Some files were not imported:\n\n" + "\n".join(errors[:20]))
        if self.session.current_document is None:
            self.open_first_document()
        if added and self.preannotate_action.isEnabled():
            self._offer_preannotation(added)

    def _offer_preannotation(self, added: int) -> None:
        """After an import: pre-annotate now? (not blocking: the window stays usable)"""
        box = QMessageBox(QMessageBox.Icon.Question, "Pre-annotate",
                          f"{added:,} documents were imported. Suggest entities and quotations in them now?\n"
                          "(File ▸ Pre-annotate does it later.)", parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes = box.addButton("Pre-annotate now", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        yes.clicked.connect(self.preannotate)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.NonModal)  # a suggestion, not a question to answer first
        box.show()
        self.preannotate_offer = box

    def preannotate(self) -> None:
        self.preannotate_with(None)

    def preannotate_with(self, model: str | None) -> bool:
        """Pre-annotate with the stock pipeline or ``model`` (Model ▸ Use model…); of an
        annotated project, a snapshot first and one undo step, from either menu."""
        from annotation.snapshots import is_annotated

        annotator = self.session.annotator
        kwargs: dict[str, object] = {"annotator": annotator}
        if model:
            kwargs["model"] = model

        def job(store, token):  # type: ignore[no-untyped-def]
            # In a child process: spaCy holds the GIL for up to ~0.2 s at a time (its imports,
            # the model load, its Cython code), which on a worker thread freezes the window.
            from annotation.process_job import in_child_process

            return in_child_process(store, "annotation.nlp.preannotate:preannotate", kwargs,
                                    token, log_partial_as="preannotate")

        self.jobs.show_next_at_once("characters")  # the dialog now, the model loads in the job
        return start_undoable_job(  # of an annotated project: one undo step
            self.session, self.jobs, "Pre-annotating", "Pre-annotate", job,
            on_done=self._preannotate_done, needed=is_annotated,
        )

    def _preannotate_done(self, report: object) -> None:
        self.session.refresh_all()
        summary = getattr(report, "summary", None)
        self.show_message(summary() if callable(summary) else "Pre-annotation finished")

    def check_integrity_in_background(self) -> None:
        """PRAGMA quick_check on a worker: a damaged file is reported without delaying the window."""
        def job(store, token):  # type: ignore[no-untyped-def]
            yield Progress(0, 0, "checking the project file")
            store.check_integrity()
            return True

        self._checker.start("Checking the project file", self.store, job, show_dialog=False)

    def _integrity_failed(self, title: str, message: str) -> None:
        """A damaged file is not written to any more: every later edit could make it worse, and
        the researcher's next step is a backup or `goldspan check`, not more annotation."""
        if "Cancelled" not in message and not self.store.read_only:
            self.store.read_only = True
            self.setWindowTitle(self.windowTitle() + " (read-only: damaged)")
            message = f"{message.splitlines()[0]}\nThe project is now read-only in this window; nothing more is written to it."
        self._job_failed(title, message)

    def _job_failed(self, title: str, message: str) -> None:
        self.show_message(f"{title}: {message.splitlines()[0]}", error=True)
        if "Cancelled" not in message:
            self.notify(title, message)
        self.session.refresh_all()  # committed batches are in: show them

    def notify(self, title: str, message: str) -> QMessageBox:
        """A warning that does not block the event loop (a worker may still be reporting)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # file names and errors may contain markup
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_notice = box
        return box

    def new_project_dialog(self) -> None:
        from gui.dialogs.new_project import new_project

        new_project(self)

    def export_dialog(self) -> None:
        from gui.dialogs.export_dialog import start_export

        start_export(self)

    def edit_labels(self) -> None:
        from gui.dialogs.labels_dialog import edit_labels

        edit_labels(self, self.session)

    def show_cheat_sheet(self) -> None:
        CheatSheet(self.store.schema, self).show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.jobs.busy or self._checker.busy:
            self.jobs.cancel()
            self.jobs.wait(10000)
        if self.remember_layout:
            settings.save_window(self, self._splitters())
        super().closeEvent(event)
