"""The review actions for the main window's menus, added in one call from its menu builder."""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar


def add_review_actions(window: QMainWindow, bar: QMenuBar, file_menu: QMenu) -> None:
    """File > Merge annotator file…, Review > Review annotators…, Agreement dashboard…

    ``window`` must have ``session`` and ``jobs`` (a JobRunner), as gui.main_window.MainWindow does.
    """
    from gui.review.dashboard import AgreementDashboard
    from gui.review.merging import merge_file_dialog
    from gui.review.window import ReviewWindow

    def action(menu: QMenu, text: str, slot, shortcut: str | None = None) -> QAction:  # type: ignore[no-untyped-def]
        act = QAction(text, window)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _=False: slot())
        menu.addAction(act)
        return act

    def review() -> None:
        review_window = ReviewWindow(window.session, parent=window, jobs=window.jobs)  # type: ignore[attr-defined]
        review_window.compare_checked()
        review_window.show()
        window.review_window = review_window  # type: ignore[attr-defined]

    def dashboard() -> None:
        panel = AgreementDashboard(window.session, parent=window, jobs=window.jobs)  # type: ignore[attr-defined]
        panel.document_requested.connect(window.session.open_document)  # type: ignore[attr-defined]
        panel.show()
        panel.refresh()
        window.agreement_dashboard = panel  # type: ignore[attr-defined]

    merge = action(file_menu, "&Merge annotator file…", lambda: merge_file_dialog(window.session, window.jobs, window))  # type: ignore[attr-defined]
    first = next((a for a in file_menu.actions() if a.isSeparator()), None)
    if first is not None:  # next to Import, above Quit
        file_menu.removeAction(merge)
        file_menu.insertAction(first, merge)
    merge.setEnabled(not window.session.store.read_only)  # type: ignore[attr-defined]
    review_menu = bar.addMenu("&Review")
    window.merge_action = merge  # type: ignore[attr-defined]
    window.review_action = action(review_menu, "&Review annotators…", review, "Ctrl+Shift+R")  # type: ignore[attr-defined]
    window.dashboard_action = action(review_menu, "&Agreement dashboard…", dashboard)  # type: ignore[attr-defined]
