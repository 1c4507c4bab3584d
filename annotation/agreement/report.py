"""The agreement report as one plain, JSON-ready dict with a stable, self-describing shape."""
from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any, Sequence

import numpy as np

from annotation.agreement import stats
from annotation.agreement.collect import AgreementData, AgreementError, AnnotatorData, choose_annotators, load
from annotation.agreement.spans import Counts, PairResult, SourceCounts, compare_spans
from annotation.agreement.tokens import token_agreement, unit_texts
from annotation.agreement.unitizing import unitized_agreement
from annotation.jobs import Job, Progress, run
from annotation.model import LAYERS, REPLY_TARGET

FORMAT = "goldspan-agreement"
VERSION = 1

DEFINITIONS = {
    "annotators": "the annotators compared; in every pair the first is the reference (recall is over its spans)",
    "model_suggestions": "spans with origin 'model' count for an annotator only in documents that annotator marked done",
    "stance.<target>.cohen_kappa": "Cohen's kappa over comments both annotators labelled (two annotators; null for three or more, see pairwise)",
    "stance.<target>.fleiss_kappa": "Fleiss' kappa over comments every compared annotator labelled (fleiss_n_items of them)",
    "stance.<target>.krippendorff_alpha": "Krippendorff's alpha, nominal, missing labels allowed",
    "stance.<target>.confusion": "label counts, rows: first annotator, columns: second",
    "spans.<layer>.<label>": "pairwise span agreement summed over every pair of annotators, on the documents where both have spans or marked done",
    "exact": "same text unit, start, end and label",
    "overlap": "same text unit and label, characters overlap; one-to-one, largest overlap first",
    "quote_sources": "of the quotations matched by overlap, how many have the same source (both none, or overlapping SOURCE spans or the entities they corefer to)",
    "documents": "per-document figures, worst first by score = mean of f1_exact and stance_agreement where defined",
    "null": "undefined (nothing to compare, or chance agreement is 1)",
    "n_a": "spans of the pair's first annotator (the reference) in the compared documents",
    "n_b": "spans of the pair's second annotator in the compared documents",
    "matched_exact": "pairs of spans matched exactly (one-to-one)",
    "matched_overlap": "pairs of spans matched by overlap: a maximum one-to-one matching (most pairs, then most overlap), the same whichever annotator comes first",
    "precision_exact": "matched_exact / n_b (the second annotator's spans that the first has)",
    "recall_exact": "matched_exact / n_a (the first annotator's spans that the second has)",
    "f1_exact": "2 * matched_exact / (n_a + n_b): symmetric in the two annotators",
    "precision_overlap": "matched_overlap / n_b", "recall_overlap": "matched_overlap / n_a",
    "f1_overlap": "2 * matched_overlap / (n_a + n_b): symmetric in the two annotators",
    "n_items": "the items a figure rests on: comments (stance) or tokens (span_tokens) labelled by two or more annotators",
    "fleiss_n_items": "items every compared annotator labelled (Fleiss' kappa needs the same raters for every item)",
    "percent_agreement": "share of items on which every label given is the same",
    "pairs": "one entry per pair of annotators; documents = documents both have spans in or marked done",
    "documents[].n_spans": "spans of both annotators in the document, summed over every pair (n_a + n_b)",
    "documents[].n_stance_items": "comments of the document labelled for a target by two or more annotators",
    "span_tokens.<layer>": "token-level agreement: every token of the compared documents' texts (spaCy's English tokenizer) is an item labelled by the span covering it ('O' outside), missing for an annotator who did not work on the document",
    "span_tokens.<layer>.cohen_kappa": "Cohen's kappa over tokens both annotators labelled (two annotators; see pairwise for more)",
    "span_tokens.<layer>.fleiss_kappa": "Fleiss' kappa over tokens every annotator labelled",
    "span_tokens.<layer>.krippendorff_alpha": "Krippendorff's alpha, nominal, missing allowed",
    "spans_unitized.<layer>": "Krippendorff's unitizing alpha (alpha_u, 1995/2004) on the characters of the documents every compared annotator worked on (texts end to end: length), no tokenisation; labels.<label> gives alpha_u with its observed and expected disagreement",
    "stance_targets": "the stance targets each annotator used and those they have in common (a target only one annotator used has no items to compare)",
    "warnings": "figures resting on fewer than 20 items (too few to say much), and targets not in common",
}
# A figure resting on fewer items than this is flagged beside it (dashboard, `goldspan agree`,
# HTML). Why 20: below it one item moves percent agreement by more than 5 points, and the 95%
# interval of a kappa is wider than the whole range a reader would interpret (with 20 items,
# observed 0.8 and chance 0.5, kappa = 0.60 +- 0.35: Landis and Koch's "fair" to "almost
# perfect"). Fewer still and the figure says nothing a reader could act on. A higher bar (50,
# 100) would flag every pilot study of an article or two with their comments, where a rough
# figure with its count is still useful; the count is always shown beside the warning.
FEW_ITEMS = 20


