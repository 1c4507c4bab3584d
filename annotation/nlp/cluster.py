"""Pre-annotation on a Dask cluster: workers parse, this process (the coordinator) writes.

``goldspan preannotate PROJECT.db --scheduler tcp://HOST:8786`` (an existing cluster) or
``--scheduler local:N`` (a LocalCluster of N worker processes here). The project file never
leaves this machine: the coordinator reads the units still to do, sends their texts in batches
sized by characters (one huge article does not stall a worker behind many small ones), and
writes each batch that comes back in one transaction that also marks its units done
(Store.write_suggestions_once), with the row-building of the single-process job, so the
project ends up exactly as after a plain run.

Exactly once: a result is written only for units not yet done with the model (in this run,
under --force), checked in the writing transaction; a rerun continues where a stop left off.
A worker killed mid-batch is Dask's to retry elsewhere. A worker whose model is not the run's
is refused (one line) and its batch sent again; a lost scheduler stops the run with one line.

Dask is the optional ``goldspan[cluster]`` extra, imported only here and only on this path.
"""
from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

from annotation.errors import GoldspanError
from annotation.jobs import CancelToken, Job, Progress
from annotation.nlp.preannotate import DEFAULT_BATCH, PreannotateReport

if TYPE_CHECKING:
    from annotation.nlp.cluster_worker import BatchDone, UnitText
    from annotation.store import Store

DEFAULT_BATCH_CHARS = 20_000  # ~2 s of parsing on one core: small enough to balance, big enough to amortise
WORKERS_EVERY = 2.0  # seconds between asking the scheduler which workers it has
MAX_REFUSALS = 20  # a batch refused this often: no worker left with the run's model


class ClusterError(GoldspanError):
    """The cluster cannot be used or was lost; one line, and a rerun continues."""


@dataclass(frozen=True, kw_only=True)
class ClusterProgress(Progress):
    """Progress in characters (for time left) plus what a cluster run shows. Its own fields are
    keyword-only: a field added to Progress must never shift them (``items`` once took the
    place of ``units_done``)."""

    units_done: int = 0
    units_total: int = 0
    units_per_second: float = 0.0
    workers: tuple[tuple[str, int], ...] = ()  # (worker address, units it did) in order of first result
    dashboard: str = ""

    def __post_init__(self) -> None:
        if self.items is None and self.units_total:  # the window's dialog counts texts too
            object.__setattr__(self, "items", (self.units_done, self.units_total))


@dataclass
class ClusterReport(PreannotateReport):
    scheduler: str = ""
    workers: dict[str, int] = field(default_factory=dict)  # units per worker
    refused: dict[str, str] = field(default_factory=dict)  # worker -> its model
    duplicates: int = 0  # units that came back again and were not written twice
    setup_seconds: float = 0.0  # connecting (starting a LocalCluster) and loading the model on the workers

    def summary(self) -> str:
        per_worker = ", ".join(f"{w} {n}" for w, n in self.workers.items())
        text = super().summary() + f" on {self.scheduler} ({len(self.workers)} workers: {per_worker or 'none'})"
        if self.refused:
            text += f"; refused {len(self.refused)} workers with another model"
        return text


# -- connecting --------------------------------------------------------------------------------

def parse_scheduler(spec: str) -> tuple[str, int]:
    """("local", N) for ``local:N``, else ("address", 0) for a scheduler address."""
    if spec.startswith("local"):
        _, _, count = spec.partition(":")
        try:
            workers = int(count) if count else 2
        except ValueError:
            workers = 0
        if workers < 1:
            raise ClusterError(f"--scheduler {spec!r}: give local:N with N >= 1 worker processes")
        return "local", workers
    if "://" in spec or ":" in spec:
        return "address", 0
    raise ClusterError(f"--scheduler {spec!r}: give a scheduler address (tcp://HOST:8786) or local:N")


