"""A long job's dialog counts what a user counts: texts done, texts per second and the time
left (reckoned in characters, since texts differ in size), once the first batch is in."""
from __future__ import annotations

import threading
import time

from annotation.jobs import Progress
from tests.gui.gui_helpers import make_project
from tests.gui.test_main_window import _close, _window


def test_units_done_units_per_second_and_time_left(qtbot, tmp_path):
    window = _window(qtbot, make_project(tmp_path / "p.db"))
    release = threading.Event()

    def job(store, token):  # type: ignore[no-untyped-def]
        yield Progress(0, 0, "loading the language model")
        release.wait(10)
        for batch in range(1, 6):
            time.sleep(0.3)
            token.check()
            yield Progress(batch * 20_000, 100_000, f"pre-annotating ({batch * 64} of 320 units)", items=(batch * 64, 320))
        return None

    try:
        window.jobs.show_next_at_once("characters")
        window.jobs.start("Pre-annotating", window.store, job)
        dialog = window.jobs.dialog
        assert dialog is not None and dialog.isVisible()
        qtbot.waitUntil(lambda: "loading" in dialog.labelText())
        release.set()
        qtbot.waitUntil(lambda: "units/s" in dialog.labelText(), timeout=10000)
        text = dialog.labelText()
        assert "of 320 units" in text and "left" in text and "characters" not in text.splitlines()[-1], text
        qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10000)
    finally:
        release.set()
        _close(window)
