"""`goldspan --screenshot OUT.png [PROJECT.db] [--screenshot-of NAME]`: one window or dialog,
rendered offscreen to a PNG, on a private copy of the project.

Each picture is taken the way a user gets there: the main window opens on the copy, then the
menu action runs. A dialog that blocks in ``exec()`` is grabbed from a timer inside its own
event loop once it has settled, then cancelled, so the code under the menu is the code that is
pictured. Windows that do not block (review, dashboard, the pre-annotation progress) are grabbed
once what they compute has arrived.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QWidget

    from gui.main_window import MainWindow

# name -> what the picture shows (the --help text and the error for an unknown name use these)
SCREENSHOTS: dict[str, str] = {
    "main": "the main window with a quotation selected (the default)",
    "arcs": "the article with the most quotations and their arcs (View > Quotation arcs)",
    "import": "File > Import... with the demo articles added and previewed",
    "export": "File > Export...",
    "new-project": "File > New project...",
    "labels": "Project > Labels...",
    "preannotate": "File > Pre-annotate documents: the job's progress dialog",
    "train": "Model > Train...",
    "review": "Review > Review annotators... (a made-up second annotator when the project has only one)",
    "dashboard": "Review > Agreement dashboard... (the same two annotators)",
}
WINDOW_SIZE = (1500, 900)
ARCS_SIZE = (1500, 820)  # the window; the article column pictured is ARCS_COLUMN wide
ARCS_COLUMN = 820
FIRST_SCREEN_CHARS = 2000  # about what the arcs picture shows of an article
DEMO_ARTICLES = Path(__file__).resolve().parent.parent / "resources" / "demo"


class ScreenshotError(Exception):
    """The picture could not be taken; the message is the one line for stderr."""


def unknown_screenshot_message(name: str) -> str:
    return f"unknown screenshot {name!r}; choose one of: {', '.join(SCREENSHOTS)}"


def take(name: str, project: Path, out: str, annotator: str) -> None:
    """Open ``project`` (a copy of it) as ``annotator``, show screenshot ``name`` and write it to
    ``out``. Raises ScreenshotError (or ProjectError) with one line when it cannot."""
    from gui.app import open_window
    from gui.screenshot_projects import copy_project

    if name not in SCREENSHOTS:
        raise ScreenshotError(unknown_screenshot_message(name))
    with tempfile.TemporaryDirectory(prefix="goldspan-screenshot-") as folder:
        copy = Path(folder) / project.name
        copy_project(project, copy)
        if name in ("review", "dashboard"):
            _ensure_two_annotators(copy, annotator)
        window = open_window(copy, annotator, interactive=False)
        if window is None:
            raise ScreenshotError("")  # open_window has said why, in one line
        window.remember_layout = False  # a picture must not change the user's preferences
        try:
            picture = _CAPTURES[name](window)
        finally:
            _close(window)
    if picture is None or picture.isNull():
        raise ScreenshotError(f"the {name} screenshot showed nothing")
    if not picture.save(out, "PNG"):
        raise ScreenshotError(f"cannot write the screenshot to {out}")


# -- waiting -------------------------------------------------------------------------------

def settle(ms: int = 300) -> None:
    """Run the event loop for ``ms``: layouts, deferred paints and queued signals arrive."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    QApplication.processEvents()


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        settle(50)
    return True


