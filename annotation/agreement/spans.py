"""Pairwise span agreement: exact and overlapping matches, per label, with quote sources.

Annotator A is the reference: precision is the share of B's spans that A has, recall the share
of A's spans that B has. Overlap matching is one-to-one (largest overlap first), so a long span
cannot match several short ones and precision and recall stay comparable with exact matching.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from annotation.agreement.collect import SpanKey

Place = tuple[int, int, int, int]  # document, comment (-1 body), start, end


@dataclass
class Counts:
    n_a: int = 0
    n_b: int = 0
    exact: int = 0
    overlap: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        self.n_a += other.n_a
        self.n_b += other.n_b
        self.exact += other.exact
        self.overlap += other.overlap
        return self

    def figures(self) -> dict[str, float | int | None]:
        def ratio(x: int, y: int) -> float | None:
            return x / y if y else None

        total = self.n_a + self.n_b
        return {
            "precision_exact": ratio(self.exact, self.n_b), "recall_exact": ratio(self.exact, self.n_a),
            "f1_exact": ratio(2 * self.exact, total),
            "precision_overlap": ratio(self.overlap, self.n_b), "recall_overlap": ratio(self.overlap, self.n_a),
            "f1_overlap": ratio(2 * self.overlap, total),
            "n_a": self.n_a, "n_b": self.n_b, "matched_exact": self.exact, "matched_overlap": self.overlap,
        }


@dataclass
class SourceCounts:
    matched_quotes: int = 0
    same_source: int = 0

    def __iadd__(self, other: "SourceCounts") -> "SourceCounts":
        self.matched_quotes += other.matched_quotes
        self.same_source += other.same_source
        return self

    def figures(self) -> dict[str, float | int | None]:
        return {
            "matched_quotes": self.matched_quotes, "same_source": self.same_source,
            "agreement": self.same_source / self.matched_quotes if self.matched_quotes else None,
        }


@dataclass
class PairResult:
    """Counts for one pair of annotators: layer -> label -> Counts, plus quote sources."""

    labels: dict[str, dict[str, Counts]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counts)))
    sources: SourceCounts = field(default_factory=SourceCounts)

    def __iadd__(self, other: "PairResult") -> "PairResult":
        for layer, per_label in other.labels.items():
            for label, counts in per_label.items():
                self.labels[layer][label] += counts
        self.sources += other.sources
        return self

    def layer_total(self, layer: str) -> Counts:
        total = Counts()
        for counts in self.labels.get(layer, {}).values():
            total += counts
        return total

    def total(self) -> Counts:
        total = Counts()
        for layer in self.labels:
            total += self.layer_total(layer)
        return total


def _group(spans: Iterable[SpanKey]) -> dict[tuple[int, int, str, str], list[SpanKey]]:
    groups: dict[tuple[int, int, str, str], list[SpanKey]] = defaultdict(list)
    for span in spans:
        groups[(span[0], span[1], span[5], span[4])].append(span)
    return groups


def overlap_pairs(a: Sequence[SpanKey], b: Sequence[SpanKey]) -> list[tuple[SpanKey, SpanKey]]:
    """One-to-one matching of overlapping spans (same unit and label assumed), largest overlap
    first, exact matches before partial ones on ties."""
    if not a or not b:
        return []
    ordered = sorted(b, key=lambda s: (s[2], s[3]))
    starts = [s[2] for s in ordered]
    longest = max(s[3] - s[2] for s in ordered)
    candidates: list[tuple[int, int, int, int, int]] = []
    for i, sa in enumerate(a):
        lo = bisect_left(starts, sa[2] - longest)
        hi = bisect_left(starts, sa[3])
        for j in range(lo, hi):
            sb = ordered[j]
            inter = min(sa[3], sb[3]) - max(sa[2], sb[2])
            if inter > 0:
                exact = sa[2] == sb[2] and sa[3] == sb[3]
                candidates.append((-inter, 0 if exact else 1, sa[2], i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for _neg, _exact, _start, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((a[i], ordered[j]))
    return out


def compare_spans(
    a: Iterable[SpanKey], b: Iterable[SpanKey],
    sources_a: Mapping[int, list[Place]] | None = None, sources_b: Mapping[int, list[Place]] | None = None,
    quote_label: str = "QUOTE",
) -> PairResult:
    """Exact and overlap agreement of two annotators' spans on the same documents.

    Exact matches are taken out first with set arithmetic: an exact pair always has the largest
    possible overlap of both its spans, so the one-to-one overlap matching would pair them
    anyway, and only the rest (usually a small part) needs the slower search."""
    result = PairResult()
    by_key_a: dict[tuple, list[SpanKey]] = defaultdict(list)
    by_key_b: dict[tuple, list[SpanKey]] = defaultdict(list)
    for span in a:
        by_key_a[(span[0], span[1], span[5], span[4], span[2], span[3])].append(span)
    for span in b:
        by_key_b[(span[0], span[1], span[5], span[4], span[2], span[3])].append(span)
    rest_a: list[SpanKey] = []
    rest_b: list[SpanKey] = []
    pairs: list[tuple[SpanKey, SpanKey]] = []
    for key, spans_a in by_key_a.items():
        counts = result.labels[key[2]][key[3]]
        counts.n_a += len(spans_a)
        spans_b = by_key_b.get(key)
        if not spans_b:
            rest_a += spans_a
            continue
        matched = min(len(spans_a), len(spans_b))
        counts.exact += matched
        counts.overlap += matched
        if key[3] == quote_label:
            pairs += zip(spans_a[:matched], spans_b[:matched])
        rest_a += spans_a[matched:]
        rest_b += spans_b[matched:]
    for key, spans_b in by_key_b.items():
        result.labels[key[2]][key[3]].n_b += len(spans_b)
        if key not in by_key_a:
            rest_b += spans_b
    groups_a, groups_b = _group(rest_a), _group(rest_b)
    for key in groups_a.keys() & groups_b.keys():
        found = overlap_pairs(groups_a[key], groups_b[key])
        result.labels[key[2]][key[3]].overlap += len(found)
        if key[3] == quote_label:
            pairs += found
    if sources_a is not None and sources_b is not None:
        for sa, sb in pairs:
            result.sources.matched_quotes += 1
            if same_source(sources_a.get(sa[6], []), sources_b.get(sb[6], [])):
                result.sources.same_source += 1
    return result


def same_source(a: Sequence[Place], b: Sequence[Place]) -> bool:
    """Two quotes have the same source when neither has one, or when a SOURCE (or the entity it
    corefers to) of one overlaps a SOURCE (or its entity) of the other."""
    if not a and not b:
        return True
    for pa in a:
        for pb in b:
            if pa[0] == pb[0] and pa[1] == pb[1] and pa[2] < pb[3] and pb[2] < pa[3]:
                return True
    return False
