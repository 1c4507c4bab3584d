"""What a document needs before an annotator may mark it done, and how to say what is missing.

The one rule, used by every way of marking a document done (the thread's Mark done button and
Document ▸ Done, next undone / Ctrl+Enter): every comment has a stance label toward at least one
target. A reply's stance toward its parent does not count toward it (as in
``Store.stance_progress``, which counts the same thing for the progress shown everywhere), so
a reply whose parent stance is left open can still be done.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotation.model import REPLY_TARGET, Comment

if TYPE_CHECKING:
    from annotation.store import Store

NAMED = 2  # comments named in a refusal (one status bar line); the rest are counted
PREVIEW = 24  # characters of a named comment's text


@dataclass(frozen=True)
class DoneCheck:
    document_id: int
    comments: int  # all comments of the document
    without_stance: tuple[Comment, ...]  # in reading order: no stance toward any target yet

    @property
    def ready(self) -> bool:
        return not self.without_stance

    def missing(self) -> str:
        """One line for the status bar: '3 of 10 comments have no stance: anna “Great news…”, …',
        or '' when the document can be marked done."""
        if self.ready:
            return ""
        n = len(self.without_stance)
        named = ", ".join(_name(c) for c in self.without_stance[:NAMED])
        more = f" and {n - NAMED} more" if n > NAMED else ""
        verb = "has" if n == 1 else "have"
        return f"{n} of {self.comments} comment{'s' if self.comments != 1 else ''} {verb} no stance: {named}{more}"


def check_done(store: "Store", document_id: int, annotator: str) -> DoneCheck:
    """Whether ``annotator`` may mark ``document_id`` done, and if not, which comments stop it."""
    comments = store.comments(document_id)
    labelled = {s.comment_id for s in store.stances(document_id, annotator) if s.target != REPLY_TARGET}
    return DoneCheck(document_id, len(comments), tuple(c for c in comments if c.id not in labelled))


def _name(comment: Comment) -> str:
    text = " ".join(comment.text.split())
    if len(text) > PREVIEW:
        text = text[:PREVIEW].rstrip() + "…"
    return f"{comment.author or 'anonymous'} “{text}”"
