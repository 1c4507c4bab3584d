"""Training the entity recognizer from a project's confirmed entity spans (a job yielding progress).

Starts from the installed base pipeline's weights, so a small project improves the stock model
instead of starting from nothing, and saves the whole pipeline (tagger, parser ... untouched)
so quotation rules keep working with it.

What a training text teaches, per label:
- *taught* labels (those with confirmed spans in the layer): the confirmed spans, and "no
  entity" elsewhere in that text, except where an untouched suggestion of a taught label lies
  (not reviewed: neither right nor wrong, so those tokens are marked missing);
- every other label (the stock labels nobody annotated): the base model's own predictions,
  in the annotated texts and in a sample of untouched texts ("pseudo-rehearsal"). Without it
  the recognizer learns that PERSON or DATE never occur and forgets them (bench/learning_curve.py
  measures both ways).

``freeze`` also keeps the recognizer's token encoder as the base model's (measured in
bench/learning_curve.py: alone it does not save the stock labels, the output layer still learns
that they never occur; with rehearsal it keeps them better but learns a new label more slowly,
so it is off by default).

Cancel (a CancelToken or Ctrl-C) between batches keeps the best epoch so far, which is saved.
"""
from __future__ import annotations

import random
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from annotation.jobs import CancelToken, Cancelled, Job, Progress
from annotation.training import registry
from annotation.training.report import TrainingCancelled, TrainReport, TrainingError, span_scores

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.training import Example

    from annotation.store import Store
    from annotation.store.models_registry import EntityUnit

MIN_PER_LABEL = 5
OVERSAMPLE = 3  # passes an epoch over sentences holding a taught span (bench/learning_curve.py)
Ents = list[tuple[int, int, str]]


def _overlaps(a: tuple[int, int, str], spans: Iterable[tuple[int, int, str]]) -> bool:
    return any(a[0] < b[1] and b[0] < a[1] for b in spans)


def reference_for(unit: "EntityUnit", taught: set[str], base_ents: Ents) -> tuple[Ents, Ents]:
    """(entities, missing regions) a training text teaches; see the module doc."""
    human = [s for s in unit.human]
    missing = [s for s in unit.suggested if s[2] in taught and not _overlaps(s, human)]
    kept = [b for b in base_ents if b[2] not in taught and not _overlaps(b, human) and not _overlaps(b, missing)]
    return sorted(human + kept), missing


def _example(nlp: "Language", text: str, ents: Ents, missing: Ents) -> "Example":
    from spacy.training import Example, offsets_to_biluo_tags

    doc = nlp.make_doc(text)
    tags = offsets_to_biluo_tags(doc, ents, missing="O")
    for i, token in enumerate(doc):
        if _overlaps((token.idx, token.idx + len(token), ""), missing):
            tags[i] = "-"
    return Example.from_dict(doc, {"entities": tags})


def _add_examples(nlp: "Language", examples: list["Example"], train_units: list["EntityUnit"], base_train: list[Ents],
                  rehearse: list[str], rehearse_ents: list[Ents], taught: set[str], rehearsal: bool,
                  oversample: int) -> None:
    for unit, ents in zip(train_units, base_train):
        if rehearsal:
            ref, missing = reference_for(unit, taught, ents)
        else:
            ref = list(unit.human)
            missing = [s for s in unit.suggested if s[2] in taught and not _overlaps(s, ref)]
        for piece in sentence_pieces(unit.text, ref, missing):
            # A sentence with a taught span is seen ``oversample`` times an epoch: a new label
            # needs many updates, while every extra pass over the rest only drifts stock labels.
            repeat = oversample if any(label in taught for _, _, label in piece[1]) else 1
            examples += [_example(nlp, *piece)] * repeat
    for text, ents in zip(rehearse, rehearse_ents):
        examples += [_example(nlp, *piece) for piece in sentence_pieces(text, ents, [])]


def _off_token_spans(nlp: "Language", units: list["EntityUnit"]) -> int:
    """Confirmed spans that start or end inside a token (spaCy cannot learn them)."""
    off = 0
    for unit in units:
        if unit.human:
            doc = nlp.make_doc(unit.text)
            off += sum(1 for s, e, _ in unit.human if doc.char_span(s, e) is None)
    return off


