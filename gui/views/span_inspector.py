"""The span inspector: what the selected span is (label, words, offsets, origin, links), and the
document's invalid spans, which cannot be drawn and so are listed here."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from annotation.model import Span
from gui.session import Session


class SpanInspector(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.details = QLabel("No span selected. Click a span, or Tab to one.")
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # span words come from the article
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.invalid_title = QLabel()
        self.invalid_title.setTextFormat(Qt.TextFormat.PlainText)
        self.invalid = QListWidget()
        self.invalid.setMaximumHeight(90)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.invalid_title)
        layout.addWidget(self.invalid)
        self.set_invalid([])

    def show_span(self, span: Span | None, text: str = "") -> None:
        if span is None:
            self.details.setText("No span selected. Click a span, or Tab to one.")
            return
        words = text[span.start:span.end] if text else ""
        if len(words) > 300:
            words = words[:297] + "…"
        if span.is_suggestion:
            origin = f"suggestion from {span.model or 'the model'} — Enter accepts"
        else:
            origin = span.origin
        lines = [
            f"{span.label}  ({span.layer})",
            f"“{words}”",
            f"characters {span.start}–{span.end} · {origin} · {span.annotator}",
        ]
        store = self.session.store
        for relation in store.relations_of_span(span.id) if span.id is not None else []:
            other_id = relation.child_id if relation.head_id == span.id else relation.head_id
            other = store.find_span(other_id)
            if other is None:
                continue
            other_words = store.unit_text(other.unit)[other.start:other.end][:60]
            arrow = "→" if relation.head_id == span.id else "←"
            lines.append(f"{relation.label} {arrow} {other.label} “{other_words}”")
        self.details.setText("\n".join(lines))

    def set_invalid(self, spans: list[Span]) -> None:
        self.invalid.clear()
        for span in spans:
            where = "article" if span.comment_id is None else f"comment {span.comment_id}"
            self.invalid.addItem(f"{span.label} {span.start}–{span.end} in the {where} (outside its text)")
        self.invalid_title.setText(f"Invalid spans: {len(spans)}" if spans else "No invalid spans")
        self.invalid.setVisible(bool(spans))
