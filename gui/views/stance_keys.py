"""The thread's keys, as names the panel acts on. Kept apart so the mapping is readable at once.

Letters other than J and K are only read while the thread tree has focus: in a comment's text
the same letters are entity label keys (t = TIME, n = NORP, u = LANGUAGE, e = EVENT).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from annotation.schema import Schema

_PLAIN = {Qt.Key.Key_J: "next", Qt.Key.Key_K: "previous", Qt.Key.Key_T: "next target",
          Qt.Key.Key_N: "next unlabelled", Qt.Key.Key_U: "unsure", Qt.Key.Key_E: "note",
          Qt.Key.Key_Backspace: "clear", Qt.Key.Key_Delete: "clear",
          Qt.Key.Key_Return: "edit text", Qt.Key.Key_Enter: "edit text"}
_SHIFTED = {Qt.Key.Key_T: "previous target"}

CHEAT_SHEET = (
    ("J / ↓", "next comment"), ("K / ↑", "previous comment"), ("1-4", "stance toward the target"),
    ("5-8", "a reply's stance toward its parent (View ▸ Reply stance optional: a reply moves on without it)"), ("T / Shift+T", "next / previous target"),
    ("N", "next comment still to label"), ("U", "unsure"), ("E", "note (Enter or Esc returns)"),
    ("Backspace", "clear the comment's labels"), ("Enter", "edit the comment's spans (Esc returns)"),
    ("Ctrl+T", "selected span becomes a target"),
)


def key_name(event: QKeyEvent, label_keys: set[str]) -> str | None:
    """What a key press in the thread means, or None to leave it to the tree (arrows, Home ...)."""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if mods == Qt.KeyboardModifier.ShiftModifier:
        return _SHIFTED.get(Qt.Key(event.key()))
    if mods:
        return None
    if event.key() in _PLAIN:
        return _PLAIN[Qt.Key(event.key())]
    text = event.text()
    return text if text and text in label_keys else None


def key_hint(schema: Schema) -> str:
    """One line under the stance rows, so a first-time user finds the keyboard flow."""
    stance = "/".join(d.key for d in schema.stance_labels)
    reply = "/".join(d.key for d in schema.reply_labels)
    return (f"J/K next/previous · {stance} stance · {reply} reply toward parent · T target · "
            "N next unlabelled · U unsure · E note · Backspace clear · Enter accepts a suggestion, else edits spans (Esc back) · "
            "Ctrl+T on a span: new target")