_SENTENCE_END = re.compile(r"(?<=[.!?\"\u201d])\s+(?=[\"\u201c(A-Z0-9])|\n+")


def sentence_pieces(text: str, ents: Ents, missing: Ents) -> list[tuple[str, Ents, Ents]]:
    """Cut a text at sentence ends that fall outside every span, shifting the spans.

    A news body is one long example; its sentences are many short ones, which gives a small
    project many more updates per epoch (a new label needs them) at the same cost."""
    cuts = [0]
    for match in _SENTENCE_END.finditer(text):
        at = match.end()
        if not _overlaps((match.start(), at, ""), ents + missing) and at - cuts[-1] > 20:
            cuts.append(at)
    cuts.append(len(text))
    out = []
    for start, end in zip(cuts, cuts[1:]):
        if not text[start:end].strip():
            continue
        inside = lambda spans: [(s - start, e - start, l) for s, e, l in spans if start <= s and e <= end]  # noqa: E731
        out.append((text[start:end], inside(ents), inside(missing)))
    return out


def _predict(nlp: "Language", texts: list[str], cancel: CancelToken | None = None) -> list[Ents]:
    enabled = [p for p in nlp.pipe_names if p == "ner"]
    out: list[Ents] = []
    with nlp.select_pipes(enable=enabled):
        for doc in nlp.pipe(texts, batch_size=32):
            out.append([(e.start_char, e.end_char, e.label_) for e in doc.ents])
            if cancel is not None and len(out) % 32 == 0 and cancel.cancelled:
                raise TrainingCancelled("before training began")
    return out


def _check(cancel: CancelToken | None) -> None:
    """A cancel while reading and predicting (before the first update): nothing to keep."""
    if cancel is not None and cancel.cancelled:
        raise TrainingCancelled("before training began")


def _split_units(units: list["EntityUnit"], eval_split: float, seed: int) -> tuple[list["EntityUnit"], list["EntityUnit"]]:
    """Held-out split by document (comments of one article never on both sides); by unit when
    the project has a single annotated document."""
    docs = sorted({u.document_id for u in units})
    rng = random.Random(seed)
    if eval_split <= 0:
        return units, []
    if len(docs) >= 2:
        rng.shuffle(docs)
        held_docs = set(docs[:max(1, min(len(docs) - 1, round(len(docs) * eval_split)))])
        return [u for u in units if u.document_id not in held_docs], [u for u in units if u.document_id in held_docs]
    order = units[:]
    rng.shuffle(order)
    n = max(1, min(len(order) - 1, round(len(order) * eval_split)))
    return order[n:], order[:n]


def _score(units: list["EntityUnit"], predicted: list[Ents], taught: set[str], labels: list[str]) -> dict[str, Any]:
    """Exact-match P/R/F1 of taught labels against confirmed spans; predictions inside an
    unreviewed suggestion are not counted either way."""
    gold, pred = [], []
    for n, (unit, ents) in enumerate(zip(units, predicted)):
        missing = [s for s in unit.suggested if s[2] in taught and not _overlaps(s, unit.human)]
        gold.append({(n, s, e, l) for s, e, l in unit.human if l in taught})
        pred.append({(n, s, e, l) for s, e, l in ents if l in taught and not _overlaps((s, e, l), missing)})
    return span_scores(gold, pred, labels)


def _stock_kept(base: list[Ents], predicted: list[Ents], untaught: list[str]) -> float | None:
    """F1 of the untaught stock labels against the base model's own predictions (1.0 = kept)."""
    if not untaught:
        return None
    keep = set(untaught)
    return span_scores([{(n, *e) for e in ents if e[2] in keep} for n, ents in enumerate(base)],
                       [{(n, *e) for e in ents if e[2] in keep} for n, ents in enumerate(predicted)], untaught)["micro"]["f"]


def _load(name: str) -> "Language":
    import spacy

    if Path(name).is_dir():
        registry.require_task(Path(name), "ner")  # a stance model given as --base: said so, not E054
    try:
        return spacy.load(name)
    except Exception as exc:  # noqa: BLE001 - OSError, ValueError, msgpack's "Unpack failed" ...
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TrainingError(f"{name!r} is not a usable spaCy pipeline: {reason}") from None


