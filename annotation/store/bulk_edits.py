"""Edits of many spans at once with a few statements: accept-all and its undo (``SetOrigins``),
and long runs of AddSpan or DeleteSpan inside one Batch (a review's agreed items, their undo
and redo), instead of four or five statements per span.

Applied one by one, each AddSpan asks the database twice whether the span is there already,
once whether it overlaps an entity, and reads its text; each DeleteSpan reads its span and its
relations. Here a run is checked against the annotator's spans read once, then written with
``executemany``. The outcome is exactly the one-by-one one: the same rows and ids (inserts keep
their order, and a span without an id is inserted alone to learn it), the same inverses and
``Changes``. Anything the fast path does not fully decide (a span already there, an overlap,
a missing text or span, an id in use, a QUOTE whose parts go with it) is left to the
one-by-one path, which then gives its usual answer, its error included.
"""
from __future__ import annotations

import sqlite3
from bisect import bisect_left, insort
from typing import Iterable, Iterator, Sequence

from annotation.commands import AddSpan, Batch, Command, DeleteSpan, SetOrigins
from annotation.errors import CommandError
from annotation.model import ENTITY, ORIGIN_HUMAN, ORIGIN_MODEL, Changes, Relation, Span, Unit
from annotation.store import rows

# Shorter runs go one by one (tests set 1 to take every run through here, or a huge number for
# none). An addition run first reads the annotator's spans of the document, so it pays off from
# a dozen spans; a deletion run reads only its own spans, so from two.
BULK_MIN = 16
BULK_MIN_DELETES = 2
_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on bound parameters
_LOOKAHEAD = 100  # DeleteSpans read ahead at once (read again after each QUOTE, whose parts go along)
RELATION_LABELS_FALLBACK = ("source", "cue", "coref")  # a schema without [relation]
_SPAN_COLUMNS = ("document_id", "comment_id", "start", "end", "label", "layer", "annotator", "origin",
                 "model", "attrs", "created", "updated")
_RELATION_COLUMNS = ("document_id", "head_id", "child_id", "label", "annotator", "origin", "created")

Applied = list[tuple[Command, Changes]]


def chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def marks(n: int) -> str:
    return ",".join("?" * n)


