"""The spans and relations of one text unit, indexed for drawing and hit-testing.

Offsets here are UTF-16 (Qt's text positions); the store's code points are converted once
when a span enters the index, so emoji never shift what is drawn.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterable

from annotation.model import QUOTE_LAYER, Relation, Span
from annotation.offsets import OffsetMap


@dataclass(frozen=True)
class Placed:
    """A span with its UTF-16 extent in the view."""

    span: Span
    start: int
    end: int


def _key(placed: Placed) -> tuple[int, int, int]:
    return (placed.start, placed.end, placed.span.id or 0)


def _with_origin(span: Span, origin: str, updated: str) -> Span:
    """``replace(span, origin=origin, updated=updated)`` at a seventh of its cost (it runs for
    every span of an accept-all): a copy of the frozen instance's fields with two of them new."""
    new = object.__new__(Span)
    fields_ = new.__dict__
    fields_.update(span.__dict__)
    fields_["origin"], fields_["updated"] = origin, updated
    return new


class SpanIndex:
    def __init__(self, offsets: OffsetMap) -> None:
        self._offsets = offsets
        self.placed: dict[int, Placed] = {}
        self.invalid: dict[int, Span] = {}
        self.relations: dict[int, Relation] = {}
        self._order: list[Placed] = []
        self._keys: list[tuple[int, int, int]] = []
        self._starts: list[int] = []
        self._longest = 0

    # -- filling ------------------------------------------------------------------------

    def reset(self, offsets: OffsetMap, spans: list[Span], relations: list[Relation]) -> None:
        """A new text (or a full reload): the highlighter keeps this same object."""
        self._offsets = offsets
        self.placed.clear()
        self.invalid.clear()
        for span in spans:
            self._put(span)
        self.relations = {r.id: r for r in relations if r.id is not None}
        self._reorder()

    def adopt(self, other: "SpanIndex") -> None:
        """Take over an index built elsewhere (on a worker): the highlighter keeps this object."""
        self._offsets = other._offsets
        self.placed, self.invalid, self.relations = other.placed, other.invalid, other.relations
        self._order, self._keys, self._starts, self._longest = other._order, other._keys, other._starts, other._longest

    def upsert(self, span: Span) -> tuple[Placed | None, Placed | None]:
        """Insert or replace a span; returns (old, new) placements for a repaint."""
        assert span.id is not None
        old = self.remove(span.id)
        new = self._put(span)
        if new is not None:
            # One edit moves one entry: keep the order by bisection, not a re-sort of them all.
            key = _key(new)
            i = bisect_left(self._keys, key)
            self._keys.insert(i, key)
            self._order.insert(i, new)
            self._starts.insert(i, new.start)
            self._longest = max(self._longest, new.end - new.start)
        return old, new

    def set_origins(self, span_ids: Iterable[int], origin: str, updated: str) -> list[Placed]:
        """Spans whose origin alone changed (accept-all and its undo): each keeps its extent and
        so its place in the order. Returns the new placements of those held here and drawn."""
        changed: dict[int, Placed] = {}
        for span_id in span_ids:
            placed = self.placed.get(span_id)
            if placed is not None:
                changed[span_id] = self.placed[span_id] = Placed(
                    _with_origin(placed.span, origin, updated), placed.start, placed.end)
            elif span_id in self.invalid:
                self.invalid[span_id] = _with_origin(self.invalid[span_id], origin, updated)
        if len(changed) * 16 > len(self._order):
            self._order = [changed.get(p.span.id, p) for p in self._order]  # type: ignore[arg-type]
        else:
            for new in changed.values():
                self._order[bisect_left(self._keys, _key(new))] = new
        return list(changed.values())

    def remove(self, span_id: int) -> Placed | None:
        old = self.placed.pop(span_id, None)
        self.invalid.pop(span_id, None)
        if old is not None:
            i = bisect_left(self._keys, _key(old))
            del self._keys[i], self._order[i], self._starts[i]
        return old

    def _put(self, span: Span) -> Placed | None:
        assert span.id is not None
        if not (0 <= span.start < span.end <= self._offsets.length):
            self.invalid[span.id] = span  # from an older file or a bad import: listed, not drawn
            return None
        placed = Placed(span, self._offsets.to_utf16(span.start), self._offsets.to_utf16(span.end))
        self.placed[span.id] = placed
        return placed

    def _reorder(self) -> None:
        self._order = sorted(self.placed.values(), key=_key)
        self._keys = [_key(p) for p in self._order]
        self._starts = [p.start for p in self._order]
        # Only grows between full reloads: a stale larger value widens queries, never misses.
        self._longest = max((p.end - p.start for p in self._order), default=0)

    # -- queries ------------------------------------------------------------------------

    def overlapping(self, start: int, end: int) -> list[Placed]:
        """Spans with any part in [start, end) (UTF-16), in start order."""
        lo = bisect_left(self._starts, start - self._longest)
        hi = bisect_left(self._starts, end)
        return [p for p in self._order[lo:hi] if p.end > start]

    def at(self, position: int) -> list[Placed]:
        """Spans covering ``position``, innermost (shortest) first."""
        found = [p for p in self.overlapping(position, position + 1) if p.start <= position < p.end]
        return sorted(found, key=lambda p: (p.end - p.start, p.span.layer != "entity"))

    def in_order(self) -> list[Placed]:
        return list(self._order)

    def group(self, span_id: int) -> set[int]:
        """A span and the spans tied to it: a QUOTE with its SOURCE and CUE (from any member),
        and a SOURCE's coreferent entity."""
        members = {span_id}
        quotes = {span_id} if self._is_quote(span_id) else set()
        for rel in self.relations.values():
            if rel.child_id == span_id and rel.label in ("source", "cue"):
                quotes.add(rel.head_id)
        for rel in self.relations.values():
            if rel.head_id in quotes and rel.label in ("source", "cue"):
                members.update((rel.head_id, rel.child_id))
        for rel in list(self.relations.values()):
            if rel.label == "coref" and (rel.head_id in members or rel.child_id == span_id):
                members.update((rel.head_id, rel.child_id))
        return {m for m in members if m in self.placed}

    def quote_of(self, span_id: int) -> int | None:
        """The QUOTE a span belongs to: itself, or the head of its source/cue relation."""
        if self._is_quote(span_id):
            return span_id
        for rel in self.relations.values():
            if rel.child_id == span_id and rel.label in ("source", "cue") and rel.head_id in self.placed:
                return rel.head_id
        return None

    def _is_quote(self, span_id: int) -> bool:
        placed = self.placed.get(span_id)
        return placed is not None and placed.span.layer == QUOTE_LAYER and placed.span.label == "QUOTE"

    def to_utf16(self, cp: int) -> int:
        return self._offsets.to_utf16(cp)

    def to_codepoint(self, u16: int) -> int:
        return self._offsets.to_codepoint(u16)
