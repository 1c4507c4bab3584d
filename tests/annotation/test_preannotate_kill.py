"""A killed `goldspan preannotate --n-process 2` leaves no spaCy worker behind and frees the lock.

spaCy's nlp.pipe(n_process=2) forks worker processes; before, a SIGKILLed parent left them
running for minutes, holding the project's writer lock through an inherited descriptor.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from annotation.model import Comment, Document, ImportedArticle
from annotation.store import Store

ROOT = Path(__file__).resolve().parents[2]
TEXT = ("The minister said on Monday that the harbour would reopen in May. "
        "\"We are confident,\" she told reporters in Port Kessing. ") * 4


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, what: str, limit: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    """Poll ``condition``; the limit only stops a broken run from hanging the suite."""
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_killed_preannotate_leaves_no_worker_and_frees_the_lock(tmp_path):
    path = tmp_path / "p.db"
    with Store.create(path) as store:
        articles = [ImportedArticle(Document(None, f"d{n}", f"T{n}", TEXT),
                                    tuple(Comment(None, None, f"c{n}-{k}", TEXT) for k in range(5)))
                    for n in range(60)]
        with store.transaction():
            store.import_articles(articles, "t")
    parent = subprocess.Popen(
        [sys.executable, "-m", "annotation.cli", "preannotate", str(path), "--n-process", "2", "--batch-size", "2",
         "--annotator", "ann"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: len(_children(parent.pid)) >= 2 or parent.poll() is not None, "spaCy's workers")
        workers = _children(parent.pid)
        assert parent.poll() is None and len(workers) >= 2, "pre-annotation ended before its workers were seen"
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    # The lock is free at once: no worker holds its descriptor.
    Store.open(path).close()
    # And the workers follow their parent (before: minutes later, if ever). The deadline in
    # _wait_for is far longer than the death takes; it only keeps a failure from hanging.
    _wait_for(lambda: not any(_alive(w) for w in workers), "the workers to die", limit=60.0)
    with Store.open(path) as store:
        store.check_integrity()
