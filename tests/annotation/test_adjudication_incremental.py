"""The review's incremental comparison (adjudication.Comparison.refresh) always equals a fresh
comparison, and both equal the original whole-document algorithm (kept here as the oracle),
after any sequence of decisions, undos, "agreed to gold", annotators' own edits and status
changes (which decide whether model suggestions count)."""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from hypothesis import HealthCheck, given, settings, strategies as st

from annotation.adjudication import (
    AGREED, BOUNDARY, LABEL, ONLY, SOURCE, AdjudicationError, Comparison, Item, Option, Part, _kind_of, _stance_items,
    agreed_to_gold, compare_document, resolve,
)
from annotation.commands import AddSpan, Batch, DeleteSpan, SetStance, SetStatus, UpdateSpan
from annotation.errors import CommandError, GoldspanError
from annotation.model import (
    GOLD, ORIGIN_HUMAN, ORIGIN_MODEL, Changes, Comment, Document, ImportedArticle, Relation, Span,
)
from annotation.store import Store

PAIR = ["alice", "bob"]
WORDS = ("Anna Berg said the council budget would rise in Oslo next year while Labour critics warned "
         "about costs and delays to the bridge").split()
TEXT = " ".join(WORDS)
COMMENTS = ("Berg is right about Oslo and Labour", "The bridge costs too much says Anna")


def _offsets(text: str) -> list[tuple[int, int]]:
    out, position = [], 0
    for word in text.split(" "):
        out.append((position, position + len(word)))
        position += len(word) + 1
    return out


BODY_WORDS = _offsets(TEXT)
COMMENT_WORDS = [_offsets(c) for c in COMMENTS]


# -- the oracle: compare_document as it was before it became incremental ---------------------

def _oracle_parts(store, document_id: int, annotator: str, done: bool) -> list[Part]:  # type: ignore[no-untyped-def]
    spans = [s for s in store.spans(document_id, annotator) if done or s.origin != ORIGIN_MODEL or annotator == GOLD]
    by_id = {s.id: s for s in spans}
    links: dict[int, list[tuple[str, Span]]] = defaultdict(list)
    linked: set[int] = set()
    for rel in store.relations(document_id, annotator):
        head, child = by_id.get(rel.head_id), by_id.get(rel.child_id)
        if head and child and head.label == "QUOTE" and rel.label in ("source", "cue"):
            links[head.id].append((rel.label, child))  # type: ignore[index]
            linked.add(child.id)  # type: ignore[arg-type]
    return [Part(s, tuple(links.get(s.id, ()))) for s in spans if s.id not in linked]  # type: ignore[arg-type]


def _oracle_clusters(members: list) -> list[list]:  # type: ignore[type-arg]
    members = sorted(members, key=lambda m: (m[1].span.start, m[1].span.end))
    out: list[list] = []  # type: ignore[type-arg]
    reach = -1
    for member in members:
        if out and member[1].span.start < reach:
            out[-1].append(member)
            reach = max(reach, member[1].span.end)
        else:
            out.append([member])
            reach = member[1].span.end
    return out


def _span_item(document_id: int, comment_id: int | None, group: str, cluster: list, names: list[str]) -> Item:  # type: ignore[type-arg]
    by_who: dict[str, list[Part]] = defaultdict(list)
    for who, part in cluster:
        by_who[who].append(part)
    options = tuple(Option(n, tuple(by_who.get(n, ()))) for n in names)
    gold = Option(GOLD, tuple(by_who.get(GOLD, ())))
    start = min(p.span.start for _w, p in cluster)
    end = max(p.span.end for _w, p in cluster)
    bare = [sorted((p.span.start, p.span.end, p.span.label) for p in o.parts) for o in options]
    full = [sorted(p.signature() for p in o.parts) for o in options]
    if any(o.empty for o in options):
        kind = ONLY
    elif all(f == full[0] for f in full):
        kind = AGREED
    elif all(b == bare[0] for b in bare):
        kind = SOURCE
    elif all(sorted(x[:2] for x in b) == sorted(x[:2] for x in bare[0]) for b in bare):
        kind = LABEL
    else:
        kind = BOUNDARY
    layer = "entity" if group == "entity" else "quote"
    key = f"{group}:{document_id}:{comment_id if comment_id is not None else 'body'}:{start}-{end}"
    return Item(key, kind, document_id, comment_id, layer, start, end, options, gold)


