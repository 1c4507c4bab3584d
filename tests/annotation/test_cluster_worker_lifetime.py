"""A local:N worker never outlives its coordinator, however the coordinator dies.

Dask notices a dead parent through a pipe that forked workers inherit from each other, so after
a SIGKILL two workers could keep each other alive (seen: still busy 16 minutes later). Here a
stand-in coordinator forks a child the way LocalCluster's nanny does, and is SIGKILLed.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

COORDINATOR = """
import os, sys, time
from annotation.nlp import cluster
cluster._workers_die_with_this_process()
child = os.fork()
if child == 0:
    time.sleep(120)  # a worker that would go on working
    os._exit(0)
print(child, flush=True)
time.sleep(120)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_forked_worker_dies_with_its_sigkilled_coordinator():
    coordinator = subprocess.Popen([sys.executable, "-c", COORDINATOR], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        worker = int(coordinator.stdout.readline())
        assert _alive(worker)
    finally:
        coordinator.send_signal(signal.SIGKILL)
        coordinator.wait()
    end = time.monotonic() + 30  # only keeps a broken run from hanging the suite
    while _alive(worker) and time.monotonic() < end:
        time.sleep(0.05)
    alive = _alive(worker)
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert not alive, "the worker outlived its coordinator"


def test_a_fork_outside_a_local_cluster_is_left_alone():
    """Guard: a child forked when no local cluster is starting keeps the default (lives on)."""
    script = """
import os, signal, sys, time
from annotation.nlp import cluster
child = os.fork()
if child == 0:
    os.close(1)  # the test reads this process's output to its end
    os.close(2)
    time.sleep(5)
    os._exit(0)
print(child, flush=True)
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    child = int(out.stdout)
    time.sleep(0.3)
    try:
        assert _alive(child)  # its parent exited, it did not follow
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
