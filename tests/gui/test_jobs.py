"""Long work on a worker thread: pre-annotation wiring, cancel between batches, one error handler."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from annotation.commands import AddSpan
from annotation.jobs import Progress
from annotation.model import ENTITY, ORIGIN_MODEL, Span
from tests.gui.gui_helpers import ARTICLE, make_project
from tests.gui.test_main_window import _close, _window


def _endless(store, token):  # type: ignore[no-untyped-def]
    """A job that runs until cancelled, checking between batches as jobs do."""
    n = 0
    while True:
        token.check()
        n += 1
        time.sleep(0.01)
        yield Progress(n, 0, f"batch {n}")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return make_project(tmp_path / "demo.db")


def test_preannotate_runs_on_worker_and_views_reload(qtbot, demo, monkeypatch):
    import annotation.nlp.preannotate as module

    seen_threads: list[object] = []

    def fake_preannotate(store, annotator, cancel=None, **_):  # type: ignore[no-untyped-def]
        import threading

        seen_threads.append(threading.current_thread())
        yield Progress(0, 1, "suggesting")
        doc = store.document_ids()[0]
        start = ARTICLE.index("Monday")
        store.apply(AddSpan(Span(None, doc, None, start, start + 6, "DATE", ENTITY, annotator, ORIGIN_MODEL)), annotator)
        yield Progress(1, 1, "done")
        return None

    monkeypatch.setattr(module, "preannotate", fake_preannotate)
    window = _window(qtbot, demo)
    assert window.preannotate_action.isEnabled()
    window.preannotate()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=20000)
    import threading

    assert seen_threads and seen_threads[0] is not threading.main_thread()
    labels = {p.span.label for p in window.article.span_index.placed.values()}
    assert "DATE" in labels  # the view reloaded after the bulk job
    _close(window)


def test_cancel_between_batches_and_errors_reach_one_handler(qtbot, demo):
    window = _window(qtbot, demo)
    failures: list[tuple[str, str]] = []
    window.jobs.failed.connect(lambda title, message: failures.append((title, message)))

    window.jobs.start("Endless", window.store, _endless, show_dialog=False)
    qtbot.wait(50)
    window.jobs.cancel()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10000)
    assert failures and failures[-1][0] == "Endless" and "Cancelled" in failures[-1][1]

    def broken(store, token):  # type: ignore[no-untyped-def]
        yield Progress(0, 1, "starting")
        raise ValueError("a bug in a job")

    window.jobs.start("Broken", window.store, broken, show_dialog=False)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10000)
    assert failures[-1][0] == "Broken" and "a bug in a job" in failures[-1][1]
    assert "a bug in a job" in window.last_notice.text()  # told in a (non-blocking) box
    window.last_notice.close()
    _close(window)


def test_cancel_button_cancels_and_the_token_dies_without_qt(qtbot, demo):
    """The progress dialog's Cancel stops the job; and nothing in Qt watches the job's token.
    The pool thread drops the token last (as it deletes the finished runnable): a token watched
    through PySide's weakref ran a disconnect on that thread while the window destroyed the
    dialog, a segfault seen in CI. The token must die without running any Qt code."""
    import weakref

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    window = _window(qtbot, demo)
    failures: list[tuple[str, str]] = []
    window.jobs.failed.connect(lambda title, message: failures.append((title, message)))

    window.jobs.show_next_at_once()
    window.jobs.start("Endless", window.store, _endless)
    token = window.jobs._running[0]  # noqa: SLF001 - the invariant is about this object
    assert weakref.getweakrefcount(token) == 0
    dialog = window.jobs.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10000)
    assert token.cancelled
    assert failures and failures[-1][0] == "Endless" and "Cancelled" in failures[-1][1]
    _close(window)
