"""Training a stance model from a project's human stance labels (a job yielding progress).

Two heads in one folder: ``stance`` (comment toward a target, the schema's stance labels) and,
when there are enough reply labels, ``reply`` (a reply toward its parent: agree, disagree ...).
The held-out split is taken by comment, seeded and stratified by label, and kept aside: the
scores printed are the saved model's on it, beside the current model's on the same comments.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from annotation.jobs import CancelToken, Cancelled, Job, Progress
from annotation.training import registry
from annotation.training.report import TrainingCancelled, TrainReport, TrainingError, classification_scores
from annotation.training.stance_model import StanceModel, target_text

if TYPE_CHECKING:
    from annotation.store import Store
    from annotation.store.models_registry import StanceExample

MIN_PER_LABEL = 5  # fewer examples of a label than this and training is refused
REGULARISATION = 1.0  # LogisticRegression C, chosen on ArgKP train/dev (bench/learning_curve.py)
HEADS = ("stance", "reply")


def rows_of(examples: Sequence["StanceExample"], reply: bool = False) -> list[tuple[str, str, str]]:
    """(target text, comment, parent) as the classifier reads them."""
    if reply:
        return [("", e.text, e.parent_text) for e in examples]
    return [(target_text(e.target, e.title), e.text, e.parent_text) for e in examples]


def check_enough(counts: Counter[str], what: str, minimum: int = MIN_PER_LABEL) -> None:
    """One line saying how many more labels are needed, or nothing."""
    if len(counts) < 2:
        have = ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"
        if not counts:
            need = f"label at least {minimum} comments with each of 2 labels"
        else:
            ((label, n),) = counts.items()
            need = (f"label {minimum - n} more {label} and " if n < minimum else "label ") + \
                f"at least {minimum} comments with a second label"
        raise TrainingError(f"{what}: needs at least {minimum} examples of each of at least 2 labels (has {have}); {need}")
    short = {k: minimum - v for k, v in counts.items() if v < minimum}
    if short:
        more = ", ".join(f"{n} more {k}" for k, n in sorted(short.items()))
        raise TrainingError(f"{what}: too few examples to train (needs {minimum} of each label): label {more}")


def split(examples: list["StanceExample"], eval_split: float, seed: int) -> tuple[list["StanceExample"], list["StanceExample"]]:
    """Stratified held-out split: about ``eval_split`` of each label, at least one, never all."""
    rng = random.Random(seed)
    train: list[StanceExample] = []
    held: list[StanceExample] = []
    by_label: dict[str, list[StanceExample]] = {}
    for e in examples:
        by_label.setdefault(e.label, []).append(e)
    for label in sorted(by_label):
        items = by_label[label][:]
        rng.shuffle(items)
        n_held = min(len(items) - 2, max(1, round(len(items) * eval_split))) if eval_split > 0 else 0
        held += items[:n_held]
        train += items[n_held:]
    return train, held


def train_stance(store: "Store", layer: str, out_dir: Path, eval_split: float = 0.2, seed: int = 0,
                 cancel: CancelToken | None = None, register: bool = True) -> Job[TrainReport]:
    """Train, score beside the current model, save atomically and register. Yields Progress.

    A cancel before the save ends in TrainingCancelled: nothing is saved or registered."""
    try:
        return (yield from _train_stance(store, layer, out_dir, eval_split, seed, cancel, register))
    except Cancelled:
        raise TrainingCancelled() from None


def _train_stance(store: "Store", layer: str, out_dir: Path, eval_split: float, seed: int,
                  cancel: CancelToken | None, register: bool) -> Job[TrainReport]:
    if register:
        store.require_writable()  # a read-only project would refuse the registration only after the work
    schema = store.schema
    report = TrainReport("stance", layer)
    yield Progress(0, 4, "reading stance labels")
    heads: dict[str, tuple[list[StanceExample], list[StanceExample], list[str]]] = {}
    for head in HEADS:
        examples = store.stance_examples(layer, reply=head == "reply")
        allowed = schema.label_names("reply_labels" if head == "reply" else "stance_labels")
        unknown = sorted({e.label for e in examples} - set(allowed))
        if unknown:
            raise TrainingError(f"stance label {unknown[0]!r} in layer {layer!r} is not in the project's schema "
                                f"({', '.join(allowed)}); fix the labels or the schema first")
        counts = Counter(e.label for e in examples)
        if head == "stance":
            check_enough(counts, f"stance labels of {layer!r}")
        else:
            try:
                check_enough(counts, "reply labels")
            except TrainingError as exc:
                if examples:
                    report.notes.append(f"reply head not trained: {exc}")
                continue
        train, held = split(examples, eval_split, seed)
        labels = [l for l in allowed if counts[l]]
        heads[head] = (train, held, labels)
        report.trained_on[f"{head}_train"] = len(train)
        report.trained_on[f"{head}_held_out"] = len(held)
        report.trained_on[f"{head}_labels"] = dict(counts)
    if cancel is not None:
        cancel.check()
    models: dict[str, StanceModel] = {}
    yield Progress(1, 4, "training")
    for head, (train, _, _) in heads.items():
        models[head] = StanceModel.fit(rows_of(train, head == "reply"), [e.label for e in train],
                                       c=REGULARISATION, seed=seed)
        if cancel is not None:
            cancel.check()  # nothing saved yet: the project and the previous model are untouched
    yield Progress(2, 4, "scoring on the held-out split")
    current_path = registry.current_model(store, "stance")
    gone = store.latest_model("stance")
    if current_path is None and gone is not None:
        report.notes.append(f"the registered model {gone.name} (#{gone.id}) is gone from {gone.path}: "
                            "compared with the majority label instead")
    current: dict[str, StanceModel] = {}
    if current_path is not None:
        try:
            current = load_heads(current_path)
        except TrainingError as exc:  # a broken earlier model must not stop a new one
            report.notes.append(f"the current model cannot be read ({exc}): compared with the majority label instead")
            current_path = None
    report.current_name = current_path.name if current_path else "no model (majority label)"
    report.has_previous_model = current_path is not None
    for head, (train, held, labels) in heads.items():
        if not held:
            continue
        gold = [e.label for e in held]
        rows = rows_of(held, head == "reply")
        scores = classification_scores(gold, [l for l, _ in models[head].predict(rows)], labels)
        if head in current:
            before = [l for l, _ in current[head].predict(rows)]
        else:
            majority = Counter(e.label for e in train).most_common(1)[0][0]
            before = [majority] * len(held)
        now = classification_scores(gold, before, labels)
        if head == "stance":
            report.scores, report.current = scores, now
        else:
            report.scores["reply"], report.current["reply"] = scores, now
    report.epochs = 1
    yield Progress(3, 4, f"saving (held-out macro-F1 {report.scores.get('macro_f1', 0.0):.3f})")
    name = registry.new_model_name("stance")

    def write(folder: Path) -> None:
        for head, model in models.items():
            model.save(folder, head)
        meta = {"name": name, "version": "1", "goldspan": {"task": "stance", "heads": sorted(models), "layer": layer,
                                                          "trained_on": report.trained_on, "scores": report.scores}}
        (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    if cancel is not None:
        cancel.check()

    def register_it(folder: Path) -> None:
        report.model_id = store.register_model("stance", f"{name} 1", str(folder), "", layer, report.trained_on,
                                               report.scores).id

    # No progress is reported after the registration: a job stopped there would be a model
    # registered that its caller was told is not.
    path = registry.save_and_register(out_dir, name, write, register_it if register else None)
    report.path, report.name = str(path), name
    return report


_loaded: dict[tuple[str, int], dict[str, StanceModel]] = {}  # (folder, meta.json mtime) -> heads


def load_heads(path: Path) -> dict[str, StanceModel]:
    """The heads of a stance model folder (checked to be one); loaded once per process, like a
    spaCy pipeline (a model folder is never rewritten: each training makes a new one)."""
    registry.require_task(path, "stance")
    key = (str(path.resolve()), (path / "meta.json").stat().st_mtime_ns)
    if key not in _loaded:
        _loaded[key] = _read_heads(path)
    return _loaded[key]


def _read_heads(path: Path) -> dict[str, StanceModel]:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    out: dict[str, StanceModel] = {}
    for head in meta["goldspan"].get("heads", ["stance"]):
        try:
            out[head] = StanceModel.load(path, head)
        except Exception as exc:  # noqa: BLE001 - a truncated .npz is a BadZipFile, an EOFError ...
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise TrainingError(f"{path}: the {head} weights cannot be read ({reason}); train again") from None
    return out


