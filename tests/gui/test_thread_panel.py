"""The thread panel driven with real key presses on the seed article, then checked in the database."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotation.commands import AddSpan
from annotation.import_job import import_files
from annotation.jobs import run
from annotation.model import REPLY_TARGET, Comment, Document, ImportedArticle, Span
from annotation.store import Store
from tests.helpers import SEED, shared

ANNOTATOR = "tester"


@pytest.fixture
def session(tmp_path: Path):
    from gui.session import Session

    store = Store.create(tmp_path / "thread.db")
    report = run(import_files(store, [shared(*SEED)]))
    assert not report.errors
    s = Session(store, ANNOTATOR)
    yield s
    store.close()


@pytest.fixture
def panel(qtbot, session):
    from gui.views.thread_panel import ThreadPanel

    widget = ThreadPanel(session)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_document(session.store.document_ids()[0])
    widget.tree.setFocus()
    return widget


def _labels(store: Store) -> set[tuple[int, str, str]]:
    return {(s.comment_id, s.target, s.label) for s in store.stances(annotator=ANNOTATOR)}


def _press(qtbot, panel, *keys: str) -> None:
    for key in keys:
        qtbot.keyClicks(panel.tree, key)


def test_label_the_seed_thread_from_the_keyboard_then_undo(qtbot, panel, session):
    store = session.store
    first, reply, second = panel.model.comment_ids()
    assert panel.model.parent_id(reply) == first and panel.current_comment == first
    assert panel.progress() == (0, 3)
    # 1 = favor on the first comment; auto-advance moves to the reply, which needs two labels:
    # toward the topic (2 = against) and toward its parent (6 = disagree); then 3 = neutral.
    _press(qtbot, panel, "1")
    assert panel.current_comment == reply
    _press(qtbot, panel, "2")
    assert panel.current_comment == reply  # not complete until its reply stance is set
    _press(qtbot, panel, "6")
    assert panel.current_comment == second
    with qtbot.waitSignal(panel.progress_changed) as progress:
        _press(qtbot, panel, "3")
    assert progress.args == [3, 3]
    assert panel.status_text() == "Comments labelled 3/3 · project 3/3"
    expected = {(first, "topic", "favor"), (reply, "topic", "against"), (reply, REPLY_TARGET, "disagree"),
                (second, "topic", "neutral")}
    assert _labels(store) == expected
    assert panel.progress() == (3, 3)
    assert panel.done_button.isEnabled()
    assert [r["action"] for r in store.edit_log(ANNOTATOR)][:4] == ["do"] * 4

    session.undo_stack.undo()
    assert _labels(store) == expected - {(second, "topic", "neutral")}
    assert panel.progress() == (2, 3)
    assert panel.model.is_unlabelled(second)
    # Mark done refuses, naming the comment that has no stance (the button says so on a click
    # instead of sitting greyed out without a reason).
    with qtbot.waitSignal(panel.message) as said:
        qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert said.args[0].startswith("Not done yet: 1 of 3 comments has no stance: ")
    assert store.status(panel.document_id, ANNOTATOR).status == "new"
    assert panel.current_comment == second  # the comment that needs a label is selected
    session.undo_stack.undo()
    assert (reply, REPLY_TARGET, "disagree") not in _labels(store)
    session.undo_stack.redo()
    session.undo_stack.redo()
    assert _labels(store) == expected
    assert panel.mark_done()
    assert store.status(panel.document_id, ANNOTATOR).status == "done"


def test_navigation_keys_and_next_unlabelled(qtbot, panel):
    first, reply, second = panel.model.comment_ids()
    _press(qtbot, panel, "j")
    assert panel.current_comment == reply
    assert panel.parent_line.isVisible() and "In his campaign" in panel.parent_line.text()
    _press(qtbot, panel, "j", "j")
    assert panel.current_comment == second  # stops at the last comment
    _press(qtbot, panel, "k", "k")
    assert panel.current_comment == first
    qtbot.keyClick(panel.tree, Qt.Key.Key_Down)
    assert panel.current_comment == reply
    panel.auto_advance.setChecked(False)
    _press(qtbot, panel, "2")  # the reply: topic labelled, reply stance still missing
    assert panel.current_comment == reply
    _press(qtbot, panel, "n")  # next still to label wraps past nothing: the second comment
    assert panel.current_comment == second
    _press(qtbot, panel, "n")
    assert panel.current_comment == first
    _press(qtbot, panel, "n")
    assert panel.current_comment == reply  # still missing its stance toward the parent


def test_unsure_note_and_clear_go_through_the_undo_stack(qtbot, panel, session):
    first = panel.model.comment_ids()[0]
    panel.auto_advance.setChecked(False)
    _press(qtbot, panel, "2", "u")
    label = session.store.stance(first, "topic", ANNOTATOR)
    assert label is not None and label.label == "against" and label.unsure
    _press(qtbot, panel, "e")
    note = panel.controls.target_row.note
    assert note.hasFocus()
    qtbot.keyClicks(note, "sarcasm 1 j")  # digits and j are typed, not taken as commands
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert panel.tree.hasFocus()
    label = session.store.stance(first, "topic", ANNOTATOR)
    assert label.note == "sarcasm 1 j" and label.unsure and panel.current_comment == first
    qtbot.keyClick(panel.tree, Qt.Key.Key_Backspace)
    assert session.store.stance(first, "topic", ANNOTATOR) is None
    session.undo_stack.undo()
    assert session.store.stance(first, "topic", ANNOTATOR).note == "sarcasm 1 j"
    assert panel.controls.target_row.note.text() == "sarcasm 1 j"


def test_reply_keys_on_a_top_level_comment_are_refused_clearly(qtbot, panel, session):
    messages: list[str] = []
    panel.message.connect(messages.append)
    _press(qtbot, panel, "5")
    assert session.store.stances() == []
    assert messages and "not a reply" in messages[-1]


def test_switch_targets_and_label_each(qtbot, panel, session):
    first = panel.model.comment_ids()[0]
    panel.auto_advance.setChecked(False)
    assert panel.add_target("Russia")
    assert panel.current_target == "Russia"
    assert session.store.targets(panel.document_id) == ["topic", "Russia"]
    _press(qtbot, panel, "2")
    qtbot.keyClicks(panel.tree, "t")
    assert panel.current_target == "topic"
    assert panel.model.headerData(1, Qt.Orientation.Horizontal) == "topic"
    _press(qtbot, panel, "1")
    qtbot.keyClick(panel.tree, Qt.Key.Key_T, Qt.KeyboardModifier.ShiftModifier)
    assert panel.current_target == "Russia"
    assert panel.controls.target_row.current == "against"
    assert _labels(session.store) == {(first, "Russia", "against"), (first, "topic", "favor")}
    session.undo_stack.undo()
    session.undo_stack.undo()
    session.undo_stack.undo()  # the target itself goes too
    assert session.store.targets(panel.document_id) == ["topic"]
    assert panel.current_target == "topic" and panel.target_box.count() == 1


def test_label_a_comment_after_making_an_entity_a_target(qtbot, panel, session):
    store = session.store
    doc = panel.document_id
    text = store.document(doc).text
    start = text.index("Vladimir Putin")
    session.push(AddSpan(Span(None, doc, None, start, start + len("Vladimir Putin"), "PERSON", "entity", ANNOTATOR)))
    span = store.spans(doc, layer="entity")[0]
    assert panel.add_target_from_span(span)
    assert panel.current_target == "Vladimir Putin"
    assert [(t.name, t.span_id) for t in store.document_targets(doc)] == [("Vladimir Putin", span.id)]
    first, reply, _ = panel.model.comment_ids()
    _press(qtbot, panel, "j", "2", "5")
    assert _labels(store) == {(reply, "Vladimir Putin", "against"), (reply, REPLY_TARGET, "agree")}
    assert panel.model.data(panel.model.index_of(reply, 1)) == "against"
    assert panel.progress() == (1, 3)


def test_digit_keys_label_while_the_comment_text_has_focus(qtbot, panel, session):
    assert panel.has_span_editor  # the article view's span editor shows each comment
    first = panel.model.comment_ids()[0]
    panel.auto_advance.setChecked(False)
    panel.text_view.setFocus()
    qtbot.keyClicks(panel.text_view, "4")
    assert session.store.stance(first, "topic", ANNOTATOR).label == "unrelated"
    qtbot.keyClicks(panel.text_view, "j")
    assert panel.current_comment == panel.model.comment_ids()[1]


def test_ctrl_t_on_a_selected_span_makes_it_a_target(qtbot, panel, session):
    store = session.store
    first = panel.model.comment_ids()[0]
    text = store.comment(first).text
    start = text.index("Putin")
    session.push(AddSpan(Span(None, panel.document_id, first, start, start + 5, "PERSON", "entity", ANNOTATOR)))
    view = panel.text_view
    view.select_span(store.spans(panel.document_id, comment_id=first)[0].id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert store.targets(panel.document_id) == ["topic", "Putin"]
    assert panel.current_target == "Putin"
    panel.tree.setFocus()
    qtbot.keyClicks(panel.tree, "2")
    assert store.stance(first, "Putin", ANNOTATOR).label == "against"


def test_markup_is_literal_and_a_long_comment_opens_whole(qtbot, panel, session):
    markup = "<b>bold</b> <img src=x> <script>alert(1)</script>"
    long_text = "word " * 4000
    with session.store.transaction():
        result = session.store.import_articles([ImportedArticle(
            Document(None, "m", "Markup", "Body."),
            (Comment(None, None, "x", markup, author="<i>who</i>"),
             Comment(None, None, "y", long_text, parent_ext_id="x"),
             Comment(None, None, "z", "orphan", parent_ext_id="deleted")),
        )], "test")
    panel.set_document(result.document_ids[0])
    _, y, z = panel.model.comment_ids()
    assert panel.text_view.toPlainText() == markup
    assert panel.comment_header.textFormat() == Qt.TextFormat.PlainText and "<i>who</i>" in panel.comment_header.text()
    qtbot.keyClicks(panel.tree, "j")
    assert panel.current_comment == y
    assert panel.text_view.toPlainText() == long_text
    assert "<b>bold</b>" in panel.parent_line.text()
    qtbot.keyClicks(panel.tree, "j")
    assert panel.current_comment == z and "missing" in panel.comment_header.text()
    assert not panel.controls.reply_row.isVisible()  # no parent here: no reply stance row


def test_labels_are_there_after_closing_and_reopening_the_project(qtbot, tmp_path):
    from gui.session import Session
    from gui.views.thread_panel import ThreadPanel

    path = tmp_path / "reopen.db"
    store = Store.create(path)
    run(import_files(store, [shared(*SEED)]))
    first = ThreadPanel(Session(store, ANNOTATOR))
    qtbot.addWidget(first)
    first.show()
    first.set_document(store.document_ids()[0])
    first.tree.setFocus()
    _press(qtbot, first, "1", "2", "8", "4")  # every comment, the reply toward its parent too
    assert first.progress() == (3, 3)
    first.close()
    store.close()

    store = Store.open(path)
    try:
        second = ThreadPanel(Session(store, ANNOTATOR))
        qtbot.addWidget(second)
        second.set_document(store.document_ids()[0])
        ids = second.model.comment_ids()
        shown = [second.model.data(second.model.index_of(c, 1)) for c in ids]
        assert shown == ["favor", "against", "unrelated"]
        assert second.model.data(second.model.index_of(ids[1], 2)) == "comment"
        assert second.progress() == (3, 3) and second.done_button.isEnabled()
    finally:
        store.close()


def test_the_current_reply_is_scrolled_in_with_its_parent(qtbot, panel, session):
    comments = [Comment(None, None, f"a{i}", f"before {i}") for i in range(40)]
    comments.append(Comment(None, None, "p", "the parent"))
    comments += [Comment(None, None, f"r{i}", f"reply {i}", parent_ext_id="p") for i in range(6)]
    comments += [Comment(None, None, f"z{i}", f"after {i}") for i in range(60)]
    with session.store.transaction():
        doc = session.store.import_articles([ImportedArticle(Document(None, "long", "Long", "Body."), tuple(comments))], "t").document_ids[0]
    panel.set_document(doc)
    panel.splitter.setSizes([220, 400])  # a short tree: about ten rows
    ids = panel.model.comment_ids()
    parent, reply = ids[40], ids[45]
    panel.select_comment(ids[-1])  # from the bottom, going up would leave the parent above
    panel.select_comment(reply)
    viewport = panel.tree.viewport().rect()
    assert viewport.contains(panel.tree.visualRect(panel.model.index_of(reply)))
    assert viewport.contains(panel.tree.visualRect(panel.model.index_of(parent)))


def test_enter_opens_the_comment_text_for_span_editing_and_escape_returns(qtbot, panel, session):
    first = panel.model.comment_ids()[0]
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert panel.text_view.hasFocus()
    text = session.store.comment(first).text
    start = text.index("Putin")
    panel.text_view.select_text(start, start + len("Putin"))
    qtbot.keyClicks(panel.text_view, "p")  # the article view's PERSON key, in the comment
    spans = session.store.spans(panel.document_id, comment_id=first)
    assert [(s.start, s.end, s.label) for s in spans] == [(start, start + 5, "PERSON")]
    qtbot.keyClick(panel.text_view, Qt.Key.Key_Escape)  # first clears the selection
    qtbot.keyClick(panel.text_view, Qt.Key.Key_Escape)
    assert panel.tree.hasFocus()
    session.undo_stack.undo()
    assert session.store.spans(panel.document_id, comment_id=first) == []
