"""The stance-suggestion job: a trained stance model labels every unlabelled (comment, target).

Each suggestion keeps its probability and the model's name; they are written a batch per
transaction, so a cancel keeps what was committed and a re-run resumes (pairs holding a
suggestion are skipped unless ``force``). Human labels are never overwritten: the store
refuses to write a suggestion where the annotator has a label.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from annotation.jobs import CancelToken, Job, Progress
from annotation.model import REPLY_TARGET
from annotation.training import registry
from annotation.training.stance import load_heads
from annotation.training.stance_model import target_text

if TYPE_CHECKING:
    from annotation.store import Store
    from annotation.store.stance_suggestions import StanceCandidate


@dataclass
class StanceSuggestReport:
    model: str
    pairs: int = 0  # unlabelled pairs considered
    written: int = 0
    skipped_human: int = 0  # labelled by the annotator while the job ran

    def summary(self) -> str:
        return (f"{self.written} stance suggestions written with {self.model} for {self.pairs} unlabelled "
                f"(comment, target) pairs" + (f"; {self.skipped_human} left alone: labelled meanwhile" if self.skipped_human else ""))


def model_label(path: Path) -> str:
    """What each suggestion records as its model: "name version"."""
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    return f"{meta.get('name', path.name)} {meta.get('version', '1')}"


def suggest_stance(store: "Store", annotator: str, model: str = "latest", force: bool = False,
                   document_ids: Iterable[int] | None = None, batch_size: int = 1000,
                   cancel: CancelToken | None = None) -> Job[StanceSuggestReport]:
    store.require_writable()
    yield Progress(0, 0, "loading the stance model")
    path = registry.resolve(store, model, "stance")
    registry.require_schema_labels(store, path, "stance")  # never a suggestion the schema cannot hold
    heads = load_heads(path)
    report = StanceSuggestReport(model_label(path))
    candidates = list(store.stance_candidates(annotator, force, replies="reply" in heads, document_ids=document_ids))
    report.pairs = len(candidates)
    yield Progress(0, len(candidates), f"suggesting stance for {len(candidates)} pairs")
    with store.bulk():
        for start in range(0, len(candidates), max(1, batch_size)):
            batch = candidates[start:start + max(1, batch_size)]
            items = _predict(heads, batch)
            written = store.write_stance_suggestions(items, annotator, report.model)
            report.written += written
            report.skipped_human += len(items) - written
            yield Progress(start + len(batch), len(candidates), f"suggesting stance ({start + len(batch)} of {len(candidates)})")
            if cancel is not None:
                cancel.check()  # every batch before this one is committed
    return report


def _predict(heads: dict, batch: list["StanceCandidate"]) -> list[tuple[int, str, str, float]]:  # type: ignore[type-arg]
    """(comment_id, target, label, probability) for each candidate the heads can label."""
    groups = classifier_rows(heads, batch)
    return suggestions_of(groups, predict_rows(heads, {head: rows for head, (_, rows) in groups.items()}))


def classifier_rows(heads: dict, batch: list["StanceCandidate"]  # type: ignore[type-arg]
                    ) -> dict[str, tuple[list["StanceCandidate"], list[tuple[str, str, str]]]]:
    """The batch split by head (``stance`` toward a target, ``reply`` toward the parent), each
    candidate with the (target text, comment, parent) row its classifier reads."""
    toward, toward_rows, replies, reply_rows = [], [], [], []
    meaning: dict[tuple[str, str], str] = {}  # a document's few targets, resolved once each
    for c in batch:
        if c.target == REPLY_TARGET:
            if "reply" in heads:
                replies.append(c)
                reply_rows.append(("", c.text, c.parent_text))
            continue
        key = (c.target, c.title)
        text = meaning.get(key)
        if text is None:
            text = meaning[key] = target_text(c.target, c.title)
        toward.append(c)
        toward_rows.append((text, c.text, c.parent_text))
    groups = {"stance": (toward, toward_rows), "reply": (replies, reply_rows)}
    return {head: group for head, group in groups.items() if group[0]}


def predict_rows(heads: dict, rows: dict[str, list[tuple[str, str, str]]]) -> dict[str, list[tuple[str, float]]]:  # type: ignore[type-arg]
    """Each head's (label, probability) for its rows: the model's whole part of the job (what a
    cluster's worker runs)."""
    return {head: heads[head].predict(head_rows) for head, head_rows in rows.items()}


def suggestions_of(groups: dict[str, tuple[list["StanceCandidate"], list[tuple[str, str, str]]]],
                   predictions: dict[str, list[tuple[str, float]]]) -> list[tuple[int, str, str, float]]:
    return [(c.comment_id, c.target, label, p) for head, (candidates, _) in groups.items()
            for c, (label, p) in zip(candidates, predictions[head])]
