"""Pre-annotation on a Dask cluster gives the project a plain run gives, exactly once.

One LocalCluster of 2 worker processes (each loads the model once) serves the module; the
coordinator reaches it by its tcp:// address, as it would a cluster on other machines.
Reference: the single-process job on the same project (the Wikinews corpus plus an article
with reader comments). Every comparison is a multiset, so a unit written twice shows.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from annotation.jobs import run
from annotation.model import Comment, Document, ImportedArticle
from annotation.store import Store
from tests.helpers import CORPUS, REPO, shared

distributed = pytest.importorskip("distributed")

ANN = "ann"
BATCH_CHARS = 4_000  # small batches: many of them, so a kill lands mid-run
COMMENTS = ["“We were never told,” she said, and nobody asked her again.", "According to the minister, nothing changed.",
            "The mayor told reporters that the plan would work. It did not.", "lol", ""]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from annotation.import_job import import_files

    path = tmp_path_factory.mktemp("cluster") / "template.db"
    with Store.create(path) as store:
        run(import_files(store, [shared(*CORPUS)]))
        with store.transaction():
            store.import_articles([ImportedArticle(
                Document(None, "with-comments", "Harbour", "The harbour reopens in May, the minister said on Monday."),
                tuple(Comment(None, None, f"c{k}", text) for k, text in enumerate(COMMENTS)))], "test")
    return path


def _copy(template: Path, folder: Path, name: str) -> Path:
    path = folder / name
    shutil.copy(template, path)
    return path


def _suggestions(path: Path) -> Counter:  # type: ignore[type-arg]
    """Every suggestion and relation by content (ids differ with the order of writes)."""
    found: Counter = Counter()  # type: ignore[type-arg]
    with Store.open(path, read_only=True) as store:
        for doc in store.document_ids():
            spans = {s.id: s for s in store.spans(doc, ANN)}

            def key(span):  # type: ignore[no-untyped-def]
                return (span.document_id, span.comment_id, span.start, span.end, span.label, span.layer,
                        span.origin, span.model, json.dumps(span.attrs, sort_keys=True))

            found.update(("span", key(s)) for s in spans.values())
            found.update(("relation", key(spans[r.head_id]), key(spans[r.child_id]), r.label, r.origin)
                         for r in store.relations(doc, ANN))
    return found


@pytest.fixture(scope="module")
def reference(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Counter:  # type: ignore[type-arg]
    from annotation.nlp.preannotate import preannotate

    path = _copy(template, tmp_path_factory.mktemp("reference"), "single.db")
    with Store.open(path) as store:
        report = run(preannotate(store, ANN))
    assert report.units_done == report.units_total > 24 and report.spans_added > 500
    return _suggestions(path)


@pytest.fixture(scope="module")
def scheduler() -> str:
    """A 2-worker LocalCluster (processes with nannies: a killed worker is restarted)."""
    import logging

    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _run_cluster(path: Path, scheduler: str, **kw):  # type: ignore[no-untyped-def]
    from annotation.nlp.cluster import preannotate_on_cluster

    with Store.open(path) as store:
        return run(preannotate_on_cluster(store, ANN, scheduler, batch_chars=BATCH_CHARS, **kw))


def test_two_workers_write_what_one_process_writes(template, reference, scheduler, tmp_path):
    path = _copy(template, tmp_path, "cluster.db")
    lines: list[str] = []
    report = _run_cluster(path, scheduler, notify=lines.append)
    assert _suggestions(path) == reference
    assert report.units_done == report.units_total and report.duplicates == 0
    assert len(report.workers) == 2 and sum(report.workers.values()) == report.units_done  # both worked
    assert any(line.startswith("Dask dashboard") for line in lines)
    # A rerun finds nothing left to do and changes nothing.
    again = _run_cluster(path, scheduler)
    assert again.units_done == 0 and again.units_skipped == report.units_total
    assert _suggestions(path) == reference
    with Store.open(path) as store:
        store.check_integrity()


def test_a_worker_killed_mid_run_changes_nothing(template, reference, scheduler, tmp_path):
    from distributed import Client

    from annotation.nlp.cluster import preannotate_on_cluster

    path = _copy(template, tmp_path, "killed.db")
    killed = None
    with Client(scheduler) as observer, Store.open(path) as store:
        job = preannotate_on_cluster(store, ANN, scheduler, batch_chars=BATCH_CHARS)
        try:
            while True:
                progress = next(job)
                if killed is None and getattr(progress, "units_done", 0) > 0:
                    busy = [w for w, keys in observer.processing().items() if keys]
                    if busy:  # mid-batch: its nanny restarts it, Dask retries the batch
                        pid = observer.run(os.getpid, workers=[busy[0]])[busy[0]]
                        os.kill(pid, signal.SIGKILL)
                        killed = busy[0]
        except StopIteration as stop:
            report = stop.value
    assert killed is not None, "no worker was ever seen with a batch to kill"
    assert report.units_done == report.units_total
    assert _suggestions(path) == reference


def test_rerun_after_the_coordinator_is_killed_writes_each_unit_once(template, reference, scheduler, tmp_path):
    """`goldspan preannotate --scheduler local:2` SIGKILLed mid-run: its workers go with it, the
    lock is free, and a rerun (here on the module's cluster) writes each remaining unit once."""
    path = _copy(template, tmp_path, "coordinator.db")
    with Store.open(path, read_only=True) as store:
        total = len(store.pending_units(ANN, "-", True))
    coordinator = subprocess.Popen(
        [sys.executable, "-m", "annotation.cli", "preannotate", str(path), "--scheduler", "local:2",
         "--batch-chars", "2000", "--annotator", ANN],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        done = _wait_for_units_done(path, coordinator)
        assert 0 < done < total, "the coordinator finished before it could be killed"
        workers = _descendants(coordinator.pid)
        assert len(workers) >= 2
    finally:
        coordinator.send_signal(signal.SIGKILL)
        coordinator.wait()
    Store.open(path).close()  # the writer lock died with the coordinator
    end = time.monotonic() + 120  # only keeps a broken run from hanging the suite
    while any(_alive(pid) for pid in workers):
        if time.monotonic() >= end:
            left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:160].decode(errors="replace")
                    for pid in workers if _alive(pid)}
            raise AssertionError(f"the local cluster's workers outlived their coordinator: {left}")
        time.sleep(0.1)
    report = _run_cluster(path, scheduler)
    assert 0 < report.units_done < total and report.units_skipped == total - report.units_done
    assert _suggestions(path) == reference  # a multiset: a unit written twice would show
    with Store.open(path) as store:
        store.check_integrity()


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for_units_done(path: Path, process: subprocess.Popen) -> int:  # type: ignore[type-arg]
    """Units the coordinator has written, once it has written some; the limit only keeps a broken run from hanging."""
    from annotation.nlp.models import load_model

    label = load_model().label
    end = time.monotonic() + 300
    while time.monotonic() < end:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else "coordinator exited"
        with Store.open(path, read_only=True, check=False) as store:
            total = len(store.pending_units(ANN, label, True))
            done = total - len(store.pending_units(ANN, label))
        if done:
            return done
        time.sleep(0.02)
    raise AssertionError("the coordinator wrote nothing")


