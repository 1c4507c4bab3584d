"""Pieces the `preannotate` command uses for trained models (kept here so its module stays small)."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from annotation.training import registry

if TYPE_CHECKING:
    from annotation.store import Store


def entity_model(store: "Store", spec: str | None) -> str | None:
    """``--model`` for entities: ``latest`` or ``#N`` names a registered NER model; a folder must be
    an entity pipeline (not a stance model); anything else is a package name, left to load_model."""
    if spec is None:
        return None
    if spec == "latest" or (spec.lstrip("#").isdigit() and not Path(spec).exists()):
        path = registry.resolve(store, spec, "ner")
        registry.require_schema_labels(store, path, "ner")
        return str(path)
    if Path(spec).is_dir():
        registry.require_task(Path(spec), "ner")
        registry.require_schema_labels(store, Path(spec), "ner")
    return spec


def stance_model(store: "Store", spec: str | None) -> Path:
    """``--stance --model``: a stance model for this project's labels, or one clear line before any work."""
    path = registry.resolve(store, spec or "latest", "stance")
    registry.require_schema_labels(store, path, "stance")
    return path


def run_stance(args: argparse.Namespace) -> int:
    """`goldspan preannotate PROJECT.db --stance [--model latest|#N|PATH] [--force]`."""
    from annotation.cli.common import resolve_annotator, run_with_progress
    from annotation.store import Store
    from annotation.training.suggest_stance import suggest_stance

    annotator = resolve_annotator(args.annotator)
    if args.scheduler is not None:
        return _run_stance_on_cluster(args, annotator)
    with Store.open(args.project) as store:
        stance_model(store, args.model)  # a missing or wrong model fails before any work
        report = run_with_progress(suggest_stance(store, annotator, args.model or "latest", args.force,
                                                  batch_size=max(args.batch_size, 1000)), "suggesting stance")
    print(report.summary())
    return 0


def _run_stance_on_cluster(args: argparse.Namespace, annotator: str) -> int:
    """`--stance --scheduler tcp://H:P|local:N`: the predictions on Dask workers, the writes here."""
    import importlib.util
    import sys

    from annotation.cli.common import fail, run_with_progress
    from annotation.store import Store

    if importlib.util.find_spec("distributed") is None:
        return fail("--scheduler needs Dask: install the cluster extra (pip install 'goldspan[cluster]')")
    from annotation.nlp.cluster import parse_scheduler
    from annotation.nlp.cluster_stance import suggest_stance_on_cluster

    if args.n_process != 1:
        return fail("--n-process and --scheduler do not go together: a cluster's workers are its processes")
    parse_scheduler(args.scheduler)  # a malformed value fails before the project is touched
    with Store.open(args.project) as store:
        stance_model(store, args.model)  # a missing or wrong model fails before any work
        report = run_with_progress(suggest_stance_on_cluster(
            store, annotator, args.scheduler, args.model or "latest", args.force, batch_size=max(args.batch_size, 1000),
            notify=lambda line: print(line, file=sys.stderr)), "suggesting stance")
    print(report.summary() + f" on {args.scheduler}")
    return 0
