"""A very long paragraph is shown in blocks without moving any offset: spans, clicks and copy
stay on the stored characters (how fast it opens is measured in bench/gui_bench.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotation.model import Unit
from annotation.store import Store
from gui.session import Session
from gui.views.annotated_text import AnnotatedTextView
from gui.views.display_text import display_text
from tests.gui.gui_helpers import add_article, add_suggestion
from tests.gui.test_annotated_text import click


def test_display_text_keeps_length_and_every_other_character():
    text = ("The minister said it would rise. " * 400) + "Tail\r\nend " + "x" * 5000 + " y"
    shown = display_text(text, limit=500)
    assert len(shown) == len(text)
    changed = [i for i, (a, b) in enumerate(zip(text, shown)) if a != b]
    assert changed and all(text[i] in " \r" and shown[i] in " \n" for i in changed)
    assert max(len(p) for p in shown.split("\n")[:-2]) <= 500  # the cut paragraphs
    # cuts fall after a sentence where there is one
    assert all(text[i - 1] == "." for i in changed if text[i] == " " and i < 400 * 33)


def test_long_paragraph_spans_clicks_and_copy(qtbot, tmp_path):
    sentence = "Maria Öberg said the bridge 🙂 would open. "
    text = sentence * 300  # one paragraph of ~13,000 characters, with astral characters
    store = Store.create(tmp_path / "long.db")
    doc = add_article(store, text, "Long")
    start = text.index("bridge", len(text) - 200)
    span_id = add_suggestion(store, doc, start, start + len("bridge"), "ORG", "tester")
    session = Session(store, "tester")
    view = AnnotatedTextView(session)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    view.set_unit(Unit(doc))
    assert view.document().blockCount() >= 3  # shown in blocks
    assert view.text() == text
    view.select_span(span_id)  # scrolls there; the deferred blocks are formatted as they show
    qtbot.wait(10)
    click(qtbot, view, start + 2)
    assert view.selected_span_id() == span_id
    qtbot.keyClick(view, "p")  # relabel by key: reaches the store
    assert store.span(span_id).label == "PERSON"
    view.select_text(0, len(sentence) * 2)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == sentence * 2
    view.close()
    store.close()


def test_long_text_spans_come_from_a_worker_and_edits_meanwhile_are_kept(qtbot, tmp_path, monkeypatch):
    from gui.app import open_window
    from gui.views import span_loader

    monkeypatch.setattr(span_loader, "ASYNC_CHARS", 1000)  # "long" for this test
    text = "Maria Öberg said the bridge would open. " * 100
    path = tmp_path / "async.db"
    store = Store.create(path)
    doc = add_article(store, text, "Long")
    ids = [add_suggestion(store, doc, i * 40, i * 40 + 11, "ORG", "tester") for i in range(0, 100, 10)]
    store.close()
    window = open_window(path, "tester")
    assert window is not None
    window.show()
    view = window.article
    window.open_document(doc)
    assert view.spans_pending() and not view.span_index.placed  # the text first
    qtbot.waitUntil(lambda: not view.spans_pending(), timeout=10000)
    assert sorted(view.span_index.placed) == sorted(ids)
    # An edit that lands while a load is on its way makes the view read again.
    window.open_document(doc)
    assert view.spans_pending()
    window.accept_all()
    qtbot.waitUntil(lambda: not view.spans_pending(), timeout=10000)
    assert not any(p.span.is_suggestion for p in view.span_index.placed.values())
    view.select_span(ids[-1])
    qtbot.keyClick(view, "p")
    assert window.session.store.span(ids[-1]).label == "PERSON"
    store = window.session.store
    window.close()
    store.close()


def test_a_view_closed_while_its_spans_load_takes_the_loads_signals_with_it(qtbot, tmp_path, monkeypatch):
    """The loader's signal object belongs to the view, never to a Python reference that the pool
    thread may drop last (destroying a QObject of the window's thread there: the shape of the job
    runner's segfault). A view deleted mid-load ends the load quietly and the window's switch
    interval comes back."""
    import sys

    from shiboken6 import Shiboken

    from gui.views import span_loader

    monkeypatch.setattr(span_loader, "ASYNC_CHARS", 1000)
    text = "Maria Öberg said the bridge would open. " * 100
    store = Store.create(tmp_path / "closing.db")
    doc = add_article(store, text, "Long")
    for i in range(0, 100, 10):
        add_suggestion(store, doc, i * 40, i * 40 + 11, "ORG", "tester")
    normal = sys.getswitchinterval()
    view = AnnotatedTextView(Session(store, "tester"))
    signals = view._loader._signals  # noqa: SLF001 - the ownership is the point
    assert signals.parent() is view and not Shiboken.ownedByPython(signals)
    view.set_unit(Unit(doc))
    assert view.spans_pending()
    view.deleteLater()  # the window closes the view while the load is on its way
    del view
    qtbot.wait(50)
    qtbot.waitUntil(lambda: span_loader._loads_running == 0, timeout=10000)  # noqa: SLF001
    assert sys.getswitchinterval() == normal
    store.close()