def test_a_batch_that_comes_back_twice_writes_nothing_the_second_time(template, tmp_path):
    from annotation.nlp.cluster import ClusterReport, ResultWriter, char_batches
    from annotation.nlp.cluster_worker import annotate_batch
    from annotation.nlp.models import load_model

    label = load_model().label
    path = _copy(template, tmp_path, "twice.db")
    with Store.open(path) as store:
        units = [p.unit for p in store.pending_units(ANN, label)]
        first = next(char_batches(store.iter_unit_texts(units), 8_000))
        result = annotate_batch(0, None, label, first, 64)  # what a worker returns, computed here
        report = ClusterReport(label)
        writer = ResultWriter(store, ANN, label, report, since=None)
        assert writer.write(result) == len(first) > 1
        after_first = (_suggestions(path), store.edit_log(limit=10_000))
        assert writer.write(result) == 0  # the same result again, as after a retried task
        assert writer.write(annotate_batch(0, None, label, first, 64)) == 0  # or a recomputed one
        assert (_suggestions(path), store.edit_log(limit=10_000)) == after_first
        assert report.units_done == len(first) and report.duplicates == 2 * len(first)
        # --force redoes done units, but a duplicate within the run still writes nothing.
        from annotation.store.rows import now

        forced = ResultWriter(store, ANN, label, ClusterReport(label), since=now())
        assert forced.write(result) == len(first)
        assert forced.write(result) == 0
        assert _suggestions(path) == after_first[0]


