"""Adjudication: every difference between annotators as data, and its resolution as ordinary
data commands on the ``gold`` layer (so it is undoable and logged under the reviewer's name).

What is compared, per text unit: entity spans; quotations, each a QUOTE together with the
SOURCE and CUE spans it links to (a different source is a difference of the quotation, not a
separate item); SOURCE and CUE spans linked to no QUOTE; and stance labels per comment and
target. Spans of one annotator that overlap those of another fall into one item. Model
suggestions count as in the agreement report: only in documents the annotator marked done.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Sequence

from annotation.commands import AddRelation, AddSpan, Batch, ClearStance, Command, DeleteSpan, SetStance
from annotation.errors import GoldspanError
from annotation.model import ENTITY, GOLD, ORIGIN_HUMAN, ORIGIN_MODEL, Changes, Relation, Span

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
    return Comparison(store, document_id, annotators).items


def differences(store, document_id: int, annotators: Sequence[str]) -> list[Item]:  # type: ignore[no-untyped-def]
    return [i for i in compare_document(store, document_id, annotators) if i.kind != AGREED]


def _kind_of(span: Span) -> str:
    return "entity" if span.layer == ENTITY else ("quote" if span.label == "QUOTE" else "quote-part")


_Member = tuple[int, tuple, Part]  # (who: index in [*annotators, GOLD], the part's key, the part)


@dataclass
class _Cluster:
    start: int
    reach: int
    members: list[_Member]
    item: Item | None  # None: gold alone, nothing to review


def _split_by_owner(ids: Iterable[int], owners: dict[int, int], known: set[int]) -> list[int]:
    """Add the owner (annotator index) of each id this comparison has read to ``known``; return
    the ids it has not seen."""
    unseen = []
    for item in ids:
        owner = owners.get(item)
        if owner is None:
            unseen.append(item)
        else:
            known.add(owner)
    return unseen


class Comparison:
    """``compare_document`` kept up to date while a review edits gold: ``refresh(changes)``
    reads again the span and relation rows of the annotators a change touched (plain rows, one
    query each; every annotator when no Changes record is given), finds the parts that were
    added or removed since the last read, and rebuilds only the clusters those parts touch (a
    cluster is an interval of overlapping spans, so a change elsewhere leaves it as it was).
    ``items`` always equals what a fresh comparison would give (tests/annotation/
    test_adjudication_incremental.py checks it after random sequences of decisions and undos)."""

    def __init__(self, store, document_id: int, annotators: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
        if len(annotators) < 2:
            raise AdjudicationError("review needs at least two annotators")
        self.store = store
        self.document_id = document_id
        self.names = list(annotators)
        self._who = [*self.names, GOLD]
        self._order = {u.comment_id: i for i, u in enumerate(store.units(document_id))}
        n = len(self._who)
        self._spans: list[dict[tuple, Span]] = [{} for _ in range(n)]  # per annotator: row -> Span (kept while unchanged)
        self._parts: list[dict[tuple, Part]] = [{} for _ in range(n)]  # per annotator: key -> part
        self._span_owner: dict[int, int] = {}  # span id -> annotator index, as last read
        self._relation_owner: dict[int, int] = {}  # relation id -> annotator index, as last read
        self._done: set[str] = set()
        self._groups: dict[tuple[int | None, str], list[_Cluster]] = {}
        self._stances: list[Item] = []
        self.items: list[Item] = []
        self.changed: set[str] = set()  # keys of the items that are new or differ after the last refresh
        self._first = True
        self.refresh()

    def refresh(self, changes: Changes | None = None) -> list[Item]:
        """Read the document again (only the annotators ``changes`` touched, when given: the
        record store.apply returned for every edit since the last refresh); ``items`` and
        ``changed`` say what it holds now."""
        from annotation.store.review_rows import done_annotators

        store = self.store
        done = done_annotators(store, self.document_id, self.names)
        if self._first or changes is None or changes.everything or changes.schema:
            whos = set(range(len(self._who)))
        else:
            whos = self._touched(changes, done)
        self._done = done
        removed: list[tuple] = []
        added: list[tuple] = []
        old_parts: dict[tuple, Part] = {}
        if whos:
            for who, parts in self._read(sorted(whos), done).items():
                old = self._parts[who]
                removed += [(who, *k) for k in old if k not in parts]
                added += [(who, *k) for k in parts if k not in old]
                old_parts.update(((who, *k), p) for k, p in old.items())
                self._parts[who] = parts
        old_items = {i.key: i for i in self.items}
        if self._first:
            self._first = False
            members: dict[tuple[int | None, str], list[_Member]] = defaultdict(list)
            for who, parts in enumerate(self._parts):
                for key, part in parts.items():
                    members[(part.span.comment_id, _kind_of(part.span))].append((who, (who, *key), part))
            self._groups = {group: self._cluster(group, found) for group, found in members.items()}
        elif removed or added:
            self._update(removed, added, old_parts)
        self._stances = _stance_items(store, self.document_id, self.names)
        items = [c.item for clusters in self._groups.values() for c in clusters if c.item is not None]
        items += self._stances
        order = self._order
        items.sort(key=lambda i: (order.get(i.comment_id, 0), i.layer == "stance", i.start, i.end, i.key))
        self.items = items
        changed = set()
        for item in items:
            before = old_items.get(item.key)
            if before is not item and before != item:
                changed.add(item.key)
        self.changed = changed
        return items

    def _touched(self, changes: Changes, done: set[str]) -> set[int]:
        """The annotators (indexes) whose spans or relations in this document ``changes`` may
        have changed: owners of the changed span and relation ids as last read and as they are
        now, and annotators whose done mark flipped (it decides whether suggestions count)."""
        from annotation.store.review_rows import relation_annotators, span_annotators

        whos: set[int] = set()
        unknown_spans = _split_by_owner(changes.spans, self._span_owner, whos)
        unknown_relations = _split_by_owner(changes.relations, self._relation_owner, whos)
        # ids this comparison has not seen: added since (or in another document); ask who owns them now
        index = {n: i for i, n in enumerate(self._who)}
        for name in span_annotators(self.store, unknown_spans) | relation_annotators(self.store, unknown_relations):
            if name in index:
                whos.add(index[name])
        whos |= {index[n] for n in done ^ self._done}
        return whos

    def _read(self, whos: list[int], done: set[str]) -> dict[int, dict[tuple, Part]]:
        """The parts of these annotators (indexes), read from the store now."""
        from annotation.store.review_rows import document_relation_rows, document_span_rows, span_of_row

        names = [self._who[w] for w in whos]
        index = {n: i for i, n in enumerate(self._who)}
        gold = len(self.names)
        by_who: dict[int, list[Span]] = {w: [] for w in whos}
        row_of: dict[int, tuple] = {}
        caches = {w: ({}, self._spans[w]) for w in whos}  # (new, old)
        for w in whos:  # forget what these owned: read again below
            for span in self._spans[w].values():
                self._span_owner.pop(span.id, None)  # type: ignore[arg-type]
        for row in document_span_rows(self.store, self.document_id, names):
            who = index[row[7]]
            new, old = caches[who]
            span = old.get(row)
            if span is None:
                span = span_of_row(row)
            new[row] = span
            row_of[span.id] = row  # type: ignore[index]
            self._span_owner[span.id] = who  # type: ignore[index]
            if span.origin != ORIGIN_MODEL or span.annotator in done or who == gold:
                by_who[who].append(span)
        for w in whos:
            self._spans[w] = caches[w][0]
        relations: dict[int, list[tuple[int, int, str]]] = {w: [] for w in whos}
        self._relation_owner = {r: w for r, w in self._relation_owner.items() if w not in caches}
        for relation_id, head_id, child_id, label, annotator in document_relation_rows(self.store, self.document_id, names):
            who = index[annotator]
            relations[who].append((head_id, child_id, label))
            self._relation_owner[relation_id] = who
        return {w: dict(_parts_of(by_who[w], relations[w], row_of)) for w in whos}

    def _update(self, removed: list[tuple], added: list[tuple], old: dict[tuple, Part]) -> None:
        """Rebuild the clusters the added and removed parts touch, group by group. A part's key
        is (annotator index, its row, its links' rows)."""
        touched: dict[tuple[int | None, str], list[tuple[int, int]]] = defaultdict(list)
        gone: set[tuple] = set(removed)
        new_members: dict[tuple[int | None, str], list[_Member]] = defaultdict(list)
        for key in removed:
            span = old[key].span
            touched[(span.comment_id, _kind_of(span))].append((span.start, span.end))
        for key in added:
            who = key[0]
            part = self._parts[who][key[1:]]
            group = (part.span.comment_id, _kind_of(part.span))
            touched[group].append((part.span.start, part.span.end))
            new_members[group].append((who, key, part))
        for group, intervals in touched.items():
            clusters = self._groups.get(group, [])
            reaches = [c.reach for c in clusters]
            hit: set[int] = set()
            for start, end in intervals:
                # clusters are disjoint intervals in order, so their reaches are in order too
                n = bisect_right(reaches, start)
                while n < len(clusters) and clusters[n].start < end:
                    hit.add(n)
                    n += 1
            members = [m for n in hit for m in clusters[n].members if m[1] not in gone] + new_members.get(group, [])
            kept = [c for n, c in enumerate(clusters) if n not in hit]
            merged = sorted(kept + self._cluster(group, members), key=lambda c: c.start)
            if merged:
                self._groups[group] = merged
            else:
                self._groups.pop(group, None)

    def _cluster(self, group: tuple[int | None, str], members: list[_Member]) -> list[_Cluster]:
        """Connected groups of overlapping spans (from any annotator), left to right; within a
        cluster by start, end, annotator, then span id (the order a fresh read gives)."""
        members = sorted(members, key=lambda m: (m[2].span.start, m[2].span.end, m[0], m[2].span.id))
        out: list[_Cluster] = []
        for member in members:
            span = member[2].span
            if out and span.start < out[-1].reach:
                out[-1].members.append(member)
                out[-1].reach = max(out[-1].reach, span.end)
            else:
                out.append(_Cluster(span.start, span.end, [member], None))
        comment_id, kind = group
        for cluster in out:
            item = _span_item(self.document_id, comment_id, kind, [(self._who[w], p) for w, _k, p in cluster.members],
                              self.names)
            if any(not o.empty for o in item.options):  # gold alone is nothing to review
                cluster.item = item
        return out


def _parts_of(spans: list[Span], relations: list[tuple[int, int, str]], row_of: dict[int, tuple]) -> list[tuple[tuple, Part]]:
    """One annotator's parts, in span order, each with a key that changes when the part does.
    ``relations``: (head_id, child_id, label) of the annotator's relations, in id order."""
    by_id = {s.id: s for s in spans}
    links: dict[int, list[tuple[str, Span]]] = defaultdict(list)
    linked: set[int] = set()
    for head_id, child_id, label in relations:
        head, child = by_id.get(head_id), by_id.get(child_id)
        if head and child and head.label == "QUOTE" and label in _PART_RELATIONS:
            links[head.id].append((label, child))  # type: ignore[index]
            linked.add(child.id)  # type: ignore[arg-type]
    out = []
    for s in spans:
        if s.id in linked:
            continue
        own = tuple(links.get(s.id, ()))  # type: ignore[arg-type]
        key = (row_of[s.id], tuple((label, row_of[c.id]) for label, c in own))  # type: ignore[index]
        out.append((key, Part(s, own)))
    return out


def _span_item(document_id: int, comment_id: int | None, group: str, cluster: list[tuple[str, Part]], names: list[str]) -> Item:
    by_who: dict[str, list[Part]] = {}
    start, end = cluster[0][1].span.start, cluster[0][1].span.end
    for who, part in cluster:
        by_who.setdefault(who, []).append(part)
        start, end = min(start, part.span.start), max(end, part.span.end)
    options = tuple(Option(n, tuple(by_who.get(n, ()))) for n in names)
    gold = Option(GOLD, tuple(by_who.get(GOLD, ())))
    if any(not o.parts for o in options):  # (a span item's option has no stance label)
        kind = ONLY
    else:
        # sorted by signature, so also by (start, end, label): its first three are the bare span
        full = [sorted(p.signature() for p in o.parts) for o in options]
        bare = [[x[:3] for x in f] for f in full]
        if all(f == full[0] for f in full):
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
                  planned: dict[tuple, int] | None = None, gold: "_GoldNow | None" = None) -> list[Command]:
    """``planned``: the gold spans as they will be after earlier items of the same batch (it
    starts as the document's gold spans), by (comment, start, end, label), so a SOURCE two
    quotations share becomes one gold span linked from both. ``gold``:
    the document's gold spans and relations read once for a whole batch (the store does not
    change while a batch is built), else read here."""
    gold = gold or _GoldNow(store, item.document_id)
    commands: list[Command] = []
    removed: set[int] = set()
    for part in item.gold.parts:
        for _label, linked in part.links:
            if linked.id not in removed and not _linked_elsewhere(store, linked, part.span):
                commands.append(DeleteSpan(linked.id))  # type: ignore[arg-type]
                removed.add(linked.id)  # type: ignore[arg-type]
        commands.append(DeleteSpan(part.span.id))  # type: ignore[arg-type]
        removed.add(part.span.id)  # type: ignore[arg-type]
    if planned is not None and not removed:
        gold_now = planned  # nothing taken out of gold: the batch's one dict, never copied per item
    else:
        gold_now = {where: span_id for where, span_id in gold.spans.items() if span_id not in removed}
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
            linked = gold.relations()
            commands += [AddRelation(replace(r, head_id=gold_now[where])) for r in relations
                         if (gold_now[where], r.child_id, r.label) not in linked]
            continue
        gold_now[where] = next(fresh)
        commands.append(AddSpan(_as_gold(part.span, gold_now[where]), tuple(relations)))
    if planned is not None:
        planned.update(gold_now)
    return commands


