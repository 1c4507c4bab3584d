"""The label palette and legend: every span label with its colour and key. Clicking a label
does what its key does in the text view."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from annotation.schema import LabelDef, Schema
from gui import colors
from gui.views.flow_layout import FlowLayout
from gui.plain_text import plain_tooltip


class LabelPalette(QWidget):
    label_clicked = Signal(str)

    def __init__(self, schema: Schema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._layout = layout
        self._holder: QWidget | None = None
        self.set_schema(schema)
        legend = QHBoxLayout()
        hint = QLabel("Filled: confirmed · dashed box, paler: suggestion (Enter accepts) · "
                      "underline and left bar: quotation (bold SOURCE, italic CUE)")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        legend.addWidget(hint)
        layout.addLayout(legend)

    def set_schema(self, schema: Schema) -> None:
        """(Re)build the buttons: at start, and after Project ▸ Labels… changed the schema."""
        flow = FlowLayout(spacing=4)
        for definition in schema.entity:
            flow.addWidget(self._button(definition, quote=False))
        for definition in schema.quote:
            flow.addWidget(self._button(definition, quote=True))
        holder = QWidget()
        holder.setLayout(flow)
        if self._holder is not None:
            self._layout.replaceWidget(self._holder, holder)
            self._holder.deleteLater()
        else:
            self._layout.insertWidget(0, holder)
        self._holder = holder

    def _button(self, definition: LabelDef, quote: bool) -> QToolButton:
        button = QToolButton()
        key = f" {definition.key}" if definition.key else ""
        button.setText(f"{definition.name}{key}")
        button.setToolTip(plain_tooltip(f"{definition.name}: {definition.description or ''} (key {definition.key or 'none'})"))
        button.setAutoRaise(False)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the keyboard in the text
        fg = colors.text_on(definition.color).name()
        if quote:
            style = (f"QToolButton {{ border: 2px solid {definition.color}; border-radius: 3px; padding: 1px 4px;"
                     f" font-weight: bold; }}")
        else:
            style = (f"QToolButton {{ background: {definition.color}; color: {fg}; border: 1px solid "
                     f"{colors.line_color(definition.color, False).name()}; border-radius: 3px; padding: 1px 4px; }}")
        button.setStyleSheet(style)
        button.clicked.connect(lambda _=False, name=definition.name: self.label_clicked.emit(name))
        return button