@contextlib.contextmanager
def connect(spec: str) -> Iterator[tuple[Any, str]]:
    """A Dask client for ``spec`` and a name for it; a LocalCluster is closed on the way out."""
    from distributed import Client, LocalCluster

    kind, workers = parse_scheduler(spec)
    cluster = None
    try:
        if kind == "local":
            # Worker processes, one thread each: spaCy runs a pipeline best in one thread, and
            # processes make local:N behave like N machines. On Linux they are forked from this
            # process, which has loaded the pipeline already (as nlp.pipe's n_process workers
            # are): started in a fraction of a second instead of each importing spaCy and
            # loading the model again. A worker restarted later is spawned and loads it itself.
            # Any free port for the dashboard: 8787 may be another cluster's.
            import dask

            method = "fork" if sys.platform.startswith("linux") else "spawn"
            _workers_die_with_this_process()
            with dask.config.set({"distributed.worker.multiprocessing-method": method}):
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(spec, timeout="20s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot reach the Dask scheduler at {spec}: {_first_line(exc)}") from None
    try:
        yield client, spec
    finally:
        # After a lost scheduler the client is still trying to reconnect; closing cancels that,
        # which distributed logs as an error with a traceback: the user has had the one line.
        quiet = logging.getLogger("distributed.client")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            with contextlib.suppress(Exception):  # closing must not hang or raise
                client.close(timeout=5)
        finally:
            quiet.setLevel(level)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=10)
            _forking_parent["pid"] = None


# The coordinator whose forked local:N workers must not outlive it. Dask notices a dead parent
# through a pipe, but forked workers inherit each other's end of it and could keep each other
# alive for good after a SIGKILL (seen: two workers still busy 16 minutes later). Each such child
# watches its parent itself. (Not the kernel's parent-death signal: prctl(2) documents it firing
# when the *thread* that forked the child ends, and Dask forks from threads that end while the
# cluster runs.)
_forking_parent: dict[str, int | None] = {"pid": None, "forked_by": None}
_hooked: list[bool] = []
_WATCH_SECONDS = 0.25


def _workers_die_with_this_process() -> None:
    if not sys.platform.startswith("linux"):
        return
    _forking_parent["pid"] = os.getpid()
    if not _hooked:
        os.register_at_fork(before=_note_forker, after_in_child=_die_with_parent)
        _hooked.append(True)


def _note_forker() -> None:
    _forking_parent["forked_by"] = os.getpid()  # in the parent, copied into the child


def _die_with_parent() -> None:
    """In a child forked while a local cluster starts or runs: exit when the coordinator dies."""
    parent = _forking_parent["pid"]
    if parent is None or _forking_parent["forked_by"] != parent:
        return  # a fork of some other time or process (a worker's own child): none of this
    _forking_parent["pid"] = None  # the child's own forks are not the coordinator's
    if os.getppid() != parent:
        os._exit(1)  # the coordinator died already
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:  # a dead parent's children are handed to another process
            time.sleep(_WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="goldspan-coordinator-watch", daemon=True).start()
    _fresh_log_streams()


