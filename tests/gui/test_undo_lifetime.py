"""The undo stack owns its commands; a command must not keep its session alive, or the
garbage collector meets a Python/C++ cycle and tears it down in the wrong order (a segfault)."""
from __future__ import annotations

import gc
import weakref

from annotation.commands import AddSpan
from annotation.model import Document, ImportedArticle, Span
from annotation.store import Store
from gui.session import Session


def test_a_session_with_undo_history_is_freed_without_the_garbage_collector(qtbot, project):
    store = Store.open(project)
    with store.transaction():
        doc = store.import_articles([ImportedArticle(Document(None, "d", "T", "Hello Paris today"))], "t").document_ids[0]
    session = Session(store, "ann")
    for start, end in ((0, 5), (6, 11)):
        assert session.push(AddSpan(Span(None, doc, None, start, end, "GPE", "entity", "ann")))
    session.undo_stack.undo()
    alive = weakref.ref(session)
    gc.disable()
    try:
        del session
        assert alive() is None  # freed by reference counting alone: no cycle through its commands
    finally:
        gc.enable()
    gc.collect()
    assert [(s.start, s.end) for s in store.spans(doc)] == [(0, 5)]
    store.close()
