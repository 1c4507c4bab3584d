"""Adjudication: every difference between annotators as data, and its resolution as ordinary
data commands on the ``gold`` layer (so it is undoable and logged under the reviewer's name).

What is compared, per text unit: entity spans; quotations, each a QUOTE together with the
SOURCE and CUE spans it links to (a different source is a difference of the quotation, not a
separate item); SOURCE and CUE spans linked to no QUOTE; and stance labels per comment and
target. Spans of one annotator that overlap those of another fall into one item. Model
suggestions count as in the agreement report: only in documents the annotator marked done.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Iterator, Sequence

from annotation.commands import AddRelation, AddSpan, Batch, ClearStance, Command, DeleteSpan, SetStance
from annotation.errors import GoldspanError
from annotation.model import ENTITY, GOLD, ORIGIN_HUMAN, ORIGIN_MODEL, Relation, Span

ONLY = "only"  # some annotators have it, others do not (only A / only B)
LABEL = "label_differs"
BOUNDARY = "boundary_differs"
SOURCE = "source_differs"
STANCE = "stance_differs"
AGREED = "agreed"
KINDS = (ONLY, LABEL, BOUNDARY, SOURCE, STANCE)
_PART_RELATIONS = ("source", "cue")


class AdjudicationError(GoldspanError):
    """A resolution that cannot become gold (e.g. accepting two overlapping entities)."""


@dataclass(frozen=True)
class Part:
    """A span with the SOURCE/CUE spans its quotation links to (empty for entities)."""

    span: Span
    links: tuple[tuple[str, Span], ...] = ()  # (relation label, linked span)

    def signature(self) -> tuple:
        return (self.span.start, self.span.end, self.span.label,
                tuple(sorted((r, s.comment_id, s.start, s.end, s.label) for r, s in self.links)))


@dataclass(frozen=True)
class Option:
    """What one annotator said about an item."""

    annotator: str
    parts: tuple[Part, ...] = ()
    label: str | None = None  # stance items

    @property
    def empty(self) -> bool:
        return not self.parts and self.label is None


@dataclass(frozen=True)
class Item:
    """One place where annotators are compared; ``kind`` is AGREED or one of KINDS."""

    key: str
    kind: str
    document_id: int
    comment_id: int | None
    layer: str  # entity | quote | stance
    start: int
    end: int
    options: tuple[Option, ...]
    gold: Option
    target: str = ""

    @property
    def resolved(self) -> bool:
        return not self.gold.empty

    def option(self, annotator: str) -> Option:
        return next(o for o in self.options if o.annotator == annotator)

    def chosen(self) -> list[str]:
        """Annotators whose version the gold layer holds now."""
        if self.gold.empty:
            return []
        if self.layer == "stance":
            return [o.annotator for o in self.options if o.label == self.gold.label]
        gold = sorted(p.signature() for p in self.gold.parts)
        return [o.annotator for o in self.options if sorted(p.signature() for p in o.parts) == gold]

    def describe(self) -> str:
        def text(o: Option) -> str:
            if self.layer == "stance":
                return o.label or "–"
            return ", ".join(f"{p.span.label} {p.span.start}-{p.span.end}" for p in o.parts) or "–"

        present = [o.annotator for o in self.options if not o.empty]
        head = {ONLY: f"only {', '.join(present)}", LABEL: "label differs", BOUNDARY: "boundary differs",
                SOURCE: "source differs", STANCE: f"stance ({self.target}) differs", AGREED: "agreed"}[self.kind]
        return f"{head}: " + " | ".join(f"{o.annotator}: {text(o)}" for o in self.options)


# -- comparing ---------------------------------------------------------------------------

def compare_document(store, document_id: int, annotators: Sequence[str]) -> list[Item]:  # type: ignore[no-untyped-def]
    """Every compared item of one document, agreed ones included, in reading order."""
    if len(annotators) < 2:
        raise AdjudicationError("review needs at least two annotators")
    names = list(annotators)
    done = {a for a in names if store.status(document_id, a).status == "done"}
    parts = {a: _parts(store, document_id, a, a in done) for a in [*names, GOLD]}
    order = {u.comment_id: i for i, u in enumerate(store.units(document_id))}
    items: list[Item] = []
    groups: dict[tuple[int | None, str], list[tuple[str, Part]]] = defaultdict(list)
    for who in [*names, GOLD]:
        for part in parts[who]:
            groups[(part.span.comment_id, _kind_of(part.span))].append((who, part))
    for (comment_id, group), members in groups.items():
        for cluster in _clusters(members):
            items.append(_span_item(document_id, comment_id, group, cluster, names))
    items = [i for i in items if any(not o.empty for o in i.options)]  # gold alone is nothing to review
    items += _stance_items(store, document_id, names)
    items.sort(key=lambda i: (order.get(i.comment_id, 0), i.layer == "stance", i.start, i.end, i.key))
    return items


def differences(store, document_id: int, annotators: Sequence[str]) -> list[Item]:  # type: ignore[no-untyped-def]
    return [i for i in compare_document(store, document_id, annotators) if i.kind != AGREED]


def _kind_of(span: Span) -> str:
    return "entity" if span.layer == ENTITY else ("quote" if span.label == "QUOTE" else "quote-part")


def _parts(store, document_id: int, annotator: str, done: bool) -> list[Part]:  # type: ignore[no-untyped-def]
    spans = [s for s in store.spans(document_id, annotator) if done or s.origin != ORIGIN_MODEL or annotator == GOLD]
    by_id = {s.id: s for s in spans}
    links: dict[int, list[tuple[str, Span]]] = defaultdict(list)
    linked: set[int] = set()
    for rel in store.relations(document_id, annotator):
        head, child = by_id.get(rel.head_id), by_id.get(rel.child_id)
        if head and child and head.label == "QUOTE" and rel.label in _PART_RELATIONS:
            links[head.id].append((rel.label, child))  # type: ignore[index]
            linked.add(child.id)  # type: ignore[arg-type]
    return [Part(s, tuple(links.get(s.id, ()))) for s in spans if s.id not in linked]  # type: ignore[arg-type]


def _clusters(members: list[tuple[str, Part]]) -> list[list[tuple[str, Part]]]:
    """Connected groups of overlapping spans (from any annotator), left to right."""
    members = sorted(members, key=lambda m: (m[1].span.start, m[1].span.end))
    out: list[list[tuple[str, Part]]] = []
    reach = -1
    for member in members:
        if out and member[1].span.start < reach:
            out[-1].append(member)
            reach = max(reach, member[1].span.end)
        else:
            out.append([member])
            reach = member[1].span.end
    return out


def _span_item(document_id: int, comment_id: int | None, group: str, cluster: list[tuple[str, Part]], names: list[str]) -> Item:
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


def _stance_items(store, document_id: int, names: list[str]) -> list[Item]:  # type: ignore[no-untyped-def]
    labels: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    for st in store.stances(document_id):
        if st.annotator in names or st.annotator == GOLD:
            labels[(st.comment_id, st.target)][st.annotator] = st.label
    items = []
    for (comment_id, target), given in labels.items():
        options = tuple(Option(n, (), given.get(n)) for n in names)
        if all(o.label is None for o in options):
            continue
        values = [o.label for o in options]
        kind = AGREED if None not in values and len(set(values)) == 1 else STANCE
        items.append(Item(f"stance:{comment_id}:{target}", kind, document_id, comment_id, "stance", 0, 0, options,
                          Option(GOLD, (), given.get(GOLD)), target))
    return items


# -- resolving ---------------------------------------------------------------------------

def resolve(store, item: Item, accept: Sequence[str]) -> Command:  # type: ignore[no-untyped-def]
    """The commands that make gold hold the accepted annotators' version of ``item``: one
    annotator, several ("accept both"), or none (reject: gold holds nothing there). Push the
    result through the undo stack or ``store.apply(cmd, annotator=reviewer)``."""
    names = list(dict.fromkeys(accept))
    unknown = [n for n in names if n not in {o.annotator for o in item.options}]
    if unknown:
        raise AdjudicationError(f"{', '.join(unknown)} did not annotate this item")
    what = f"Gold: {'accept ' + ' + '.join(names) if names else 'reject'} ({item.kind.replace('_', ' ')})"
    if item.layer == "stance":
        chosen = {item.option(n).label for n in names} - {None}
        if len(chosen) > 1:
            raise AdjudicationError("a comment has one stance per target: accept one annotator's label")
        if not chosen:
            return Batch((ClearStance(item.comment_id, item.target, GOLD),), what)  # type: ignore[arg-type]
        return Batch((SetStance(item.comment_id, item.target, GOLD, chosen.pop()),), what)  # type: ignore[arg-type]
    parts: list[Part] = []
    seen: set[tuple] = set()
    for n in names:
        for part in item.option(n).parts:
            if part.signature() not in seen:
                seen.add(part.signature())
                parts.append(part)
    if item.layer == "entity":
        ordered = sorted(parts, key=lambda p: p.span.start)
        for left, right in zip(ordered, ordered[1:]):
            if right.span.start < left.span.end:
                raise AdjudicationError(
                    f"{left.span.label} {left.span.start}-{left.span.end} and {right.span.label} {right.span.start}-"
                    f"{right.span.end} overlap and gold entities may not: accept one, or edit")
    return Batch(tuple(_replace_gold(store, item, parts)), what)


def _replace_gold(store, item: Item, parts: list[Part], fresh: Iterator[int] | None = None,  # type: ignore[no-untyped-def]
                  planned: dict[tuple, int] | None = None) -> list[Command]:
    """``planned``: gold spans earlier items of the same batch will add, by (comment, start, end,
    label), so a SOURCE two quotations share becomes one gold span linked from both."""
    commands: list[Command] = []
    removed: set[int] = set()
    for part in item.gold.parts:
        for _label, linked in part.links:
            if linked.id not in removed and not _linked_elsewhere(store, linked, part.span):
                commands.append(DeleteSpan(linked.id))  # type: ignore[arg-type]
                removed.add(linked.id)  # type: ignore[arg-type]
        commands.append(DeleteSpan(part.span.id))  # type: ignore[arg-type]
        removed.add(part.span.id)  # type: ignore[arg-type]
    gold_now = {(s.comment_id, s.start, s.end, s.label): s.id for s in store.spans(item.document_id, GOLD) if s.id not in removed}
    if planned is not None:
        gold_now.update({k: v for k, v in planned.items() if v not in removed})
    if fresh is None:
        fresh = iter(store.next_span_ids(sum(1 + len(p.links) for p in parts)))
    for part in parts:
        relations = []
        for label, linked in part.links:
            where = (linked.comment_id, linked.start, linked.end, linked.label)
            if where not in gold_now:
                new_id = next(fresh)
                commands.append(AddSpan(_as_gold(linked, new_id)))
                gold_now[where] = new_id
            relations.append(Relation(None, item.document_id, 0, gold_now[where], label, GOLD))  # type: ignore[arg-type]
        where = (part.span.comment_id, part.span.start, part.span.end, part.span.label)
        if where in gold_now:  # already in gold (another item of this batch): link, never twice
            linked = {(r.head_id, r.child_id, r.label) for r in store.relations(item.document_id, GOLD)}
            commands += [AddRelation(replace(r, head_id=gold_now[where])) for r in relations
                         if (gold_now[where], r.child_id, r.label) not in linked]
            continue
        gold_now[where] = next(fresh)
        commands.append(AddSpan(_as_gold(part.span, gold_now[where]), tuple(relations)))
    if planned is not None:
        planned.update(gold_now)
    return commands


def _linked_elsewhere(store, linked: Span, quote: Span) -> bool:  # type: ignore[no-untyped-def]
    return any(r.head_id != quote.id for r in store.relations_of_span(linked.id) if r.child_id == linked.id)


def _as_gold(span: Span, new_id: int) -> Span:
    return replace(span, id=new_id, annotator=GOLD, origin=ORIGIN_HUMAN, model="", created="", updated="",
                   attrs={**span.attrs, "adjudicated_from": span.annotator})


def agreed_to_gold(store, document_id: int, annotators: Sequence[str]) -> Command | None:  # type: ignore[no-untyped-def]
    """One command putting every agreed, not yet adjudicated item of a document into gold (the
    "agreed items go to gold automatically" setting); None when there is nothing to add."""
    items = [i for i in compare_document(store, document_id, annotators) if i.kind == AGREED and not i.resolved]
    if not items:
        return None
    needed = sum(1 + len(p.links) for i in items for p in i.options[0].parts)
    fresh = iter(store.next_span_ids(needed))  # one id range for the whole batch
    out: list[Command] = []
    planned: dict[tuple, int] = {}
    for item in items:
        if item.layer == "stance":
            out.append(SetStance(item.comment_id, item.target, GOLD, item.options[0].label))  # type: ignore[arg-type]
        else:
            out += _replace_gold(store, item, list(item.options[0].parts), fresh, planned)
    return Batch(tuple(out), "Gold: accept agreed items")
