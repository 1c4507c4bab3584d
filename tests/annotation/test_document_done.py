"""The one rule for marking a document done (annotation.document_done), without Qt."""
from __future__ import annotations

from annotation.commands import AddTarget, SetStance
from annotation.document_done import check_done
from annotation.model import REPLY_TARGET, Comment, Document, ImportedArticle
from annotation.store import Store


def _import(store: Store, *comments: Comment) -> int:
    article = ImportedArticle(Document(None, "d1", "T", "Body text."), tuple(comments))
    with store.transaction():
        return store.import_articles([article], "thread.jsonl").document_ids[0]


def _c(ext: str, text: str, parent: str | None = None, author: str = "") -> Comment:
    return Comment(None, None, ext, text, parent_ext_id=parent, author=author)


def test_done_needs_a_target_stance_on_every_comment_and_says_which_are_missing(store):
    doc = _import(store, _c("a", "Great news  finally,\nthe bridge is back open for everyone", author="anna"),
                  _c("b", "Not so sure", parent="a"), _c("c", "Meh", author="carl"), _c("d", "Hm"), _c("e", "Eh"))
    a, b, c, d, e = (x.id for x in store.comments(doc))
    check = check_done(store, doc, "me")
    assert not check.ready and [x.id for x in check.without_stance] == [a, b, c, d, e]
    assert check.missing() == "5 of 5 comments have no stance: anna “Great news finally, the…”, anonymous “Not so sure” and 3 more"
    # A reply's stance toward its parent does not count; another annotator's labels do not either.
    store.apply(SetStance(b, REPLY_TARGET, "me", "agree"), "me")
    store.apply(SetStance(c, "topic", "other", "favor"), "other")
    assert [x.id for x in check_done(store, doc, "me").without_stance] == [a, b, c, d, e]
    # Any target's stance counts (a document can have several targets).
    store.apply(AddTarget(doc, "the mayor"), "me")
    for comment, target in ((a, "topic"), (b, "the mayor"), (c, "topic"), (d, "topic")):
        store.apply(SetStance(comment, target, "me", "against"), "me")
    check = check_done(store, doc, "me")
    assert check.missing() == "1 of 5 comments has no stance: anonymous “Eh”"
    # The progress shown everywhere counts by the same rule.
    assert store.stance_progress("me", doc) == (check.comments - len(check.without_stance), check.comments)
    store.apply(SetStance(e, "topic", "me", "neutral"), "me")
    check = check_done(store, doc, "me")
    assert check.ready and check.missing() == ""
    assert store.stance_progress("me", doc) == (5, 5)


def test_a_document_without_comments_can_be_done(store):
    doc = _import(store)
    assert check_done(store, doc, "me").ready