def few_items(n: int) -> bool:
    """A figure computed from ``n`` items (0 means nothing: no figure, no warning) is too thin."""
    return 0 < n < FEW_ITEMS


def figure_sizes(report: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """What each headline figure rests on: figure key -> (number of items, what they are).
    Keys: ``stance.<target>``, ``span_tokens.<layer>``, ``spans.<layer>``, ``quote_sources``."""
    out: dict[str, tuple[int, str]] = {}
    for target, block in report["stance"].items():
        out[f"stance.{target}"] = (block["n_items"], "comment")
    for layer, block in report.get("span_tokens", {}).items():
        out[f"span_tokens.{layer}"] = (block["n_items"], "token")
    for layer, figures in report["spans_overall"].items():
        if layer != "all":
            out[f"spans.{layer}"] = (figures["n_a"] + figures["n_b"], "span")
    out["quote_sources"] = (report["quote_sources"]["matched_quotes"], "matched quotation")
    return out


def thin_figure(report: dict[str, Any], key: str) -> str | None:
    """A short note for a figure that rests on too few items ("rests on only 2 comments, fewer
    than 20"), or None when it rests on enough (or on nothing, when there is no figure)."""
    n, noun = figure_sizes(report).get(key, (0, ""))
    if not few_items(n):
        return None
    return f"rests on only {n} {noun}{'' if n == 1 else 's'}, fewer than {FEW_ITEMS}"


STEPS = 7  # progress steps of agreement_job


def agreement_job(store, annotators: Sequence[str] | None = None) -> Job[dict[str, Any]]:  # type: ignore[no-untyped-def]
    names = choose_annotators(store, annotators)
    yield Progress(0, STEPS, "loading annotations")
    data = load(store, names)
    yield Progress(1, STEPS, "comparing spans")
    pairs, per_document = _span_pairs(data)
    targets = _targets(data)
    if not any(p["documents"] for p in pairs) and not _stance_overlap(data) and not _stance_documents_shared(data):
        raise AgreementError(
            f"{store.path or 'the project'}: {', '.join(names)} have no document in common; nothing to compare "
            "(model suggestions count only in documents the annotator marked done)"
        )
    yield Progress(2, STEPS, "comparing stance")
    stance, stance_overall, stance_docs = _stance(data, store)
    yield Progress(3, STEPS, "reading texts")
    texts = unit_texts(store, {d for a in data.annotators for d in a.span_documents})
    yield Progress(4, STEPS, "token agreement")
    span_tokens = token_agreement(data, texts)
    yield Progress(5, STEPS, "unitizing agreement")
    spans_unitized = unitized_agreement(data, texts)
    yield Progress(6, STEPS, "writing the report")
    total = PairResult()
    for p in pairs:
        total += p["result"]
    report: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "project": str(store.path or ""),
        "annotators": names, "definitions": DEFINITIONS,
        "stance": stance, "stance_overall": stance_overall,
        "spans": {layer: {label: c.figures() for label, c in sorted(total.labels.get(layer, {}).items())} for layer in LAYERS},
        "spans_overall": {**{layer: total.layer_total(layer).figures() for layer in LAYERS}, "all": total.total().figures()},
        "quote_sources": total.sources.figures(),
        "pairs": [
            {"a": p["a"], "b": p["b"], "documents": p["documents"],
             "spans_overall": {**{layer: p["result"].layer_total(layer).figures() for layer in LAYERS}, "all": p["result"].total().figures()},
             "quote_sources": p["result"].sources.figures()}
            for p in pairs
        ],
        "documents": _documents(data, per_document, stance_docs),
        "span_tokens": span_tokens,
        "spans_unitized": spans_unitized,
        "stance_targets": targets,
    }
    report["warnings"] = _warnings(report, targets)
    yield Progress(STEPS, STEPS, "done")
    return report


