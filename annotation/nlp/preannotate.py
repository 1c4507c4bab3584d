"""The pre-annotation job: entities and quotations for every unit, as model suggestions.

Streams ``nlp.pipe(..., as_tuples=True)`` over all units (article bodies and every comment),
writes each batch in one transaction through the store, and records units done, so it
resumes after a cancel or a crash. Human work is never overwritten or duplicated (the rules
live in annotation/store/suggestions.py). No Qt here: the GUI runs this generator on a worker.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

from annotation.jobs import CancelToken, Job, Progress
from annotation.model import ENTITY, QUOTE_LAYER, Unit
from annotation.nlp.models import CHUNK_CHARS, chunks, load_model

if TYPE_CHECKING:
    from annotation.nlp.quotes import Quotation
    from annotation.store import Store
    from annotation.store.suggestions import UnitSuggestions, WriteCounts

DEFAULT_BATCH = 64  # units per nlp.pipe batch and per transaction


@dataclass
class PreannotateReport:
    model: str
    units_total: int = 0  # units in the project
    units_done: int = 0  # processed in this run
    units_skipped: int = 0  # already done with this model (no --force)
    entities: int = 0  # entity suggestions seen (before the human-work rules)
    quotes: int = 0  # quotation suggestions seen
    spans_added: int = 0
    relations_added: int = 0
    spans_replaced: int = 0
    spans_kept_human: int = 0
    rule_errors: list[str] = field(default_factory=list)  # "unit: error" where the quote rules gave up
    unknown_labels: dict[str, int] = field(default_factory=dict)  # entities of labels the schema lacks, left out

    def add_counts(self, counts: "WriteCounts") -> None:
        """One written batch's counts (the plain job and the cluster's writer alike)."""
        self.spans_added += counts.spans_added
        self.relations_added += counts.relations_added
        self.spans_replaced += counts.spans_replaced
        self.spans_kept_human += counts.spans_kept_human
        for label, n in counts.unknown_labels.items():
            self.unknown_labels[label] = self.unknown_labels.get(label, 0) + n

    def summary(self) -> str:
        text = (f"{self.units_done} units pre-annotated with {self.model} ({self.units_skipped} already done): "
                f"{self.spans_added} spans and {self.relations_added} relations added "
                f"({self.entities} entities, {self.quotes} quotations found; {self.spans_replaced} old suggestions replaced, "
                f"{self.spans_kept_human} left out beside human work)")
        if self.unknown_labels:
            left = ", ".join(f"{n} {label}" for label, n in sorted(self.unknown_labels.items()))
            text += f"; left out, as the project's schema lacks their labels: {left}"
        if self.rule_errors:
            text += f"; quotation rules failed on {len(self.rule_errors)} units (first: {self.rule_errors[0]})"
        return text


def preannotate(
    store: "Store",
    annotator: str,
    model: str | None = None,
    n_process: int = 1,
    batch_size: int = DEFAULT_BATCH,
    force: bool = False,
    cancel: CancelToken | None = None,
) -> Job[PreannotateReport]:
    """Suggest entities and quotations in ``annotator``'s layer; yields Progress in characters."""
    from annotation.nlp.component import with_suggestions

    store.require_writable()
    yield Progress(0, 0, "loading the language model")
    loaded = load_model(model)
    nlp = with_suggestions(loaded.nlp)
    label = loaded.label
    pending = store.pending_units(annotator, label, force)
    total_units = store.pending_units(annotator, label, True) if not force else pending
    report = PreannotateReport(label, units_total=len(total_units), units_skipped=len(total_units) - len(pending))
    total_chars = sum(p.length for p in pending) or 0
    done_chars = 0
    yield Progress(0, total_chars, f"pre-annotating {len(pending)} units")
    units = [p.unit for p in pending]
    pieces = _pieces(store.iter_unit_texts(units))
    # spaCy forks its worker processes on the first batch: they must die with this process.
    # Batches commit with synchronous=NORMAL (Store.bulk): the job resumes where a crash left it.
    with _workers_die_with_parent(), store.bulk():
        docs = nlp.pipe(pieces, as_tuples=True, batch_size=max(1, batch_size), n_process=max(1, n_process))
        batch: list[UnitSuggestions] = []
        try:
            for unit, length, ents, quotes, error in _reassemble(docs):
                if error:
                    report.rule_errors.append(f"{unit.key()}: {error}")
                batch.append(_suggestions_for(unit, ents, quotes))
                report.entities += len(ents)
                report.quotes += len(quotes)
                done_chars += length
                if len(batch) >= batch_size:
                    _write(store, batch, annotator, label, report)
                    batch = []
                    yield Progress(done_chars, total_chars, f"pre-annotating ({report.units_done} of {len(pending)} units)",
                                   items=(report.units_done, len(pending)))
                    if cancel is not None:
                        cancel.check()  # raises Cancelled; every batch before this one is committed
            if batch:
                _write(store, batch, annotator, label, report)
        finally:
            close = getattr(docs, "close", None)
            if close is not None:
                close()  # stops nlp.pipe's worker processes on cancel or error
    if report.units_done:
        with store.transaction():
            store.log_bulk(annotator, "preannotate", {"model": label, "units": report.units_done,
                                                      "spans": report.spans_added, "relations": report.relations_added})
    yield Progress(total_chars, total_chars, "done", items=(report.units_done, len(pending)))
    return report


def _write(store: "Store", batch: list["UnitSuggestions"], annotator: str, label: str, report: PreannotateReport) -> None:
    report.add_counts(store.write_suggestions(batch, annotator, label))
    report.units_done += len(batch)


