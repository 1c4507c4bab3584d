"""Shared builders for the export, interop and round-trip tests (no tests in here)."""
from __future__ import annotations

from pathlib import Path

from annotation.model import (
    Comment, Document, ImportedArticle, ImportedRelation, ImportedSpan, ImportedStance, ORIGIN_MODEL,
)
from annotation.store import Store

BODY = ('Russian President Vladimir Putin met Donald Trump in Hamburg. "We agreed on July 7," Yuri Ushakov said.\n\n'
        'Sergey Lavrov said the talks went well.')
COMMENTS = ("Putin 😀 is clever. Trump too.", "I disagree with Lavrov.")


def article(ext_id: str = "a1", body: str = BODY, comments: tuple[str, ...] = COMMENTS, annotated: bool = True) -> ImportedArticle:
    doc = Document(None, ext_id, f"Title {ext_id}", body)
    thread = tuple(
        Comment(None, None, f"c{i + 1}", text, parent_ext_id="c1" if i == 1 else None, position=i)
        for i, text in enumerate(comments)
    )
    if not annotated:
        return ImportedArticle(doc, thread)
    spans = []

    def add(key: str, needle: str, label: str, layer: str = "entity", unit: str | None = None, text: str = body) -> None:
        start = text.index(needle)
        spans.append(ImportedSpan(key, start, start + len(needle), label, layer, unit))

    add("p1", "Vladimir Putin", "PERSON")
    add("p2", "Donald Trump", "PERSON")
    add("g1", "Hamburg", "GPE")
    add("q1", '"We agreed on July 7,"', "QUOTE", "quote")
    add("s1", "Yuri Ushakov", "SOURCE", "quote")
    add("v1", "said", "CUE", "quote")
    if comments:
        add("cp", "Putin", "PERSON", unit="c1", text=comments[0])
    relations = (ImportedRelation("q1", "s1", "source"), ImportedRelation("q1", "v1", "cue"))
    stances = (ImportedStance("c1", "topic", "favor"), ImportedStance("c2", "topic", "against"),
               ImportedStance("c2", "@parent", "disagree")) if len(comments) == 2 else ()
    return ImportedArticle(doc, thread, tuple(spans), relations, stances)


def make_project(path: Path, n: int = 3, annotator: str = "ann", suggestions: bool = False) -> Path:
    """A project with ``n`` annotated articles (different texts) by ``annotator``."""
    with Store.create(path) as store, store.transaction():
        arts = [article(f"a{i}", BODY + f" Story {i}.") for i in range(n)]
        store.import_articles(arts, "test", annotator)
        if suggestions:
            extra = ImportedArticle(arts[0].document, (), (ImportedSpan("m", 0, 7, "NORP"),))
            store.import_articles([extra], "test", annotator, origin=ORIGIN_MODEL)
    return path


def snapshot(store: Store, annotator: str) -> dict[str, set]:
    """Annotations of one layer by ids as imported, comparable across projects."""
    spans, relations, stances = set(), set(), set()
    for doc_id in store.document_ids():
        doc = store.document(doc_id)
        comments = {c.id: c.ext_id for c in store.comments(doc_id)}
        by_id = {}
        for s in store.spans(doc_id, annotator):
            unit = "body" if s.comment_id is None else comments[s.comment_id]
            by_id[s.id] = (doc.ext_id, unit, s.start, s.end, s.label)
            spans.add(by_id[s.id])
        for r in store.relations(doc_id, annotator):
            relations.add((by_id[r.head_id], by_id[r.child_id], r.label))
        for st in store.stances(doc_id, annotator):
            stances.add((doc.ext_id, comments[st.comment_id], st.target, st.label))
    return {"spans": spans, "relations": relations, "stances": stances}
