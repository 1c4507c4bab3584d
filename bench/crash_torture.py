"""Crash torture: SIGKILL the window and the bulk jobs at random moments, lose nothing.

    uv run python bench/crash_torture.py [--kills 300] [--window-import-kills 30] [--job-kills 3] [--seed 1]
                                         [--project DIR|FILE.db] [--dialog window|plain|none] [--no-reader]
    uv run python bench/crash_torture.py --quick        # 20 edit kills, 5 with a window import, 1 of each job

Edits. A child (bench/torture_child.py) opens a copy of a real, pre-annotated project the way
``goldspan open`` does, with a non-native file dialog shown on the project's folder, and applies
random edits through the window's path (Session.push -> QUndoStack -> store.apply, undo and redo
too). After each edit returns committed it appends an acknowledgement (edit id, action, command)
to a file and fsyncs it. Meanwhile a second process runs ``sqlite3 PROJECT "select count(*) from
stances"`` in a loop, as a researcher's terminal would. The parent SIGKILLs the child at random
(seeded) moments and starts it again, N times. Then: every acknowledged edit must be in the edit
log, ``goldspan check`` must be clean, and the tables (spans, relations, stances, targets,
doc_status) must equal a replay of the edit log onto a fresh copy of the starting project.
A second edit phase does the same while the window also imports a file of new articles on its
worker (Ctrl+I's path) at a random moment: no half-imported file, and the replay re-imports it.
``--dialog plain`` shows a plain QFileDialog instead of the window's own (lock-safe) one and
``--dialog none``/``--no-reader`` leave parts out, to tell causes apart.

Jobs. ``goldspan import`` (two JSONL files with comment threads), ``goldspan preannotate``
(--n-process 1 and 2) and ``goldspan merge`` are each killed at a random moment, with the
reader running. Afterwards: no half file (a file's documents are all there or none, each with
all its comments), no half unit (a unit marked done in unit_nlp has exactly the suggestions an
uninterrupted run gives it; a unit not marked done has none), no half merge; the project opens
for writing again at once (the delay is printed) and no process of the killed job is left; and a
rerun of the same command finishes with the counts of an uninterrupted run.

Exit status 1 when an acknowledged edit was lost or any check failed. No timing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = Path(__file__).resolve().parent / "torture_child.py"
CORPUS = Path(os.environ.get("GOLDSPAN_CORPUS", ROOT.parent / "shared" / "corpus" / "wikinews_gum.jsonl"))
DEMO = ROOT / "resources" / "demo"
ANNOTATOR = "torture"
COMPARED = {  # table -> columns compared with the replay (times left out: they are "now")
    "spans": "id, document_id, comment_id, start, end, label, layer, annotator, origin, model, attrs",
    "relations": "id, document_id, head_id, child_id, label, annotator, origin",
    "stances": "comment_id, target, label, annotator, note, unsure",
    "targets": "document_id, name, span_id",
    "doc_status": "document_id, annotator, status, note",
}
COUNTED = ("documents", "comments", "spans", "relations", "stances", "targets", "doc_status", "unit_nlp")


# -- small helpers --------------------------------------------------------------------------------

def goldspan_argv() -> list[str]:
    script = Path(sys.executable).parent / "goldspan"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gui.launcher"]


def child_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "QT_QPA_PLATFORM": "offscreen", "GOLDSPAN_ANNOTATOR": ANNOTATOR,
        "XDG_CONFIG_HOME": str(work / "config"), "GOLDSPAN_DATA_DIR": str(work / "data"),
        "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    })
    return env


def copy_project(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(src)
    out = sqlite3.connect(dst)
    conn.backup(out)  # a consistent copy, whatever state src's WAL is in
    out.close()
    conn.close()


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path, timeout=30)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}
    finally:
        conn.close()


def group_processes(pgid: int) -> list[int]:
    """Live (not zombie) processes in a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields_ = stat[stat.rindex(")") + 2:].split()
        if int(fields_[2]) == pgid and fields_[0] != "Z":
            found.append(int(entry.name))
    return found


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def writable_after(path: Path, timeout: float) -> float | None:
    """Seconds until the project opens for writing (None: not within ``timeout``)."""
    from annotation.errors import GoldspanError
    from annotation.store import Store

    t0 = time.perf_counter()
    while True:
        try:
            Store.open(path, check=False).close()
            return time.perf_counter() - t0
        except GoldspanError:
            if time.perf_counter() - t0 > timeout:
                return None
            time.sleep(0.02)


