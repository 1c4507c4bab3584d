"""Pre-annotation on Dask against the single-machine paths, same units, same run.

    uv run python bench/cluster_bench.py [--articles 400] [--batch-chars 20000] [--repeat 1]

Builds the demo-like project of bench/preannotate_bench.py (Wikinews paragraphs recombined,
reader comments) and pre-annotates fresh copies of it four ways:

  1 process        preannotate(...)                          the plain job
  --n-process 2    preannotate(..., n_process=2)             spaCy's worker processes
  local:2          preannotate_on_cluster(..., "local:2")    as `--scheduler local:2` runs it,
                                                             starting the LocalCluster included
  tcp (2 workers)  a `dask scheduler` and a `dask worker --nworkers 2` started as separate
                   programs first (the several-machines layout, here on one), then
                   preannotate_on_cluster(..., "tcp://...")

and prints throughput in units/s, the ratio local:2 / --n-process 2 (target >= 0.9), and, from
the tcp run where the coordinator is a process of its own: its CPU time per 1,000 units (the
single writer's share; 1,000 / that is the most units per second one coordinator can take in,
however many workers) and the scheduler's; and the bytes that cross the network per unit,
counted in the scheduler's TCP comms (client <-> scheduler <-> workers: all of it goes through
the scheduler here) and in the coordinator's.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from preannotate_bench import build_articles, make_project  # noqa: E402

ANN = "bench"


# -- counting bytes in distributed's TCP comms (installed in this process and in the scheduler) --

def install_byte_counter() -> None:
    """Count bytes written and read by every TCP comm of this process (idempotent)."""
    import distributed.comm.tcp as tcp

    if getattr(tcp, "_goldspan_counts", None) is not None:
        return
    counts = {"sent": 0, "received": 0}
    tcp._goldspan_counts = counts  # type: ignore[attr-defined]
    write, read_bytes_rw = tcp.TCP.write, tcp.read_bytes_rw

    async def counting_write(self, msg, serializers=None, on_error="message"):  # type: ignore[no-untyped-def]
        n = await write(self, msg, serializers, on_error)
        counts["sent"] += n
        return n

    async def counting_read_bytes_rw(stream, n):  # type: ignore[no-untyped-def]
        counts["received"] += n + 8  # + the 8-byte length prefix read before it
        return await read_bytes_rw(stream, n)

    tcp.TCP.write = counting_write
    tcp.read_bytes_rw = counting_read_bytes_rw


def byte_counts() -> dict[str, int]:
    import distributed.comm.tcp as tcp

    return dict(getattr(tcp, "_goldspan_counts", None) or {"sent": 0, "received": 0})


# -- the runs ------------------------------------------------------------------------------------

def fresh_copy(template: Path, folder: Path) -> Path:
    copy = folder / f"run-{time.monotonic_ns()}.db"
    shutil.copy(template, copy)
    return copy


def cpu_with_children() -> float:
    """CPU seconds of this process and of its finished (reaped) descendants: spaCy's forked
    workers, a LocalCluster's worker processes. On a machine shared with other work this is the
    steadier measure of what a way costs."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def run_plain(template: Path, folder: Path, n_process: int) -> tuple[float, float, Any]:
    """Wall seconds, CPU seconds (this process and its workers), report."""
    from annotation.jobs import run
    from annotation.nlp.preannotate import preannotate
    from annotation.store import Store

    with Store.open(fresh_copy(template, folder)) as store:
        start, cpu = time.perf_counter(), cpu_with_children()
        report = run(preannotate(store, ANN, n_process=n_process))
        return time.perf_counter() - start, cpu_with_children() - cpu, report


def run_cluster(template: Path, folder: Path, scheduler: str, batch_chars: int) -> tuple[float, float, float, Any]:
    """Wall seconds, CPU seconds of this process alone, of it and its reaped children, report."""
    from annotation.jobs import run
    from annotation.nlp.cluster import preannotate_on_cluster
    from annotation.store import Store

    with Store.open(fresh_copy(template, folder)) as store:
        start, mine, cpu = time.perf_counter(), time.process_time(), cpu_with_children()
        report = run(preannotate_on_cluster(store, ANN, scheduler, batch_chars=batch_chars))
        return time.perf_counter() - start, time.process_time() - mine, cpu_with_children() - cpu, report


