"""A project whose background integrity check fails is not written to any more."""
from __future__ import annotations

from pathlib import Path

from annotation.errors import ProjectError
from annotation.store import Store
from gui.app import open_window
from tests.gui.gui_helpers import make_project
from tests.gui.test_annotated_text import click


def test_failed_integrity_check_makes_the_window_read_only(qtbot, tmp_path: Path, monkeypatch):
    path = make_project(tmp_path / "p.db")

    def damaged(self: Store) -> None:
        raise ProjectError(f"{path}: the project file is damaged (page 7 is never used); restore a backup")

    monkeypatch.setattr(Store, "check_integrity", damaged)
    window = open_window(path, "tester")
    assert window is not None
    try:
        window.show()
        qtbot.waitUntil(lambda: window.store.read_only, timeout=5000)
        assert "read-only" in window.windowTitle()
        store = window.store
        doc = window.session.current_document
        before = [(s.start, s.end, s.label, s.origin) for s in store.spans(doc)]
        click(qtbot, window.article, 3)  # the suggested ORG; "p" would relabel it
        qtbot.keyClick(window.article, "p")
        assert [(s.start, s.end, s.label, s.origin) for s in store.spans(doc)] == before
    finally:
        store = window.session.store
        window.close()
        store.close()
