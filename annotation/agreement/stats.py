"""Chance-corrected agreement on nominal labels, vectorised with numpy.

We compute these ourselves rather than call scikit-learn and ``krippendorff`` at run time:
the confusion and coincidence matrices are needed for the report anyway, so each coefficient
is a few lines on top of them; importing scikit-learn alone costs about a second at CLI start;
and undefined cases (one category only, no pairable values) must come out as ``None`` for
JSON instead of a warning or an exception. The tests check every coefficient against
``sklearn.metrics.cohen_kappa_score`` and ``krippendorff.alpha`` (with hypothesis data), and
bench/agree_bench.py times both on the same data.
"""
from __future__ import annotations

from typing import Hashable, Sequence

import numpy as np

MISSING = -1  # code for "this annotator gave no label" in a label-code matrix


def encode(values: Sequence[Sequence[Hashable | None]], categories: Sequence[Hashable] | None = None
           ) -> tuple[np.ndarray, list[Hashable]]:
    """Rows of labels (one row an annotator, one column an item; None = missing) to an int
    matrix of category codes, plus the category list (sorted when not given)."""
    if categories is None:
        seen = {v for row in values for v in row if v is not None}
        categories = sorted(seen, key=str)
    index = {c: i for i, c in enumerate(categories)}
    codes = np.array([[MISSING if v is None else index[v] for v in row] for row in values], dtype=np.int64)
    if codes.ndim == 1:  # no items at all
        codes = codes.reshape(len(values), 0)
    return codes, list(categories)


def confusion(a: np.ndarray, b: np.ndarray, n_categories: int) -> np.ndarray:
    """Confusion matrix (rows: a, columns: b) over items both labelled."""
    both = (a != MISSING) & (b != MISSING)
    flat = a[both] * n_categories + b[both]
    return np.bincount(flat, minlength=n_categories * n_categories).reshape(n_categories, n_categories)


def cohen_kappa_from_confusion(matrix: np.ndarray) -> float | None:
    """Cohen's kappa; None when undefined (no items, or chance agreement is 1)."""
    n = matrix.sum()
    if n == 0:
        return None
    observed = np.trace(matrix) / n
    expected = float(np.dot(matrix.sum(axis=1), matrix.sum(axis=0))) / (n * n)
    if expected >= 1.0:
        return None
    return float((observed - expected) / (1.0 - expected))


def cohen_kappa(a: np.ndarray, b: np.ndarray, n_categories: int) -> float | None:
    return cohen_kappa_from_confusion(confusion(a, b, n_categories))


def fleiss_kappa(codes: np.ndarray, n_categories: int) -> tuple[float | None, int]:
    """Fleiss' kappa over the items every annotator labelled (it needs a constant number of
    raters per item). Returns (kappa or None when undefined, number of items used)."""
    complete = (codes != MISSING).all(axis=0)
    used = codes[:, complete]
    raters, n_items = used.shape
    if n_items == 0 or raters < 2:
        return None, int(n_items)
    # counts[i, j]: how many annotators put item i in category j
    counts = np.zeros((n_items, n_categories), dtype=np.int64)
    for row in used:
        counts[np.arange(n_items), row] += 1
    p_item = (np.square(counts).sum(axis=1) - raters) / (raters * (raters - 1))
    p_bar = p_item.mean()
    p_cat = counts.sum(axis=0) / (n_items * raters)
    p_e = float(np.square(p_cat).sum())
    if p_e >= 1.0:
        return None, int(n_items)
    return float((p_bar - p_e) / (1.0 - p_e)), int(n_items)


def coincidence(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Krippendorff's coincidence matrix over items with at least two labels."""
    counts = np.zeros((codes.shape[1], n_categories), dtype=np.float64)
    for row in codes:
        present = row != MISSING
        counts[np.nonzero(present)[0], row[present]] += 1
    m = counts.sum(axis=1)
    pairable = m >= 2
    counts, m = counts[pairable], m[pairable]
    if counts.size == 0:
        return np.zeros((n_categories, n_categories))
    weighted = counts / (m - 1)[:, None]
    matrix = weighted.T @ counts
    matrix[np.diag_indices(n_categories)] -= weighted.sum(axis=0)
    return matrix


def krippendorff_alpha_nominal(codes: np.ndarray, n_categories: int) -> float | None:
    """Krippendorff's alpha for nominal data, missing labels allowed; None when undefined
    (no item with two labels, or only one category used)."""
    o = coincidence(codes, n_categories)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return None
    observed_disagreement = o.sum() - np.trace(o)
    expected_disagreement = (n * n - np.square(n_c).sum()) / (n - 1)
    if expected_disagreement <= 0:
        return None
    return float(1.0 - observed_disagreement / expected_disagreement)


def percent_agreement(codes: np.ndarray) -> tuple[float | None, int]:
    """Share of items (labelled by two or more) on which every label is the same."""
    present = codes != MISSING
    pairable = present.sum(axis=0) >= 2
    if not pairable.any():
        return None, 0
    sub = codes[:, pairable]
    big = np.where(sub == MISSING, np.iinfo(np.int64).max, sub).min(axis=0)
    small = sub.max(axis=0)  # MISSING is -1, so max ignores it
    return float((big == small).mean()), int(pairable.sum())