class Reader:
    """The outside reader process, from start() to stop()."""

    def __init__(self, project: Path, work: Path) -> None:
        self.stop_file = work / f"stop-reader-{os.getpid()}-{time.monotonic_ns()}"
        self.proc = subprocess.Popen([sys.executable, str(CHILD), "reader", str(project), str(self.stop_file)],
                                     stdout=subprocess.PIPE, text=True, env=child_env(work))

    def stop(self) -> dict[str, int]:
        self.stop_file.touch()
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        self.stop_file.unlink(missing_ok=True)
        try:
            return json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return {"reads": 0, "errors": -1}


def run_check(path: Path, work: Path) -> tuple[bool, str]:
    """``goldspan check`` when the command exists, else SQLite's own checks (and says so)."""
    if (ROOT / "annotation" / "cli" / "commands" / "check.py").exists():
        out = subprocess.run([*goldspan_argv(), "check", str(path)], capture_output=True, text=True, env=child_env(work))
        text = (out.stdout + out.stderr).strip()
        return out.returncode == 0, "goldspan check: " + (text.splitlines()[0] if text else "no problem") + f", exit {out.returncode}" + (
            f" (+{len(text.splitlines()) - 1} lines)" if len(text.splitlines()) > 1 else "")
    integrity = query(path, "PRAGMA integrity_check")
    foreign = query(path, "PRAGMA foreign_key_check")
    ok = integrity == [("ok",)] and not foreign
    return ok, (f"goldspan check unavailable; integrity_check {integrity[0][0]}, "
                f"foreign_key_check {len(foreign)} problems")


# -- the projects ---------------------------------------------------------------------------------

