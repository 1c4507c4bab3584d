"""The text view driven with real mouse and key events; every check reads the database."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from annotation.model import ORIGIN_HUMAN, ORIGIN_MODEL, Unit
from annotation.store import Store
from gui.views.annotated_text import AnnotatedTextView
from tests.gui.gui_helpers import ARTICLE, add_article, add_suggestion


def _point(view: AnnotatedTextView, offset: int) -> QPoint:
    rect = view.cursor_rect_at(offset)
    return QPoint(rect.center().x(), rect.center().y())


def drag(qtbot, view: AnnotatedTextView, start: int, end: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A real mouse drag on the viewport from before ``start`` to before ``end`` (code points)."""
    viewport = view.viewport()
    a, b = _point(view, start), _point(view, end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, a)
    qtbot.mouseMove(viewport, QPoint((a.x() + b.x()) // 2, b.y()))
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, b)


def click(qtbot, view: AnnotatedTextView, offset: int) -> None:
    rect = view.cursor_rect_at(offset)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.right() + 3, rect.center().y()))


def human_spans(store: Store, doc: int) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in store.spans(doc, "tester") if s.origin == ORIGIN_HUMAN]


def test_drag_snaps_to_tokens_and_label_key_creates_span_undo_redo(qtbot, store, session, view):
    doc = add_article(store)
    view.set_unit(Unit(doc))
    # From inside "Maria" to inside "Öberg": the span snaps out to both whole words.
    drag(qtbot, view, 2, 9)
    qtbot.keyClick(view, "p")
    assert human_spans(store, doc) == [(0, 11, "PERSON")]
    assert view.selected_span() is not None and view.selected_span().label == "PERSON"
    session.undo_stack.undo()
    assert human_spans(store, doc) == []
    session.undo_stack.redo()
    assert human_spans(store, doc) == [(0, 11, "PERSON")]


