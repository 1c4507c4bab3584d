"""Preferences in QSettings: window geometry, splitter sizes, font size, the last project, and
whether a reply's stance toward its parent is optional in the thread.

Tests point QSettings at a temporary folder (tests/gui/conftest.py), so nothing here touches
the user's real preferences during a test run.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

ORGANIZATION = "Goldspan"
APPLICATION = "goldspan"
DEFAULT_FONT_SIZE = 11
MIN_FONT_SIZE, MAX_FONT_SIZE = 7, 32


def settings() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)


def last_project() -> str:
    return str(settings().value("project/last", "") or "")


def set_last_project(path: str) -> None:
    settings().setValue("project/last", path)


def font_size() -> int:
    try:
        size = int(settings().value("view/font_size", DEFAULT_FONT_SIZE))
    except (TypeError, ValueError):
        size = DEFAULT_FONT_SIZE
    return max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, size))


def set_font_size(size: int) -> None:
    settings().setValue("view/font_size", max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, size)))


def reply_stance_optional() -> bool:
    """Whether a reply counts as labelled (auto-advance, N) with its stance toward the target
    alone; by default its stance toward its parent is needed too."""
    return bool(settings().value("thread/reply_stance_optional", False, type=bool))


def set_reply_stance_optional(optional: bool) -> None:
    settings().setValue("thread/reply_stance_optional", bool(optional))


def save_window(window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
    store = settings()
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/state", window.saveState())
    for name, splitter in splitters.items():
        store.setValue(f"splitter/{name}", splitter.saveState())


def restore_window(window: QMainWindow, splitters: dict[str, QSplitter]) -> bool:
    """Restore what was saved; False when there was nothing (first run)."""
    store = settings()
    geometry = store.value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
        state = store.value("window/state")
        if isinstance(state, QByteArray):
            window.restoreState(state)
        restored = True
    else:
        restored = False
    for name, splitter in splitters.items():
        state = store.value(f"splitter/{name}")
        if isinstance(state, QByteArray) and not state.isEmpty():
            splitter.restoreState(state)
    return restored
