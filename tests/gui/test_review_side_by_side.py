"""The review's side-by-side panes, driven with real mouse and key events: each annotator's
spans in their own pane, scrolled in step; clicking a span selects its difference; rejected
versions are drawn grey and struck, never in a live label colour; a document marked reviewed
carries a mark in the document list. Each test checks the gold layer in the database."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication

from annotation.commands import SetStatus
from annotation.model import GOLD
from annotation.store import Store
from gui.review.side_by_side import DIFFERENCE_RED, GOLD_COLOR, REJECTED_BACKGROUND, ReviewPane
from gui.review.window import REVIEWED_ROLE, ReviewWindow
from gui.session import Session
from tests.annotation.test_merge_fixtures import ARTICLES, merged_project

ARTICLE = ARTICLES[0]["text"]
HEAD = len("ARTICLE — Minister defends budget\n")  # where the article's text starts in a pane


def _at(needle: str) -> int:
    return HEAD + ARTICLE.index(needle)


def _look(pane: ReviewPane, position: int) -> QTextCharFormat | None:
    """The topmost span format drawn over a character (the current-line band left out)."""
    found = None
    for selection in pane.extraSelections():
        cursor = selection.cursor
        if cursor.hasSelection() and cursor.selectionStart() <= position < cursor.selectionEnd():
            found = QTextCharFormat(selection.format)  # a copy: the selection's own dies with it
    return found


def _click(qtbot, pane: ReviewPane, position: int) -> None:  # type: ignore[no-untyped-def]
    cursor = QTextCursor(pane.document())
    cursor.setPosition(position)
    rect = pane.cursorRect(cursor)  # the cursor's left edge: a click a little to its right lands on the character
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() + QPoint(3, 0))


def _gold_spans(store: Store, document_id: int = 1) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in store.spans(document_id, GOLD)}


def _color(store: Store, label: str) -> str:
    schema = store.schema
    return next(d.color for group in (schema.entity, schema.quote) for d in group if d.name == label)


@pytest.fixture
def review(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    store = Store.open(merged_project(tmp_path))
    session = Session(store, "rita")
    window = ReviewWindow(session, ["alice", "bob"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window, store, qtbot
    window.close()
    store.close()


def test_each_pane_shows_one_annotators_spans_and_the_differences(review) -> None:  # type: ignore[no-untyped-def]
    window, store, _qtbot = review
    alice, bob = window.side.panes
    assert [t.text() for t in window.side.titles] == ["1: alice", "2: bob"]
    oslo = _at("Oslo")
    # label differs: alice's GPE and bob's LOC, each in its label colour, both underlined red (open)
    for pane, label in ((alice, "GPE"), (bob, "LOC")):
        look = _look(pane, oslo)
        assert look is not None and look.background().color() == QColor(_color(store, label))
        assert look.fontUnderline() and look.underlineColor() == QColor(DIFFERENCE_RED)
    # only alice has ORG on "Labour": alice's pane shows it, bob's pane marks the gap (dashed, no colour)
    labour = _at("Labour")
    assert _look(alice, labour).background().color() == QColor(_color(store, "ORG"))
    assert alice.tip_at(labour) == "alice: ORG — differs, open"  # hovering a span says what it is
    assert bob.tip_at(labour) == "bob: nothing here (alice has it)"
    gap = _look(bob, labour)
    assert gap.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline and gap.background().style() == Qt.BrushStyle.NoBrush
    # boundary differs: bob's DATE covers "on Monday", alice's only "Monday"
    assert _look(alice, _at("on Monday")) is None and _look(bob, _at("on Monday")) is not None
    # the detail line under each pane says that annotator's version of the current difference
    assert window.current.kind == "source_differs"
    assert "SOURCE “Finance Minister Anna Berg”" in window.side.details[0].text()
    assert "SOURCE “Anna Berg”" in window.side.details[1].text()
    assert _gold_spans(store) == {(17, 26, "PERSON")}  # only the agreed PERSON went to gold


def test_panes_scroll_in_step(review) -> None:  # type: ignore[no-untyped-def]
    window, _store, qtbot = review
    window.resize(900, 330)  # short panes: the thread does not fit
    qtbot.waitUntil(lambda: window.side.panes[1].verticalScrollBar().maximum() > 0)
    alice, bob = window.side.panes
    alice.verticalScrollBar().setValue(0)
    assert bob.verticalScrollBar().value() == 0
    bob.setFocus()
    qtbot.keyClick(bob, Qt.Key.Key_PageDown)  # scroll bob's pane: alice's follows
    assert bob.verticalScrollBar().value() > 0
    assert alice.verticalScrollBar().value() == bob.verticalScrollBar().value()
    qtbot.keyClick(alice, Qt.Key.Key_PageUp)  # and the other way round
    assert alice.verticalScrollBar().value() == bob.verticalScrollBar().value() == 0
    # the same lines at the same heights: the same character sits at the same y in both panes
    end = len(alice.toPlainText()) - 1
    ca, cb = QTextCursor(alice.document()), QTextCursor(bob.document())
    ca.setPosition(end)
    cb.setPosition(end)
    assert alice.cursorRect(ca).y() == bob.cursorRect(cb).y()


def test_click_a_span_then_decide_rejected_versions_are_grey_and_struck(review) -> None:  # type: ignore[no-untyped-def]
    window, store, qtbot = review
    alice, bob = window.side.panes
    labour, oslo = _at("Labour"), _at("Oslo")
    _click(qtbot, bob, labour)  # the gap in bob's pane selects "only alice: ORG"
    assert window.current.kind == "only" and window.current.start == ARTICLE.index("Labour")
    qtbot.keyClick(bob, "X")  # reject, from the pane
    assert window.current.kind != "only"  # moved on to the next open difference
    assert all(label != "ORG" for _s, _e, label in _gold_spans(store))
    struck = _look(alice, labour)
    assert struck.fontStrikeOut() and struck.background().color() == QColor(REJECTED_BACKGROUND)
    assert struck.background().color() != QColor(_color(store, "ORG"))  # no longer coloured as live
    _click(qtbot, alice, oslo)  # label differs: take bob's LOC
    assert window.current.kind == "label_differs"
    qtbot.keyClick(alice, "2")
    assert (56, 60, "LOC") in _gold_spans(store) and (56, 60, "GPE") not in _gold_spans(store)
    assert _look(alice, oslo).fontStrikeOut()  # alice's GPE lost: struck
    kept = _look(bob, oslo)
    assert not kept.fontStrikeOut() and kept.fontOverline() and kept.underlineColor() == QColor(GOLD_COLOR)
    assert kept.background().color() == QColor(_color(store, "LOC"))
    _click(qtbot, bob, oslo)  # the decision moved on; back to it: the detail lines say what became of each
    assert window.current.kind == "label_differs"
    assert window.side.details[1].text() == "LOC “Oslo” (in gold)" and window.side.details[0].text() == "GPE “Oslo” (rejected)"
    qtbot.keyClick(alice, "Z", Qt.KeyboardModifier.ControlModifier)  # undo: both versions are open again
    assert (56, 60, "LOC") not in _gold_spans(store)
    assert not _look(alice, oslo).fontStrikeOut() and _look(alice, oslo).underlineColor() == QColor(DIFFERENCE_RED)


def test_reviewed_mark_in_the_document_list(review) -> None:  # type: ignore[no-untyped-def]
    window, store, qtbot = review
    first = window.documents.item(0)
    assert not first.data(REVIEWED_ROLE) and not first.text().startswith("✓")
    qtbot.keyClick(window.differences, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # document reviewed
    assert store.status(1, GOLD).status == "done" and window.document_id == 2
    assert first.data(REVIEWED_ROLE) and first.text() == "✓ a1 — Minister defends budget  [reviewed]"
    assert not window.documents.item(1).data(REVIEWED_ROLE)
    for _ in range(2):  # opening a2 put its agreed items in gold: one undo step, then the mark's
        qtbot.keyClick(window.differences, "Z", Qt.KeyboardModifier.ControlModifier)
    assert store.status(1, GOLD).status != "done"
    assert not first.data(REVIEWED_ROLE) and not first.text().startswith("✓")
    # back on the reviewed document, its differences that gold holds nothing of look rejected
    qtbot.keyClick(window.differences, "Z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.mouseClick(window.documents.viewport(), Qt.MouseButton.LeftButton, pos=window.documents.visualItemRect(first).center())
    assert window.document_id == 1 and all(window.is_decided(i) for i in window.items)
    assert _look(window.side.panes[0], _at("Labour")).fontStrikeOut()


def test_a_document_reviewed_earlier_is_marked_when_the_window_opens(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(merged_project(tmp_path)) as store:
        store.apply(SetStatus(2, GOLD, "done"), annotator="rita")
        window = ReviewWindow(Session(store, "rita"), ["alice", "bob"])
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        entries = [window.documents.item(i) for i in range(window.documents.count())]
        assert [e.data(REVIEWED_ROLE) for e in entries] == [False, True]
        assert entries[1].text() == "✓ a2 — Storm hits coast  [reviewed]" and "Reviewed" in entries[1].toolTip()
        assert store.status(2, GOLD).status == "done"
        window.close()


def test_an_edited_gold_version_leaves_both_versions_faint_with_a_teal_dotted_line(review) -> None:  # type: ignore[no-untyped-def]
    window, store, qtbot = review
    window.choose_label = lambda _title, labels, current: "FAC" if "FAC" in labels else current
    oslo = _at("Oslo")
    _click(qtbot, window.side.panes[1], oslo)
    qtbot.keyClick(window.side.panes[1], "E")  # gold: FAC, neither annotator's label
    assert (56, 60, "FAC") in _gold_spans(store)
    for pane, label in zip(window.side.panes, ("GPE", "LOC")):
        look = _look(pane, oslo)
        assert not look.fontStrikeOut() and look.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
        assert look.underlineColor() == QColor(GOLD_COLOR) and look.background().color().alpha() < 255
        assert look.background().color().rgb() == QColor(_color(store, label)).rgb()
