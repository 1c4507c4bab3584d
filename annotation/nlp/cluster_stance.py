"""Stance suggestions on a Dask cluster: workers predict, this process (the coordinator) writes.

``goldspan preannotate PROJECT.db --stance --scheduler tcp://HOST:8786|local:N``. As for
entities (annotation/nlp/cluster.py, whose connection it uses), the project file never leaves
this machine, and neither does the model folder: the coordinator reads the unlabelled
(comment, target) pairs, sends the trained heads' weights to every worker once (Dask's
scatter; a worker needs Goldspan installed, not the folder), sends the classifier rows in
batches, and writes each batch that comes back in one transaction, with the single-process
job's writer: a pair the annotator labels meanwhile is left alone, and a batch that comes back
twice (a retried task) is written once. The project ends up as after a plain run; a rerun
continues where a stop left off.
"""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Callable, Iterable

from annotation.jobs import CancelToken, Job, Progress
from annotation.nlp.cluster import ClusterError, _first_line, connect

if TYPE_CHECKING:
    from annotation.store import Store
    from annotation.training.suggest_stance import StanceSuggestReport

WINDOW_PER_WORKER = 2  # batches in flight per worker thread: each has the next while one is written


def predict_batch(heads: dict, rows: dict[str, list[tuple[str, str, str]]]) -> dict[str, list[tuple[str, float]]]:  # type: ignore[type-arg]
    """On a worker: the heads' (label, probability) for one batch of rows."""
    from annotation.training.suggest_stance import predict_rows

    return predict_rows(heads, rows)


def suggest_stance_on_cluster(store: "Store", annotator: str, scheduler: str, model: str = "latest",
                              force: bool = False, document_ids: Iterable[int] | None = None,
                              batch_size: int = 1000, cancel: CancelToken | None = None,
                              notify: Callable[[str], None] | None = None) -> Job["StanceSuggestReport"]:
    """Like annotation.training.suggest_stance.suggest_stance, with the predictions on Dask."""
    from annotation.training import registry
    from annotation.training.stance import load_heads
    from annotation.training.suggest_stance import StanceSuggestReport, classifier_rows, model_label, suggestions_of

    say = notify or (lambda line: None)
    store.require_writable()
    yield Progress(0, 0, "loading the stance model")
    path = registry.resolve(store, model, "stance")
    heads = load_heads(path)
    report = StanceSuggestReport(model_label(path))
    candidates = store.stance_candidates(annotator, force, replies="reply" in heads, document_ids=document_ids)
    report.pairs = len(candidates)
    if not candidates:  # nothing to do: no cluster to start or to bother
        yield Progress(0, 0, "done")
        return report
    size = max(1, batch_size)
    batches = [candidates[start:start + size] for start in range(0, len(candidates), size)]
    yield Progress(0, len(candidates), f"connecting to {scheduler}")
    with connect(scheduler) as (client, name):
        try:
            dashboard = str(client.dashboard_link or "")
        except Exception:  # noqa: BLE001 - no dashboard is no reason to stop
            dashboard = ""
        say(f"Dask dashboard: {dashboard or 'not served by this scheduler'}")
        yield Progress(0, len(candidates), "sending the stance model to the workers")
        try:
            shared = client.scatter([heads], broadcast=True)[0]  # one key: the heads, on every worker
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"lost the Dask scheduler at {scheduler} while sending the model ({_first_line(exc)}); "
                               "nothing written, rerun to start") from None
        done = 0
        with store.bulk():
            for number, predictions in _results(client, shared, heads, batches, scheduler, cancel):
                items = suggestions_of(classifier_rows(heads, batches[number]), predictions)
                written = store.write_stance_suggestions(items, annotator, report.model)
                report.written += written
                report.skipped_human += len(items) - written
                done += len(batches[number])
                yield Progress(done, len(candidates), f"suggesting stance on {name} ({done} of {len(candidates)})")
                if cancel is not None:
                    cancel.check()  # every batch written so far stays
    return report


def _results(client: Any, shared: Any, heads: dict, batches: list[list[Any]], scheduler: str,  # type: ignore[type-arg]
             cancel: CancelToken | None) -> Any:
    """(batch number, predictions) as batches come back, each batch once; a window in flight."""
    from distributed import as_completed

    from annotation.training.suggest_stance import classifier_rows

    run_id = uuid.uuid4().hex[:8]
    flow = as_completed(loop=client.loop)
    inflight: dict[Any, int] = {}
    queue = iter(range(len(batches)))
    seen: set[int] = set()
    try:
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values())
    except Exception:  # noqa: BLE001 - a lost scheduler shows in the first result
        threads = 1
    window = max(2, WINDOW_PER_WORKER * threads + 1)

    def fill() -> None:
        while len(inflight) < window:
            number = next(queue, None)
            if number is None:
                return
            rows = {head: head_rows for head, (_, head_rows) in classifier_rows(heads, batches[number]).items()}
            future = client.submit(predict_batch, shared, rows, key=f"goldspan-stance-{run_id}-{number}", pure=False)
            inflight[future] = number
            flow.add(future)

    try:
        fill()
        while inflight:
            future = next(flow)
            number = inflight.pop(future)
            result = _result(future, number, scheduler)
            if cancel is None or not cancel.cancelled:
                fill()  # before writing: the workers never wait for the single writer
            if number in seen:
                continue
            seen.add(number)
            yield number, result
    finally:
        for future in list(inflight):
            try:
                future.cancel()
            except Exception:  # noqa: BLE001 - closing must not raise
                pass


def _result(future: Any, number: int, scheduler: str) -> Any:
    from concurrent.futures import CancelledError

    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker

    try:
        return future.result()
    except KilledWorker:
        raise ClusterError(f"stance batch {number + 1} killed every worker that took it; rerun to continue") from None
    except CancelledError:  # the client cancels every future when its scheduler connection is gone
        raise ClusterError(f"lost the Dask scheduler at {scheduler}; the batches written stay, rerun to continue") from None
    except (CommClosedError, OSError, TimeoutError) as exc:
        raise ClusterError(f"lost the Dask scheduler at {scheduler} ({_first_line(exc)}); the batches written stay, "
                           "rerun to continue") from None
    except Exception as exc:  # noqa: BLE001 - a worker-side error: one line, the run can be rerun
        raise ClusterError(f"a worker failed on stance batch {number + 1}: {type(exc).__name__}: {_first_line(exc)}") from None
