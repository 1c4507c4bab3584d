"""File ▸ Pre-annotate shows its dialog at once (the model loads inside the job, on the worker)
and reports what is done, the rate and the time left, while the window stays live."""
from __future__ import annotations

import sys
import threading
import time
import types

from annotation.jobs import Progress
from gui.app import open_window
from tests.gui.gui_helpers import make_project


def test_dialog_at_once_then_rate_and_time_left(qtbot, tmp_path, monkeypatch):
    release = threading.Event()
    seen_thread: list[str] = []

    def fake_preannotate(store, annotator, cancel=None):  # type: ignore[no-untyped-def]
        seen_thread.append(threading.current_thread().name)
        yield Progress(0, 0, "loading the language model")
        release.wait(10)  # "loading": the window must be live and the dialog up meanwhile
        for done in range(0, 1001, 250):
            time.sleep(0.2)
            yield Progress(done, 1000, "pre-annotating 3 units")
        return types.SimpleNamespace(summary=lambda: "Pre-annotated 3 units")

    fake = types.ModuleType("annotation.nlp.preannotate")
    fake.preannotate = fake_preannotate  # type: ignore[attr-defined]
    window = open_window(make_project(tmp_path / "p.db"), "tester")
    assert window is not None
    monkeypatch.setitem(sys.modules, "annotation.nlp.preannotate", fake)
    window.show()
    window.preannotate_action.setEnabled(True)
    window.preannotate_action.trigger()
    dialog = window.jobs.dialog
    assert dialog is not None and dialog.isVisible()  # at once, not after the model loaded
    qtbot.waitUntil(lambda: "loading" in dialog.labelText(), timeout=5000)
    assert seen_thread and seen_thread[0] != threading.main_thread().name
    release.set()
    qtbot.waitUntil(lambda: "characters/s" in dialog.labelText() and "left" in dialog.labelText(), timeout=10000)
    assert "of 1,000 characters" in dialog.labelText()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10000)
    store = window.session.store
    window.close()
    store.close()
