"""Starting the GUI: which project to open, who is annotating, and the offscreen screenshot."""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from annotation.cli.common import resolve_annotator
from annotation.errors import DiskFull, GoldspanError, ProjectError, ProjectLocked, ProjectReadOnly
from annotation.store import Store

_windows: list[object] = []  # open main windows (Qt would otherwise collect them)


def _application(screenshot: bool):  # type: ignore[no-untyped-def]
    if screenshot and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display needed to render a picture
    from PySide6.QtWidgets import QApplication

    from gui import settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    app.setApplicationDisplayName("Goldspan")
    return app


def demo_project(annotator: str, show_progress: bool = True) -> Path | None:
    """A fresh copy of the bundled demo in the user's data folder (built and pre-annotated on
    first use, which takes a while: a progress dialog says so), when the demo module exists."""
    try:
        demo = importlib.import_module("annotation.demo")
    except ImportError:
        return None
    dialog = None
    if show_progress:
        from PySide6.QtWidgets import QApplication, QProgressDialog

        dialog = QProgressDialog("Setting up the demo project…", "", 0, 1000)
        dialog.setWindowTitle("Goldspan")
        dialog.setCancelButton(None)  # a half-built demo would only be rebuilt next time
        dialog.setMinimumDuration(500)

    def progress(p: object) -> None:
        if dialog is not None:
            dialog.setLabelText(getattr(p, "message", "") or "Setting up the demo project…")
            dialog.setValue(int(getattr(p, "fraction", 0.0) * 1000))
            QApplication.processEvents()

    try:
        return Path(demo.demo_project_path(annotator=annotator, on_progress=progress))
    except (AttributeError, TypeError, GoldspanError, OSError) as exc:
        print(f"goldspan: the demo project is not available: {exc}", file=sys.stderr)
        return None
    finally:
        if dialog is not None:
            dialog.close()


def empty_project() -> Path:
    """Last resort when there is no demo: an empty project to import files into."""
    from platformdirs import user_data_dir

    folder = Path(os.environ.get("GOLDSPAN_DATA_DIR") or user_data_dir("goldspan", "Goldspan"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "untitled.goldspan.db"
    if not path.exists():
        Store.create(path).close()
    return path


def choose_project(project: str | None, annotator: str) -> Path:
    from gui import settings

    if project:
        return Path(project)
    last = settings.last_project()
    if last and Path(last).is_file():
        return Path(last)
    return demo_project(annotator) or empty_project()


def open_window(path: str | Path, annotator: str, parent_for_errors: object = None, interactive: bool = True,  # type: ignore[no-untyped-def]
                read_only: bool = False):
    """Open ``path`` in a new main window; None (after telling the user) when it cannot be opened.

    Falls back to read-only, and says why, when another process is writing to the project or
    the file or its folder cannot be written. Nothing is written to a project that fails its
    checks: a non-interactive run (the screenshot) checks the whole file first, the window
    checks it on a worker and opening itself writes nothing."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from gui import settings
    from gui.main_window import MainWindow
    from gui.session import Session

    path = Path(path)
    reason = ""
    second = False
    try:
        # The integrity check reads the whole file; the window runs it on a worker instead.
        check = not interactive
        try:
            store = Store.open(path, read_only=read_only, check=check)
        except (ProjectLocked, ProjectReadOnly) as exc:
            second = isinstance(exc, ProjectLocked)  # another window has it: open beside that one, not on top
            reason = f"{exc}\n\nIt is open read-only here: you can read and search, but not edit."
            store = Store.open(path, read_only=True, check=check)
        if store.read_only_reason and not reason:
            reason = f"{store.read_only_reason}.\n\nYou can read and search, but not edit."
    except ProjectError as exc:
        if interactive:
            box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open project", str(exc), parent=parent_for_errors)  # type: ignore[arg-type]
            box.setTextFormat(Qt.TextFormat.PlainText)  # a file name may contain "<"
            box.exec()
        else:
            print(f"goldspan: error: {exc}", file=sys.stderr)
        return None
    if not store.read_only:
        try:
            with store.transaction():  # turns a full disk into DiskFull
                store.ensure_annotator(annotator)
        except DiskFull as exc:  # the first edit will say so again, with a retry
            print(f"goldspan: warning: {exc}", file=sys.stderr)
    session = Session(store, annotator)
    window = MainWindow(session, reason)
    if second:
        from gui.window_placement import cascade

        cascade(window)
    _windows.append(window)
    window.destroyed.connect(lambda *_: store.close())
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.destroyed.connect(lambda *_: _windows.remove(window) if window in _windows else None)
    if interactive:
        settings.set_last_project(str(path.resolve()))
        session.document_opened.connect(lambda doc: settings.settings().setValue(_document_key(path), doc))
    last = settings.settings().value(_document_key(path)) if interactive else None
    try:
        last_id = int(last) if last is not None else None
    except (TypeError, ValueError):
        last_id = None
    if last_id is not None and store.document_count() and _exists(store, last_id):
        window.open_document(last_id)
    else:
        window.open_first_document()
    window.check_integrity_in_background()
    if reason and interactive and not read_only:
        window.show_message("Read-only: " + reason.split("\n")[0], error=True)
        notice = QMessageBox(QMessageBox.Icon.Information, "Project opened read-only", reason, parent=window)
        notice.setTextFormat(Qt.TextFormat.PlainText)
        notice.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        notice.open()  # window-modal but not blocking: the window behind still paints
        window.read_only_notice = notice
    return window


def _document_key(path: Path) -> str:
    return "documents/" + str(path.resolve()).replace("/", "|")


def _exists(store: Store, document_id: int) -> bool:
    try:
        store.document(document_id)
        return True
    except GoldspanError:
        return False


def run_gui(project: str | None, screenshot: str | None, annotator: str | None, read_only: bool = False,
            screenshot_of: str = "main") -> int:
    app = _application(screenshot is not None)
    who = resolve_annotator(annotator)
    if screenshot is not None:  # gui/screenshots.py: on a private copy, the project is never written
        from gui import screenshots

        path = Path(project) if project else (demo_project(who, show_progress=False) or empty_project())
        return screenshots.run(screenshot_of, path, screenshot, who)
    path = choose_project(project, who)
    window = open_window(path, who, read_only=read_only)
    if window is None:
        return 1
    window.show()
    freeze_startup_garbage()
    return app.exec()


def freeze_startup_garbage() -> None:
    """Once, after the first window is up: collect what start-up left over, then move every
    object alive now (Qt wrappers, the core's modules, the schema, the window) out of the cyclic
    collector's generations. A full collection then walks only what was made since, instead of
    the whole start-up heap each time (measured: the longest one 20+ ms, able to land inside a
    UI action). Only the real entry point calls this: tests open windows through open_window
    and manage the collector themselves (tests/gui/conftest.py)."""
    import gc

    gc.collect()  # not frozen for good: start-up's garbage
    gc.freeze()