class _GoldNow:
    """A document's gold spans by (comment, start, end, label), and its gold relations when asked."""

    def __init__(self, store, document_id: int) -> None:  # type: ignore[no-untyped-def]
        self._store, self._document_id = store, document_id
        from annotation.store.review_rows import gold_places

        self.spans = gold_places(store, document_id)
        self._relations: set[tuple[int, int, str]] | None = None

    def relations(self) -> set[tuple[int, int, str]]:
        if self._relations is None:
            self._relations = {(r.head_id, r.child_id, r.label) for r in self._store.relations(self._document_id, GOLD)}
        return self._relations


def _linked_elsewhere(store, linked: Span, quote: Span) -> bool:  # type: ignore[no-untyped-def]
    return any(r.head_id != quote.id for r in store.relations_of_span(linked.id) if r.child_id == linked.id)


def _as_gold(span: Span, new_id: int) -> Span:
    return replace(span, id=new_id, annotator=GOLD, origin=ORIGIN_HUMAN, model="", created="", updated="",
                   attrs={**span.attrs, "adjudicated_from": span.annotator})


def agreed_to_gold(store, document_id: int, annotators: Sequence[str],  # type: ignore[no-untyped-def]
                   compared: Sequence[Item] | None = None) -> Command | None:
    """One command putting every agreed, not yet adjudicated item of a document into gold (the
    "agreed items go to gold automatically" setting); None when there is nothing to add.
    ``compared``: the document's comparison as it stands, when the caller has it."""
    if compared is None:
        compared = compare_document(store, document_id, annotators)
    items = [i for i in compared if i.kind == AGREED and not i.resolved]
    if not items:
        return None
    needed = sum(1 + len(p.links) for i in items for p in i.options[0].parts)
    fresh = iter(store.next_span_ids(needed))  # one id range for the whole batch
    out: list[Command] = []
    gold = _GoldNow(store, document_id)
    planned: dict[tuple, int] = dict(gold.spans)  # starts from gold as it is: see _replace_gold
    for item in items:
        if item.layer == "stance":
            out.append(SetStance(item.comment_id, item.target, GOLD, item.options[0].label))  # type: ignore[arg-type]
        else:
            out += _replace_gold(store, item, list(item.options[0].parts), fresh, planned, gold)
    return Batch(tuple(out), "Gold: accept agreed items")
