"""Model suggestions (pre-annotation): bulk writes that never touch a human's work.

Rules, per unit and annotator layer:

- A re-run replaces only the model's own *untouched* suggestions: origin ``model``, never
  updated since created, and not referenced by a relation someone else made.
- A suggestion is not added where the layer already has a kept span it would duplicate or
  collide with: an entity overlapping a kept entity (a relation to it is redirected to that
  span when the labels agree), a QUOTE overlapping a kept QUOTE, or a suggestion the human
  deleted before (read from the edit log).
- SOURCE and CUE spans are only written when a relation that needs them is.
- ``unit_nlp`` records each unit done with its model, in the same transaction as its spans,
  so a cancelled or killed job resumes where it stopped.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Iterator

from annotation.model import ENTITY, ORIGIN_MODEL, Unit
from annotation.store import rows


@dataclass(frozen=True)
class SuggestedSpan:
    key: int  # local to one unit's suggestions; relations refer to it
    start: int
    end: int
    label: str
    layer: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class SuggestedRelation:
    head: int  # SuggestedSpan keys
    child: int
    label: str


@dataclass
class UnitSuggestions:
    unit: Unit
    spans: list[SuggestedSpan] = field(default_factory=list)
    relations: list[SuggestedRelation] = field(default_factory=list)


@dataclass
class WriteCounts:
    spans_added: int = 0
    relations_added: int = 0
    spans_replaced: int = 0  # old untouched suggestions removed
    spans_kept_human: int = 0  # suggestions not added because of a kept (human) span
    # Entities of labels the project's schema lacks (the stock model knows 18; a project may
    # keep fewer): never written, or `goldspan check` would find spans of unknown labels.
    unknown_labels: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PendingUnit:
    unit: Unit
    length: int


_KEPT = "(origin != 'model' OR updated != created OR EXISTS (SELECT 1 FROM relations r WHERE (r.head_id = s.id OR r.child_id = s.id) AND r.origin != 'model'))"


class SuggestionsMixin:
    conn: sqlite3.Connection

    def pending_units(self, annotator: str, model: str, force: bool = False) -> list[PendingUnit]:
        """Units (bodies, then comments, by document) to pre-annotate; done ones skipped unless ``force``."""
        skip = "" if force else (
            " AND NOT EXISTS (SELECT 1 FROM unit_nlp n WHERE n.document_id = u.document_id "
            "AND n.comment_id = u.cid AND n.annotator = ? AND n.model = ?)"
        )
        sql = (
            "SELECT u.document_id, u.comment_id, u.length FROM ("
            "SELECT id AS document_id, NULL AS comment_id, 0 AS cid, -1 AS position, length(text) AS length FROM documents "
            "UNION ALL SELECT document_id, id, id, position, length(text) FROM comments) u "
            f"WHERE 1=1{skip} ORDER BY u.document_id, u.position"
        )
        params = () if force else (annotator, model)
        return [PendingUnit(Unit(r[0], r[1]), r[2]) for r in self.conn.execute(sql, params)]

    def iter_unit_texts(self, units: list[Unit], chunk: int = 500) -> Iterator[tuple[Unit, str]]:
        """Texts of ``units`` in order, fetched a chunk at a time (memory stays flat)."""
        for i in range(0, len(units), chunk):
            part = units[i:i + chunk]
            bodies = [u.document_id for u in part if u.comment_id is None]
            comments = [u.comment_id for u in part if u.comment_id is not None]
            texts: dict[Unit, str] = {}
            for ids, sql in ((bodies, "SELECT id, NULL, text FROM documents WHERE id IN ({})"),
                             (comments, "SELECT document_id, id, text FROM comments WHERE id IN ({})")):
                if ids:
                    for r in self.conn.execute(sql.format(",".join("?" * len(ids))), ids):
                        texts[Unit(r[0], r[1])] = r[2]
            for unit in part:
                if unit in texts:
                    yield unit, texts[unit]

    def write_suggestions(self, batch: list[UnitSuggestions], annotator: str, model: str) -> WriteCounts:
        """Replace the batch's untouched suggestions with ``batch``, in one transaction."""
        counts = WriteCounts()
        stamp = rows.now()
        with self.transaction():  # type: ignore[attr-defined]
            self.ensure_annotator(annotator)  # type: ignore[attr-defined]
            seen = self._seen_before([i.unit for i in batch], annotator)
            for item in batch:  # every unit: model spans may also have come in by a merge
                counts.spans_replaced += self._drop_untouched(item.unit, annotator)
            span_rows: list[tuple[Any, ...]] = []
            rel_rows: list[tuple[Any, ...]] = []
            next_id = self._next_span_id()
            for item in batch:
                next_id = self._plan_unit(item, annotator, model, stamp, next_id, span_rows, rel_rows, counts,
                                          item.unit in seen)
            self.conn.executemany(
                "INSERT INTO spans(id, document_id, comment_id, start, end, label, layer, annotator, origin, model, "
                "attrs, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", span_rows,
            )
            self.conn.executemany(
                "INSERT INTO relations(document_id, head_id, child_id, label, annotator, origin, created) "
                "VALUES (?,?,?,?,?,?,?)", rel_rows,
            )
            self.conn.executemany(
                "INSERT OR REPLACE INTO unit_nlp(document_id, comment_id, annotator, model, done) VALUES (?,?,?,?,?)",
                [(i.unit.document_id, i.unit.comment_id or 0, annotator, model, stamp) for i in batch],
            )
        counts.spans_added += len(span_rows)
        counts.relations_added += len(rel_rows)
        return counts

    def _seen_before(self, units: list[Unit], annotator: str) -> set[Unit]:
        """Units of ``units`` already pre-annotated for ``annotator`` (with any model)."""
        docs = sorted({u.document_id for u in units})
        rows_ = self.conn.execute(
            f"SELECT document_id, comment_id FROM unit_nlp WHERE annotator = ? AND document_id IN ({','.join('?' * len(docs))})",
            (annotator, *docs),
        ) if docs else []
        return {Unit(r[0], r[1] or None) for r in rows_} & set(units)

    def _drop_untouched(self, unit: Unit, annotator: str) -> int:
        """Delete the unit's untouched suggestions. A quotation lives or dies whole: a kept QUOTE
        keeps the SOURCE and CUE it links to, and a kept part keeps its QUOTEs, so a re-run never
        leaves a part without its QUOTE nor strips an accepted QUOTE of its speaker."""
        spans = self.conn.execute(
            f"SELECT id, origin = 'model' AND NOT {_KEPT} FROM spans AS s "
            "WHERE document_id = ? AND comment_id IS ? AND annotator = ?",
            (unit.document_id, unit.comment_id, annotator),
        ).fetchall()
        droppable = {r[0] for r in spans if r[1]}
        if not droppable:
            return 0
        neighbours: dict[int, list[int]] = {}
        for head, child in self.conn.execute(
            "SELECT r.head_id, r.child_id FROM relations r JOIN spans h ON h.id = r.head_id "
            "WHERE h.document_id = ? AND h.comment_id IS ? AND h.annotator = ? AND r.label IN ('source', 'cue')",
            (unit.document_id, unit.comment_id, annotator),
        ):
            neighbours.setdefault(head, []).append(child)
            neighbours.setdefault(child, []).append(head)
        stack = [r[0] for r in spans if r[0] not in droppable]
        while stack:
            for other in neighbours.get(stack.pop(), ()):
                if other in droppable:
                    droppable.discard(other)
                    stack.append(other)
        ids = sorted(droppable)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            self.conn.execute(f"DELETE FROM spans WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        return len(ids)

    def _next_span_id(self) -> int:
        # Called after this transaction's first write, so no other connection can take ids now.
        row = self.conn.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'spans'), 0), coalesce((SELECT max(id) FROM spans), 0))"
        ).fetchone()
        return int(row[0]) + 1

    def _plan_unit(self, item: UnitSuggestions, annotator: str, model: str, stamp: str, next_id: int,
                   span_rows: list[tuple[Any, ...]], rel_rows: list[tuple[Any, ...]], counts: WriteCounts,
                   seen: bool) -> int:
        unit = item.unit
        kept = self.conn.execute(
            "SELECT id, start, end, label, layer FROM spans WHERE document_id = ? AND comment_id IS ? AND annotator = ?",
            (unit.document_id, unit.comment_id, annotator),
        ).fetchall()
        # Only a unit pre-annotated before can hold suggestions the annotator deleted.
        rejected = self._rejected(unit, annotator) if seen else set()
        kept_relations = {(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT head_id, child_id, label FROM relations WHERE document_id = ? AND annotator = ?",
            (unit.document_id, annotator),
        )} if kept else set()
        resolved: dict[int, int | None] = {}  # key -> existing span id, or None (to insert)
        dropped: set[int] = set()
        entity_labels = self.schema.label_names(ENTITY)  # type: ignore[attr-defined]
        for span in item.spans:
            if span.layer == ENTITY and span.label not in entity_labels:
                dropped.add(span.key)
                counts.unknown_labels[span.label] = counts.unknown_labels.get(span.label, 0) + 1
                continue
            if (span.start, span.end, span.label) in rejected:
                dropped.add(span.key)
                counts.spans_kept_human += 1
                continue
            clash = _clash(span, kept)
            if clash is None:
                resolved[span.key] = None
            elif clash[3] == span.label and (span.layer == ENTITY or (clash[1], clash[2]) == (span.start, span.end)) and span.label != "QUOTE":
                resolved[span.key] = clash[0]  # reuse the kept span, e.g. a coref target the human corrected
            else:
                dropped.add(span.key)
                counts.spans_kept_human += 1
        # A relation needs a live head that we add (we never hang suggestions on kept QUOTEs).
        # A QUOTE's link needs a QUOTE we add (we never hang suggestions on kept QUOTEs); only
        # those links make a SOURCE or CUE worth adding, never a coref from it alone.
        live = [r for r in item.relations if r.head in resolved and r.child in resolved and resolved[r.head] is None]
        needed = {k for r in live if r.label in ("source", "cue") for k in (r.head, r.child)}
        ids: dict[int, int] = {}
        planned: dict[tuple[int, int, str], int] = {}  # a layer holds a span once, even if suggested twice
        for span in item.spans:
            if span.key not in resolved or span.key in dropped:
                continue
            if resolved[span.key] is not None:
                ids[span.key] = resolved[span.key]  # type: ignore[assignment]
                continue
            if span.layer != ENTITY and span.label != "QUOTE" and span.key not in needed:
                continue  # a SOURCE or CUE whose QUOTE was not added
            if (span.start, span.end, span.label) in planned:
                ids[span.key] = planned[(span.start, span.end, span.label)]
                continue
            planned[(span.start, span.end, span.label)] = next_id
            ids[span.key] = next_id
            span_rows.append((next_id, unit.document_id, unit.comment_id, span.start, span.end, span.label, span.layer,
                              annotator, ORIGIN_MODEL, model, rows.dumps(span.attrs), stamp, stamp))
            next_id += 1
        for rel in live:
            if rel.head not in ids or rel.child not in ids:
                continue
            triple = (ids[rel.head], ids[rel.child], rel.label)
            if triple in kept_relations:
                continue
            kept_relations.add(triple)
            rel_rows.append((unit.document_id, *triple, annotator, ORIGIN_MODEL, stamp))
        return next_id

    def _rejected(self, unit: Unit, annotator: str) -> set[tuple[int, int, str]]:
        """Suggestions the annotator deleted (the edit log keeps each delete's inverse)."""
        # Deleting a QUOTE also deletes its own SOURCE and CUE: that inverse is a batch of adds.
        result = self.conn.execute(
            "SELECT json_extract(c.value, '$.span.start'), json_extract(c.value, '$.span.end'), "
            "json_extract(c.value, '$.span.label') FROM edits e, json_each(CASE json_extract(e.inverse, '$.kind') "
            "WHEN 'batch' THEN json_extract(e.inverse, '$.commands') ELSE json_array(json(e.inverse)) END) c "
            "WHERE e.document_id = ? AND e.annotator = ? "
            "AND json_extract(c.value, '$.kind') = 'add_span' AND json_extract(c.value, '$.span.origin') = 'model' "
            "AND json_extract(c.value, '$.span.comment_id') IS ? "
            "AND NOT EXISTS (SELECT 1 FROM spans WHERE id = json_extract(c.value, '$.span.id'))",
            (unit.document_id, annotator, unit.comment_id),
        )
        return {(r[0], r[1], r[2]) for r in result}

    def suggestion_model(self, unit: Unit, annotator: str) -> str | None:
        row = self.conn.execute(
            "SELECT model FROM unit_nlp WHERE document_id = ? AND comment_id = ? AND annotator = ?",
            (unit.document_id, unit.comment_id or 0, annotator),
        ).fetchone()
        return row[0] if row else None


def _clash(span: SuggestedSpan, kept: list[sqlite3.Row]) -> sqlite3.Row | None:
    """A kept span this suggestion would collide with (same layer; QUOTE only with QUOTE)."""
    for row in kept:
        if row[4] != span.layer or not (row[1] < span.end and span.start < row[2]):
            continue
        if span.layer == ENTITY:
            return row
        if span.label == "QUOTE" and row[3] == "QUOTE":
            return row
        if span.label != "QUOTE" and row[3] == span.label and (row[1], row[2]) == (span.start, span.end):
            return row
    return None
