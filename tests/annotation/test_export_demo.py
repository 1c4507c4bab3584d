"""The issue's promise: a new user exports the demo project to spaCy and trains with the printed command."""
from __future__ import annotations

import subprocess
import sys

from annotation import demo
from annotation.cli import main
from annotation.jobs import run
from annotation.store import Store


def test_demo_project_exports_to_spacy_and_trains(tmp_path, capsys):
    project = run(demo.build_demo_project(tmp_path / "demo.db", "newcomer"))
    with Store.open(project, read_only=True) as store:
        suggested = store.export_summary("newcomer", include_suggestions=True)
    assert suggested.spans > 0, "the demo was not pre-annotated"
    out = tmp_path / "out"
    # Nothing reviewed yet: the default (human work only) is refused with a hint ...
    assert main(["export", str(project), str(out), "--format", "spacy", "--annotator", "newcomer", "--quiet"]) == 1
    assert "--include-suggestions" in capsys.readouterr().err
    # ... and the suggestions themselves make a training set.
    assert main(["export", str(project), str(out), "--format", "spacy", "--annotator", "newcomer", "--include-suggestions",
                 "--seed", "1", "--quiet"]) == 0
    command = capsys.readouterr().out.split("train with:\n", 1)[1].strip()
    train = subprocess.run(command + " --training.max_steps 2 --training.eval_frequency 1", shell=True,
                           capture_output=True, text=True, cwd=tmp_path)
    assert train.returncode == 0, train.stdout[-2000:] + train.stderr[-2000:]
    assert (out / "model" / "model-last").is_dir()
    assert sys.executable in command
