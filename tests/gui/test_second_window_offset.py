"""A second window on a project (read-only, as another process holds the writer lock) opens one
step down and right of the first, not exactly on top of it, and edits in it write nothing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from gui.app import open_window
from gui.window_placement import CASCADE_STEP
from tests.gui.gui_helpers import make_project


def test_a_second_read_only_window_opens_offset_from_the_first(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project(tmp_path / "demo.db")
    for _ in range(2):  # the first run saves the window's place; the second opens there (``where``)
        first = open_window(project, "tester", interactive=False)
        assert first is not None and not first.session.store.read_only
        where = first.pos()
        first.show()
        qtbot.waitExposed(first)
        with qtbot.waitSignal(first.destroyed):  # deleted on close: its store closes, the lock is released
            first.close()
    holder = subprocess.Popen(  # the first window's process, still holding the writer lock
        [sys.executable, "-c", "import sys,time; from annotation.store import Store; s=Store.open(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(project)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        second = open_window(project, "tester", interactive=False)
        assert second is not None and second.session.store.read_only
        store = second.session.store
        assert second.pos() == where + QPoint(CASCADE_STEP, CASCADE_STEP)  # not on top of the first
        second.show()
        qtbot.waitExposed(second)
        assert second.pos() != where
        # it is read-only: a label key on a selection writes nothing
        doc = second.session.current_document
        before = [(s.start, s.end, s.label) for s in store.spans(doc, "tester")]
        second.article.select_text(0, 5)
        qtbot.keyClick(second.article, "p")
        assert [(s.start, s.end, s.label) for s in store.spans(doc, "tester")] == before
        second.close()
    finally:
        holder.kill()
        holder.wait()


def test_a_window_that_would_leave_the_screen_steps_up_and_left(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from gui.window_placement import cascade

    widget = QWidget()
    qtbot.addWidget(widget)
    free = widget.screen().availableGeometry()
    widget.resize(400, 300)
    widget.move(free.right() - 410, free.bottom() - 310)  # at the screen's bottom right corner
    start = widget.pos()
    assert cascade(widget) == start - QPoint(CASCADE_STEP, CASCADE_STEP) == widget.pos()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # still a live window where it landed