def oracle(store, document_id: int, names: Sequence[str]) -> list[Item]:  # type: ignore[no-untyped-def]
    names = list(names)
    done = {a for a in names if store.status(document_id, a).status == "done"}
    parts = {a: _oracle_parts(store, document_id, a, a in done) for a in [*names, GOLD]}
    order = {u.comment_id: i for i, u in enumerate(store.units(document_id))}
    groups: dict = defaultdict(list)  # type: ignore[type-arg]
    for who in [*names, GOLD]:
        for part in parts[who]:
            groups[(part.span.comment_id, _kind_of(part.span))].append((who, part))
    items = [_span_item(document_id, comment_id, group, cluster, names)
             for (comment_id, group), members in groups.items() for cluster in _oracle_clusters(members)]
    items = [i for i in items if any(not o.empty for o in i.options)]
    items += _stance_items(store, document_id, names)
    items.sort(key=lambda i: (order.get(i.comment_id, 0), i.layer == "stance", i.start, i.end, i.key))
    return items


# -- a small project with two annotators -------------------------------------------------------

def _project() -> tuple[Store, int, list[int]]:
    store = Store.create(":memory:")
    comments = tuple(Comment(None, None, f"c{i}", text, position=i) for i, text in enumerate(COMMENTS))
    store.import_articles([ImportedArticle(Document(None, "d1", "Budget", TEXT), comments)], "test")
    doc = store.document_ids()[0]
    return store, doc, [c.id for c in store.comments(doc)]  # type: ignore[misc]


def _span(doc: int, comment_id: int | None, words: list[tuple[int, int]], first: int, length: int, label: str,
          who: str, origin: str = ORIGIN_HUMAN, span_id: int | None = None) -> Span:
    first = min(first, len(words) - 1)
    last = min(first + length - 1, len(words) - 1)
    layer = "quote" if label in ("QUOTE", "SOURCE", "CUE") else "entity"
    return Span(span_id, doc, comment_id, words[first][0], words[last][1], label, layer, who, origin,
                "m 1" if origin == ORIGIN_MODEL else "")


SEEN = Changes()  # every Changes record store.apply returned since the comparison's last refresh


def _try(store: Store, command, undo: list | None = None) -> None:  # type: ignore[no-untyped-def,type-arg]
    global SEEN
    try:
        inverse, changes = store.apply(command, annotator="rita")
    except (CommandError, GoldspanError):
        return
    SEEN = SEEN | changes
    if undo is not None:
        undo.append(inverse)


units = st.sampled_from([None, 0, 1])  # the article or one of the comments
entity = st.tuples(st.just("entity"), st.sampled_from(PAIR), units, st.integers(0, 20), st.integers(1, 3),
                   st.sampled_from(["PERSON", "ORG", "GPE"]), st.booleans())
quote = st.tuples(st.just("quote"), st.sampled_from(PAIR), st.integers(2, 16), st.integers(1, 4), st.integers(0, 2),
                  st.booleans())
stance = st.tuples(st.just("stance"), st.sampled_from(PAIR), st.integers(0, 1), st.sampled_from(["favor", "against", "neutral"]))
# character offsets too: clusters that overlap by one character find the edges of the search
characters = st.tuples(st.just("characters"), st.sampled_from(PAIR), st.integers(0, 110), st.integers(1, 8),
                       st.sampled_from(["PERSON", "ORG"]))
annotation = st.one_of(entity, entity, characters, quote, stance)
step = st.one_of(
    st.tuples(st.just("decide"), st.integers(0, 30), st.sampled_from(["alice", "bob", "all", "reject"])),
    st.tuples(st.just("undo")),
    st.tuples(st.just("auto")),
    st.tuples(st.just("relabel gold"), st.integers(0, 30)),
    st.tuples(st.just("done"), st.sampled_from(PAIR), st.booleans()),
    st.tuples(st.just("delete own"), st.sampled_from(PAIR), st.integers(0, 30)),
    annotation,
)


def _annotate(store: Store, doc: int, comments: list[int], spec: tuple) -> None:  # type: ignore[type-arg]
    if spec[0] == "entity":
        _, who, unit, first, length, label, model = spec
        comment_id = None if unit is None else comments[unit]
        words = BODY_WORDS if unit is None else COMMENT_WORDS[unit]
        _try(store, AddSpan(_span(doc, comment_id, words, first, length, label, who, ORIGIN_MODEL if model else ORIGIN_HUMAN)))
    elif spec[0] == "characters":
        _, who, start, length, label = spec
        _try(store, AddSpan(Span(None, doc, None, start, min(start + length, len(TEXT)), label, "entity", who)))
    elif spec[0] == "quote":
        _, who, first, length, source_shift, with_cue = spec
        ids = store.next_span_ids(3)
        source = _span(doc, None, BODY_WORDS, max(0, first - 2 - source_shift), 1, "SOURCE", who, span_id=ids[0])
        cue = _span(doc, None, BODY_WORDS, first - 1, 1, "CUE", who, span_id=ids[1])
        quoted = _span(doc, None, BODY_WORDS, first, length, "QUOTE", who, span_id=ids[2])
        relations = [Relation(None, doc, 0, ids[0], "source", who)] + ([Relation(None, doc, 0, ids[1], "cue", who)] if with_cue else [])
        commands = [AddSpan(source)] + ([AddSpan(cue)] if with_cue else []) + [AddSpan(quoted, tuple(relations))]
        _try(store, Batch(tuple(commands), "quote"))
    else:
        _, who, index, label = spec
        _try(store, SetStance(comments[index], "topic", who, label))


