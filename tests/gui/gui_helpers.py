"""Building small projects for GUI tests: articles with comments and model suggestions."""
from __future__ import annotations

from pathlib import Path

from annotation.model import (
    ENTITY, ORIGIN_MODEL, QUOTE_LAYER, Comment, Document, ImportedArticle, Span,
)
from annotation.store import Store

ARTICLE = (
    "Maria Öberg, the mayor of Springfield, spoke on Monday. "
    "\"We will rebuild the bridge by May,\" she said. 🙂 Critics in Shelbyville disagreed.\n"
    "The council meets again next week."
)


def add_article(store: Store, text: str = ARTICLE, title: str = "Bridge", comments: tuple[str, ...] = (),
                ext_id: str = "a1") -> int:
    article = ImportedArticle(
        Document(None, ext_id, title, text),
        tuple(Comment(None, None, f"{ext_id}-c{i}", t, position=i) for i, t in enumerate(comments)),
    )
    with store.transaction():
        store.import_articles([article], "test")
    doc = store.document_by_ext_id(ext_id)
    assert doc is not None and doc.id is not None
    return doc.id


def add_suggestion(store: Store, doc_id: int, start: int, end: int, label: str, annotator: str,
                   comment_id: int | None = None, quote: int | None = None) -> int:
    """A model suggestion written straight to the store, as pre-annotation would. A SOURCE or
    CUE names its ``quote``: the store never holds a part without its QUOTE."""
    from annotation.commands import NEW_SPAN, AddSpan
    from annotation.model import Relation

    layer = QUOTE_LAYER if label in ("QUOTE", "SOURCE", "CUE") else ENTITY
    span = Span(None, doc_id, comment_id, start, end, label, layer, annotator, ORIGIN_MODEL, model="test 1")
    links = () if quote is None else (
        Relation(None, doc_id, quote, NEW_SPAN, label.lower(), annotator, ORIGIN_MODEL),)
    store.apply(AddSpan(span, links), annotator)
    return max(s.id for s in store.spans(doc_id) if s.id is not None)


def make_project(path: Path, annotator: str = "tester") -> Path:
    """A demo-like project: one article with a wrong suggestion, a second article, comments."""
    store = Store.create(path)
    try:
        doc = add_article(store, comments=("Great news <b>finally</b> <img src=x> <script>alert(1)</script>",
                                           "Not so sure 🤔 about May."))
        add_article(store, "A second article about Shelbyville.\nNothing else.", "Second", ext_id="a2")
        # "Maria Öberg" suggested as ORG (wrong: a person).
        add_suggestion(store, doc, 0, 11, "ORG", annotator)
        add_suggestion(store, doc, 26, 37, "GPE", annotator)  # Springfield
    finally:
        store.close()
    return path
