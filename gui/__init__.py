"""The Goldspan GUI (PySide6). Imports ``annotation``; the core never imports this package.

PySide6 is pinned below 6.12 in pyproject.toml: 6.12.0 on Python 3.11 takes one reference
away from None on every void Qt call (measured: sys.getrefcount(None) fell by one per
setWindowTitle), and a long session then aborts with "Fatal Python error: none_dealloc".
tests/gui/test_pyside_refcount.py guards against a version with that bug coming back.
"""