class _Extents:
    """The entity extents of one annotator in one text, for the no-overlap rule."""

    def __init__(self) -> None:
        self._starts: list[tuple[int, int]] = []  # (start, end), sorted
        self._longest = 0

    def add(self, start: int, end: int) -> None:
        insort(self._starts, (start, end))
        self._longest = max(self._longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        """Any extent with ``s < end and e > start`` (the store's SQL test)."""
        hi = bisect_left(self._starts, (end, -1))  # extents starting before ``end``
        lo = bisect_left(self._starts, (start - self._longest, -1))
        return any(e > start for _s, e in self._starts[lo:hi])


class BulkEditsMixin:
    conn: sqlite3.Connection

    # -- reading for accept-all ------------------------------------------------------------

    def suggestion_ids(self, document_id: int, annotator: str) -> tuple[int, ...]:
        """Ids of the annotator's suggestions in a document (article and comments), in the
        order ``spans()`` lists them: what Accept all accepts, read without building spans."""
        result = self.conn.execute(
            "SELECT id FROM spans WHERE document_id = ? AND annotator = ? AND origin = 'model' "
            "ORDER BY comment_id IS NOT NULL, comment_id, start, end, id", (document_id, annotator))
        return tuple(r[0] for r in result)

    # -- accept-all and its undo ------------------------------------------------------------

    def _apply_set_origins(self, cmd: SetOrigins) -> tuple[Command, Changes]:
        """Bulk accept (and its undo): one read and one UPDATE per 500 spans, not a checked
        update per span. ``Changes.origins`` says only the origin changed, so views update the
        spans they hold instead of reading them again."""
        if cmd.origin not in (ORIGIN_HUMAN, ORIGIN_MODEL):
            raise CommandError(f"unknown origin {cmd.origin!r}")
        ids = list(dict.fromkeys(cmd.span_ids))
        found: dict[int, tuple[int, int | None, str]] = {}
        for chunk in chunks(ids):
            for span_id, document_id, comment_id, origin in self.conn.execute(
                    f"SELECT id, document_id, comment_id, origin FROM spans WHERE id IN ({marks(len(chunk))})", chunk):
                found[span_id] = (document_id, comment_id, origin)
        old: dict[str, list[int]] = {}
        for chunk in chunks(ids):
            # Each chunk in ascending ids, as SQLite returned them when this read one chunk at a
            # time: the inverse in the edit log lists them as it always has.
            for span_id in sorted(chunk):
                if span_id in found:
                    old.setdefault(found[span_id][2], []).append(span_id)
        changed = [i for origin, group in old.items() if origin != cmd.origin for i in group]
        places = {(document_id, comment_id) for document_id, comment_id, _origin in found.values()}
        stamp = rows.now()
        for chunk in chunks(changed):
            self.conn.execute(f"UPDATE spans SET origin = ?, updated = ? WHERE id IN ({marks(len(chunk))})",
                              [cmd.origin, stamp, *chunk])
        inverses = [SetOrigins(tuple(group), origin, cmd.describe()) for origin, group in old.items() if origin != cmd.origin]
        inverse: Command = inverses[0] if len(inverses) == 1 else Batch(tuple(inverses), f"Undo {cmd.describe()}")
        return inverse, Changes(
            documents=frozenset(d for d, _c in places), units=frozenset(Unit(d, c) for d, c in places),
            spans=frozenset(changed), origins=((frozenset(changed), cmd.origin, stamp),) if changed else ())

    # -- a run of AddSpan --------------------------------------------------------------------

    def _apply_additions(self, run: Sequence[AddSpan | Batch]) -> Applied | None:
        """AddSpans and Batches of AddSpans, applied as ``_apply`` applies each (a Batch's inverse
        is its parts' inverses reversed), or None (nothing written) to go one by one."""
        flat = [c for item in run for c in (item.commands if isinstance(item, Batch) else (item,))]
        if len(flat) < BULK_MIN:
            return None
        done = self._apply_add_spans(flat)  # type: ignore[arg-type]
        if done is None:
            return None
        out: Applied = []
        position = 0
        for item in run:
            if not isinstance(item, Batch):
                out.append(done[position])
                position += 1
                continue
            mine = done[position:position + len(item.commands)]
            position += len(item.commands)
            out.append((Batch(tuple(inverse for inverse, _c in reversed(mine)), item.text),
                        union(changes for _i, changes in mine)))
        return out

    def _apply_add_spans(self, run: Sequence[AddSpan]) -> Applied | None:
        """The run applied, or None (nothing written) when it must go one by one."""
        plan = self._plan_add_spans(run)
        if plan is None:
            return None
        span_rows, relation_rows = plan
        span_ids = self._insert_rows("spans", _SPAN_COLUMNS, span_rows)
        relation_ids = self._insert_rows("relations", _RELATION_COLUMNS,
                                         [(rel_id, values) for _position, rel_id, values in relation_rows])
        mine: dict[int, list[int]] = {}
        for (position, _rel_id, _values), rel_id in zip(relation_rows, relation_ids):
            mine.setdefault(position, []).append(rel_id)
        out: Applied = []
        for position, cmd in enumerate(run):
            span, span_id = cmd.span, span_ids[position]
            out.append((DeleteSpan(span_id), Changes(
                documents=frozenset({span.document_id}), units=frozenset({span.unit}),
                spans=frozenset({span_id}), relations=frozenset(mine.get(position, ())))))
        return out

    def _plan_add_spans(self, run: Sequence[AddSpan]) -> tuple[list, list] | None:  # type: ignore[type-arg]
        """Every check ``_apply_add_span`` makes, against the annotators' spans read once plus
        the run's own earlier spans. Returns the rows to insert, or None to go one by one."""
        schema = self.schema  # type: ignore[attr-defined]
        relation_labels = set(schema.label_names("relation") or RELATION_LABELS_FALLBACK)
        identities: dict[tuple[int, str], set[tuple]] = {}  # type: ignore[type-arg]
        extents: dict[tuple[int, int | None, str], _Extents] = {}
        for document_id, annotator in dict.fromkeys((c.span.document_id, c.span.annotator) for c in run):
            found = identities[(document_id, annotator)] = set()
            for comment_id, layer, start, end, label in self.conn.execute(
                    "SELECT comment_id, layer, start, end, label FROM spans WHERE document_id = ? AND annotator = ?",
                    (document_id, annotator)):
                found.add((comment_id, layer, start, end, label))
                if layer == ENTITY:
                    extents.setdefault((document_id, comment_id, annotator), _Extents()).add(start, end)
        explicit = [c.span.id for c in run if c.span.id is not None]
        if len(set(explicit)) != len(explicit) or self._existing_ids("spans", explicit):
            return None
        lengths: dict[Unit, int] = {}
        # What a relation's ends are: spans already stored (read below) or added earlier in the run.
        ends: dict[int, tuple[Unit, str]] = {}
        outside = {end for c in run for r in c.relations for end in (r.head_id, r.child_id)} - set(explicit) - {0}
        for chunk in chunks(sorted(outside)):
            for span_id, document_id, comment_id, annotator in self.conn.execute(
                    f"SELECT id, document_id, comment_id, annotator FROM spans WHERE id IN ({marks(len(chunk))})", chunk):
                ends[span_id] = (Unit(document_id, comment_id), annotator)
        explicit_relations = [r.id for c in run for r in c.relations if r.id is not None]
        if len(set(explicit_relations)) != len(explicit_relations) or self._existing_ids("relations", explicit_relations):
            return None
        heads = sorted({r.head_id for c in run for r in c.relations} - {0})
        linked: set[tuple[int, int, str]] = set()
        for chunk in chunks(heads):
            linked.update(self.conn.execute(
                f"SELECT head_id, child_id, label FROM relations WHERE head_id IN ({marks(len(chunk))})", chunk))
        span_rows: list[tuple[int | None, tuple]] = []  # type: ignore[type-arg]
        relation_rows: list[tuple[int, int | None, tuple]] = []  # type: ignore[type-arg]
        for position, cmd in enumerate(run):
            span = cmd.span
            unit = span.unit
            if unit not in lengths:
                try:
                    lengths[unit] = len(self.unit_text(unit))  # type: ignore[attr-defined]
                except CommandError:
                    return None
            identity = (span.comment_id, span.layer, span.start, span.end, span.label)
            known = identities[(span.document_id, span.annotator)]
            if identity in known or not (0 <= span.start < span.end <= lengths[unit]):
                return None
            if schema.layer_of(span.label) != span.layer:
                return None
            if span.layer == ENTITY:
                area = extents.setdefault((span.document_id, span.comment_id, span.annotator), _Extents())
                if area.overlaps(span.start, span.end):
                    return None
                area.add(span.start, span.end)
            known.add(identity)
            stamp = rows.now()
            try:
                attrs = rows.dumps(span.attrs)
            except (TypeError, ValueError):
                return None
            span_rows.append((span.id, (span.document_id, span.comment_id, span.start, span.end, span.label,
                                        span.layer, span.annotator, span.origin, span.model, attrs,
                                        span.created or stamp, stamp)))
            if span.id is not None:
                ends[span.id] = (unit, span.annotator)
            for rel in cmd.relations:
                # (a span without an id has none to link before it is inserted: one by one)
                head = span.id if rel.head_id == 0 else rel.head_id
                child = span.id if rel.child_id == 0 else rel.child_id
                head_end, child_end = ends.get(head), ends.get(child)  # type: ignore[arg-type]
                if head_end is None or child_end is None or rel.label not in relation_labels:
                    return None
                if head_end[0] != child_end[0] or not (head_end[1] == child_end[1] == rel.annotator):
                    return None
                if (head, child, rel.label) in linked:
                    return None
                linked.add((head, child, rel.label))  # type: ignore[arg-type]
                relation_rows.append((position, rel.id, (head_end[0].document_id, head, child, rel.label,
                                                         rel.annotator, rel.origin, rel.created or rows.now())))
        return span_rows, relation_rows

    def _existing_ids(self, table: str, ids: Sequence[int]) -> bool:
        for chunk in chunks(ids):
            if self.conn.execute(f"SELECT 1 FROM {table} WHERE id IN ({marks(len(chunk))}) LIMIT 1", chunk).fetchone():
                return True
        return False

    def _insert_rows(self, table: str, columns: tuple[str, ...], rows_: Sequence[tuple[int | None, tuple]]) -> list[int]:  # type: ignore[type-arg]
        """Insert in order; consecutive rows with their own ids in one ``executemany``, a row
        without one alone (AUTOINCREMENT gives it the id it would get one by one)."""
        with_id = f"INSERT INTO {table}(id, {', '.join(columns)}) VALUES ({marks(len(columns) + 1)})"
        without_id = f"INSERT INTO {table}({', '.join(columns)}) VALUES ({marks(len(columns))})"
        ids: list[int] = []
        pending: list[tuple] = []  # type: ignore[type-arg]
        for row_id, values in rows_:
            if row_id is not None:
                pending.append((row_id, *values))
                ids.append(row_id)
                continue
            if pending:
                self.conn.executemany(with_id, pending)
                pending = []
            ids.append(self.conn.execute(without_id, values).lastrowid)  # type: ignore[arg-type]
        if pending:
            self.conn.executemany(with_id, pending)
        return ids

    # -- a run of DeleteSpan -------------------------------------------------------------------

    def _apply_delete_spans(self, run: Sequence[DeleteSpan]) -> Applied:
        """The run applied: stretches of plain spans together; a QUOTE (which takes its parts
        along), a span not found (taken along already, or an error to report) or one named twice
        one by one."""
        out: Applied = []
        cascaded: set[int] = getattr(self, "_cascaded", set())  # parts taken along with their QUOTE
        found: dict[int, sqlite3.Row] = {}  # rows of the spans ahead, as they are now
        read_until = 0
        stretch: list[Span] = []
        in_stretch: set[int] = set()
        for position, cmd in enumerate(run):
            if position >= read_until:
                ids = [c.span_id for c in run[position:position + _LOOKAHEAD]]
                found.update((r["id"], r) for r in self.conn.execute(
                    f"SELECT * FROM spans WHERE id IN ({marks(len(ids))})", ids))
                read_until = position + _LOOKAHEAD
            row = found.get(cmd.span_id)
            if row is not None and row["label"] != "QUOTE" and cmd.span_id not in in_stretch:
                stretch.append(rows.span(row))
                in_stretch.add(cmd.span_id)
                continue
            if stretch:
                out += self._delete_plain_spans(stretch)
                for span_id in in_stretch:
                    found.pop(span_id, None)
                stretch, in_stretch = [], set()
            out.append(self._apply(cmd))  # type: ignore[attr-defined]
            if row is not None:
                # It deleted this span, and a QUOTE its parts (marked cascaded): those read
                # ahead are gone. (A cascaded one re-added since goes one by one: still right.)
                found.pop(cmd.span_id, None)
                for span_id in [i for i in found if i in cascaded]:
                    del found[span_id]
        if stretch:
            out += self._delete_plain_spans(stretch)
        return out

    def _delete_plain_spans(self, spans: list[Span]) -> Applied:
        """Spans that are no QUOTE, each deleted with the relations touching it that an earlier
        one of them did not take already (as one by one, where those were gone by then)."""
        order = {s.id: i for i, s in enumerate(spans)}
        ids = list(order)
        touching: dict[int, Relation] = {}
        for chunk in chunks(ids):
            for row in self.conn.execute(
                    f"SELECT * FROM relations WHERE head_id IN ({marks(len(chunk))}) OR child_id IN ({marks(len(chunk))})",
                    [*chunk, *chunk]):
                touching[row["id"]] = rows.relation(row)
        mine: list[list[Relation]] = [[] for _ in spans]
        for rel_id in sorted(touching):
            rel = touching[rel_id]
            mine[min(order.get(rel.head_id, len(spans)), order.get(rel.child_id, len(spans)))].append(rel)
        for chunk in chunks(sorted(touching)):
            self.conn.execute(f"DELETE FROM relations WHERE id IN ({marks(len(chunk))})", chunk)
        for chunk in chunks(ids):
            self.conn.execute(f"DELETE FROM spans WHERE id IN ({marks(len(chunk))})", chunk)
        return [(AddSpan(span, tuple(rels)), Changes(
            documents=frozenset({span.document_id}), units=frozenset({span.unit}), spans=frozenset({span.id}),
            relations=frozenset(r.id for r in rels if r.id is not None)))
            for span, rels in zip(spans, mine)]


def runs(commands: tuple[Command, ...]) -> list[tuple[Command, ...]]:
    """Consecutive additions together (AddSpans, and Batches of AddSpans only: a redo restores
    each deleted QUOTE with its parts as one), consecutive DeleteSpans together, anything else alone."""
    out: list[tuple[Command, ...]] = []
    start = 0
    for i in range(1, len(commands) + 1):
        kind = run_kind(commands[start])
        if i == len(commands) or kind is None or run_kind(commands[i]) != kind:
            out.append(commands[start:i])
            start = i
    return out


def run_kind(cmd: Command) -> str | None:
    if isinstance(cmd, AddSpan) or (isinstance(cmd, Batch) and all(isinstance(c, AddSpan) for c in cmd.commands)):
        return "add"
    return "delete" if isinstance(cmd, DeleteSpan) else None


def union(parts: Iterable[Changes]) -> Changes:
    """``a | b | c ...`` without copying the growing sets once per part."""
    parts = list(parts)
    if any(p.origins for p in parts):
        total = Changes()
        for p in parts:
            total = total | p
        return total
    return Changes(
        documents=frozenset().union(*(p.documents for p in parts)),
        units=frozenset().union(*(p.units for p in parts)),
        spans=frozenset().union(*(p.spans for p in parts)),
        relations=frozenset().union(*(p.relations for p in parts)),
        stances=frozenset().union(*(p.stances for p in parts)),
        targets=frozenset().union(*(p.targets for p in parts)),
        statuses=frozenset().union(*(p.statuses for p in parts)),
        schema=any(p.schema for p in parts),
        everything=any(p.everything for p in parts),
    )


__all__ = ["BULK_MIN", "BulkEditsMixin", "run_kind", "runs", "union"]