def compute_agreement(store, annotators: Sequence[str] | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return run(agreement_job(store, annotators))


def _span_pairs(data: AgreementData) -> tuple[list[dict[str, Any]], dict[int, PairResult]]:
    pairs: list[dict[str, Any]] = []
    per_document: dict[int, PairResult] = defaultdict(PairResult)
    for a, b in combinations(data.annotators, 2):
        shared = sorted(a.span_documents & b.span_documents)
        result = PairResult()
        for doc in shared:
            doc_result = compare_spans(a.spans.get(doc, []), b.spans.get(doc, []), a.sources, b.sources)
            result += doc_result
            per_document[doc] += doc_result
        pairs.append({"a": a.name, "b": b.name, "documents": len(shared), "result": result})
    return pairs, per_document


def _targets(data: AgreementData) -> dict[str, Any]:
    used = {a.name: sorted({t for _, t in a.stances}) for a in data.annotators}
    labelled = [set(ts) for ts in used.values() if ts]
    common = sorted(set.intersection(*labelled)) if len(labelled) >= 2 else []
    return {"common": common, "by_annotator": used}


def _stance_documents_shared(data: AgreementData) -> bool:
    """Two annotators labelled stance in one document (for different targets, maybe)."""
    seen: dict[int, int] = defaultdict(int)
    for a in data.annotators:
        for doc in set(a.stance_documents.values()):
            seen[doc] += 1
    return any(n >= 2 for n in seen.values())


def _warnings(report: dict[str, Any], targets: dict[str, Any]) -> list[str]:
    out = []
    for key, (n, noun) in figure_sizes(report).items():
        if few_items(n) or (key.startswith("stance.") and n == 0):  # a stance block with no pairable comment
            out.append(f"{key}: rests on {n} {noun}(s), fewer than {FEW_ITEMS}")
    used = {name: ts for name, ts in targets["by_annotator"].items() if ts}
    if len(used) >= 2 and any(set(ts) != set(targets["common"]) for ts in used.values()):
        only = "; ".join(f"{name}: {', '.join(t for t in ts if t not in targets['common']) or '-'}" for name, ts in used.items())
        out.append(f"stance targets not in common are not compared ({only}); common: {', '.join(targets['common']) or 'none'}")
    return out


def _stance_overlap(data: AgreementData) -> bool:
    keys: dict[tuple[int, str], int] = defaultdict(int)
    for a in data.annotators:
        for key in a.stances:
            keys[key] += 1
    return any(n >= 2 for n in keys.values())


def _categories(store, target: str, seen: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
    group = store.schema.reply_labels if target == REPLY_TARGET else store.schema.stance_labels
    ordered = [d.name for d in group]
    return ordered + sorted(seen - set(ordered))


def _stance_block(annotators: list[AnnotatorData], keys: list[tuple[int, str]], categories: list[str]) -> dict[str, Any]:
    values = [[a.stances.get(k) for k in keys] for a in annotators]
    codes, _ = stats.encode(values, categories)
    n = len(categories)
    fleiss, fleiss_n = stats.fleiss_kappa(codes, n)
    percent, pairable = stats.percent_agreement(codes)
    pairwise = []
    for i, j in combinations(range(len(annotators)), 2):
        matrix = stats.confusion(codes[i], codes[j], n)
        pairwise.append({
            "a": annotators[i].name, "b": annotators[j].name, "n_items": int(matrix.sum()),
            "cohen_kappa": stats.cohen_kappa_from_confusion(matrix),
            "confusion": {"rows": annotators[i].name, "columns": annotators[j].name, "labels": categories, "matrix": matrix.tolist()},
        })
    return {
        "n_items": pairable, "labels": categories,
        "cohen_kappa": pairwise[0]["cohen_kappa"] if len(annotators) == 2 else None,
        "fleiss_kappa": fleiss, "fleiss_n_items": fleiss_n,
        "krippendorff_alpha": stats.krippendorff_alpha_nominal(codes, n),
        "percent_agreement": percent,
        "confusion": pairwise[0]["confusion"] if len(annotators) == 2 else None,
        "pairwise": pairwise,
    }


def _stance(data: AgreementData, store) -> tuple[dict[str, Any], dict[str, Any] | None, dict[int, tuple[int, int]]]:  # type: ignore[no-untyped-def]
    by_target: dict[str, set[tuple[int, str]]] = defaultdict(set)
    document_of: dict[int, int] = {}
    for a in data.annotators:
        for key in a.stances:
            by_target[key[1]].add(key)
        document_of.update(a.stance_documents)
    out: dict[str, Any] = {}
    all_keys: list[tuple[int, str]] = []
    all_seen: set[str] = set()
    for target in sorted(by_target):
        keys = sorted(by_target[target])
        seen = {a.stances[k] for a in data.annotators for k in keys if k in a.stances}
        out[target] = _stance_block(data.annotators, keys, _categories(store, target, seen))
        if target != REPLY_TARGET:
            all_keys += keys
            all_seen |= seen
    overall = _stance_block(data.annotators, all_keys, _categories(store, "", all_seen)) if all_keys else None
    # per document: (items where everyone who labelled agrees, items labelled by two or more)
    docs: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for keys in by_target.values():
        for key in keys:
            labels = [a.stances[key] for a in data.annotators if key in a.stances]
            if len(labels) >= 2:
                entry = docs[document_of[key[0]]]
                entry[1] += 1
                entry[0] += len(set(labels)) == 1
    return out, overall, {d: (v[0], v[1]) for d, v in docs.items()}


def _documents(data: AgreementData, per_document: dict[int, PairResult], stance_docs: dict[int, tuple[int, int]]) -> list[dict[str, Any]]:
    rows = []
    for doc in sorted(set(per_document) | set(stance_docs)):
        counts = per_document[doc].total() if doc in per_document else Counts()
        figures = counts.figures()
        agreed, items = stance_docs.get(doc, (0, 0))
        stance_agreement = agreed / items if items else None
        parts = [x for x in (figures["f1_exact"], stance_agreement) if x is not None]
        ext_id, title = data.titles.get(doc, ("", ""))
        sources: SourceCounts = per_document[doc].sources if doc in per_document else SourceCounts()
        rows.append({
            "document_id": doc, "ext_id": ext_id, "title": title,
            "f1_exact": figures["f1_exact"], "f1_overlap": figures["f1_overlap"],
            "n_spans": counts.n_a + counts.n_b, "quote_source_agreement": sources.figures()["agreement"],
            "stance_agreement": stance_agreement, "n_stance_items": items,
            "score": float(np.mean(parts)) if parts else None,
        })
    rows.sort(key=lambda r: (r["score"] is None, r["score"] if r["score"] is not None else 0.0, r["document_id"]))
    return rows