def _run(store: Store, doc: int, comments: list[int], spec: tuple, undo: list) -> None:  # type: ignore[type-arg]
    kind = spec[0]
    if kind == "decide":
        items = [i for i in compare_document(store, doc, PAIR) if i.kind != AGREED]
        if not items:
            return
        item = items[spec[1] % len(items)]
        choice = spec[2]
        accept = {"alice": ["alice"], "bob": ["bob"], "reject": []}.get(choice, [o.annotator for o in item.options if not o.empty])
        accept = [n for n in accept if not item.option(n).empty]
        try:
            command = resolve(store, item, accept)
        except AdjudicationError:
            return
        _try(store, command, undo)
    elif kind == "undo":
        if undo:
            _try(store, undo.pop())
    elif kind == "auto":
        command = agreed_to_gold(store, doc, PAIR)
        if command is not None:
            _try(store, command, undo)
    elif kind == "relabel gold":
        gold = [s for s in store.spans(doc, GOLD) if s.layer == "entity"]
        if gold:
            span = gold[spec[1] % len(gold)]
            _try(store, UpdateSpan(span.id, label="FAC" if span.label != "FAC" else "ORG"), undo)  # type: ignore[arg-type]
    elif kind == "done":
        _try(store, SetStatus(doc, spec[1], "done" if spec[2] else "in_progress"))
    elif kind == "delete own":
        own = store.spans(doc, spec[1])
        if own:
            _try(store, DeleteSpan(own[spec[2] % len(own)].id))  # type: ignore[arg-type]
    else:
        _annotate(store, doc, comments, spec)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(annotation, min_size=2, max_size=25), st.lists(st.tuples(step, st.booleans()), min_size=1, max_size=25))
def test_incremental_comparison_equals_a_fresh_one_after_any_sequence(annotations: list, steps: list) -> None:  # type: ignore[type-arg]
    """Each step refreshes with the Changes records the store returned (only the annotators
    they touch are read again), or without (everyone is read again)."""
    global SEEN
    store, doc, comments = _project()
    for spec in annotations:
        _annotate(store, doc, comments, spec)
    comparison = Comparison(store, doc, PAIR)
    assert comparison.items == oracle(store, doc, PAIR)
    undo: list = []  # type: ignore[type-arg]
    for spec, with_changes in steps:
        before = {i.key: i for i in comparison.items}
        SEEN = Changes()
        _run(store, doc, comments, spec, undo)
        items = comparison.refresh(SEEN if with_changes else None)
        expected = oracle(store, doc, PAIR)
        assert items == expected, spec
        assert compare_document(store, doc, PAIR) == expected
        # ``changed`` names exactly the items that are new or differ
        assert comparison.changed == {i.key for i in items if before.get(i.key) != i}
    store.close()


def test_a_decision_rebuilds_only_the_items_it_touches() -> None:
    store, doc, comments = _project()
    for who, label in (("alice", "PERSON"), ("bob", "ORG")):
        _try(store, AddSpan(_span(doc, None, BODY_WORDS, 0, 2, label, who)))  # Anna Berg: label differs
    for who in PAIR:
        _try(store, AddSpan(_span(doc, None, BODY_WORDS, 9, 1, "GPE", who)))  # Oslo: agreed
    comparison = Comparison(store, doc, PAIR)
    oslo = next(i for i in comparison.items if i.kind == AGREED)
    anna = next(i for i in comparison.items if i.kind != AGREED)
    _inverse, changes = store.apply(resolve(store, anna, ["bob"]), annotator="rita")
    comparison.refresh(changes)
    assert comparison.changed == {anna.key}
    assert next(i for i in comparison.items if i.key == oslo.key) is oslo  # the same object: not rebuilt
    assert comparison.items == oracle(store, doc, PAIR)
    store.close()
