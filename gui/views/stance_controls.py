"""Stance label rows: one row for the current target, a second toward the parent for replies.

Each row shows the schema's labels as buttons carrying their key, an "unsure" flag and a note.
The rows only report what the user asked for; the thread panel turns that into commands, so
mouse and keyboard edits take the same path through the undo stack.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
    QWidget,
)

from annotation.model import StanceLabel
from annotation.schema import LabelDef
from gui.plain_text import plain_tooltip


def _text_on(color: str) -> str:
    return "#111111" if QColor(color).lightnessF() > 0.55 else "#ffffff"


class StanceRow(QWidget):
    label_clicked = Signal(str)  # a label name; the current one when clicked again (to clear)
    unsure_toggled = Signal(bool)
    note_edited = Signal(str)

    def __init__(self, labels: tuple[LabelDef, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._current = ""
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # target names come from user input
        self.buttons: dict[str, QPushButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)  # clicking the set label again clears it
        self.unsure = QCheckBox("unsure", self)
        self.unsure.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.unsure.toggled.connect(self._on_unsure)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("note")
        self.note.setClearButtonEnabled(True)
        self.note.setMinimumWidth(90)
        self.note.editingFinished.connect(self._on_note)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.title)
        for definition in labels:
            button = QPushButton(f"{definition.key}  {definition.name}", self)
            button.setCheckable(True)
            # Focus stays in the thread, so the next key press still labels or moves on.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(plain_tooltip(f"{definition.name} (key {definition.key})"))
            button.setStyleSheet(
                f"QPushButton {{ border: 1px solid {definition.color}; border-radius: 3px; padding: 2px 8px; }}"
                # No bold when checked: a wider text would be clipped by the unchanged button size.
                f"QPushButton:checked {{ background: {definition.color}; color: {_text_on(definition.color)}; }}"
            )
            button.clicked.connect(lambda _checked=False, name=definition.name: self.label_clicked.emit(name))
            self._group.addButton(button)
            self.buttons[definition.name] = button
            row.addWidget(button)
        row.addSpacing(8)
        row.addWidget(self.unsure)
        row.addWidget(self.note, 1)
        self._loading = False

    def set_state(self, label: StanceLabel | None) -> None:
        """Show a stored label (or none) without emitting anything."""
        self._loading = True
        self._current = label.label if label else ""
        for name, button in self.buttons.items():
            button.setChecked(name == self._current)
        self.unsure.setChecked(bool(label and label.unsure))
        if not self.note.hasFocus():  # never overwrite what the user is typing
            self.note.setText(label.note if label else "")
        self._loading = False

    @property
    def current(self) -> str:
        return self._current

    def _on_unsure(self, checked: bool) -> None:
        if not self._loading:
            self.unsure_toggled.emit(checked)

    def _on_note(self) -> None:
        if not self._loading:
            self.note_edited.emit(self.note.text())


class StanceControls(QWidget):
    """The two rows for one comment: toward the current target, and toward the parent."""

    def __init__(self, stance_labels: tuple[LabelDef, ...], reply_labels: tuple[LabelDef, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target_row = StanceRow(stance_labels, self)
        self.reply_row = StanceRow(reply_labels, self)
        self.reply_row.title.setText("↩ toward parent")
        self._title_width = 0
        self._fit_titles()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.target_row)
        layout.addWidget(self.reply_row)

    def _fit_titles(self) -> None:
        # Both titles get one width, so the two rows' buttons line up; long targets are elided.
        self._title_width = self.reply_row.title.fontMetrics().horizontalAdvance(self.reply_row.title.text()) + 8
        for row in (self.target_row, self.reply_row):
            row.title.setFixedWidth(self._title_width)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the window's text size setting
            self._fit_titles()

    def show_comment(self, target: str, target_label: StanceLabel | None, is_reply: bool,
                     reply_label: StanceLabel | None) -> None:
        self.setEnabled(True)
        title = self.target_row.title
        title.setText(title.fontMetrics().elidedText(f"▸ {target}", Qt.TextElideMode.ElideRight, self._title_width))
        title.setToolTip(plain_tooltip(f"Stance toward {target}"))
        self.target_row.set_state(target_label)
        self.reply_row.setVisible(is_reply)
        self.reply_row.set_state(reply_label if is_reply else None)

    def show_nothing(self) -> None:
        self.target_row.set_state(None)
        self.reply_row.set_state(None)
        self.reply_row.setVisible(False)
        self.setEnabled(False)


class StanceBar(QWidget):
    """Above the thread: the current target, "Add target…", auto-advance, progress and done."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target_box = QComboBox(self)
        self.target_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.target_box.setToolTip("Stance target (T / Shift+T in the thread)")
        self.target_box.setMinimumWidth(120)
        self.add_target_button = QPushButton("Add target…", self)
        self.auto_advance = QCheckBox("auto-advance", self)
        self.auto_advance.setChecked(True)
        self.auto_advance.setToolTip("After a label key completes a comment, go to the next one")
        self.progress_label = QLabel(self)
        self.done_button = QPushButton("Mark done", self)
        self.done_button.setToolTip("Every comment is labelled: mark this document done")
        for widget in (self.add_target_button, self.auto_advance, self.done_button):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys keep going to the thread
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Target:", self))
        row.addWidget(self.target_box, 1)
        row.addWidget(self.add_target_button)
        row.addWidget(self.auto_advance)
        row.addStretch(0)
        row.addWidget(self.progress_label)
        row.addWidget(self.done_button)


class CommentDetail(QWidget):
    """The open comment under the thread: who and when, what it replies to, its text (the span
    editor), the stance rows and a one-line key hint. Every label here is plain text: author
    names and comment text are data, never markup."""

    def __init__(self, text_view: QWidget, controls: StanceControls, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = _plain_label(self)
        self.parent_line = _plain_label(self, muted=True)
        self.text_view = text_view
        self.controls = controls
        self.key_hint = _plain_label(self, muted=True)
        self.key_hint.setText(hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(3)
        for widget in (self.header, self.parent_line, text_view, controls, self.key_hint):
            layout.addWidget(widget, 1 if widget is text_view else 0)


def _plain_label(parent: QWidget, muted: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if muted:
        label.setStyleSheet("color: palette(placeholder-text);")
    return label
