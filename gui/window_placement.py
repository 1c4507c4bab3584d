"""Where a second window on a project opens: one step down and to the right of the first.

Both windows restore the same saved geometry (gui/settings.py), so without this a second,
read-only window (the first holds the project's writer lock, maybe in another process) opens
exactly on top of the first and looks like nothing happened.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

CASCADE_STEP = 40  # px: clearly another window, the first one's title bar still visible


def cascade(window: QWidget, step: int = CASCADE_STEP) -> QPoint:
    """Move ``window`` one step down and right of where it would open; up and left instead when
    that would leave its screen's free area and that way fits. Returns the new position."""
    here = window.pos()
    size = window.frameGeometry().size()
    screen = window.screen()
    free = screen.availableGeometry() if screen is not None else QRect()
    target = here + QPoint(step, step)
    if free.isValid() and not free.contains(QRect(target, size)):
        back = here - QPoint(step, step)
        if free.contains(QRect(back, size)):
            target = back
    window.move(target)
    return target