def import_input(folder: Path, rng: random.Random, copies: int) -> list[Path]:
    """Two JSONL files of articles with comment threads (real article text, invented comments)."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    words = " ".join(a["text"] for a in articles).split()
    files = [folder / "import_a.jsonl", folder / "import_b.jsonl"]
    handles = [f.open("w", encoding="utf-8") for f in files]
    n = 0
    for copy in range(copies):
        for article in articles:
            comments = []
            for c in range(rng.randint(3, 25)):
                start = rng.randrange(len(words) - 40)
                comment = {"id": str(c), "author": f"reader{rng.randrange(50)}",
                           "text": " ".join(words[start:start + rng.randint(5, 40)]) + f" ({copy}.{c})"}
                if c and rng.random() < 0.4:
                    comment["parent"] = str(rng.randrange(c))
                comments.append(comment)
            record = {"id": f"{article['id']}-{copy}", "title": f"{article['title']} ({copy})",
                      "text": article["text"] + f"\n\n(copy {copy})", "comments": comments}
            handles[n % 2].write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    for h in handles:
        h.close()
    return files


def build_base(path: Path) -> None:
    """The corpus articles and the demo articles (with their comment threads), not annotated."""
    from annotation.import_job import import_files
    from annotation.jobs import run
    from annotation.store import Store

    from annotation.commands import AddSpan, SetStance, SetStatus
    from annotation.model import ENTITY, ORIGIN_HUMAN, Span

    with Store.create(path) as store:
        report = run(import_files(store, [CORPUS, *sorted(DEMO.glob("*.jsonl"))], annotator=ANNOTATOR))
        if report.failed:
            raise RuntimeError("cannot build the base project: " + "; ".join(report.errors))
        # A colleague's few labels: an annotated project, so bulk jobs take their snapshot first.
        for doc in store.document_ids()[-3:]:
            text = store.document(doc).text
            end = text.index(" ")
            store.apply(AddSpan(Span(None, doc, None, 0, end, "ORG", ENTITY, "alice", ORIGIN_HUMAN)), "alice")
            store.apply(SetStatus(doc, "alice", "done"), "alice")
            targets = store.targets(doc)
            for comment in store.comments(doc)[:3] if targets else []:
                store.apply(SetStance(comment.id, targets[0], "alice", "favor"), "alice")


def suggestion_map(path: Path) -> dict[tuple[int, int], tuple[Any, ...]]:
    """Per unit: the model suggestions (spans and relations) in ANNOTATOR's layer."""
    out: dict[tuple[int, int], list[Any]] = {}
    for did, cid, start, end, label, layer in query(
            path, "SELECT document_id, coalesce(comment_id, 0), start, end, label, layer FROM spans "
                  "WHERE annotator = ? AND origin = 'model'", (ANNOTATOR,)):
        out.setdefault((did, cid), []).append((start, end, label, layer))
    for did, cid, hs, he, hl, cs, ce, cl, label in query(
            path, "SELECT h.document_id, coalesce(h.comment_id, 0), h.start, h.end, h.label, c.start, c.end, c.label, r.label "
                  "FROM relations r JOIN spans h ON h.id = r.head_id JOIN spans c ON c.id = r.child_id "
                  "WHERE r.annotator = ? AND r.origin = 'model'", (ANNOTATOR,)):
        out.setdefault((did, cid), []).append((hs, he, hl, cs, ce, cl, label))
    return {k: tuple(sorted(v, key=repr)) for k, v in out.items()}


# -- edits ----------------------------------------------------------------------------------------

@dataclass
class EditResult:
    kills: int = 0
    kills_in_startup: int = 0
    early_exits: list[str] = field(default_factory=list)
    acknowledged: int = 0
    found: int = 0
    lost: list[dict[str, Any]] = field(default_factory=list)
    check_ok: bool = False
    check_text: str = ""
    replay_ok: bool = False
    replay_text: str = ""
    reader: dict[str, int] = field(default_factory=dict)
    dialog: str = ""
    imports_started: int = -1  # window-import run: imports the window started (-1: not that run)
    half_files: list[str] = field(default_factory=list)


def _ack_records(folder: Path) -> list[dict[str, Any]]:
    """Every complete acknowledgement line of every child (one file each)."""
    out: list[dict[str, Any]] = []
    for path in sorted(folder.glob("child-*.jsonl")):
        out += _ack_lines(path)
    return out


