"""An edit repaints the blocks it changed, not the whole article view: a relabel used to mark
the block's contents dirty, and QPlainTextEdit answers any content change by repainting its
whole viewport (the cost of an edit then grew with the window). Only a change of weight or
slant (a SOURCE in bold, a CUE in italics) re-lays the block out."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QColor, QGuiApplication

from annotation.model import QUOTE_LAYER, Unit
from annotation.store import Store
from gui.editing import add_span_command
from tests.gui.gui_helpers import add_article, add_suggestion
from tests.gui.test_main_window import _close, _window

PARAGRAPH = "The minister said the council budget would rise next year in Springfield."
TEXT = "\n".join([PARAGRAPH] * 40)


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.region().boundingRect())
        return False


def _fill_at(view, position: int) -> QColor | None:  # type: ignore[no-untyped-def]
    block = view.document().findBlock(position)
    for r in block.layout().formats():
        if r.start <= position - block.position() < r.start + r.length:
            return r.format.background().color()
    return None


def test_a_relabel_repaints_its_block_and_a_bold_label_relays_it_out(qtbot, tmp_path):
    path = tmp_path / "p.db"
    with Store.create(path) as store:
        doc = add_article(store, TEXT)
        springfield = TEXT.index("Springfield")
        entity = add_suggestion(store, doc, springfield, springfield + 11, "GPE", "tester")
        said = TEXT.index("said the council")
        quote = add_suggestion(store, doc, said + 5, said + 16, "QUOTE", "tester")
    window = _window(qtbot, path)
    try:
        view = window.article
        view.select_span(entity)
        view.setFocus()
        qtbot.wait(50)
        before = _fill_at(view, springfield)
        paints = _Paints()
        view.viewport().installEventFilter(paints)
        relaid: list[object] = []  # the document layout re-laid something out (and asks for a repaint)
        view.document().documentLayout().update.connect(lambda *rect: relaid.append(rect))
        qtbot.keyClick(view, "o")  # GPE -> ORG: colours only
        QGuiApplication.processEvents()
        assert window.session.store.span(entity).label == "ORG"
        assert _fill_at(view, springfield) != before  # the new colour is in the block's formats
        height = view.viewport().height()
        assert paints.rects and max(r.height() for r in paints.rects) < height / 4, (paints.rects, height)
        assert relaid == []  # no re-layout for a colour
        minister = TEXT.index("minister")
        assert window.session.push(add_span_command(Unit(doc), minister, minister + 8, "SOURCE", QUOTE_LAYER,
                                                     "tester", quote))
        assert relaid  # bold: its block re-wraps
        bold = view.document().findBlock(minister).layout().formats()
        assert any(r.format.fontWeight() > 400 for r in bold)
    finally:
        _close(window)
