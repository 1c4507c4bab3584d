"""The data the quotation rules produce, and the per-Doc lookups they share."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotation.nlp.quote_marks import QuoteRegion

if TYPE_CHECKING:
    from spacy.tokens import Doc

Offsets = tuple[int, int]


@dataclass
class Quotation:
    start: int  # the content
    end: int
    direct: bool
    source: Offsets | None = None
    cue: Offsets | None = None
    coref: Offsets | None = None  # the named mention a pronoun/description SOURCE refers to
    speaker: str = ""  # resolved name of who said it ("" unknown)
    speaker_label: str = ""  # PERSON, ORG ... of the resolved speaker
    mixed: bool = False
    floating: bool = False
    inherits: int | None = None  # floating: index of the quotation whose SOURCE it shares
    layout: str = ""  # "pull": a pull-quote line (quote, then the name); "block": after "X said:"
    source_token: int = -1  # internal: head token of the SOURCE

    def to_data(self) -> list[Any]:
        """Plain lists, so the result survives spaCy's msgpack between processes."""
        return [self.start, self.end, self.direct, self.source, self.cue, self.coref, self.speaker,
                self.speaker_label, self.mixed, self.floating, self.inherits, self.layout]

    @classmethod
    def from_data(cls, data: list[Any]) -> "Quotation":
        start, end, direct, source, cue, coref, speaker, label, mixed, floating, inherits, layout = data
        tup = lambda v: tuple(v) if v is not None else None  # noqa: E731
        return cls(start, end, direct, tup(source), tup(cue), tup(coref), speaker, label, mixed, floating,
                   inherits, layout)


class DocIndex:
    """Token and quote-region lookups for one Doc."""

    def __init__(self, doc: "Doc", regions: list[QuoteRegion], text: str, ents: list[Any] | None = None) -> None:
        from spacy.attrs import IDX

        self.doc = doc
        self.text = text
        self.regions = regions
        # Whole-Doc reads in one go: iterating a Doc makes a Token object per word.
        self.starts: list[int] = doc.to_array(IDX).tolist()
        # Doc.ents builds new Span objects on every access: read it once.
        self.ents = list(doc.ents) if ents is None else ents
        self._index_ents()
        self.region_of = [-1] * len(doc)
        for n, r in enumerate(regions):
            first, last = self.token_range(r.open, r.outer_end)
            for i in range(first, last):
                self.region_of[i] = n

    def _index_ents(self) -> None:
        self.ent_at = [-1] * len(self.doc)
        for n, ent in enumerate(self.ents):
            for i in range(ent.start, ent.end):
                self.ent_at[i] = n

    def add_ents(self, extra: list[Any]) -> None:
        """Entities the rules found where the tagger saw none (a company after a dateline);
        one that overlaps a tagged entity is left out."""
        new = [e for e in extra if all(self.ent_at[i] == -1 for i in range(e.start, e.end))]
        if new:
            self.ents = sorted(self.ents + new, key=lambda e: e.start)
            self._index_ents()

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Tokens whose start lies in [start, end)."""
        return bisect_left(self.starts, start), bisect_left(self.starts, end)

    def token_at(self, char: int) -> int:
        return max(0, bisect_right(self.starts, char) - 1)

    def sentence_like(self, n: int) -> bool:
        """Region ``n`` holds a clause or four words or more: what the direct-quote rule takes."""
        region = self.regions[n]
        first, last = self.token_range(region.start, region.end)
        tokens = self.doc[first:last]
        return sum(1 for t in tokens if t.is_alpha) >= 4 or any(t.pos_ in ("VERB", "AUX") for t in tokens)
