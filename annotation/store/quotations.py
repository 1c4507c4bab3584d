"""The rules that keep a quotation whole and a layer free of repeats, used by the editing
commands: a span added twice is the same span (confirmed, not duplicated); a QUOTE's own
SOURCE and CUE go (and come back) with it; relabelling keeps the quotation's links meaningful.
"""
from __future__ import annotations

import sqlite3
from dataclasses import replace

from annotation.commands import NEW_SPAN, AddSpan, Batch, Command, DeleteRelation, UpdateSpan
from annotation.errors import CommandError
from annotation.model import ORIGIN_HUMAN, ORIGIN_MODEL, Changes, Span
from annotation.store import rows

QUOTE_PARTS = {"SOURCE": "source", "CUE": "cue"}  # part label -> the QUOTE's relation to it


class QuotationRulesMixin:
    conn: sqlite3.Connection

    def _identical_span(self, span: Span) -> Span | None:
        """The annotator's span with the same unit, layer, offsets and label, if any."""
        row = self.conn.execute(
            "SELECT * FROM spans WHERE document_id = ? AND coalesce(comment_id, -1) = coalesce(?, -1) AND layer = ? "
            "AND annotator = ? AND start = ? AND end = ? AND label = ?",
            (span.document_id, span.comment_id, span.layer, span.annotator, span.start, span.end, span.label),
        ).fetchone()
        return rows.span(row) if row else None

    def _confirm_twin(self, twin: Span, cmd: AddSpan) -> tuple[Command, Changes]:
        """Adding a span the layer already holds confirms that one: a suggestion becomes the
        annotator's, and the command's relations (a SOURCE's link to its QUOTE) attach to it.
        The inverse takes back exactly that, so undo leaves the suggestion as it was."""
        assert twin.id is not None
        inverses: list[Command] = []
        changes = Changes(documents=frozenset({twin.document_id}), units=frozenset({twin.unit}), spans=frozenset({twin.id}))
        if cmd.span.origin == ORIGIN_HUMAN and twin.origin == ORIGIN_MODEL:
            inverse, sub = self._apply_update_span(UpdateSpan(twin.id, origin=ORIGIN_HUMAN))
            inverses.append(inverse)
            changes = changes | sub
        aliases = {NEW_SPAN, cmd.span.id} - {None}
        for rel in cmd.relations:
            rel = replace(
                rel, id=None, document_id=twin.document_id,
                head_id=twin.id if rel.head_id in aliases else rel.head_id,
                child_id=twin.id if rel.child_id in aliases else rel.child_id,
            )
            if self._relation_id(rel.head_id, rel.child_id, rel.label) is not None:
                continue  # already linked: nothing to add
            rel_id = self._insert_relation(rel)
            inverses.append(DeleteRelation(rel_id))
            changes = changes | Changes(relations=frozenset({rel_id}))
        return Batch(tuple(reversed(inverses)), f"Confirm {twin.label}"), changes

    def _quotation_parts(self, quote: Span) -> list[Span]:
        """The SOURCE and CUE spans that belong to ``quote`` alone: a part another QUOTE also
        links to (one speaker of two quotes) is not this quotation's to take along."""
        if quote.label != "QUOTE":
            return []
        result = self.conn.execute(
            "SELECT DISTINCT c.* FROM relations r JOIN spans c ON c.id = r.child_id "
            "WHERE r.head_id = ? AND r.label IN ('source', 'cue') AND c.label IN ('SOURCE', 'CUE') "
            "AND NOT EXISTS (SELECT 1 FROM relations o WHERE o.child_id = c.id AND o.label IN ('source', 'cue') "
            "AND o.head_id != r.head_id) ORDER BY c.id",
            (quote.id,),
        )
        return [rows.span(r) for r in result]

    def _relation_id(self, head_id: int, child_id: int, label: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM relations WHERE head_id = ? AND child_id = ? AND label = ?", (head_id, child_id, label)
        ).fetchone()
        return row[0] if row else None

    def _relabel_links(self, old: Span, label: str) -> frozenset[int]:
        """A relabel inside a quotation: SOURCE <-> CUE renames the QUOTE's link to it (so undo,
        relabelling back, renames it back); turning a QUOTE into a part, or a linked part into
        a QUOTE, would leave links that mean nothing, so it is refused. Returns relations changed."""
        if label == old.label or old.layer != "quote":
            return frozenset()
        links = self.conn.execute(
            "SELECT id, head_id, child_id, label FROM relations WHERE (head_id = ? OR child_id = ?) "
            "AND label IN ('source', 'cue')", (old.id, old.id)).fetchall()
        if old.label in QUOTE_PARTS and label in QUOTE_PARTS:
            ids = [r[0] for r in links if r[2] == old.id and r[3] == QUOTE_PARTS[old.label]]
            for rel_id in ids:
                self.conn.execute("UPDATE relations SET label = ? WHERE id = ?", (QUOTE_PARTS[label], rel_id))
            return frozenset(ids)
        if old.label == "QUOTE" and label in QUOTE_PARTS:
            raise CommandError(f"a QUOTE cannot become a {label}: a {label} belongs to a quotation "
                               "(delete this QUOTE, or mark the words with its key while their QUOTE is selected)")
        if links:
            raise CommandError(f"this {old.label} is linked to its QUOTE: delete it and mark the words as a QUOTE instead")
        return frozenset()
