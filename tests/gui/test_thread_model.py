"""The lazy thread model: structure, lazy pages, dataChanged on edits, odd input."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from annotation.commands import AddTarget, SetStance
from annotation.model import REPLY_TARGET, Comment, Document, ImportedArticle
from annotation.store import Store
from gui.models import thread_model as tm
from gui.models.thread_model import ThreadModel

ANNOTATOR = "tester"
MARKUP = "<b>bold</b> <img src=x> <script>alert(1)</script> &amp;"


def _import(store: Store, comments: list[Comment], text: str = "An article about the topic.") -> int:
    with store.transaction():
        result = store.import_articles([ImportedArticle(Document(None, "d", "T", text), tuple(comments))], "test")
    return result.document_ids[0]


def _c(ext: str, text: str = "text", parent: str | None = None, author: str = "") -> Comment:
    return Comment(None, None, ext, text, parent_ext_id=parent, author=author, time="2017-06-27 10:00")


@pytest.fixture
def store(tmp_path: Path):
    s = Store.create(tmp_path / "model.db")
    yield s
    s.close()


def test_tree_structure_missing_parent_marker_and_markup(qtmodeltester, store):
    doc = _import(store, [
        _c("a", "First comment", author="ann"),
        _c("b", "Reply to a", parent="a"),
        _c("c", "Reply to b", parent="b"),
        _c("orphan", MARKUP, parent="gone", author="<i>x</i>"),
        _c("d", "Late reply to a", parent="a"),
    ])
    model = ThreadModel(store, ANNOTATOR)
    model.set_document(doc)
    qtmodeltester.check(model)
    a, b, c, orphan, d = [x.id for x in store.comments(doc)]
    assert model.rowCount() == 2  # a and the orphan at top level
    top = [model.index(r, 0).internalId() for r in range(2)]
    assert top == [a, orphan]
    a_index = model.index(0, 0)
    assert [model.index(r, 0, a_index).internalId() for r in range(model.rowCount(a_index))] == [b, d]
    assert model.index_of(c).parent().internalId() == b
    assert model.comment_ids() == [a, b, c, d, orphan]  # reading order: replies under parents
    orphan_index = model.index_of(orphan)
    assert model.data(orphan_index, tm.ParentMissingRole) is True
    assert not model.data(orphan_index, tm.IsReplyRole)  # no parent here, so no reply stance
    shown = model.data(orphan_index)
    assert "parent gone missing" in shown and MARKUP in shown and "<i>x</i>" in shown
    tip = model.data(orphan_index, Qt.ItemDataRole.ToolTipRole)
    assert "&lt;script&gt;" in tip and "<script>" not in tip
    assert model.data(orphan_index, tm.TextRole) == MARKUP
    assert model.data(model.index_of(b), tm.IsReplyRole) is True
    assert model.data(model.index_of(a), tm.UnlabelledRole) is True


def test_pages_are_fetched_lazily_and_edits_are_data_changes(qtmodeltester, qtbot, store):
    comments = [_c(f"t{i}", f"comment {i}") for i in range(450)]
    comments += [_c(f"r{i}", f"reply {i}", parent="t0") for i in range(250)]
    doc = _import(store, comments)
    model = ThreadModel(store, ANNOTATOR)
    model.set_document(doc)
    assert model.rowCount() == 0 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == tm.PAGE
    last = store.comments(doc)[449].id
    index = model.index_of(last)  # jumping to a comment fetches the pages before it
    assert index.row() == 449 and model.rowCount() == 450
    t0 = model.index(0, 0)
    assert model.rowCount(t0) == 0 and model.canFetchMore(t0)
    qtmodeltester.check(model)  # also fetches every page

    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    target = store.comments(doc)[3].id
    inverse, changes = store.apply(SetStance(target, "topic", ANNOTATOR, "against", unsure=True))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.apply_changes(changes)
    assert blocker.args[0].internalId() == target
    assert model.data(model.index_of(target, tm.STANCE_COLUMN)) == "against ?"
    assert model.data(model.index_of(target), tm.StanceRole) == {"topic": "against"}
    assert not model.is_unlabelled(target)
    store.apply(inverse)
    model.apply_changes(changes)
    assert model.data(model.index_of(target, tm.STANCE_COLUMN)) == "unlabelled"
    _, changes = store.apply(AddTarget(doc, "Putin"))
    model.apply_changes(changes)
    model.set_current_target("Putin")
    assert model.headerData(tm.STANCE_COLUMN, Qt.Orientation.Horizontal) == "Putin"
    assert resets == []  # edits never reset the model


def test_reply_stance_shows_in_its_column(store):
    doc = _import(store, [_c("a"), _c("b", parent="a")])
    a, b = [x.id for x in store.comments(doc)]
    store.apply(SetStance(b, REPLY_TARGET, ANNOTATOR, "query"))
    model = ThreadModel(store, ANNOTATOR)
    model.set_document(doc)
    assert model.data(model.index_of(b, tm.REPLY_COLUMN)) == "query"
    assert model.data(model.index_of(a, tm.REPLY_COLUMN)) == ""
    assert not model.is_complete(b)  # the topic is still unlabelled
    assert model.data(model.index_of(b, tm.REPLY_COLUMN), Qt.ItemDataRole.BackgroundRole) is not None


def test_a_long_comment_has_a_short_row_and_a_full_text(store):
    long_text = ("word " * 4000).strip()  # about 20,000 characters
    doc = _import(store, [_c("long", long_text)])
    model = ThreadModel(store, ANNOTATOR)
    model.set_document(doc)
    index = model.index_of(store.comments(doc)[0].id)
    assert len(model.data(index)) < 300
    assert model.data(index, tm.TextRole) == long_text


def test_a_stored_parent_cycle_does_not_hang_the_tree(store):
    # Import refuses cycles; a file edited by hand could still hold one.
    doc = _import(store, [_c("a"), _c("b", parent="a"), _c("c", parent="b")])
    a, b, c = [x.id for x in store.comments(doc)]
    store.conn.execute("UPDATE comments SET parent_id = ? WHERE id = ?", (b, a))
    model = ThreadModel(store, ANNOTATOR)
    model.set_document(doc)
    assert sorted(model.comment_ids()) == [a, b, c]
    assert model.parent_id(c) == b


def test_optional_reply_stance_completes_a_reply_with_its_target_stance(qtmodeltester, qtbot, store):
    doc = _import(store, [_c("a"), _c("b", parent="a")])
    a, b = [x.id for x in store.comments(doc)]
    store.apply(SetStance(b, "topic", ANNOTATOR, "favor"), ANNOTATOR)
    model = ThreadModel(store, ANNOTATOR)
    model.set_document(doc)
    reply = model.index_of(b)
    assert model.data(reply, tm.CompleteRole) is False and model.needs_reply_stance(b)
    with qtbot.waitSignal(model.dataChanged):  # the view repaints what "complete" means now
        model.set_reply_stance_required(False)
    assert model.data(reply, tm.CompleteRole) is True and not model.needs_reply_stance(b)
    assert not model.is_complete(a)  # a comment with no target stance is never complete
    qtmodeltester.check(model)
