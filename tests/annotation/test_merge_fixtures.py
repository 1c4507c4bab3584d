"""Two project files annotated by two people, built the way users build them: articles through
the JSONL importer, annotations through store commands. Shared by the merge, agreement and
adjudication tests (and the GUI review test)."""
from __future__ import annotations

import json
from pathlib import Path

from annotation.commands import AddSpan, SetStance, SetStatus
from annotation.import_job import import_files
from annotation.jobs import run
from annotation.model import ENTITY, QUOTE_LAYER, Relation, Span
from annotation.store import Store

ARTICLES = [
    {
        "id": "a1", "title": "Minister defends budget",
        "text": 'Finance Minister Anna Berg said "the budget is fair" in Oslo on Monday. Critics from Labour disagreed.',
        "comments": [
            {"id": "c1", "text": "Totally agree with Berg."},
            {"id": "c2", "parent": "c1", "text": "No way, this hurts families."},
            {"id": "c3", "text": "What about Bergen?"},
        ],
    },
    {
        "id": "a2", "title": "Storm hits coast",
        "text": 'A storm hit Bergen. "We were lucky," said mayor Ola Nordmann, according to NRK.',
        "comments": [
            {"id": "d1", "text": "Stay safe everyone."},
            {"id": "d2", "text": "Climate change is real."},
        ],
    },
]


def write_articles(path: Path) -> Path:
    path.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    return path


def new_project(path: Path, articles: Path) -> Store:
    store = Store.create(path)
    report = run(import_files(store, [articles]))
    assert not report.errors, report.errors
    return store


def find(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def add(store: Store, who: str, doc_ext: str, needle: str, label: str, layer: str = ENTITY,
        comment_ext: str | None = None, relations: tuple[Relation, ...] = ()) -> int:
    doc = store.document_by_ext_id(doc_ext)
    assert doc is not None and doc.id is not None
    comment_id = None
    text = doc.text
    if comment_ext is not None:
        comment = next(c for c in store.comments(doc.id) if c.ext_id == comment_ext)
        comment_id, text = comment.id, comment.text
    start, end = find(text, needle)
    store.apply(AddSpan(Span(None, doc.id, comment_id, start, end, label, layer, who), relations))
    return max(s.id for s in store.spans(doc.id, who))  # type: ignore[type-var]


def stance(store: Store, who: str, doc_ext: str, comment_ext: str, label: str, target: str = "topic") -> None:
    doc = store.document_by_ext_id(doc_ext)
    assert doc is not None and doc.id is not None
    comment = next(c for c in store.comments(doc.id) if c.ext_id == comment_ext)
    store.apply(SetStance(comment.id, target, who, label))  # type: ignore[arg-type]


def done(store: Store, who: str, doc_ext: str) -> None:
    doc = store.document_by_ext_id(doc_ext)
    assert doc is not None and doc.id is not None
    store.apply(SetStatus(doc.id, who, "done"))


def quote_with_source(store: Store, who: str, doc_ext: str, quote: str, source: str) -> None:
    # The QUOTE first: the store refuses a SOURCE that belongs to no QUOTE.
    quote_id = add(store, who, doc_ext, quote, "QUOTE", QUOTE_LAYER)
    doc = store.document_by_ext_id(doc_ext)
    assert doc is not None and doc.id is not None
    add(store, who, doc_ext, source, "SOURCE", QUOTE_LAYER,
        relations=(Relation(None, doc.id, quote_id, 0, "source", who),))


def annotate_alice(store: Store) -> None:
    add(store, "alice", "a1", "Anna Berg", "PERSON")
    add(store, "alice", "a1", "Oslo", "GPE")
    add(store, "alice", "a1", "Monday", "DATE")
    add(store, "alice", "a1", "Labour", "ORG")
    quote_with_source(store, "alice", "a1", "the budget is fair", "Finance Minister Anna Berg")
    add(store, "alice", "a2", "Bergen", "GPE")
    add(store, "alice", "a2", "Ola Nordmann", "PERSON")
    quote_with_source(store, "alice", "a2", "We were lucky,", "mayor Ola Nordmann")
    stance(store, "alice", "a1", "c1", "favor")
    stance(store, "alice", "a1", "c2", "against")
    stance(store, "alice", "a1", "c3", "neutral")
    stance(store, "alice", "a2", "d1", "unrelated")
    stance(store, "alice", "a2", "d2", "neutral")
    done(store, "alice", "a1")
    done(store, "alice", "a2")


def annotate_bob(store: Store) -> None:
    add(store, "bob", "a1", "Anna Berg", "PERSON")          # agrees
    add(store, "bob", "a1", "Oslo", "LOC")                   # label differs
    add(store, "bob", "a1", "on Monday", "DATE")             # boundary differs
    # Labour: only alice; NRK: only bob
    quote_with_source(store, "bob", "a1", "the budget is fair", "Anna Berg")  # source overlaps: same source
    add(store, "bob", "a2", "Bergen", "GPE")
    add(store, "bob", "a2", "Ola Nordmann", "PERSON")
    add(store, "bob", "a2", "NRK", "ORG")
    quote_with_source(store, "bob", "a2", "We were lucky,", "NRK")  # source differs
    stance(store, "bob", "a1", "c1", "favor")
    stance(store, "bob", "a1", "c2", "against")
    stance(store, "bob", "a1", "c3", "unrelated")
    stance(store, "bob", "a2", "d1", "unrelated")
    stance(store, "bob", "a2", "d2", "favor")
    done(store, "bob", "a1")
    done(store, "bob", "a2")


def two_projects(tmp_path: Path) -> tuple[Path, Path]:
    """alice.db annotated by alice, bob.db by bob, over the same articles."""
    articles = write_articles(tmp_path / "articles.jsonl")
    paths = []
    for name, annotate in (("alice", annotate_alice), ("bob", annotate_bob)):
        path = tmp_path / f"{name}.db"
        store = new_project(path, articles)
        annotate(store)
        store.close()
        paths.append(path)
    return paths[0], paths[1]


def merged_project(tmp_path: Path) -> Path:
    from annotation.merge import merge

    alice, bob = two_projects(tmp_path)
    with Store.open(alice) as store:
        merge(store, bob, reviewer="alice")
    return alice