def train_ner(store: "Store", layer: str, out_dir: Path, eval_split: float = 0.2, seed: int = 0, epochs: int = 10,
              base: str | None = None, cancel: CancelToken | None = None, register: bool = True,
              rehearsal: bool = True, min_per_label: int = MIN_PER_LABEL, oversample: int = OVERSAMPLE,
              freeze: bool = False) -> Job[TrainReport]:
    """Train, score beside the current model, save the best epoch atomically and register it."""
    from spacy.util import compounding, fix_random_seed, minibatch

    from annotation.nlp.models import default_model_name

    if register:
        store.require_writable()  # a read-only project would refuse the registration only after the work
    report = TrainReport("ner", layer)
    yield Progress(0, epochs, "reading confirmed entity spans")
    schema_labels = list(store.schema.label_names("entity"))
    units = store.entity_units(layer)
    counts: dict[str, int] = {}
    for unit in units:
        for _, _, label in unit.human:
            counts[label] = counts.get(label, 0) + 1
    unknown = sorted(set(counts) - set(schema_labels))
    if unknown:
        raise TrainingError(f"entity label {unknown[0]!r} in layer {layer!r} is not in the project's schema; "
                            "fix the labels or the schema first")
    if not counts:
        raise TrainingError(f"layer {layer!r} has no confirmed entity spans to train on (model suggestions never count); "
                            f"annotate at least {min_per_label} spans of a label" + ("" if layer != "gold" else ", or give --annotator NAME"))
    short = {k: min_per_label - v for k, v in counts.items() if v < min_per_label}
    if short:
        more = ", ".join(f"{n} more {k}" for k, n in sorted(short.items()))
        raise TrainingError(f"entities of {layer!r}: too few examples to train (needs {min_per_label} of each label taught): "
                            f"annotate {more}")
    taught = set(counts)
    taught_labels = [l for l in schema_labels if l in taught]
    if len(units) < 2 and eval_split > 0:
        raise TrainingError(f"entities of {layer!r}: all the spans are in one text, and training needs at least 2 "
                            "(one is held out to score the model): annotate 1 more document or comment "
                            "(or train with --eval-split 0)")
    train_units, held_units = _split_units(units, eval_split, seed)
    if not train_units:
        raise TrainingError("no training text left after the held-out split; lower --eval-split")
    base_name = base or default_model_name()
    yield Progress(0, epochs, f"loading {base_name}")
    fix_random_seed(seed)
    _check(cancel)
    nlp = _load(base_name)
    _check(cancel)
    if "ner" not in nlp.pipe_names:
        raise TrainingError(f"{base_name!r} has no entity recognizer to start from")
    ner = nlp.get_pipe("ner")
    stock = set(ner.labels)
    new_labels = sorted(taught - stock)
    report.trained_on = {"texts": len(train_units), "held_out_texts": len(held_units), "spans": sum(counts.values()),
                         "labels": counts, "new_labels": new_labels, "base": base_name}
    yield Progress(0, epochs, "base predictions for the labels not taught")
    # as many untouched texts as taught ones: enough to remind, not so many the new label drowns
    rehearse = store.unannotated_texts(layer, len(train_units), seed) if rehearsal else []
    base_train = _predict(nlp, [u.text for u in train_units], cancel)
    examples: list[Example] = []
    with warnings.catch_warnings():
        # spaCy's W030 (a span off token boundaries, ignored) is a multi-line warning per text;
        # the report counts those spans in one note instead.
        warnings.filterwarnings("ignore", message=r"\[W030\]")
        _add_examples(nlp, examples, train_units, base_train, rehearse, _predict(nlp, rehearse, cancel), taught,
                      rehearsal, oversample)
    off = _off_token_spans(nlp, train_units)
    if off:
        report.notes.append(f"{off} confirmed span{'s' if off > 1 else ''} not on token boundaries "
                            "(inside a word) left out of training")
    report.trained_on["rehearsal_texts"] = len(rehearse)
    held_texts = [u.text for u in held_units]
    # The model the project uses now, on the same held-out texts.
    current_path = registry.current_model(store, "ner")
    gone = store.latest_model("ner")
    if current_path is None and gone is not None:
        report.notes.append(f"the registered model {gone.name} (#{gone.id}) is gone from {gone.path}: "
                            "compared with the base pipeline instead")
    current_nlp = nlp
    if current_path is not None:
        try:
            current_nlp = _load(str(current_path))
        except TrainingError as exc:  # a broken earlier model must not stop a new one
            report.notes.append(f"the current model cannot be read ({exc}): compared with the base pipeline instead")
            current_path = None
    report.current_name = current_path.name if current_path else base_name
    _check(cancel)
    current_pred = _predict(current_nlp, held_texts, cancel)
    report.current = _score(held_units, current_pred, taught, taught_labels)
    base_held = current_pred if current_path is None else _predict(nlp, held_texts, cancel)
    del current_nlp
    _check(cancel)
    untaught = sorted(stock - taught)
    for label in new_labels:
        ner.add_label(label)
    optimizer = nlp.resume_training()
    frozen = ner.model.get_ref("tok2vec").to_bytes() if freeze else None
    best_bytes: bytes | None = None
    best_score = float("-inf")
    rng = random.Random(seed)
    try:
        with nlp.select_pipes(enable=["ner"]):
            for epoch in range(1, epochs + 1):
                rng.shuffle(examples)
                losses: dict[str, float] = {}
                for batch in minibatch(examples, size=compounding(1.0, 8.0, 1.2)):
                    nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
                    if frozen is not None:  # "freeze": the token encoder stays the base model's
                        ner.model.get_ref("tok2vec").from_bytes(frozen)
                    if cancel is not None:
                        cancel.check()
                if held_units:
                    predicted = _predict(nlp, held_texts)
                    taught_f = _score(held_units, predicted, taught, taught_labels)["micro"]["f"]
                    kept_f = _stock_kept(base_held, predicted, untaught)
                    # The best epoch is the best balance of what is taught and what is kept.
                    score = taught_f if kept_f is None else (taught_f + kept_f) / 2
                    shown = f"held-out F1 {taught_f:.3f}" + (f", stock kept {kept_f:.3f}" if kept_f is not None else "")
                else:
                    score = -losses.get("ner", 0.0)  # no held-out split: the lowest training loss
                    shown = f"loss {losses.get('ner', 0.0):.1f}"
                if score > best_score:
                    best_score, best_bytes = score, ner.to_bytes()
                report.epochs = epoch
                yield Progress(epoch, epochs, f"epoch {epoch}/{epochs}: {shown}")
    except (Cancelled, KeyboardInterrupt):
        report.cancelled = True
        if best_bytes is None:
            raise TrainingCancelled("before the first epoch ended") from None
    assert best_bytes is not None
    ner.from_bytes(best_bytes)
    yield Progress(report.epochs, epochs, "scoring the best epoch")
    held_pred = _predict(nlp, held_texts)
    report.scores = _score(held_units, held_pred, taught, taught_labels)
    kept_f = _stock_kept(base_held, held_pred, untaught) if held_units else None
    if kept_f is not None:
        report.scores["stock_kept"] = {"f": round(kept_f, 4)}
        report.notes.append(f"stock labels not taught ({len(untaught)}): the new model agrees with {base_name} on them "
                            f"with F1 {kept_f:.3f} on the held-out texts (1.0 = nothing forgotten)")
    name = registry.new_model_name("ner")
    nlp.meta["name"] = name
    nlp.meta["version"] = "1"
    nlp.meta["goldspan"] = {"task": "ner", "layer": layer, "base": base_name, "trained_on": report.trained_on,
                            "scores": report.scores}
    yield Progress(report.epochs, epochs, "saving")

    def register_it(folder: Path) -> None:
        lang = nlp.meta.get("lang", "en")
        report.model_id = store.register_model("ner", f"{lang}_{name} 1", str(folder), base_name, layer,
                                               report.trained_on, report.scores).id

    # No progress is reported after the registration: a job stopped there would be a model
    # registered that its caller was told is not.
    path = registry.save_and_register(out_dir, name, lambda folder: nlp.to_disk(folder), register_it if register else None)
    report.path, report.name = str(path), name
    return report
