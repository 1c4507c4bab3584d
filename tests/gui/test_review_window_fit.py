"""The review window's document list and the agreement dashboard fit their windows at their
default sizes: a long document title is elided (its full title in the tooltip) with its marks
still shown and no horizontal scrollbar; the dashboard's heatmap and plots fit the visible
width, and the "too few items" warnings stay in view."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from annotation.commands import SetStatus
from annotation.merge import merge
from annotation.model import GOLD
from annotation.store import Store
from gui.review.window import ReviewWindow
from gui.session import Session
from tests.annotation.test_merge_fixtures import add, new_project, stance

WORDS = ["Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo", "Lima",
         "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo"]
LONG_TITLE = ("Marrowby council votes to close the Kestrel Lane ferry after ninety-three years, and the eastern "
              "bank's residents say a footbridge a kilometre upstream is not a crossing")
ARTICLES = [
    {"id": "long", "title": LONG_TITLE,
     "text": "The council of Marrowby voted on Tuesday. Residents in Ambel disagreed.",
     "comments": [{"id": "c1", "text": "A shame."}, {"id": "c2", "text": "About time."}]},
    {"id": "short", "title": "Storm hits coast", "text": "A storm hit Bergen on Monday.", "comments": []},
    {"id": "many", "title": "Every label", "text": " ".join(WORDS) + ".", "comments": []},
]
# both annotators label a word of "many" with each of these: the per-label plot gets as wide as a real project's
MANY_LABELS = ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
               "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"]


def _project(tmp_path: Path) -> Path:
    """alice and bob on the same two articles, differing on a label; bob merged into alice's file."""
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    paths = {}
    for who, place in (("alice", "GPE"), ("bob", "LOC")):
        store = new_project(tmp_path / f"{who}.db", source)
        add(store, who, "long", "Marrowby", "GPE")
        add(store, who, "long", "Ambel", place)
        add(store, who, "short", "Bergen", place)
        stance(store, who, "long", "c1", "against")
        for word, label in zip(WORDS, MANY_LABELS):
            add(store, who, "many", word, label)
        store.close()
        paths[who] = tmp_path / f"{who}.db"
    with Store.open(paths["alice"]) as store:
        merge(store, paths["bob"], reviewer="alice")
    return paths["alice"]


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):  # layouts and scroll bars are updated in posted events
        QApplication.processEvents()
        qtbot.wait(10)


def _entry_rect_in_viewport(window: ReviewWindow, row: int) -> QRect:
    return window.documents.visualItemRect(window.documents.item(row))


def test_a_long_document_title_is_elided_with_its_marks_shown_and_no_horizontal_scrollbar(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(_project(tmp_path)) as store:
        window = ReviewWindow(Session(store, "rita"), ["alice", "bob"])
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        _settle(qtbot)
        documents = window.documents
        assert documents.count() == 3
        long_row = next(r for r in range(3) if documents.item(r).data(Qt.ItemDataRole.UserRole) == 1)
        entry = documents.item(long_row)
        assert window.document_id == 1  # opened: its open differences are counted in its mark

        full = f"long — {LONG_TITLE}"
        assert entry.toolTip().split("\n")[0] == full  # the whole title, however it is shown
        assert not documents.horizontalScrollBar().isVisible()
        from gui.review.documents import DocumentEntryDelegate

        delegate = documents.itemDelegate()
        assert isinstance(delegate, DocumentEntryDelegate)
        viewport_width = documents.viewport().width()
        rect = _entry_rect_in_viewport(window, long_row)
        assert rect.left() >= 0 and rect.right() < viewport_width  # the entry is no wider than the list
        lead, name, mark = delegate.shown_parts(documents, long_row)
        assert name != full and "…" in name  # elided to the list's width
        assert mark == "[1 open]"  # the mark is whole, never elided away
        assert delegate.mark_rect(documents, long_row).right() < viewport_width

        # marked reviewed: the ✓ leads, [reviewed] stays whole, the title is still elided
        store.apply(SetStatus(1, GOLD, "done"))
        window._mark_documents([1])
        _settle(qtbot)
        lead, name, mark = delegate.shown_parts(documents, long_row)
        assert lead == "✓" and mark == "[reviewed]" and "…" in name
        assert entry.toolTip().split("\n")[0] == full and "Reviewed" in entry.toolTip()
        assert entry.text() == f"✓ {full}  [reviewed]"  # the item's text is whole (for copying, accessibility)
        assert not documents.horizontalScrollBar().isVisible()
        assert delegate.mark_rect(documents, long_row).right() < viewport_width

        # a short title is not elided
        short_row = next(r for r in range(3) if documents.item(r).data(Qt.ItemDataRole.UserRole) == 2)
        lead, name, mark = delegate.shown_parts(documents, short_row)
        assert name == "short — Storm hits coast" and "…" not in name

        # painted: a grab of the list shows the entry (no crash in the delegate's paint)
        assert not documents.grab().isNull()
        window.close()


def test_the_dashboard_plots_fit_its_default_width_and_its_warnings_stay_visible(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui.review.dashboard import AgreementDashboard
    with Store.open(_project(tmp_path)) as store:
        panel = AgreementDashboard(Session(store, "rita"))
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitExposed(panel)
        panel.refresh()
        _settle(qtbot)
        assert (panel.width(), panel.height()) == (1000, 800)  # its default size
        scroll = panel.findChild(QScrollArea)
        viewport = scroll.viewport()
        assert not scroll.horizontalScrollBar().isVisible()
        for plot in (panel.confusion_plot, panel.f1_plot, panel.documents_plot):
            assert not plot.pixmap().isNull()
            left = plot.mapTo(viewport, QPoint(0, 0)).x()
            assert left >= 0 and left + plot.width() <= viewport.width(), (plot, left, plot.width(), viewport.width())
        # the heatmap is drawn whole inside its widget, not merely shrunk to a thumbnail
        heatmap = panel.confusion_plot
        natural = heatmap.pixmap().width()
        assert heatmap.width() >= 0.6 * natural
        assert panel.summary.isVisible() and "too few to trust" in panel.summary.text()
        left = panel.summary.mapTo(viewport, QPoint(0, 0)).x()
        assert left >= 0 and left + panel.summary.width() <= viewport.width()
        panel.close()