def _ack_lines(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.endswith("\n"):
            continue  # killed mid-write: never acknowledged
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def torture_edits(start: Path, work: Path, kills: int, seed: int, log=print, reader_on: bool = True,  # type: ignore[no-untyped-def]
                  dialog: str = "window", window_import: bool = False) -> EditResult:
    rng = random.Random(seed)
    folder = work / ("edit-import" if window_import else "edit")
    if folder.exists():
        shutil.rmtree(folder)
    project = folder / "project.db"
    copy_project(start, project)
    shutil.copy(CORPUS, folder / "articles.jsonl")  # something to import, as a researcher's folder has
    acks = work / f"{folder.name}-acks"
    if acks.exists():
        shutil.rmtree(acks)
    acks.mkdir()
    result = EditResult()
    reader = Reader(project, work) if reader_on else None
    env = child_env(work)
    stderr_path = work / "edit-child.stderr"
    try:
        for k in range(kills):
            ack_file = acks / f"child-{k:05d}.jsonl"
            with stderr_path.open("w") as err:
                child = subprocess.Popen(
                    [sys.executable, str(CHILD), "edit", str(project), str(ack_file), str(seed * 100_003 + k), ANNOTATOR,
                     *({"none": ["--no-dialog"], "plain": ["--plain-dialog"]}.get(dialog, [])),
                     *(["--window-import"] if window_import else [])],
                    stdout=subprocess.DEVNULL, stderr=err, env=env, start_new_session=True)
            in_startup = rng.random() < 0.15
            if in_startup:
                time.sleep(rng.uniform(0.0, 2.0))
            else:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and child.poll() is None:
                    if ack_file.exists() and b'"event": "ready"' in ack_file.read_bytes()[:4096]:
                        break
                    time.sleep(0.02)
                time.sleep(rng.uniform(0.0, 1.5))
            if child.poll() is not None:
                tail = stderr_path.read_text(errors="replace").strip().splitlines()[-3:]
                result.early_exits.append(f"kill {k}: exit {child.returncode}: {' | '.join(tail)}")
            else:
                os.kill(child.pid, signal.SIGKILL)
                result.kills += 1
                result.kills_in_startup += in_startup
            child.wait()
            kill_group(child.pid)  # nothing of it may linger (it starts no process; belt and braces)
            if (k + 1) % max(1, kills // 10) == 0:
                log(f"  edit kills: {k + 1}/{kills}, acknowledged so far {sum(1 for r in _ack_records(acks) if 'id' in r)}")
    finally:
        result.reader = reader.stop() if reader is not None else {"reads": 0, "errors": 0}
    records = _ack_records(acks)
    result.dialog = next((r.get("dialog", "") for r in records if r.get("event") == "ready"), "")
    edits = {(r[0], r[1], r[2]) for r in query(project, "SELECT id, action, command FROM edits")}
    for r in records:
        if "id" not in r:
            continue
        result.acknowledged += 1
        if (r["id"], r["action"], r["command"]) in edits:
            result.found += 1
        else:
            result.lost.append(r)
    result.check_ok, result.check_text = run_check(project, work)
    result.replay_ok, result.replay_text = replay_matches(start, project, work)
    if window_import:
        result.imports_started = sum(1 for r in records if r.get("event") == "import")
        result.half_files = half_imported(project, sorted(folder.glob("import-*.jsonl")))
    return result


def half_imported(project: Path, files: list[Path]) -> list[str]:
    """Each import file's documents are all in the project or none are, each with all its comments."""
    problems: list[str] = []
    for path in files:
        expected = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                expected[record["id"]] = len(record["comments"])
        if not expected:
            continue
        present = dict(query(project, f"SELECT d.ext_id, (SELECT count(*) FROM comments c WHERE c.document_id = d.id) "
                                      f"FROM documents d WHERE d.ext_id IN ({','.join('?' * len(expected))})",
                             tuple(expected)))
        if present and len(present) != len(expected):
            problems.append(f"{path.name}: {len(present)} of {len(expected)} documents")
        short = [ext for ext, n in present.items() if n != expected[ext]]
        if short:
            problems.append(f"{path.name}: {len(short)} documents without all their comments (e.g. {short[0]})")
    return problems


def replay_matches(start: Path, project: Path, work: Path) -> tuple[bool, str]:
    """Apply the edit log's commands (after the starting project's last edit) to a fresh copy of
    the starting project; the compared tables must come out equal."""
    from annotation.commands import Command
    from annotation.errors import GoldspanError
    from annotation.store import Store

    replay = work / "replay.db"
    copy_project(start, replay)
    first = query(start, "SELECT coalesce(max(id), 0) FROM edits")[0][0]
    rows = query(project, "SELECT id, annotator, action, command FROM edits WHERE id > ? ORDER BY id", (first,))
    applied = failed = 0
    problems: list[str] = []
    from annotation.import_job import import_files
    from annotation.jobs import run

    with Store.open(replay) as store:
        for edit_id, annotator, action, command in rows:
            if action == "import":  # the window imported a file: import it again here
                run(import_files(store, [json.loads(command)["file"]], annotator=annotator))
                applied += 1
                continue
            if action not in ("do", "undo", "redo"):
                problems.append(f"edit {edit_id}: a {action!r} row the replay cannot redo")
                continue
            try:
                store.apply(Command.from_json(command), annotator, action=action)
                applied += 1
            except (GoldspanError, sqlite3.Error) as exc:
                failed += 1
                if len(problems) < 5:
                    problems.append(f"edit {edit_id} does not replay: {exc}")
    for table, columns in COMPARED.items():
        ours = sorted(query(project, f"SELECT {columns} FROM {table}"), key=repr)
        theirs = sorted(query(replay, f"SELECT {columns} FROM {table}"), key=repr)
        if ours != theirs:
            only_ours = len(set(ours) - set(theirs))
            only_replay = len(set(theirs) - set(ours))
            problems.append(f"{table}: {only_ours} rows only in the project, {only_replay} only in the replay")
    text = f"{applied} edits replayed" + (f", {failed} failed" if failed else "")
    return not problems, text + ("; " + "; ".join(problems) if problems else "; tables equal")


# -- jobs -----------------------------------------------------------------------------------------

@dataclass
class Job:
    name: str
    start: Path  # the project the job runs on (copied fresh each time)
    args: list[str]  # after the project path
    reference: dict[str, int] = field(default_factory=dict)  # counts of an uninterrupted run
    ref_seconds: float = 0.0
    ref_suggestions: dict[tuple[int, int], tuple[Any, ...]] = field(default_factory=dict)


@dataclass
class JobResult:
    name: str
    kills: int = 0
    finished_before_kill: int = 0
    half_written: int = 0
    half_detail: list[str] = field(default_factory=list)
    lock_delays: list[float | None] = field(default_factory=list)
    orphans: int = 0
    reruns_ok: int = 0
    rerun_detail: list[str] = field(default_factory=list)
    checks_ok: int = 0
    check_detail: list[str] = field(default_factory=list)
    snapshots: int = 0  # snapshots listed after the kills and reruns (bulk jobs take one first)


def run_job(job: Job, project: Path, work: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen([*goldspan_argv(), job.args[0], str(project), *job.args[1:]],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=child_env(work), start_new_session=True)


def reference_run(job: Job, work: Path) -> None:
    project = work / "jobs" / f"{job.name}-reference.db"
    copy_project(job.start, project)
    t0 = time.perf_counter()
    proc = run_job(job, project, work)
    _, err = proc.communicate()
    job.ref_seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"the uninterrupted {job.name} failed (exit {proc.returncode}): {err.strip()[-800:]}")
    job.reference = counts(project)
    if job.name.startswith("preannotate"):
        job.ref_suggestions = suggestion_map(project)


def half_written(job: Job, project: Path, imports: list[Path]) -> list[str]:
    problems: list[str] = []
    if job.name == "import":
        problems += half_imported(project, imports)
    elif job.name.startswith("preannotate"):
        done = {(r[0], r[1]) for r in query(project, "SELECT document_id, comment_id FROM unit_nlp WHERE annotator = ?", (ANNOTATOR,))}
        have = suggestion_map(project)
        for unit in done:
            if have.get(unit, ()) != job.ref_suggestions.get(unit, ()):
                problems.append(f"unit {unit}: marked done, suggestions differ from an uninterrupted run")
        for unit in set(have) - done:
            problems.append(f"unit {unit}: {len(have[unit])} suggestions but not marked done")
    elif job.name == "merge":
        now = counts(project)
        base = counts(job.start)
        for table in ("documents", "comments", "spans", "relations", "stances", "doc_status", "targets"):
            added = now[table] - base[table]
            if added not in (0, job.reference[table] - base[table]):
                problems.append(f"{table}: {added} of {job.reference[table] - base[table]} merged")
    return problems


def snapshot_folder(project: Path) -> Path | None:
    try:
        from annotation import snapshots
    except ImportError:
        return None
    return snapshots.folder(project)


def listed_snapshots(project: Path) -> list[Any]:
    try:
        from annotation import snapshots
    except ImportError:
        return []
    return snapshots.list_snapshots(project)


def half_snapshots(project: Path) -> list[str]:
    """A listed snapshot must be a whole project file (a killed job may leave only unlisted
    leftovers, which the next snapshot clears)."""
    folder = snapshot_folder(project)
    problems = []
    for snap in listed_snapshots(project):
        path = folder / snap.file  # type: ignore[operator]
        try:
            result = query(path, "PRAGMA quick_check")[0][0]
        except sqlite3.Error as exc:
            result = str(exc)
        if result != "ok":
            problems.append(f"snapshot {snap.file} is listed but damaged: {result}")
    return problems


def torture_job(job: Job, work: Path, kills: int, rng: random.Random, imports: list[Path], log=print) -> JobResult:  # type: ignore[no-untyped-def]
    result = JobResult(job.name)
    project = work / "jobs" / f"{job.name}.db"
    for k in range(kills):
        copy_project(job.start, project)
        shutil.rmtree(snapshot_folder(project) or work / "no-snapshots", ignore_errors=True)
        reader = Reader(project, work)
        proc = run_job(job, project, work)
        # Mostly while it writes (the second half of an uninterrupted run), now and then anywhere.
        low = 0.5 if rng.random() < 0.75 else 0.02
        time.sleep(rng.uniform(low, 0.9) * job.ref_seconds)
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
            result.kills += 1
        else:
            result.finished_before_kill += 1
        proc.wait()
        delay = writable_after(project, timeout=5.0)
        left = group_processes(proc.pid)
        grace = time.monotonic() + 2.0  # a worker told of its parent's death needs a moment to exit
        while left and time.monotonic() < grace:
            time.sleep(0.05)
            left = group_processes(proc.pid)
        result.lock_delays.append(delay)
        if left:
            result.orphans += len(left)
            kill_group(proc.pid)
            time.sleep(0.2)
        problems = half_written(job, project, imports) + half_snapshots(project)
        result.half_written += len(problems)
        result.half_detail += problems[:3]
        reader.stop()
        rerun = run_job(job, project, work)
        _, err = rerun.communicate()
        final = counts(project)
        rerun_ok = rerun.returncode == 0 and final == job.reference
        if rerun_ok:
            result.reruns_ok += 1
        else:
            diff = {t: (final[t], job.reference[t]) for t in COUNTED if final[t] != job.reference[t]}
            result.rerun_detail.append(f"exit {rerun.returncode}; counts (rerun, uninterrupted) {diff}; {err.strip()[-200:]}")
        result.snapshots += len(listed_snapshots(project))
        ok, text = run_check(project, work)
        result.checks_ok += ok
        if not ok:
            result.check_detail.append(text)
        log(f"  {job.name} kill {k + 1}/{kills}: {'killed' if killed else 'finished first'}, "
            f"lock free after {'%.2f s' % delay if delay is not None else 'more than 5 s'}, {len(left)} processes left after 2 s, "
            f"{len(problems)} half-written, rerun {'ok' if rerun_ok else 'FAILED'}, check {'clean' if ok else 'PROBLEMS'}")
    return result


# -- the whole run ----------------------------------------------------------------------------------

@dataclass
class Summary:
    edits: EditResult
    jobs: list[JobResult]
    window_imports: EditResult | None = None

    @property
    def lost(self) -> int:
        return len(self.edits.lost) + (len(self.window_imports.lost) if self.window_imports else 0)

    def failures(self) -> list[str]:
        out: list[str] = []
        for name, e in (("edits", self.edits), ("edits with window imports", self.window_imports)):
            if e is None:
                continue
            out += [] if e.check_ok else [f"{name}: goldspan check found problems"]
            out += [] if e.replay_ok else [f"{name}: the tables differ from a replay of the edit log"]
            out += [f"{name}: half-imported files"] if e.half_files else []
        for j in self.jobs:
            runs = j.kills + j.finished_before_kill
            out += [f"{j.name}: half-written work"] if j.half_written else []
            out += [f"{j.name}: processes outlived the kill"] if j.orphans else []
            out += [f"{j.name}: project not writable within 5 s of the kill"] if None in j.lock_delays else []
            out += [f"{j.name}: rerun failed or counts differ"] if j.reruns_ok != runs else []
            out += [f"{j.name}: check found problems"] if j.checks_ok != runs else []
        return out

    @property
    def ok(self) -> bool:
        return not self.lost and not self.failures()


def prepare(work: Path, project: Path | None, seed: int, import_copies: int, log=print,  # type: ignore[no-untyped-def]
            with_jobs: bool = True) -> tuple[Path, list[Job], list[Path]]:
    """The starting projects: base (articles, not annotated), pre-annotated (the edit project and
    the merge source), and the import input; plus one uninterrupted run of each job."""
    (work / "jobs").mkdir(parents=True, exist_ok=True)
    base = work / "base.db"
    if project is not None:
        copy_project(project, base)
    elif not base.exists():
        build_base(base)
    imports = import_input(work / "inputs", random.Random(seed), import_copies)
    jobs = [
        Job("import", base, ["import", *map(str, imports)]),
        Job("preannotate-1", base, ["preannotate", "--n-process", "1", "--batch-size", "16"]),
        Job("preannotate-2", base, ["preannotate", "--n-process", "2", "--batch-size", "16"]),
    ]
    annotated = work / "annotated.db"
    jobs.append(Job("merge", base, ["merge", str(annotated)]))
    for job in jobs if with_jobs else jobs[1:2]:  # the edit project is the pre-annotated base
        if job.name == "merge":
            copy_project(work / "jobs" / "preannotate-1-reference.db", annotated)
        reference_run(job, work)
        log(f"  uninterrupted {job.name}: {job.ref_seconds:.1f} s, {job.reference}")
    if not with_jobs:
        copy_project(work / "jobs" / "preannotate-1-reference.db", annotated)
    return annotated, jobs if with_jobs else [], imports


def torture(work: Path, kills: int, job_kills: int, seed: int, project: Path | None = None,  # type: ignore[no-untyped-def]
            import_copies: int = 80, log=print, reader_on: bool = True, dialog: str = "window",
            window_import_kills: int = 0) -> Summary:
    work.mkdir(parents=True, exist_ok=True)
    log(f"Preparing projects in {work}")
    annotated, jobs, imports = prepare(work, project, seed, import_copies, log, with_jobs=job_kills > 0)
    log(f"Edits: {kills} kills of the editing window, with an outside sqlite3 reader")
    edits = torture_edits(annotated, work, kills, seed, log, reader_on, dialog)
    window_imports = None
    if window_import_kills:
        log(f"Edits while the window imports a file on its worker: {window_import_kills} kills")
        window_imports = torture_edits(annotated, work, window_import_kills, seed + 2, log, reader_on, dialog,
                                       window_import=True)
    rng = random.Random(seed + 1)
    results = []
    for job in jobs:
        log(f"Job {job.name}: {job_kills} kills")
        results.append(torture_job(job, work, job_kills, rng, imports, log))
    return Summary(edits, results, window_imports)


def report(s: Summary) -> str:
    lines = [""]
    for title, e in (("Edits", s.edits), ("Edits while the window imports", s.window_imports)):
        if e is not None:
            lines += edit_report(title, e)
    lines.append("Jobs:")
    lines += job_report(s.jobs)
    failures = s.failures()
    lines.append(f"Result: {'OK' if s.ok else 'FAILED'}: lost {s.lost}" + ("".join(f"; {f}" for f in failures)))
    return "\n".join(lines)


def edit_report(title: str, e: EditResult) -> list[str]:
    lines = [
        f"{title}: {e.kills} kills ({e.kills_in_startup} while starting); outside sqlite3: {e.reader.get('reads', 0)} opens "
        f"(every 10th a .backup; {e.reader.get('errors', 0)} failed); file dialog: {e.dialog or '?'}",
        f"  edits acknowledged: {e.acknowledged}",
        f"  edits found:        {e.found}",
        f"  lost:               {len(e.lost)}" + ("" if not e.lost else f"   first: {json.dumps(e.lost[0])[:200]}"),
        f"  check:              {'clean' if e.check_ok else 'PROBLEMS'} ({e.check_text})",
        f"  replay of the log:  {'match' if e.replay_ok else 'MISMATCH'} ({e.replay_text})",
    ]
    if e.imports_started >= 0:
        lines.append(f"  window imports:     {e.imports_started} started, half-imported files {len(e.half_files)}"
                     + (f" ({e.half_files[0]})" if e.half_files else ""))
    if e.early_exits:
        lines.append(f"  children that exited before their kill: {len(e.early_exits)}; first: {e.early_exits[0][:300]}")
    return lines


def job_report(jobs: list[JobResult]) -> list[str]:
    lines = []
    for j in jobs:
        delays = [d for d in j.lock_delays if d is not None]
        stuck = sum(1 for d in j.lock_delays if d is None)
        runs = j.kills + j.finished_before_kill
        lines.append(
            f"  {j.name:14} kills {j.kills} (+{j.finished_before_kill} finished first), half-written units/files {j.half_written}, "
            f"lock free after max {max(delays) if delays else 0:.2f} s" + (f" ({stuck} NOT free within 5 s)" if stuck else "")
            + f", orphans (alive 2 s after) {j.orphans}, rerun OK {j.reruns_ok}/{runs}, check clean {j.checks_ok}/{runs}"
            + f", snapshots listed {j.snapshots} (a damaged one counts as half-written)"
        )
        for detail in (j.half_detail[:2] + j.rerun_detail[:2] + j.check_detail[:2]):
            lines.append(f"      {detail[:300]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=300, help="kills of the editing window (default 300)")
    parser.add_argument("--job-kills", type=int, default=3, help="kills of each bulk job (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--project", help="a project .db to start from (copied), or a folder to work and keep files in")
    parser.add_argument("--window-import-kills", type=int, default=30,
                        help="kills of the editing window while it also imports a file on its worker (default 30)")
    parser.add_argument("--quick", action="store_true", help="20 edit kills, 5 with a window import, 1 kill of each job")
    parser.add_argument("--no-reader", action="store_true", help="no outside sqlite3 reader (to tell causes apart)")
    parser.add_argument("--dialog", choices=("window", "plain", "none"), default="window",
                        help="the file dialog shown on the folder: the window's own builder (default; a plain "
                        "QFileDialog when gui/file_dialogs.py is missing), a plain non-native QFileDialog, or none")
    parser.add_argument("--edits-only", action="store_true", help="skip the bulk jobs")
    args = parser.parse_args(argv)
    if args.quick:
        args.kills, args.job_kills, args.window_import_kills = 20, 1, 5
    project = Path(args.project) if args.project else None
    if project is not None and (project.is_dir() or not project.suffix):
        work, start = project, None
    else:
        work, start = Path(tempfile.mkdtemp(prefix="goldspan-torture-")), project
    t0 = time.perf_counter()
    try:
        summary = torture(work, args.kills, 0 if args.edits_only else args.job_kills, args.seed, start,
                          reader_on=not args.no_reader, dialog=args.dialog, window_import_kills=args.window_import_kills)
    except RuntimeError as exc:
        print(f"crash_torture: {exc}", file=sys.stderr)
        return 2
    print(report(summary))
    print(f"({time.perf_counter() - t0:.0f} s; files in {work})")
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