def test_a_worker_with_another_model_is_refused(template, tmp_path, monkeypatch):
    """An in-process cluster whose only worker has another version: refused, one line, nothing written."""
    import logging

    from distributed import LocalCluster

    from annotation.nlp import cluster_worker
    from annotation.nlp.cluster import ClusterError
    from annotation.nlp.models import load_model

    label = load_model().label
    name, version = label.rsplit(" ", 1)
    other = type("Loaded", (), {"label": f"{name} 0.0.1", "nlp": None})()
    monkeypatch.setitem(cluster_worker._loaded, None, other)  # the worker threads share this process
    assert isinstance(cluster_worker.annotate_batch(0, None, label, [(1, -1, "Hello.")], 8), cluster_worker.BatchRefused)
    path = _copy(template, tmp_path, "refused.db")
    lines: list[str] = []
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster:
        with pytest.raises(ClusterError) as error:
            _run_cluster(path, cluster.scheduler_address, notify=lines.append)
    assert "\n" not in str(error.value) and f"{name} 0.0.1" in str(error.value) and label in str(error.value)
    refused = [line for line in lines if line.startswith("refused worker")]
    assert len(refused) == 1 and f"{name} 0.0.1" in refused[0]
    assert not _suggestions(path)


def test_a_lost_scheduler_stops_with_one_line_and_a_rerun_continues(template, reference, scheduler, tmp_path):
    """A scheduler and a worker as separate programs (as on other machines); the scheduler dies mid-run."""
    from annotation.nlp.cluster import ClusterError, preannotate_on_cluster

    path = _copy(template, tmp_path, "lost.db")
    address_file = tmp_path / "scheduler.json"
    started = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                 "--port", "0", "--dashboard-address", ":0", "--scheduler-file", str(address_file)],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        end = time.monotonic() + 120  # only keeps a broken start from hanging the suite
        while not address_file.exists() or not address_file.read_text().strip():
            assert time.monotonic() < end and started[0].poll() is None, "the scheduler did not start"
            time.sleep(0.1)
        remote = json.loads(address_file.read_text())["address"]
        started.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", "--nthreads", "1",
                                         "--no-nanny", remote], cwd=REPO, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))
        lines: list[str] = []
        with Store.open(path) as store:
            job = preannotate_on_cluster(store, ANN, remote, batch_chars=BATCH_CHARS, notify=lines.append)
            with pytest.raises(ClusterError) as error:
                for progress in job:
                    if getattr(progress, "units_done", 0) > 0 and started[0].poll() is None:
                        started[0].send_signal(signal.SIGKILL)
                        started[0].wait()
    finally:
        for process in started:
            process.kill()
            process.wait()
    message = str(error.value)
    assert message.startswith(f"lost the Dask scheduler at {remote}") and "\n" not in message
    assert "rerun to continue" in message
    report = _run_cluster(path, scheduler)  # the rerun, on another cluster
    assert 0 < report.units_done < report.units_total
    assert _suggestions(path) == reference


