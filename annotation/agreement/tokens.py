"""Token-level agreement for span layers, as INCEpTION and papers report it.

Every token of the compared texts is an item; an annotator's label for it is the label of
their span covering it in the layer ("O" outside any), or missing in documents the annotator
has not worked on (no span there and not marked done). Over that matrix: Cohen's kappa per
pair, Fleiss' kappa (tokens every annotator labelled) and Krippendorff's alpha (nominal,
missing allowed), by the same functions as the stance figures. Tokens come from spaCy's blank
English tokenizer, the one the exports use; whitespace tokens are not items.
"""
from __future__ import annotations

import functools
from itertools import combinations
from typing import Any, Iterable

import numpy as np

from annotation.agreement import stats
from annotation.agreement.collect import AgreementData
from annotation.model import LAYERS

OUTSIDE = "O"


@functools.lru_cache(maxsize=1)
def _tokenizer():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.blank("en").tokenizer


def token_bounds(text: str) -> np.ndarray:
    """(start, end) of each non-space token, as an (n, 2) array."""
    doc = _tokenizer()(text)
    return np.array([(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space], dtype=np.int64).reshape(-1, 2)


def token_labels(text_length: int, bounds: np.ndarray, spans: Iterable[tuple[int, int, int]]) -> np.ndarray:
    """The label code of each token (0 = outside): spans are laid on the characters longest
    first (where spans of a layer nest, the inner one names its characters), and a token takes
    the highest code among its characters (a span covering part of a token labels it)."""
    chars = np.zeros(text_length + 1, dtype=np.int64)
    for start, end, code in sorted(spans, key=lambda s: s[0] - s[1]):
        chars[start:end] = code
    if len(bounds) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.maximum.reduceat(chars, bounds.ravel())[::2]


def token_matrix(data: AgreementData, texts: dict[tuple[int, int], str], layer: str
                 ) -> tuple[np.ndarray, list[str]]:
    """Label codes (annotators x tokens, stats.MISSING where the annotator did not work on the
    document) over every token of the given texts, and the label list (code - 0 is "O")."""
    labels = sorted({s[4] for a in data.annotators for spans in a.spans.values() for s in spans if s[5] == layer})
    code = {label: n + 1 for n, label in enumerate(labels)}
    by_unit: list[dict[tuple[int, int], list[tuple[int, int, int]]]] = []
    for a in data.annotators:
        units: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for spans in a.spans.values():
            for s in spans:
                if s[5] == layer:
                    units.setdefault((s[0], s[1]), []).append((s[2], s[3], code[s[4]]))
        by_unit.append(units)
    columns = []
    for unit in sorted(texts):
        text = texts[unit]
        bounds = token_bounds(text)
        rows = []
        for a, units in zip(data.annotators, by_unit):
            if unit[0] in a.span_documents:
                rows.append(token_labels(len(text), bounds, units.get(unit, ())))
            else:
                rows.append(np.full(len(bounds), stats.MISSING, dtype=np.int64))
        columns.append(np.vstack(rows) if rows else np.zeros((0, len(bounds)), dtype=np.int64))
    matrix = np.hstack(columns) if columns else np.zeros((len(data.annotators), 0), dtype=np.int64)
    return matrix, [OUTSIDE, *labels]


def token_agreement(data: AgreementData, texts: dict[tuple[int, int], str]) -> dict[str, Any]:
    """Per layer: the token matrix's kappas and alpha (see the module doc)."""
    out: dict[str, Any] = {}
    names = [a.name for a in data.annotators]
    for layer in LAYERS:
        codes, categories = token_matrix(data, texts, layer)
        n = len(categories)
        pairwise = []
        for i, j in combinations(range(len(names)), 2):
            matrix = stats.confusion(codes[i], codes[j], n)
            pairwise.append({"a": names[i], "b": names[j], "n_items": int(matrix.sum()),
                             "cohen_kappa": stats.cohen_kappa_from_confusion(matrix)})
        fleiss, fleiss_n = stats.fleiss_kappa(codes, n)
        _percent, pairable = stats.percent_agreement(codes)
        out[layer] = {
            "n_items": pairable, "labels": categories,
            "cohen_kappa": pairwise[0]["cohen_kappa"] if len(names) == 2 else None,
            "fleiss_kappa": fleiss, "fleiss_n_items": fleiss_n,
            "krippendorff_alpha": stats.krippendorff_alpha_nominal(codes, n),
            "pairwise": pairwise,
        }
    return out


def unit_texts(store, documents: Iterable[int]) -> dict[tuple[int, int], str]:  # type: ignore[no-untyped-def]
    """The texts of the given documents by (document, comment or -1), through the store."""
    texts: dict[tuple[int, int], str] = {}
    for doc_id in sorted(set(documents)):
        texts[(doc_id, -1)] = store.document(doc_id).text
        for comment in store.comments(doc_id):
            texts[(doc_id, comment.id)] = comment.text
    return texts