def _close(window: "MainWindow") -> None:
    """Close the window and its children and let them go (the store closes with the window),
    before the temporary folder with the copy is removed."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for job_runner in (window.jobs, getattr(window, "_checker", None)):
        if job_runner is not None:
            job_runner.cancel()
            job_runner.wait(60000)
    settle(50)  # the jobs' finished signals
    window.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    settle(50)


def _ensure_two_annotators(path: Path, annotator: str) -> None:
    from annotation.store import Store
    from gui.screenshot_projects import SECOND_ANNOTATOR, add_second_annotator, annotators_to_review

    with Store.open(path) as store:
        names = annotators_to_review(store)
        if len(names) >= 2:
            return
        if not names:
            raise ScreenshotError(f"{path.name}: nobody has annotated this project yet, so there is nothing to review")
        first = names[0]
        second = SECOND_ANNOTATOR if first != SECOND_ANNOTATOR else SECOND_ANNOTATOR + "-2"
        add_second_annotator(store, first, second)


# -- the main window -----------------------------------------------------------------------

def _lay_out(window: "MainWindow", sizes: tuple[int, int, int] = (280, 740, 480),
             size: tuple[int, int] = WINDOW_SIZE) -> None:
    from PySide6.QtWidgets import QApplication

    window.resize(*size)
    window.main_splitter.setSizes(list(sizes))
    window.article_splitter.setSizes([700, 90])
    window.show()
    QApplication.processEvents()


def _select_first_quotation(window: "MainWindow") -> None:
    """Select (read-only: nothing is written) the first quotation, so its SOURCE and CUE are
    outlined together, its arcs are labelled and the inspector is filled in."""
    quotes = [p for p in window.article.span_index.in_order() if p.span.label == "QUOTE"]
    if quotes:
        window.article.select_span(quotes[0].span.id)
        window.article.verticalScrollBar().setValue(0)


def capture_main(window: "MainWindow") -> "QPixmap":
    _lay_out(window)
    _select_first_quotation(window)
    settle(200)
    return window.grab()


def _most_quoted_document(window: "MainWindow") -> int | None:
    """The document whose first screenful of article has the most quotations (and links)."""
    store, who = window.store, window.session.annotator
    best, best_count = None, 0.0
    for document_id in store.document_ids():
        spans = store.spans(document_id, who, comment_id=None, layer="quote")
        on_screen = [s for s in spans if s.end <= FIRST_SCREEN_CHARS]
        count = sum(s.label == "QUOTE" for s in on_screen) + sum(s.label != "QUOTE" for s in on_screen) / 100
        if count > best_count:
            best, best_count = document_id, count
    return best


def capture_arcs(window: "MainWindow") -> "QPixmap":
    """The article column (title, label palette, text with arcs, inspector) of the document with
    the most quotations, arcs switched on as View > Quotation arcs does."""
    document = _most_quoted_document(window)
    # The document list is collapsed (a splitter handle does that) and the thread panel keeps
    # the rest: it cannot be narrower than about 650 pixels. Only the article column is grabbed.
    _lay_out(window, (0, ARCS_COLUMN, ARCS_SIZE[0] - ARCS_COLUMN), ARCS_SIZE)
    if document is not None:
        window.open_document(document)
        settle(200)
    if not window.arcs_action.isChecked():
        window.arcs_action.trigger()
    _select_first_quotation(window)
    settle(300)
    return window.article.parentWidget().parentWidget().grab()  # the splitter's column: title to inspector


# -- window titles ----------------------------------------------------------------------------

TITLE_BAR = 30  # pixels: offscreen windows have no frame, so the picture gets a plain title bar


def _titled(widget: "QWidget") -> "QPixmap":
    """``widget`` grabbed under a title bar with its window title, as a window manager shows it."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

    body = widget.grab()
    ratio = body.devicePixelRatio()
    width, height = int(body.width() / ratio), int(body.height() / ratio)
    picture = QPixmap(int(width * ratio), int((height + TITLE_BAR) * ratio))
    picture.setDevicePixelRatio(ratio)
    picture.fill(QColor("#3b4252"))
    painter = QPainter(picture)
    try:
        font = QFont(widget.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#eceff4"))
        painter.drawText(QRect(0, 0, width, TITLE_BAR), Qt.AlignmentFlag.AlignCenter, widget.windowTitle() or "Goldspan")
        painter.drawPixmap(0, TITLE_BAR, body)
    finally:
        painter.end()
    return picture


# -- dialogs that block in exec() -----------------------------------------------------------

def capture_modal(trigger: Callable[[], object], prepare: Callable[["QWidget"], None] | None = None,
                  ready: Callable[["QWidget"], bool] | None = None, timeout: float = 30.0) -> "QPixmap | None":
    """Run ``trigger`` (a menu action whose dialog blocks in exec()); from inside the dialog's
    event loop: ``prepare`` it once, wait until ``ready`` and a little more, grab it, cancel it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    state: dict[str, object] = {"picture": None, "prepared": False, "ready_at": None}
    started = time.monotonic()
    poll = QTimer()
    poll.setInterval(50)

    def tick() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            if time.monotonic() - started > timeout:
                poll.stop()
            return
        if not state["prepared"]:
            state["prepared"] = True
            if prepare is not None:
                prepare(dialog)
        now = time.monotonic()
        if state["ready_at"] is None:
            if ready is not None and not ready(dialog) and now - started < timeout:
                return
            state["ready_at"] = now
            return
        if now - state["ready_at"] < 0.3:  # type: ignore[operator]
            return  # let layouts and the first paints settle
        poll.stop()
        state["picture"] = _titled(dialog)
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()

    poll.timeout.connect(tick)
    poll.start()
    try:
        trigger()
    finally:
        poll.stop()
    return state["picture"]  # type: ignore[return-value]


def _shown(window: "MainWindow") -> None:
    _lay_out(window)
    settle(100)


def capture_import(window: "MainWindow") -> "QPixmap | None":
    _shown(window)
    articles = sorted(str(p) for p in DEMO_ARTICLES.glob("*.jsonl"))
    return capture_modal(window.import_files_dialog,
                         prepare=lambda dialog: dialog.add_paths(articles) if hasattr(dialog, "add_paths") else None,
                         ready=lambda dialog: not getattr(dialog, "previewing", False))  # a large preview is read on a worker


def capture_export(window: "MainWindow") -> "QPixmap | None":
    _shown(window)
    return capture_modal(window.export_dialog)


def capture_new_project(window: "MainWindow") -> "QPixmap | None":
    _shown(window)
    return capture_modal(window.new_project_dialog)


def capture_labels(window: "MainWindow") -> "QPixmap | None":
    _shown(window)
    return capture_modal(window.edit_labels)


def capture_train(window: "MainWindow") -> "QPixmap | None":
    _shown(window)
    return capture_modal(window.model_actions.train_dialog)  # type: ignore[attr-defined]


# -- windows that do not block ---------------------------------------------------------------

def _new_window(before: list["QWidget"], kind: str) -> "QWidget | None":
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and type(widget).__name__ == kind and not any(widget is old for old in before):
            return widget
    return None


def _open_window_from(window: "MainWindow", action_name: str, kind: str, ready: Callable[["QWidget"], bool],
                      what: str) -> "QPixmap":
    from PySide6.QtWidgets import QApplication

    _shown(window)
    action = getattr(window, action_name)
    before = list(QApplication.topLevelWidgets())  # the wrappers themselves: ids of temporaries are reused
    action.trigger()
    if not wait_until(lambda: _new_window(before, kind) is not None, timeout=10):
        raise ScreenshotError(f"{what} did not open")
    widget = _new_window(before, kind)
    assert widget is not None
    if not wait_until(lambda: ready(widget), timeout=120):
        raise ScreenshotError(f"{what} did not finish loading")
    settle(400)
    return _titled(widget)


def capture_review(window: "MainWindow") -> "QPixmap":
    # Whatever the review window shows once it has compared two annotators is pictured.
    return _open_window_from(window, "review_action", "ReviewWindow",  # the document compared, its differences listed
                             lambda w: w.document_id is not None and not getattr(w, "comparing", False),  # type: ignore[attr-defined]
                             "the review window")


def capture_dashboard(window: "MainWindow") -> "QPixmap":
    return _open_window_from(window, "dashboard_action", "AgreementDashboard",
                             lambda w: w.report is not None, "the agreement dashboard")  # type: ignore[attr-defined]


def capture_preannotate(window: "MainWindow") -> "QPixmap":
    """The progress dialog of File > Pre-annotate documents once it counts characters, with the
    rate and the time left. A project with nothing left to pre-annotate (the demo) shows only
    "loading the language model" before the dialog closes, so the picture is then taken on the
    demo articles freshly imported beside the copy, the moment a user first meets this dialog."""
    from gui.app import open_window

    picture, counted = _preannotation_progress(window)
    if counted:
        return picture
    fresh = _freshly_imported_demo(Path(window.store.path).parent, window.session.annotator)  # type: ignore[arg-type]
    other = open_window(fresh, window.session.annotator, interactive=False)
    if other is None:
        return picture
    other.remember_layout = False
    try:
        again, counted = _preannotation_progress(other)
    finally:
        _close(other)
    return again if counted else picture


def _preannotation_progress(window: "MainWindow") -> "tuple[QPixmap, bool]":
    _shown(window)
    if not window.preannotate_action.isEnabled():
        raise ScreenshotError("pre-annotation is not available in this installation")
    window.preannotate_action.trigger()
    if not wait_until(lambda: window.jobs.dialog is not None and window.jobs.dialog.isVisible(), timeout=10):
        raise ScreenshotError("the pre-annotation dialog did not open")
    settle(200)
    picture = _titled(window.jobs.dialog)  # type: ignore[arg-type]
    counting = wait_until(lambda: window.jobs.dialog is None or "/s" in window.jobs.dialog.labelText(), timeout=90)
    counted = counting and window.jobs.dialog is not None
    if counted:
        settle(300)
        picture = _titled(window.jobs.dialog)  # type: ignore[arg-type]
    window.jobs.cancel()
    window.jobs.wait(60000)
    settle(100)
    return picture, counted


def _freshly_imported_demo(folder: Path, annotator: str) -> Path:
    from annotation.demo import build_demo_project
    from annotation.jobs import run as run_job

    return run_job(build_demo_project(folder / "demo-articles.db", annotator, preannotate=False))


_CAPTURES: dict[str, Callable[["MainWindow"], "QPixmap | None"]] = {
    "main": capture_main,
    "arcs": capture_arcs,
    "import": capture_import,
    "export": capture_export,
    "new-project": capture_new_project,
    "labels": capture_labels,
    "preannotate": capture_preannotate,
    "train": capture_train,
    "review": capture_review,
    "dashboard": capture_dashboard,
}
assert set(_CAPTURES) == set(SCREENSHOTS)


def run(name: str, project: Path, out: str, annotator: str) -> int:
    """The command: 0, or 1 with one line on stderr."""
    from annotation.errors import GoldspanError

    try:
        take(name, project, out, annotator)
    except (ScreenshotError, GoldspanError) as exc:
        if str(exc):
            print(f"goldspan: error: {exc}", file=sys.stderr)
        return 1
    return 0
