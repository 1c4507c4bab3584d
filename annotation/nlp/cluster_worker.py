"""What runs on a Dask worker: the pipeline loaded once, batches of unit texts in, rows out.

A worker never sees the project file (SQLite must not be shared over a network filesystem):
it gets ``(document id, comment id or -1, text)`` triples and returns each unit's suggestions
as plain tuples, built by the very code the single-process job uses (annotation/nlp/preannotate.py),
so a cluster run writes exactly what a plain run writes. Only this module and what it imports
must be installed on the workers: the same Goldspan and the same spaCy model.

Imported only on the cluster path (it needs ``distributed``, the ``goldspan[cluster]`` extra);
the desktop never loads it.
"""
from __future__ import annotations

import signal
import threading
from dataclasses import dataclass, field
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from annotation.model import Unit

# One unit's suggestions as plain data: (document id, comment id or -1, unit length,
# spans [(key, start, end, label, layer, attrs)], relations [(head key, child key, label)]).
UnitRow = tuple[int, int, int, list[tuple[int, int, int, str, str, dict[str, Any]]], list[tuple[int, int, str]]]
UnitText = tuple[int, int, str]  # (document id, comment id or -1, text)


@dataclass
class BatchDone:
    """A batch's suggestions, and who made them with which model."""

    batch: int
    worker: str
    model: str  # the worker's "name version": every suggestion records it
    rows: list[UnitRow] = field(default_factory=list)
    entities: int = 0
    quotes: int = 0
    rule_errors: list[str] = field(default_factory=list)


@dataclass
class BatchRefused:
    """The worker's model is not the run's (or does not load there): nothing was computed."""

    batch: int
    worker: str
    model: str  # what the worker has, or why it has none


class ModelPlugin(WorkerPlugin):
    """Loads the pipeline once per worker process, when the worker joins. Tasks would load it
    on first use anyway; doing it at setup keeps the first batch from stalling and lets the
    coordinator ask every worker for its model before sending work."""

    name = "goldspan-model"  # one per cluster: registering again replaces it

    def __init__(self, model: str | None, ignore_interrupts: bool = False) -> None:
        self.model = model
        # local:N only: Ctrl+C reaches the whole process group, and the coordinator alone should
        # handle it (it closes its cluster); workers of a cluster someone started keep theirs.
        self.ignore_interrupts = ignore_interrupts

    def setup(self, worker: Any) -> None:
        if self.ignore_interrupts and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        worker_model_label(self.model)  # never raises: a load error is reported as the label


_loaded: dict[str | None, Any] = {}  # model argument -> LoadedModel or the load error's text
_guard = threading.Lock()


def _load(model: str | None) -> Any:
    """The pipeline with the suggestion component, loaded once per process."""
    from annotation.nlp.component import with_suggestions
    from annotation.nlp.models import load_model

    loaded = load_model(model)
    with_suggestions(loaded.nlp)
    return loaded


def _model(model: str | None) -> Any:
    with _guard:
        if model not in _loaded:
            try:
                _loaded[model] = _load(model)
            except Exception as exc:  # noqa: BLE001 - reported to the coordinator as a refusal
                _loaded[model] = f"cannot load {model or 'the default model'}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        return _loaded[model]


def worker_model_label(model: str | None) -> str:
    """This process's "name version" for ``model``, or why it cannot load it."""
    loaded = _model(model)
    return loaded if isinstance(loaded, str) else str(loaded.label)


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):  # called outside a worker (tests, the single-process bench)
        return "local"


def annotate_batch(batch: int, model: str | None, expected: str, units: list[UnitText],
                   batch_size: int) -> BatchDone | BatchRefused:
    """Suggestions for ``units``, or a refusal when this worker's model is not ``expected``."""
    from annotation.nlp.preannotate import _pieces, _reassemble, _suggestions_for

    worker = _worker_address()
    loaded = _model(model)
    label = loaded if isinstance(loaded, str) else loaded.label
    if label != expected:
        return BatchRefused(batch, worker, label)
    result = BatchDone(batch, worker, label)
    texts = ((Unit(d, None if c == -1 else c), text) for d, c, text in units)
    docs = loaded.nlp.pipe(_pieces(texts), as_tuples=True, batch_size=max(1, batch_size))
    for unit, length, ents, quotes, error in _reassemble(docs):
        if error:
            result.rule_errors.append(f"{unit.key()}: {error}")
        result.entities += len(ents)
        result.quotes += len(quotes)
        item = _suggestions_for(unit, ents, quotes)
        result.rows.append((
            unit.document_id, -1 if unit.comment_id is None else unit.comment_id, length,
            [(s.key, s.start, s.end, s.label, s.layer, s.attrs) for s in item.spans],
            [(r.head, r.child, r.label) for r in item.relations],
        ))
    return result


def unpack(row: UnitRow) -> Any:
    """A row back into the store's UnitSuggestions (on the coordinator)."""
    from annotation.store.suggestions import SuggestedRelation, SuggestedSpan, UnitSuggestions

    document_id, cid, _length, spans, relations = row
    return UnitSuggestions(
        Unit(document_id, None if cid == -1 else cid),
        [SuggestedSpan(*s) for s in spans],
        [SuggestedRelation(*r) for r in relations],
    )
