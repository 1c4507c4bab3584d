"""Jobs in a child process (annotation.process_job): progress, result and errors come back, the
child writes under this process's writer lock, Cancel stops it between batches and a partial
run is logged, and a job closed from outside leaves no process behind."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from annotation.commands import AddSpan
from annotation.errors import GoldspanError, InputError
from annotation.jobs import CancelToken, Cancelled, Progress, run
from annotation.model import ENTITY, ORIGIN_MODEL, Document, ImportedArticle, Span
from annotation.process_job import in_child_process
from annotation.store import Store

TEXT = "Ann met Bob in Paris on Monday and Carl in Rome on Friday."
HERE = "tests.annotation.test_process_job"


# -- jobs the child runs (found by name in a fresh interpreter) --------------------------------


def add_spans(store: Store, annotator: str, words: int, cancel: CancelToken | None = None,
              release: str = "") -> Any:
    """One committed span per word, a Progress after each; waits for ``release`` (a file) after
    the first, so a test can cancel in between."""
    doc = store.document_ids()[0]
    starts = [i for i, ch in enumerate(TEXT) if ch.isupper()][:words]
    for n, start in enumerate(starts, 1):
        end = TEXT.index(" ", start)
        store.apply(AddSpan(Span(None, doc, None, start, end, "PERSON", ENTITY, annotator, ORIGIN_MODEL, model="t 1")),
                    annotator)
        yield Progress(n, len(starts), f"{n} of {len(starts)} words")
        while release and not Path(release).exists():
            if cancel is not None:
                cancel.check()
            threading.Event().wait(0.02)
    return {"pid": os.getpid(), "spans": len(starts)}


def load_then_write(store: Store, annotator: str, release: str, cancel: CancelToken | None = None) -> Any:
    """Like pre-annotation: a long load that cannot stop half-way (here: until ``release`` exists,
    at most 30 s), then a write before the first check of the token."""
    yield Progress(0, 0, "loading the language model")
    for _ in range(1500):
        if Path(release).exists():
            break
        threading.Event().wait(0.02)
    doc = store.document_ids()[0]
    store.apply(AddSpan(Span(None, doc, None, 0, 3, "PERSON", ENTITY, annotator, ORIGIN_MODEL, model="t 1")), annotator)
    yield Progress(1, 1, "1 of 1 units")
    return None


def refuse(store: Store, cancel: CancelToken | None = None) -> Any:
    yield Progress(0, 1, "reading")
    raise InputError("news.jsonl", 3, "broken JSON")


def crash(store: Store, cancel: CancelToken | None = None) -> Any:
    yield Progress(0, 1, "working")
    raise ValueError("a bug in the job")


def die(store: Store, cancel: CancelToken | None = None) -> Any:
    yield Progress(0, 1, "working")
    os._exit(9)


# -- tests -------------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Any:
    path = tmp_path / "p.db"
    with Store.create(path) as created, created.transaction():
        created.import_articles([ImportedArticle(Document(None, "a1", "A", TEXT))], "test")
    opened = Store.open(path)
    yield opened
    opened.close()


def _spans(store: Store) -> list[Span]:
    return store.spans(store.document_ids()[0], "ann")


def test_a_job_runs_in_another_process_writes_the_project_and_returns_its_result(store: Store) -> None:
    seen: list[Progress] = []
    result = run(in_child_process(store, f"{HERE}:add_spans", {"annotator": "ann", "words": 3}), seen.append)
    assert result["pid"] != os.getpid()
    assert [p.done for p in seen] == [1, 2, 3] and seen[-1].message == "3 of 3 words"
    assert result["spans"] == 3 and len(_spans(store)) == 3  # written by the child, read here
    # this process still holds the writer lock: another process cannot open the project to write
    probe = subprocess.run([sys.executable, "-c", f"from annotation.store import Store; Store.open({str(store.path)!r})"],
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert probe.returncode != 0 and "another Goldspan process" in probe.stderr


def test_cancel_stops_the_child_between_batches_and_logs_the_partial_run(store: Store, tmp_path: Path) -> None:
    token = CancelToken()
    job = in_child_process(store, f"{HERE}:add_spans",
                           {"annotator": "ann", "words": 3, "release": str(tmp_path / "never")}, token,
                           log_partial_as="preannotate")
    assert next(job).done == 1
    token.cancel()
    with pytest.raises(Cancelled):
        next(job)
    assert len(_spans(store)) == 1  # the committed batch stays; nothing after it ran
    action, summary = store.conn.execute("SELECT action, command FROM edits ORDER BY id DESC LIMIT 1").fetchone()
    assert action == "preannotate" and '"partial": true' in summary


def test_errors_come_back_with_their_type_and_message(store: Store) -> None:
    with pytest.raises(InputError, match="broken JSON"):
        run(in_child_process(store, f"{HERE}:refuse"))
    with pytest.raises(ValueError, match="a bug in the job") as info:
        run(in_child_process(store, f"{HERE}:crash"))
    assert any("in the job's process" in note for note in getattr(info.value, "__notes__", []))
    with pytest.raises(GoldspanError, match="ended unexpectedly"):
        run(in_child_process(store, f"{HERE}:die"))


def test_a_job_closed_from_outside_leaves_no_process(store: Store, tmp_path: Path) -> None:
    release = tmp_path / "release"
    others = set(_children())  # processes an earlier test left running are not this job's
    job = in_child_process(store, f"{HERE}:add_spans", {"annotator": "ann", "words": 3, "release": str(release)})
    next(job)
    children = set(_children()) - others
    assert children  # the job's process, waiting for the release file
    job.close()  # what the runner does when Cancel is pressed between two progress reports
    assert not (children & set(_children()))
    assert len(_spans(store)) == 1
    store.conn.execute("PRAGMA quick_check").fetchone()


def test_a_stand_in_for_the_job_runs_here(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    module = sys.modules[__name__]

    def stand_in(store: Store, annotator: str, cancel: CancelToken | None = None, **_: Any) -> Any:
        yield Progress(1, 1, "here")
        return {"pid": os.getpid()}

    monkeypatch.setattr(module, "add_spans", stand_in)
    assert run(in_child_process(store, f"{HERE}:add_spans", {"annotator": "ann"}))["pid"] == os.getpid()


def _children() -> list[int]:
    """Live (not zombie) child processes of this one."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def test_cancel_while_the_job_loads_ends_it_at_once_without_writing(store: Store, tmp_path: Path) -> None:
    token = CancelToken()
    others = set(_children())  # processes an earlier test left running are not this job's
    job = in_child_process(store, f"{HERE}:load_then_write",
                           {"annotator": "ann", "release": str(tmp_path / "loaded")}, token)
    assert next(job).message == "loading the language model"
    children = set(_children()) - others
    assert children
    token.cancel()
    with pytest.raises(Cancelled):
        next(job)
    (tmp_path / "loaded").touch()  # had the child lived on, it would write now
    assert not (children & set(_children()))
    assert _spans(store) == []


def test_a_finished_child_exits_cleanly(store: Store, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """The cancel watcher blocked on stdin must not abort the child's interpreter at exit (it did,
    inside a buffered stdin reader: "Fatal Python error: _enter_buffered_busy", exit -6)."""
    import annotation.process_job as process_job

    children: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: Any, **kwargs: Any) -> Any:
        child = real_popen(*args, **kwargs)
        children.append(child)
        return child

    monkeypatch.setattr(process_job.subprocess, "Popen", recording_popen)
    for _ in range(4):
        run(in_child_process(store, f"{HERE}:add_spans", {"annotator": "ann", "words": 1}))
    assert [c.returncode for c in children] == [0, 0, 0, 0]
    assert "Fatal Python error" not in capfd.readouterr().err
