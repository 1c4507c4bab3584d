"""File > Merge annotator file…: the core merge on a worker thread, then every view refreshes."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from annotation.merge import MergeReport, merge_projects
from gui.job_undo import start_undoable_job
from gui import file_dialogs  # never reads the listed files (the open project's among them)
from gui.session import Session


def merge_file(session: Session, jobs, path: str, parent: QWidget | None = None,  # type: ignore[no-untyped-def]
               on_done: Callable[[MergeReport], None] | None = None, interactive: bool = True) -> bool:
    """Start merging ``path`` into the session's project on ``jobs`` (a gui.workers.JobRunner).
    Errors (not a project, another schema …) reach the runner's one ``failed`` handler."""
    reviewer = session.annotator

    def done(report: MergeReport) -> None:
        session.refresh_all()
        if interactive:
            show_message = getattr(parent, "show_message", None)
            if show_message is not None:
                show_message(report.lines()[0])
            # not blocking the event loop; plain text, as names and ids may contain markup
            box = QMessageBox(QMessageBox.Icon.Information, "Merge", "\n".join(report.lines()), parent=parent)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        if on_done is not None:
            on_done(report)

    # one undo step, "Undo Merge ben.db", that restores the snapshot taken before the merge
    return start_undoable_job(session, jobs, "Merging", f"Merge {Path(path).name}",
                              lambda store, token: merge_projects(store, path, reviewer=reviewer, cancel=token), on_done=done)


def merge_file_dialog(session: Session, jobs, parent: QWidget | None = None) -> bool:  # type: ignore[no-untyped-def]
    path = file_dialogs.get_open_file_name(parent, "Merge annotator file", "", "Goldspan projects (*.db *.goldspan);;All files (*)")
    return merge_file(session, jobs, path, parent) if path else False
