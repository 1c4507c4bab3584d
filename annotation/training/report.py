"""Scores and the training report: per-label P/R/F1, new model beside the current one."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from annotation.errors import GoldspanError


class TrainingError(GoldspanError):
    """Training cannot start or finish; the project and the previous model are untouched."""


class TrainingCancelled(TrainingError):
    """Cancel (or Ctrl-C) before there was a model to keep: nothing saved or registered.

    Its message starts with "Cancelled", which the window takes as the user's own act (a status
    line, no warning box)."""

    def __init__(self, when: str = "") -> None:
        super().__init__(f"Cancelled{' ' + when if when else ''}: nothing saved or registered, the previous model is untouched")


@dataclass(frozen=True)
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int  # reference items of this label

    def as_dict(self) -> dict[str, float]:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f": round(self.f1, 4), "n": self.support}


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def classification_scores(gold: Sequence[str], predicted: Sequence[str], labels: Iterable[str]) -> dict[str, Any]:
    """Per label P/R/F1, accuracy and macro-F1 (over ``labels``)."""
    labels = list(labels)
    per: dict[str, LabelScore] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        per[label] = LabelScore(*_prf(tp, fp, fn), tp + fn)
    accuracy = sum(1 for g, p in zip(gold, predicted) if g == p) / len(gold) if gold else 0.0
    macro = sum(s.f1 for s in per.values()) / len(per) if per else 0.0
    return {"labels": {k: v.as_dict() for k, v in per.items()}, "accuracy": round(accuracy, 4), "macro_f1": round(macro, 4)}


def span_scores(gold: Sequence[set[tuple[int, int, int, str]]], predicted: Sequence[set[tuple[int, int, int, str]]],
                labels: Iterable[str]) -> dict[str, Any]:
    """Exact-match span P/R/F1 per label; items are (unit, start, end, label)."""
    counts: dict[str, Counter[str]] = {label: Counter() for label in labels}
    for g, p in zip(gold, predicted):
        for item in p:
            if item[3] in counts:
                counts[item[3]]["tp" if item in g else "fp"] += 1
        for item in g:
            if item[3] in counts and item not in p:
                counts[item[3]]["fn"] += 1
    per = {k: LabelScore(*_prf(c["tp"], c["fp"], c["fn"]), c["tp"] + c["fn"]) for k, c in counts.items()}
    tp = sum(c["tp"] for c in counts.values())
    fp = sum(c["fp"] for c in counts.values())
    fn = sum(c["fn"] for c in counts.values())
    p, r, f = _prf(tp, fp, fn)
    return {"labels": {k: v.as_dict() for k, v in per.items()}, "micro": {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4)}}


@dataclass
class TrainReport:
    task: str
    layer: str
    path: str = ""
    name: str = ""
    model_id: int | None = None
    trained_on: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, Any] = field(default_factory=dict)  # the new model on the held-out split
    current: dict[str, Any] = field(default_factory=dict)  # the model in use now, same split
    current_name: str = ""
    # Whether the comparison is with a model one can go back to (a registered model, or the stock
    # pipeline for entities), rather than the majority label: only then is "keep the old model" a choice.
    has_previous_model: bool = True
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False
    epochs: int = 0

    def verdict(self) -> str:
        """Plain words: where the new model is better or worse than the current one."""
        new, old = self.scores.get("labels", {}), self.current.get("labels", {})
        better = [k for k in new if k in old and new[k]["f"] > old[k]["f"] + 0.005]
        worse = [k for k in new if k in old and new[k]["f"] < old[k]["f"] - 0.005]
        parts = []
        if better:
            parts.append("better on " + ", ".join(better))
        if worse:
            parts.append("worse on " + ", ".join(worse))
        if not parts:
            return "about the same as the current model" if self.has_previous_model else "about the same as the majority label"
        text = "; ".join(parts)
        if not self.has_previous_model:
            return text + " than the majority label"
        return text + (": keep the old model?" if worse else "")

    def table(self) -> str:
        """Per-label P/R/F1 of the new model beside the current one (and the reply head's)."""
        lines = [f"held-out scores: new model vs {self.current_name or 'current'}"]
        lines += _rows(self.scores, self.current)
        if "reply" in self.scores:
            lines.append("reply stance toward the parent comment:")
            lines += _rows(self.scores["reply"], self.current.get("reply", {}))
        if "micro" in self.scores:
            m, o = self.scores["micro"], self.current.get("micro", {})
            lines.append(f"all labels F1: new {m['f']:.3f}, now {o.get('f', 0.0):.3f}")
        return "\n".join(lines)

    def summary(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.trained_on.items() if not isinstance(v, dict))
        epochs = f" after {self.epochs} epoch{'s' if self.epochs != 1 else ''}" if self.task == "ner" else ""
        if self.cancelled:
            head = (f"cancelled{epochs}: kept the best {self.task} model so far, {self.name}, from layer {self.layer!r} "
                    f"({counts})")
        else:
            head = f"trained {self.task} model {self.name} from layer {self.layer!r} ({counts}){epochs}"
        lines = [head, self.table(), "verdict: " + self.verdict()]
        lines += self.notes
        lines.append(f"saved to {self.path}" + (f" and registered as model #{self.model_id}" if self.model_id else ""))
        return "\n".join(lines)


def _rows(scores: dict[str, Any], current: dict[str, Any]) -> list[str]:
    new, old = scores.get("labels", {}), current.get("labels", {})
    if not new:
        return ["(no held-out split: nothing scored)"]
    width = max([len(k) for k in new] + [5])
    lines = [f"{'label':<{width}}  {'new P':>6} {'R':>6} {'F1':>6}   {'now P':>6} {'R':>6} {'F1':>6}  {'n':>5}"]
    for label, s in new.items():
        o = old.get(label)
        now = f"{o['p']:>6.3f} {o['r']:>6.3f} {o['f']:>6.3f}" if o else f"{'-':>6} {'-':>6} {'-':>6}"
        lines.append(f"{label:<{width}}  {s['p']:>6.3f} {s['r']:>6.3f} {s['f']:>6.3f}   {now}  {s['n']:>5}")
    for key in ("accuracy", "macro_f1"):
        if key in scores:
            lines.append(f"{key}: new {scores[key]:.3f}, now {current.get(key, 0.0):.3f}")
    return lines
