"""Pairwise span agreement: exact and overlapping matches, per label, with quote sources.

Annotator A is the reference: precision is the share of B's spans that A has, recall the share
of A's spans that B has. Overlap matching is one-to-one (a maximum bipartite matching), so a long
span cannot match several short ones, precision and recall stay comparable with exact matching,
and the pair F1 is the same whichever annotator comes first.
"""
from __future__ import annotations

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


def _exact_count(a: Sequence[SpanKey], b: Sequence[SpanKey]) -> int:
    """Exact pairs between two spans lists of one group (offsets as a multiset)."""
    waiting: dict[tuple[int, int], int] = defaultdict(int)
    for span in b:
        waiting[(span[2], span[3])] += 1
    n = 0
    for span in a:
        if waiting[(span[2], span[3])] > 0:
            waiting[(span[2], span[3])] -= 1
            n += 1
    return n


def overlap_pairs(a: Sequence[SpanKey], b: Sequence[SpanKey]) -> list[tuple[SpanKey, SpanKey]]:
    """One-to-one matching of overlapping spans (same unit and label assumed): a maximum
    bipartite matching, so as many pairs as can be made (a greedy largest-overlap-first search
    can strand a span whose only partner it took), then the most overlap, exact pairs first.
    The count does not depend on which annotator comes first, so the pair F1 is symmetric.

    Solved per cluster of spans linked by overlaps (scipy's linear_sum_assignment on each):
    clusters are small in practice, and a lone pair needs no solver at all."""
    if not a or not b:
        return []
    items = sorted([(s[2], s[3], 0, i) for i, s in enumerate(a)] + [(s[2], s[3], 1, j) for j, s in enumerate(b)])
    out: list[tuple[SpanKey, SpanKey]] = []
    cluster: list[tuple[int, int, int, int]] = []
    reach = -1
    for item in items:
        if cluster and item[0] >= reach:
            out += _match_cluster(cluster, a, b)
            cluster = []
        cluster.append(item)
        reach = max(reach, item[1]) if len(cluster) > 1 else item[1]
    out += _match_cluster(cluster, a, b)
    return out


def _match_cluster(cluster: list[tuple[int, int, int, int]], a: Sequence[SpanKey], b: Sequence[SpanKey]
                   ) -> list[tuple[SpanKey, SpanKey]]:
    side_a = [it for it in cluster if it[2] == 0]
    side_b = [it for it in cluster if it[2] == 1]
    if not side_a or not side_b:
        return []
    if len(side_a) == 1 and len(side_b) == 1:  # the usual case: no solver needed
        return [(a[side_a[0][3]], b[side_b[0][3]])]  # one cluster: they overlap (or touch a chain)
    # Exact pairs first; when they use up one side, every span of that side is matched, which no
    # matching can beat, and no solver is needed (most clusters of real data).
    waiting: dict[tuple[int, int], list[tuple[int, int, int, int]]] = {}
    for item in side_b:
        waiting.setdefault(item[:2], []).append(item)
    exact: list[tuple[SpanKey, SpanKey]] = []
    left_a = []
    for item in side_a:
        partners = waiting.get(item[:2])
        if partners:
            exact.append((a[item[3]], b[partners.pop()[3]]))
        else:
            left_a.append(item)
    if not left_a or not any(waiting.values()):
        return exact
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    overlap = np.zeros((len(side_a), len(side_b)))
    for i, (sa, ea, _, _) in enumerate(side_a):
        for j, (sb, eb, _, _) in enumerate(side_b):
            inter = min(ea, eb) - max(sa, sb)
            if inter > 0:
                overlap[i, j] = inter + (0.5 if (sa, ea) == (sb, eb) else 0.0)
    total = overlap.sum() + 1.0
    # Each pair is worth 1, plus a tie-break below 1 in sum: the most pairs, then the most overlap.
    weight = np.where(overlap > 0, 1.0 + overlap / total, 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return [(a[side_a[i][3]], b[side_b[j][3]]) for i, j in zip(rows, cols) if overlap[i, j] > 0]


def compare_spans(
    a: Iterable[SpanKey], b: Iterable[SpanKey],
    sources_a: Mapping[int, list[Place]] | None = None, sources_b: Mapping[int, list[Place]] | None = None,
    quote_label: str = "QUOTE",
) -> PairResult:
    """Exact and overlap agreement of two annotators' spans on the same documents.

    Exact matches are counted with set arithmetic; overlap matches by a maximum matching over
    each unit and label (exact pairs included: taking them out first can cost a pair when an
    exact pair's spans are also the only partners of two others)."""
    result = PairResult()
    by_key_a: dict[tuple, list[SpanKey]] = defaultdict(list)
    by_key_b: dict[tuple, list[SpanKey]] = defaultdict(list)
    for span in a:
        by_key_a[(span[0], span[1], span[5], span[4], span[2], span[3])].append(span)
    for span in b:
        by_key_b[(span[0], span[1], span[5], span[4], span[2], span[3])].append(span)
    rest_a: set[tuple] = set()  # groups (unit, layer, label) with spans not matched exactly
    rest_b: set[tuple] = set()
    exact_quotes: dict[tuple, list[tuple[SpanKey, SpanKey]]] = defaultdict(list)
    for key, spans_a in by_key_a.items():
        counts = result.labels[key[2]][key[3]]
        counts.n_a += len(spans_a)
        spans_b = by_key_b.get(key)
        matched = min(len(spans_a), len(spans_b)) if spans_b else 0
        counts.exact += matched
        counts.overlap += matched  # corrected below where a matching over the group is needed
        if matched and key[3] == quote_label:
            exact_quotes[key[:4]] += zip(spans_a[:matched], spans_b[:matched])  # type: ignore[index]
        if len(spans_a) > matched:
            rest_a.add(key[:4])
    for key, spans_b in by_key_b.items():
        result.labels[key[2]][key[3]].n_b += len(spans_b)
        spans_a = by_key_a.get(key)
        if spans_a is None or len(spans_b) > len(spans_a):
            rest_b.add(key[:4])
    # Where exact pairs use up one annotator's spans of a group, they are a maximum matching.
    # Groups with spans left on both sides get the matching over the whole group (exact pairs
    # included: taking them out first can cost a pair when the spans of an exact pair are also
    # the only partners of two others).
    solve = rest_a & rest_b
    full_a: dict[tuple, list[SpanKey]] = defaultdict(list)
    full_b: dict[tuple, list[SpanKey]] = defaultdict(list)
    if solve:
        for by_key, full in ((by_key_a, full_a), (by_key_b, full_b)):
            for key, spans in by_key.items():
                if key[:4] in solve:
                    full[key[:4]] += spans
    pairs: list[tuple[SpanKey, SpanKey]] = []
    for group, found in exact_quotes.items():
        if group not in solve:
            pairs += found
    for group in solve:
        counts = result.labels[group[2]][group[3]]
        found = overlap_pairs(full_a[group], full_b[group])
        exact_here = _exact_count(full_a[group], full_b[group])
        counts.overlap += len(found) - exact_here
        if group[3] == quote_label:
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