def test_alt_drag_keeps_characters(qtbot, store, session, view):
    doc = add_article(store)
    view.set_unit(Unit(doc))
    drag(qtbot, view, 2, 9, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(view, "p")
    assert human_spans(store, doc) == [(2, 9, "PERSON")]


def test_character_mode_for_keyboard_selections(qtbot, store, session, view):
    doc = add_article(store)
    view.set_unit(Unit(doc))
    session.snap_to_tokens = False
    view.select_text(2, 9)
    qtbot.keyClick(view, "p")
    assert human_spans(store, doc) == [(2, 9, "PERSON")]


def test_emoji_does_not_shift_spans(qtbot, store, session, view):
    doc = add_article(store)
    view.set_unit(Unit(doc))
    start = ARTICLE.index("Critics")
    assert ARTICLE.index("🙂") < start  # an astral character before the span
    drag(qtbot, view, start + 1, start + 5)
    qtbot.keyClick(view, "n")
    assert human_spans(store, doc) == [(start, start + len("Critics"), "NORP")]
    shelby = ARTICLE.index("Shelbyville")
    view.select_text(shelby, shelby + 4)
    qtbot.keyClick(view, "g")
    assert (shelby, shelby + len("Shelbyville"), "GPE") in human_spans(store, doc)
    # What the view highlights is what the store holds: compare the drawn text of each span.
    for placed in view.span_index.placed.values():
        cursor = view.textCursor()
        cursor.setPosition(placed.start)
        cursor.setPosition(placed.end, cursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == ARTICLE[placed.span.start:placed.span.end]


def test_click_selects_key_relabels_delete_removes(qtbot, store, session, view):
    doc = add_article(store)
    span_id = add_suggestion(store, doc, 0, 11, "ORG", "tester")
    view.set_unit(Unit(doc))
    click(qtbot, view, 3)
    assert view.selected_span_id() == span_id
    qtbot.keyClick(view, "p")
    assert store.span(span_id).label == "PERSON"
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert store.find_span(span_id) is None
    session.undo_stack.undo()
    assert store.span(span_id).label == "PERSON"
    session.undo_stack.undo()
    assert store.span(span_id).label == "ORG"


def test_enter_accepts_suggestion_and_resize_keys(qtbot, store, session, view):
    doc = add_article(store)
    span_id = add_suggestion(store, doc, 0, 5, "PERSON", "tester")
    view.set_unit(Unit(doc))
    view.select_span(span_id)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert store.span(span_id).origin == ORIGIN_HUMAN
    view.select_span(span_id)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (store.span(span_id).start, store.span(span_id).end) == (0, 11)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert (store.span(span_id).start, store.span(span_id).end) == (6, 11)
    session.undo_stack.undo()
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert store.span(span_id).origin == ORIGIN_MODEL and store.span(span_id).end == 5


def test_overlapping_entity_refused_with_message(qtbot, store, session, view):
    doc = add_article(store)
    add_suggestion(store, doc, 0, 11, "PERSON", "tester")
    view.set_unit(Unit(doc))
    errors: list[str] = []
    session.error.connect(errors.append)
    view.select_text(6, 20)
    qtbot.keyClick(view, "o")
    assert errors and "overlap" in errors[0]
    assert [s.label for s in store.spans(doc)] == ["PERSON"]
    # An entity inside a quotation is fine.
    view.select_text(0, 40)
    qtbot.keyClick(view, "q")
    assert sorted(s.label for s in store.spans(doc)) == ["PERSON", "QUOTE"]


def test_quotation_with_source_and_cue_from_keyboard(qtbot, store, session, view):
    doc = add_article(store)
    view.set_unit(Unit(doc))
    quote_start = ARTICLE.index("We will")
    quote_end = ARTICLE.index("by May") + len("by May")
    view.select_text(quote_start, quote_end)
    qtbot.keyClick(view, "q")
    she = ARTICLE.index("she said")
    view.select_text(she, she + 3)
    qtbot.keyClick(view, "s")
    view.select_text(she + 4, she + 8)
    qtbot.keyClick(view, "v")
    spans = {s.label: s for s in store.spans(doc)}
    assert (spans["QUOTE"].start, spans["QUOTE"].end) == (quote_start, quote_end)
    relations = {(r.head_id, r.child_id, r.label) for r in store.relations(doc)}
    assert relations == {(spans["QUOTE"].id, spans["SOURCE"].id, "source"), (spans["QUOTE"].id, spans["CUE"].id, "cue")}
    # Selecting the cue highlights the whole group.
    view.select_span(spans["CUE"].id)
    assert view.selected_group() == {spans["QUOTE"].id, spans["SOURCE"].id, spans["CUE"].id}
    session.undo_stack.undo()  # the cue and its link go together
    assert {r.label for r in store.relations(doc)} == {"source"}
    session.undo_stack.redo()
    assert {r.label for r in store.relations(doc)} == {"source", "cue"}


def test_coref_link_from_pronoun_source(qtbot, store, session, view):
    doc = add_article(store)
    person = add_suggestion(store, doc, 0, 11, "PERSON", "tester")
    view.set_unit(Unit(doc))
    # A SOURCE belongs to a QUOTE: mark the quote first, then its source.
    q0, q1 = ARTICLE.index("We will"), ARTICLE.index("by May") + len("by May")
    view.select_text(q0, q1)
    qtbot.keyClick(view, "q")
    quote = next(s for s in store.spans(doc) if s.label == "QUOTE")
    she = ARTICLE.index("she said")
    view.select_text(she, she + 3)
    qtbot.keyClick(view, "s")
    source = next(s for s in store.spans(doc) if s.label == "SOURCE")
    assert view.selected_span_id() == source.id
    qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    click(qtbot, view, 3)
    assert sorted((r.head_id, r.child_id, r.label) for r in store.relations(doc)) == sorted(
        [(quote.id, source.id, "source"), (source.id, person, "coref")])


def test_markup_is_literal_and_invalid_spans_listed(qtbot, store, session, view):
    text = "Hello <b>bold</b> <img src=x> <script>alert(1)</script>"
    doc = add_article(store, text)
    # A span past the end of its text, as an old file might hold: bypass the store's checks.
    store.conn.execute(
        "INSERT INTO spans(document_id, comment_id, start, end, label, layer, annotator, origin, created, updated)"
        " VALUES (?, NULL, 40, 400, 'ORG', 'entity', 'tester', 'human', '', '')", (doc,))
    view.set_unit(Unit(doc))
    assert view.toPlainText() == text
    assert [(s.start, s.end) for s in view.invalid_spans()] == [(40, 400)]
    view.grab()  # paints without crashing


def test_long_single_line_and_rtl(qtbot, store, session, view):
    long_text = ("word " * 60000).strip()
    doc = add_article(store, long_text, "long")
    view.set_unit(Unit(doc))
    view.select_text(299990, 299994)
    qtbot.keyClick(view, "o")
    assert human_spans(store, doc) == [(299990, 299994, "ORG")]
    rtl = "قال الوزير محمد إن المشروع سينتهي قريبا. שלום עולם"
    doc2 = add_article(store, rtl, "rtl", ext_id="rtl")
    view.set_unit(Unit(doc2))
    view.select_text(11, 15)
    qtbot.keyClick(view, "p")
    assert human_spans(store, doc2) == [(11, 15, "PERSON")]
    view.grab()


def test_store_lists_invalid_spans_of_body_and_comments(qtbot, store, session):
    from gui.views.span_inspector import SpanInspector

    doc = add_article(store, "Short body 🙂 text.", comments=("A comment.",))
    comment = store.comments(doc)[0]
    for comment_id, start, end in ((None, 12, 18), (None, 5, 40), (comment.id, 2, 11), (comment.id, 3, 2)):
        store.conn.execute(
            "INSERT INTO spans(document_id, comment_id, start, end, label, layer, annotator, origin, created, updated)"
            " VALUES (?, ?, ?, ?, 'ORG', 'entity', 'tester', 'human', '', '')", (doc, comment_id, start, end))
    # 12-18 ends exactly at the end of the 18-code-point body (the emoji counts as one): valid.
    assert [(s.comment_id, s.start, s.end) for s in store.invalid_spans(doc)] == [
        (None, 5, 40), (comment.id, 2, 11), (comment.id, 3, 2)]
    inspector = SpanInspector(session)
    qtbot.addWidget(inspector)
    inspector.set_invalid(store.invalid_spans(doc))
    assert inspector.invalid.count() == 3 and "Invalid spans: 3" in inspector.invalid_title.text()