class SeparateCluster:
    """`dask scheduler` and `dask worker --nworkers N` as programs of their own, on loopback."""

    def __init__(self, folder: Path, workers: int) -> None:
        self.folder, self.workers = folder, workers
        self.processes: list[subprocess.Popen] = []  # type: ignore[type-arg]

    def __enter__(self) -> "SeparateCluster":
        info = self.folder / "scheduler.json"
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
             "--dashboard-address", ":0", "--scheduler-file", str(info)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        end = time.monotonic() + 120
        while not info.exists() or not info.read_text().strip():
            if time.monotonic() > end or self.processes[0].poll() is not None:
                raise SystemExit("the dask scheduler did not start")
            time.sleep(0.1)
        self.address = json.loads(info.read_text())["address"]
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", "--nworkers", str(self.workers), "--nthreads", "1",
             self.address], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(self.address) as client:
            client.wait_for_workers(self.workers, timeout=300)
        return self

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def scheduler_cpu(self) -> float:
        return _tree_cpu(self.processes[0].pid)

    def workers_cpu(self) -> float:
        return _tree_cpu(self.processes[1].pid)


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a running process and its running descendants."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--batch-chars", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of N for each way (interleaved)")
    args = parser.parse_args()
    from distributed import Client

    from annotation.nlp.models import load_model

    loaded = load_model()  # the coordinator's (cached: not part of any timing)
    articles = build_articles(args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template, texts = make_project(folder, articles)
        units, chars = len(texts), sum(len(t) for t in texts)
        print(f"{len(articles)} articles, {units} units, {chars:,} characters; model {loaded.label}; "
              f"batches of {args.batch_chars:,} characters")
        best: dict[str, float] = {}  # wall seconds, best of --repeat
        cpu: dict[str, float] = {}  # CPU seconds of everything that did the work, best of --repeat
        reports: dict[str, Any] = {}

        def keep(way: str, seconds: float, cpu_seconds: float, report: Any) -> None:
            best[way] = min(best.get(way, float("inf")), seconds)
            cpu[way] = min(cpu.get(way, float("inf")), cpu_seconds)
            reports[way] = report

        for _ in range(args.repeat):  # interleaved, so drifting load hits every way alike
            for n_process in (1, 2):
                keep(f"n{n_process}", *run_plain(template, folder, n_process))
            wall, _mine, total_cpu, report = run_cluster(template, folder, "local:2", args.batch_chars)
            keep("local:2", wall, total_cpu, report)
        with SeparateCluster(folder, 2) as cluster, Client(cluster.address) as observer:
            observer.run_on_scheduler(install_byte_counter)
            install_byte_counter()
            # The scheduler spends CPU on heartbeats and housekeeping even when idle: measure that
            # rate first, so the per-unit figure is what the work itself costs it.
            idle0, idle_start = cluster.scheduler_cpu(), time.perf_counter()
            time.sleep(10)
            idle_rate = (cluster.scheduler_cpu() - idle0) / (time.perf_counter() - idle_start)
            sched_cpu0, workers_cpu0, coord_bytes0 = cluster.scheduler_cpu(), cluster.workers_cpu(), byte_counts()
            sched_bytes0 = observer.run_on_scheduler(byte_counts)
            wall, coord_cpu, _total, report = run_cluster(template, folder, cluster.address, args.batch_chars)
            sched_cpu, workers_cpu = cluster.scheduler_cpu() - sched_cpu0, cluster.workers_cpu() - workers_cpu0
            sched_bytes = observer.run_on_scheduler(byte_counts)
            coord_bytes = byte_counts()
            keep("tcp", wall, coord_cpu + sched_cpu + workers_cpu, report)
        print(f"{'':>22}  {'wall':>8}  {'units/s':>8}  {'chars/s':>9}  {'CPU s':>7}  {'units/CPU s':>11}")
        for way, label in (("n1", "1 process"), ("n2", "--n-process 2"), ("local:2", "--scheduler local:2"),
                           ("tcp", "tcp://, 2 workers")):
            r = reports[way]
            setup = f"   (of which {r.setup_seconds:.1f} s starting and loading the model)" if hasattr(r, "setup_seconds") else ""
            print(f"{label:>22}  {best[way]:7.2f}s  {units / best[way]:8.2f}  {chars / best[way]:9,.0f}  "
                  f"{cpu[way]:7.1f}  {units / cpu[way]:11.2f}{setup}")
        same = len({(r.spans_added, r.relations_added, r.units_done) for r in reports.values()}) == 1
        print(f"same suggestions counted by every way: {'yes' if same else 'NO'} "
              f"({reports['n1'].spans_added} spans, {reports['n1'].relations_added} relations)")
        local = reports["local:2"]
        steady = best["local:2"] - local.setup_seconds
        print(f"ratio local:2 / --n-process 2 (target >= 0.9): wall {best['n2'] / best['local:2']:.3f}, "
              f"wall after the cluster is up {best['n2'] / steady:.3f}, CPU {cpu['n2'] / cpu['local:2']:.3f}; "
              f"tcp / --n-process 2 wall {best['n2'] / best['tcp']:.3f}; --n-process 2 / 1 wall {best['n1'] / best['n2']:.2f}x")
        per_k = coord_cpu / units * 1000
        print(f"coordinator CPU: {per_k:.2f} s per 1,000 units -> one coordinator can take in at most "
              f"~{1000 / per_k:,.0f} units/s (~{1000 / per_k / (units / cpu['n1']):,.0f} single-core workers' worth)")
        work_cpu = max(1e-9, sched_cpu - idle_rate * best["tcp"])
        print(f"scheduler CPU: {sched_cpu / units * 1000:.2f} s per 1,000 units ({idle_rate * 100:.1f}% of a core when idle); "
              f"less the idle share {work_cpu / units * 1000:.2f} s -> ~{units / work_cpu:,.0f} units/s at most with "
              f"batches of {args.batch_chars:,} characters")
        through = (sched_bytes["sent"] - sched_bytes0["sent"]) + (sched_bytes["received"] - sched_bytes0["received"])
        mine = (coord_bytes["sent"] - coord_bytes0["sent"]) + (coord_bytes["received"] - coord_bytes0["received"])
        print(f"network: {through / units:,.0f} bytes per unit through the scheduler (all hops), "
              f"{mine / units:,.0f} to and from the coordinator; the text itself is {chars / units:,.0f} characters per unit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
