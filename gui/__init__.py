"""The Goldspan GUI (PySide6). Imports ``annotation``; the core never imports this package."""
from __future__ import annotations

import sys

if sys.version_info < (3, 12):  # pragma: no cover - depends on the interpreter
    import ctypes

    # PySide6/shiboken6 6.12 returns None (void methods) and True/False without taking a new
    # reference on Python 3.11, where these are not yet immortal: every call (painter.drawRect,
    # setText, isValid ...) takes one reference away, and after some thousand calls the process
    # aborts with "Fatal Python error: none_dealloc" (or bool_dealloc). A huge reference count
    # makes them immortal, as they are on 3.12+. Measured: sys.getrefcount(None) fell by exactly
    # one per QPainter call.
    for _singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(_singleton)).value += 1 << 40
