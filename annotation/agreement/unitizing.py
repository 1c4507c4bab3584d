"""Krippendorff's unitizing alpha (alpha_u) for spans: agreement on where units are and what
they are, on the characters themselves, with no tokenisation.

Following Krippendorff (1995, "On the reliability of unitizing contiguous data"; 2004, Content
Analysis, 2nd ed., pp. 251-256). For each category c, every annotator's continuum is cut into
that annotator's c-units and the gaps between them. Two segments of different annotators
disagree by
  (b_g - b_h)^2 + (e_g - e_h)^2   when both are c-units and they overlap,
  l_g^2                           when g is a c-unit lying wholly inside a gap h of the other,
  0                               otherwise,
summed over overlapping pairs; the observed disagreement normalises that by m(m-1)L^2 (m
annotators, L the continuum's length), the expected one by what every possible placement of the
same units and gaps would give. alpha_u(c) = 1 - D_o(c) / D_e(c); the overall alpha_u takes the
means of D_o and D_e over the categories. The texts compared are laid end to end as one continuum.
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate, combinations
from typing import Hashable, Iterable, Sequence

Unit = tuple[int, int, int, Hashable]  # annotator index, start, end (exclusive), category


def _segments(units: Sequence[tuple[int, int]], begin: int, end: int) -> list[tuple[int, int, bool]]:
    """One annotator's continuum for one category: its units (True) and the gaps (False)."""
    out: list[tuple[int, int, bool]] = []
    pos = begin
    for start, stop in units:
        if start > pos:
            out.append((pos, start, False))
        out.append((start, stop, True))
        pos = stop
    if pos < end:
        out.append((pos, end, False))
    return out


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """An annotator's units of one category in order; overlapping ones (which alpha_u does not
    allow within one annotator and category) are joined into one."""
    out: list[tuple[int, int]] = []
    for start, stop in sorted(spans):
        if stop <= start:
            continue
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], stop))
        else:
            out.append((start, stop))
    return out


def _distance(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
    (bg, eg, unit_g), (bh, eh, unit_h) = g, h
    if unit_g and unit_h:
        return (bg - bh) ** 2 + (eg - eh) ** 2
    if unit_g and not unit_h and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if unit_h and not unit_g and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0


def _observed(per_annotator: list[list[tuple[int, int, bool]]], length: int) -> float:
    total = 0
    for one, other in combinations(per_annotator, 2):
        i = j = 0  # both lists partition the continuum: walk them together, pair by overlapping pair
        while i < len(one) and j < len(other):
            if one[i][0] < other[j][1] and other[j][0] < one[i][1]:
                total += _distance(one[i], other[j])
            end_one, end_other = one[i][1], other[j][1]
            if end_one <= end_other:
                i += 1
            if end_other <= end_one:  # both, when they end together: the next two start together
                j += 1
    m = len(per_annotator)
    return 2.0 * total / (m * (m - 1) * length * length)


def _expected(per_annotator: list[list[tuple[int, int, bool]]], length: int) -> float | None:
    lengths = [e - b for segs in per_annotator for b, e, unit in segs if unit]
    gaps = sorted(e - b for segs in per_annotator for b, e, unit in segs if not unit)
    suffix = list(accumulate(reversed(gaps)))[::-1] + [0]  # sum of gaps[k:]
    m, n_c = len(per_annotator), len(lengths)
    total = 0.0
    for ell in lengths:
        within_units = (n_c - 1) * (2 * ell ** 3 - 3 * ell ** 2 + ell) / 3.0
        k = bisect_left(gaps, ell)  # gaps at least as long as the unit: it could lie inside them
        placements = suffix[k] - (len(gaps) - k) * (ell - 1)
        total += within_units + ell * ell * placements
    denominator = m * length * (m * length - 1) - sum(ell * (ell - 1) for ell in lengths)
    if denominator <= 0:
        return None
    return (2.0 / length) * total / denominator


def alpha_u(units: Iterable[Unit], annotators: int, begin: int, length: int) -> dict[str, object]:
    """alpha_u overall and per category, with the observed and expected disagreements (None
    where undefined: no unit of a category, or nothing that could disagree)."""
    by_category: dict[Hashable, list[list[tuple[int, int]]]] = {}
    for who, start, stop, category in units:
        by_category.setdefault(category, [[] for _ in range(annotators)])[who].append((start, stop))
    per_category: dict[str, dict[str, float | None]] = {}
    observed_sum = expected_sum = 0.0
    counted = 0
    for category in sorted(by_category, key=str):
        segments = [_segments(_merged(spans), begin, begin + length) for spans in by_category[category]]
        d_o = _observed(segments, length) if annotators >= 2 and length > 0 else None
        d_e = _expected(segments, length) if annotators >= 2 and length > 0 else None
        value = None if d_o is None or not d_e else 1.0 - d_o / d_e
        per_category[str(category)] = {"alpha_u": value, "observed": d_o, "expected": d_e}
        if d_o is not None and d_e is not None:
            observed_sum += d_o
            expected_sum += d_e
            counted += 1
    overall = 1.0 - observed_sum / expected_sum if counted and expected_sum > 0 else None
    return {"alpha_u": overall, "labels": per_category}


def unitized_agreement(data, texts: dict[tuple[int, int], str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """alpha_u per layer over the documents every compared annotator worked on (their texts
    laid end to end), categories = span labels."""
    from annotation.model import LAYERS

    shared = set.intersection(*(a.span_documents for a in data.annotators)) if data.annotators else set()
    offsets: dict[tuple[int, int], int] = {}
    length = 0
    for unit in sorted(u for u in texts if u[0] in shared):
        offsets[unit] = length
        length += len(texts[unit])
    out: dict[str, object] = {}
    for layer in LAYERS:
        units = [(n, offsets[(s[0], s[1])] + s[2], offsets[(s[0], s[1])] + s[3], s[4])
                 for n, a in enumerate(data.annotators) for doc in shared for s in a.spans.get(doc, ())
                 if s[5] == layer and (s[0], s[1]) in offsets]
        out[layer] = {"n_documents": len(shared), "length": length, **alpha_u(units, len(data.annotators), 0, length)}
    return out