def _pieces(texts: Iterator[tuple[Unit, str]]) -> Iterator[tuple[str, tuple[int, int, int, int, int]]]:
    """(text, context) for nlp.pipe: long units go in paragraph-cut pieces.

    The context is plain ints (document, comment or -1, piece offset, piece count, unit length)
    so it crosses process boundaries cheaply.
    """
    for unit, text in texts:
        cid = -1 if unit.comment_id is None else unit.comment_id
        if len(text) <= CHUNK_CHARS:
            yield text, (unit.document_id, cid, 0, 1, len(text))
            continue
        parts = list(chunks(text))
        for offset, piece in parts:
            yield piece, (unit.document_id, cid, offset, len(parts), len(text))


def _reassemble(docs) -> Iterator[tuple[Unit, int, list[tuple[int, int, str]], list["Quotation"], str | None]]:  # type: ignore[no-untyped-def]
    """Per unit: entities and quotations in unit offsets, pieces of a long unit put back together."""
    from annotation.nlp.component import rule_error, suggestions_of

    ents_acc: list[tuple[int, int, str]] = []
    quotes_acc: list[Quotation] = []
    error: str | None = None
    seen = 0
    for doc, (document_id, cid, offset, count, length) in docs:
        ents, quotes = suggestions_of(doc)
        error = error or rule_error(doc)
        ents_acc += [(s + offset, e + offset, label) for s, e, label in ents]
        quotes_acc += [_shift(q, offset, len(quotes_acc)) for q in quotes]
        seen += 1
        if seen == count:
            yield Unit(document_id, None if cid == -1 else cid), length, ents_acc, quotes_acc, error
            ents_acc, quotes_acc, seen, error = [], [], 0, None


def _shift(q: "Quotation", offset: int, base: int) -> "Quotation":
    if offset == 0 and base == 0:
        return q
    move = lambda span: (span[0] + offset, span[1] + offset) if span else None  # noqa: E731
    q.start, q.end = q.start + offset, q.end + offset
    q.source, q.cue, q.coref = move(q.source), move(q.cue), move(q.coref)
    if q.inherits is not None:
        q.inherits += base
    return q


def _suggestions_for(unit: Unit, ents: list[tuple[int, int, str]], quotes: list["Quotation"]) -> "UnitSuggestions":
    """Spans and relations for one unit; shared SOURCE/CUE spans are written once."""
    from annotation.store.suggestions import SuggestedRelation, SuggestedSpan, UnitSuggestions

    item = UnitSuggestions(unit)
    keys: dict[tuple[int, int, str], int] = {}

    def key_for(start: int, end: int, label: str, layer: str, attrs: dict | None = None) -> int:  # type: ignore[type-arg]
        k = (start, end, label)
        if k not in keys:
            keys[k] = len(item.spans) + 1
            item.spans.append(SuggestedSpan(keys[k], start, end, label, layer, attrs or {}))
        return keys[k]

    entity_keys = {(s, e): key_for(s, e, label, ENTITY) for s, e, label in ents}
    for q in quotes:
        if q.end <= q.start:
            continue
        attrs: dict[str, object] = {"direct": bool(q.direct)}
        if q.mixed:
            attrs["mixed"] = True
        if q.floating:
            attrs["floating"] = True
        if q.speaker:
            attrs["speaker"] = q.speaker
        quote_key = key_for(q.start, q.end, "QUOTE", QUOTE_LAYER, attrs)
        if q.source is not None:
            source_key = key_for(q.source[0], q.source[1], "SOURCE", QUOTE_LAYER)
            item.relations.append(SuggestedRelation(quote_key, source_key, "source"))
            # the named entity; else a named SOURCE span there (a name the tagger missed)
            target = (entity_keys.get(q.coref) or keys.get((*q.coref, "SOURCE"))) if q.coref else None
            if target is not None and not q.floating:
                item.relations.append(SuggestedRelation(source_key, target, "coref"))
        if q.cue is not None:
            item.relations.append(SuggestedRelation(quote_key, key_for(q.cue[0], q.cue[1], "CUE", QUOTE_LAYER), "cue"))
    return item


# -- worker processes die with their parent ---------------------------------------------------
#
# nlp.pipe(n_process=N) forks N workers. When the parent is SIGKILLed (or the window crashes)
# nobody stops them: they run on for minutes, and a worker must never keep anything of the
# parent's alive. Each child forked while pre-annotation runs asks the kernel for SIGKILL when
# its parent dies (Linux prctl PR_SET_PDEATHSIG) and exits at once if the parent died before
# that request. (The writer lock's descriptor is closed in every forked child by
# annotation/store/locking.py, so the lock is free the moment the parent dies.)

_PR_SET_PDEATHSIG = 1
_forking_parent = 0  # pid whose forked children must die with it; 0 when not pre-annotating
_prctl: Callable[..., int] | None = None


def _resolve_prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up in the parent: dlopen is not safe in a child forked from threads."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not Linux: the getppid check below still helps
        return None


def _die_with_parent_after_fork() -> None:
    parent = _forking_parent
    if not parent:
        return
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died between fork and prctl: no signal will come
        os._exit(1)


os.register_at_fork(after_in_child=_die_with_parent_after_fork)


@contextlib.contextmanager
def _workers_die_with_parent() -> Iterator[None]:
    """Children forked inside die when this process dies.

    PR_SET_PDEATHSIG fires when the forking *thread* exits; nlp.pipe forks from the thread that
    iterates it, which is the job's thread for the job's whole life."""
    global _forking_parent, _prctl
    if _prctl is None:
        _prctl = _resolve_prctl()
    _forking_parent = os.getpid()
    try:
        yield
    finally:
        _forking_parent = 0
