"""PySide6 6.12.0 under Python 3.11 drops a reference to None on each void call, which crashes
a long session; pyproject pins a version without that bug. This keeps it from coming back."""
import sys

from PySide6.QtWidgets import QWidget


def test_void_qt_calls_do_not_leak_references_to_none(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.setWindowTitle("x")
        widget.isVisible()
    assert abs(sys.getrefcount(None) - before) < 100