def test_model_option_goes_to_the_workers(scheduler, tmp_path):
    """--model with --scheduler: the workers load the same pipeline folder, suggestions record it."""
    import spacy.util

    from annotation.nlp.models import default_model_name, load_model
    from annotation.nlp.preannotate import preannotate

    installed = spacy.util.get_package_path(default_model_name())
    folder = tmp_path / "pipeline"
    shutil.copytree(next(p for p in installed.iterdir() if (p / "meta.json").exists()), folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["version"] = "0.0.7"  # another version than the installed one: a different model to Goldspan
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    label = load_model(str(folder)).label
    assert label.endswith(" 0.0.7")
    single, clustered = tmp_path / "single.db", tmp_path / "clustered.db"
    with Store.create(single) as store, store.transaction():
        store.import_articles([ImportedArticle(
            Document(None, "d", "Harbour", "“We are confident,” the minister told reporters in Port Kessing."),
            tuple(Comment(None, None, f"c{k}", text) for k, text in enumerate(COMMENTS)))], "test")
    shutil.copy(single, clustered)
    with Store.open(single) as store:
        run(preannotate(store, ANN, model=str(folder)))
    report = _run_cluster(clustered, scheduler, model=str(folder))
    assert report.model == label and report.units_done == len(COMMENTS) + 1
    found = _suggestions(clustered)
    assert found == _suggestions(single) and found
    assert {key[1][7] for key in found if key[0] == "span"} == {label}


def test_a_refused_worker_leaves_the_run_to_the_others(tmp_path, monkeypatch):
    """Two workers, one with another model version: one line about it, and the other does every unit."""
    import logging

    from distributed import LocalCluster, get_worker

    from annotation.nlp import cluster_worker
    from annotation.nlp.models import load_model
    from annotation.nlp.preannotate import preannotate

    label = load_model().label
    stale = label.rsplit(" ", 1)[0] + " 0.0.1"
    single, clustered = tmp_path / "single.db", tmp_path / "clustered.db"
    with Store.create(single) as store, store.transaction():
        store.import_articles([ImportedArticle(
            Document(None, f"d{n}", "Harbour", f"“We are confident,” the minister told reporters in Port {n}."),
            tuple(Comment(None, None, f"c{n}-{k}", text) for k, text in enumerate(COMMENTS))) for n in range(4)], "test")
    shutil.copy(single, clustered)
    with Store.open(single) as store:
        run(preannotate(store, ANN))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster:
        stale_worker = sorted(cluster.scheduler_info["workers"])[0]
        real_label, real_batch = cluster_worker.worker_model_label, cluster_worker.annotate_batch

        def label_of(model, dask_worker=None):  # type: ignore[no-untyped-def]
            return stale if dask_worker is not None and dask_worker.address == stale_worker else real_label(model)

        def batch_on(batch, model, expected, units, batch_size):  # type: ignore[no-untyped-def]
            if get_worker().address == stale_worker:
                return cluster_worker.BatchRefused(batch, stale_worker, stale)
            return real_batch(batch, model, expected, units, batch_size)

        monkeypatch.setattr(cluster_worker, "worker_model_label", label_of)
        monkeypatch.setattr(cluster_worker, "annotate_batch", batch_on)
        lines: list[str] = []
        with Store.open(clustered) as store:
            from annotation.nlp.cluster import preannotate_on_cluster

            report = run(preannotate_on_cluster(store, ANN, cluster.scheduler_address, batch_chars=60,
                                                notify=lines.append))
    assert [line for line in lines if line.startswith("refused")] == [
        f"refused worker {stale_worker}: it has {stale}, this run uses {label}"]
    assert report.refused == {stale_worker: stale} and stale_worker not in report.workers
    assert report.units_done == report.units_total and _suggestions(clustered) == _suggestions(single)


def test_cluster_progress_fields_are_its_own_and_count_texts():
    """Its fields are keyword-only (a field added to Progress once shifted units_done into
    Progress.items, and a lost scheduler was then reported as unreachable), and it counts texts
    for the window's dialog like the plain job."""
    from annotation.nlp.cluster import ClusterProgress

    progress = ClusterProgress(10, 100, "pre-annotating", units_done=2, units_total=5)
    assert (progress.units_done, progress.units_total, progress.items) == (2, 5, (2, 5))
    with pytest.raises(TypeError):
        ClusterProgress(10, 100, "pre-annotating", None, 2)  # type: ignore[misc]
