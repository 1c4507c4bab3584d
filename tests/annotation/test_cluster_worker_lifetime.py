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
    _assert_gone(worker)


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


def _assert_gone(worker: int) -> None:
    """The worker ends soon after its coordinator (30 s only keeps a broken run from hanging)."""
    end = time.monotonic() + 30
    while _alive(worker) and time.monotonic() < end:
        time.sleep(0.05)
    alive = _alive(worker)
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert not alive, "the worker outlived its coordinator"


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork hooks are tested on Linux")
def test_a_worker_forked_by_a_thread_that_ends_lives_on_with_its_coordinator():
    """Dask forks workers from threads that end while the cluster runs. prctl(2) documents that
    the parent-death signal fires when the forking *thread* ends (this machine's kernel did not
    send it, so this passes on the code that used it too): the worker watches its parent process
    itself, and lives as long as that process."""
    script = """
import os, threading, time
from annotation.nlp import cluster
cluster._workers_die_with_this_process()
box = []
def fork():
    child = os.fork()
    if child == 0:
        time.sleep(120)
        os._exit(0)
    box.append(child)
thread = threading.Thread(target=fork)
thread.start()
thread.join()  # the forking thread has ended
print(box[0], flush=True)
time.sleep(120)
"""
    coordinator = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        worker = int(coordinator.stdout.readline())
        time.sleep(1.0)  # four of the watch's periods
        assert _alive(worker), "the worker died with the thread that forked it"
    finally:
        coordinator.send_signal(signal.SIGKILL)
        coordinator.wait()
    _assert_gone(worker)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork hooks are tested on Linux")
def test_a_worker_forked_while_another_thread_holds_a_log_stream_can_still_log():
    """The coordinator's other threads log while a worker is forked; a stream lock held at that
    moment stays held in the child, whose first log line then waited forever (a worker stuck in
    StreamHandler.flush left LocalCluster waiting: a CI run hung). Here a stream's lock is held by
    another thread during the fork; the worker must still log and exit."""
    script = """
import logging, os, sys, threading, time
from annotation.nlp import cluster

class Stream:
    def __init__(self):
        self.lock = threading.Lock()
    def fileno(self):
        return 2
    def write(self, text):
        with self.lock:
            os.write(2, text.encode())
    def flush(self):
        with self.lock:
            pass

stream = Stream()
log = logging.getLogger("stand-in.worker")
log.addHandler(logging.StreamHandler(stream))
log.setLevel(logging.INFO)
cluster._workers_die_with_this_process()
held, release = threading.Event(), threading.Event()
def logging_thread():
    with stream.lock:  # mid-write when the worker is forked
        held.set()
        release.wait()
threading.Thread(target=logging_thread).start()
held.wait()
child = os.fork()
if child == 0:
    log.info("worker started")
    os._exit(0)
release.set()
end = time.monotonic() + 10
while time.monotonic() < end:
    pid, status = os.waitpid(child, os.WNOHANG)
    if pid:
        print("exited", os.waitstatus_to_exitcode(status), flush=True)
        sys.exit(0)
    time.sleep(0.05)
os.kill(child, 9)
print("stuck", flush=True)
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "exited 0", (out.stdout, out.stderr)
    assert "worker started" in out.stderr
