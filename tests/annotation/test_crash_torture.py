"""The crash torture's core, small: 5 SIGKILLs of the editing window (an outside sqlite3 reader
running, a file dialog open on the project's folder), 2 more while the window also imports a
file on its worker, and one of each bulk job. Nothing the
window acknowledged may be lost; no job may leave half a file or unit behind. No timing is
asserted: the figures are printed by bench/crash_torture.py."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "crash_torture.py"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and SIGKILL")


def _torture_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("crash_torture", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crash_torture"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_nothing_acknowledged_is_lost_and_no_job_leaves_half_its_work(tmp_path: Path) -> None:
    ct = _torture_module()
    if not ct.CORPUS.exists():
        pytest.skip(f"{ct.CORPUS}: the development corpus is not here")
    lines: list[str] = []
    summary = ct.torture(tmp_path, kills=5, job_kills=1, seed=11, import_copies=4, log=lines.append,
                         window_import_kills=2)
    print("\n".join(lines) + ct.report(summary))
    edits = summary.edits
    assert edits.acknowledged > 0, "the editing window acknowledged no edit: " + "; ".join(edits.early_exits[:2])
    assert edits.lost == [], f"{len(edits.lost)} of {edits.acknowledged} acknowledged edits lost"
    assert edits.found == edits.acknowledged
    assert edits.check_ok, edits.check_text
    assert edits.replay_ok, edits.replay_text
    with_import = summary.window_imports
    assert with_import is not None and with_import.lost == [], f"{len(with_import.lost)} edits lost beside a window import"
    assert with_import.check_ok and with_import.replay_ok, (with_import.check_text, with_import.replay_text)
    assert with_import.half_files == []
    assert [j.name for j in summary.jobs] == ["import", "preannotate-1", "preannotate-2", "merge"]
    for job in summary.jobs:
        runs = job.kills + job.finished_before_kill
        assert job.half_written == 0, (job.name, job.half_detail)
        assert job.orphans == 0, f"{job.name}: {job.orphans} processes outlived the killed job"
        assert job.reruns_ok == runs, (job.name, job.rerun_detail)
        assert job.checks_ok == runs, (job.name, job.check_detail)