def _fresh_log_streams() -> None:
    """A forked worker's log handlers write through new file objects on the same descriptors.
    The coordinator's other threads (Dask's IO loop) log while a worker is forked; a stream's
    lock held by one of them at that moment is held for good in the child, whose first log line
    then waits forever (seen: a worker stuck in StreamHandler.flush, LocalCluster waiting for it,
    a CI run hung). The old objects are dropped unflushed: their buffers are the coordinator's."""
    import logging

    loggers = [logging.root] + [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    handlers = {id(h): h for lg in loggers for h in lg.handlers}
    if logging.lastResort is not None:
        handlers[id(logging.lastResort)] = logging.lastResort
    fresh: dict[int, object] = {}  # one new object per old stream (sys.stderr shared by several)
    for name in ("stdout", "stderr"):
        old = getattr(sys, name)
        new = _reopened(old)
        if new is not None:
            fresh[id(old)] = new
            setattr(sys, name, new)
    for handler in handlers.values():
        stream = getattr(handler, "stream", None)
        if not isinstance(handler, logging.StreamHandler) or stream is None:
            continue
        new = fresh.get(id(stream)) or _reopened(stream)
        if new is not None:
            fresh[id(stream)] = new
            handler.stream = new  # not setStream(): it flushes the old stream first


def _reopened(stream: object) -> object | None:
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return None  # not a file (a StringIO): no lock of the coordinator's to inherit
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return os.fdopen(os.dup(fd), "w", buffering=1, encoding=encoding, errors="backslashreplace")
    except OSError:
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- batches -----------------------------------------------------------------------------------

def char_batches(texts: Iterator[tuple[Any, str]], batch_chars: int) -> Iterator[list["UnitText"]]:
    """Units in order, cut into batches of about ``batch_chars`` characters; a longer unit goes alone."""
    batch: list[UnitText] = []
    size = 0
    for unit, text in texts:
        if batch and size + len(text) > batch_chars:
            yield batch
            batch, size = [], 0
        batch.append((unit.document_id, -1 if unit.comment_id is None else unit.comment_id, text))
        size += len(text)
    if batch:
        yield batch


# -- writing -----------------------------------------------------------------------------------

class ResultWriter:
    """The only writer: one transaction per returned batch, each unit at most once."""

    def __init__(self, store: "Store", annotator: str, model: str, report: ClusterReport, since: str | None) -> None:
        self.store = store
        self.annotator = annotator
        self.model = model
        self.report = report
        self.since = since  # --force: units done before this stamp are redone, once

    def write(self, result: "BatchDone") -> int:
        """Write a batch's units not yet written; return how many were. Twice the same: 0."""
        from annotation.nlp.cluster_worker import unpack

        if result.model != self.model:  # never: refused before; guards the invariant anyway
            raise ClusterError(f"worker {result.worker} returned suggestions of {result.model}, not {self.model}")
        batch = [unpack(row) for row in result.rows]
        counts, written = self.store.write_suggestions_once(batch, self.annotator, self.model, self.since)
        report = self.report
        report.duplicates += len(batch) - len(written)
        if written:
            report.units_done += len(written)
            report.add_counts(counts)
            report.entities += result.entities
            report.quotes += result.quotes
            report.rule_errors += result.rule_errors
            report.workers[result.worker] = report.workers.get(result.worker, 0) + len(written)
        return len(written)


# -- the job -----------------------------------------------------------------------------------

def preannotate_on_cluster(
    store: "Store",
    annotator: str,
    scheduler: str,
    model: str | None = None,
    batch_chars: int = DEFAULT_BATCH_CHARS,
    batch_size: int = DEFAULT_BATCH,
    force: bool = False,
    cancel: CancelToken | None = None,
    notify: Callable[[str], None] | None = None,
) -> Job[ClusterReport]:
    """Like annotation.nlp.preannotate.preannotate, with the parsing on a Dask cluster.

    Yields ClusterProgress (characters done, units, units/s, per-worker counts); ``notify``
    gets the lines a user must see (the dashboard link, refused workers)."""
    from annotation.nlp.cluster_worker import worker_model_label
    from annotation.nlp.models import load_model
    from annotation.store.rows import now

    say = notify or (lambda line: None)
    store.require_writable()
    yield ClusterProgress(0, 0, "loading the language model")
    label = load_model(model).label  # the run's model: a worker with another one is refused
    worker_model_label(model)  # the pipeline as workers use it, ready before local:N forks them
    since = now() if force else None
    pending = store.pending_units(annotator, label, force)
    total_units = store.pending_units(annotator, label, True) if not force else pending
    report = ClusterReport(label, units_total=len(total_units), units_skipped=len(total_units) - len(pending),
                           scheduler=scheduler)
    total_chars = sum(p.length for p in pending)
    if not pending:  # nothing left: no cluster to start or to bother
        yield ClusterProgress(0, 0, "done")
        return report
    yield ClusterProgress(0, total_chars, f"connecting to {scheduler}", units_total=len(pending))
    setup_start = time.perf_counter()
    with connect(scheduler) as (client, name):
        dashboard = _dashboard(client)
        if dashboard and scheduler.startswith("local") and importlib.util.find_spec("bokeh") is None:
            say(f"Dask dashboard: {dashboard} (its pages need bokeh: install the goldspan[cluster] extra)")
        else:
            say(f"Dask dashboard: {dashboard or 'not served by this scheduler'}")
        yield ClusterProgress(0, total_chars, "loading the model on the workers", units_total=len(pending), dashboard=dashboard)
        run = _Run(client, store, annotator, label, model, batch_chars, batch_size, report, since, say)
        run.start()
        report.setup_seconds = time.perf_counter() - setup_start
        with store.bulk():
            for done_chars, elapsed in run.results(pending, cancel):
                rate = report.units_done / elapsed if elapsed > 0 else 0.0
                yield ClusterProgress(done_chars, total_chars,
                                      f"pre-annotating on {name} ({report.units_done} of {len(pending)} units)",
                                      units_done=report.units_done, units_total=len(pending), units_per_second=rate,
                                      workers=tuple(report.workers.items()), dashboard=dashboard)
    if report.units_done:
        with store.transaction():
            store.log_bulk(annotator, "preannotate", {"model": label, "units": report.units_done, "scheduler": scheduler,
                                                      "spans": report.spans_added, "relations": report.relations_added})
    yield ClusterProgress(total_chars, total_chars, "done", units_done=report.units_done, units_total=len(pending),
                          workers=tuple(report.workers.items()), dashboard=dashboard)
    return report


def _dashboard(client: Any) -> str:
    try:
        return str(client.dashboard_link or "")
    except Exception:  # noqa: BLE001 - no dashboard is no reason to stop
        return ""


class _Run:
    """Keeps a window of batches in flight and writes each result as it comes back."""

    def __init__(self, client: Any, store: "Store", annotator: str, label: str, model: str | None, batch_chars: int,
                 batch_size: int, report: ClusterReport, since: str | None, say: Callable[[str], None]) -> None:
        self.client = client
        self.label = label
        self.model = model
        self.batch_chars = max(1, batch_chars)
        self.batch_size = batch_size
        self.report = report
        self.say = say
        self.store = store
        self.writer = ResultWriter(store, annotator, label, report, since)
        self.run_id = uuid.uuid4().hex[:8]
        self._workers_cache: dict[str, Any] | None = None
        self._workers_asked = 0.0

    def start(self) -> None:
        """Load the model on every worker (now and when one joins) and refuse the wrong ones."""
        from annotation.nlp.cluster_worker import ModelPlugin, worker_model_label

        try:
            self.client.register_plugin(ModelPlugin(self.model, ignore_interrupts=self.report.scheduler.startswith("local")))
            labels = self.client.run(worker_model_label, self.model)
        except (OSError, TimeoutError):
            raise ClusterError(f"lost the Dask scheduler at {self.report.scheduler} while loading the model on the "
                               "workers; nothing written, rerun to start") from None
        for worker, label in sorted(labels.items()):
            if label != self.label:
                self._refuse(worker, label)
        if labels and len(self.report.refused) == len(labels):
            raise ClusterError(f"no worker of {self.report.scheduler} has the run's model {self.label} "
                               f"({', '.join(f'{w}: {m}' for w, m in self.report.refused.items())}); "
                               "install the same Goldspan and model on every worker")

    def _refuse(self, worker: str, label: str) -> None:
        if worker not in self.report.refused:
            self.report.refused[worker] = label
            self.say(f"refused worker {worker}: it has {label}, this run uses {self.label}")

    def results(self, pending: list[Any], cancel: CancelToken | None) -> Iterator[tuple[int, float]]:
        """Submit batches, write results; yields (characters done, seconds since the start) per batch."""
        from distributed import as_completed

        from annotation.nlp.cluster_worker import BatchRefused

        texts = self.store.iter_unit_texts([p.unit for p in pending])
        batches = enumerate(char_batches(texts, self.batch_chars))
        inflight: dict[Any, tuple[int, list[UnitText], int]] = {}  # future -> (batch, units, refusals)
        flow = as_completed(loop=self.client.loop)  # this client's loop, not whichever client is the default
        started = time.monotonic()
        done_chars = 0

        def submit(number: int, units: list[UnitText], refusals: int = 0) -> None:
            from annotation.nlp.cluster_worker import annotate_batch

            good = None  # loose restriction away from refused workers; any worker when none is
            if self.report.refused:
                good = [w for w in self._workers() if w not in self.report.refused] or None
            future = self.client.submit(annotate_batch, number, self.model, self.label, units, self.batch_size,
                                        key=f"goldspan-{self.run_id}-{number}-{refusals}", pure=False,
                                        workers=good, allow_other_workers=True if good else False)
            inflight[future] = (number, units, refusals)
            flow.add(future)

        def fill() -> None:
            while len(inflight) < self._window():
                nxt = next(batches, None)
                if nxt is None:
                    return
                submit(*nxt)

        try:
            fill()
            while inflight:
                future = next(flow)
                number, units, refusals = inflight.pop(future)
                result = self._result(future, units)
                if isinstance(result, BatchRefused):
                    self._refuse(result.worker, result.model)
                    if refusals + 1 >= MAX_REFUSALS:
                        raise ClusterError(f"no worker with the run's model {self.label} took the batch of unit "
                                           f"{_unit_key(units[0])} after {refusals + 1} tries; refused: "
                                           + ", ".join(f"{w} ({m})" for w, m in self.report.refused.items()))
                    submit(number, units, refusals + 1)
                    continue
                if cancel is None or not cancel.cancelled:
                    fill()  # before writing: the workers never wait for the single writer
                self.writer.write(result)
                done_chars += sum(len(u[2]) for u in units)
                yield done_chars, time.monotonic() - started
                if cancel is not None:
                    cancel.check()  # raises Cancelled; every batch written so far stays
        finally:
            for future in list(inflight):
                with contextlib.suppress(Exception):
                    future.cancel()

    def _window(self) -> int:
        """Batches in flight: two per worker thread keeps every worker busy while one is written."""
        threads = sum(w.get("nthreads", 1) for w in self._worker_info().values())
        return max(4, 2 * threads + 1)

    def _worker_info(self) -> dict[str, Any]:
        """The scheduler's worker list, asked at most every WORKERS_EVERY seconds: each ask is a
        round trip, and the single writer must not spend its time on them."""
        now = time.monotonic()
        if self._workers_cache is not None and now - self._workers_asked < WORKERS_EVERY:
            return self._workers_cache
        try:
            info = dict(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        except TypeError:  # older distributed: no n_workers argument
            info = dict(self.client.scheduler_info().get("workers", {}))
        except Exception:  # noqa: BLE001 - a lost scheduler shows in the next result
            info = {}
        self._workers_cache, self._workers_asked = info, now
        return info

    def _workers(self) -> list[str]:
        return list(self._worker_info())

    def _result(self, future: Any, units: list["UnitText"]) -> Any:
        """The batch's result; a lost scheduler or a failing batch becomes one ClusterError line."""
        from concurrent.futures import CancelledError

        from distributed.comm.core import CommClosedError
        from distributed.scheduler import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            raise ClusterError(f"the batch starting at unit {_unit_key(units[0])} killed every worker that took it "
                               f"({len(units)} units); rerun to continue, with a smaller --batch-chars") from None
        except CancelledError:  # the client cancels every future when its scheduler connection is gone
            raise ClusterError(f"lost the Dask scheduler at {self.report.scheduler}: {self.report.units_done} units "
                               "written; rerun to continue") from None
        except (CommClosedError, OSError, TimeoutError) as exc:
            raise ClusterError(f"lost the Dask scheduler at {self.report.scheduler} ({_first_line(exc)}): "
                               f"{self.report.units_done} units written; rerun to continue") from None
        except Exception as exc:  # noqa: BLE001 - a worker-side error: one line, the run can be rerun
            raise ClusterError(f"a worker failed on the batch starting at unit {_unit_key(units[0])}: "
                               f"{type(exc).__name__}: {_first_line(exc)}") from None


def _unit_key(unit: "UnitText") -> str:
    return f"{unit[0]}:{'body' if unit[1] == -1 else unit[1]}"
