"""The real entry point freezes start-up's objects out of the cyclic collector once its window is
shown (so a full collection, which once took 20-30 ms inside a UI action, walks only what was
made since); windows opened the way tests open them leave the collector alone (the GUI tests'
conftest disables and runs it around each test)."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

import gui.app
from gui.app import freeze_startup_garbage, open_window
from tests.gui.gui_helpers import make_project


def test_open_window_does_not_freeze_the_collector(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    frozen = gc.get_freeze_count()
    window = open_window(make_project(tmp_path / "p.db"), "tester", interactive=False)
    assert window is not None
    window.show()
    qtbot.waitExposed(window)
    assert gc.get_freeze_count() == frozen
    store = window.session.store
    window.close()
    store.close()


def test_run_gui_freezes_once_after_the_window_is_shown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    events: list[str] = []

    class Window:
        def show(self) -> None:
            events.append("show")

    monkeypatch.setattr(gui.app, "open_window", lambda *a, **k: Window())
    monkeypatch.setattr(gui.app, "freeze_startup_garbage", lambda: events.append("freeze"))
    monkeypatch.setattr(QApplication, "exec", lambda self: events.append("exec") or 0)
    assert gui.app.run_gui(str(tmp_path / "p.db"), None, "tester") == 0
    assert events == ["show", "freeze", "exec"]


def test_freeze_startup_garbage_moves_live_objects_out_of_the_generations() -> None:
    try:
        freeze_startup_garbage()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the test process's objects go back: later tests' collections see them as before
