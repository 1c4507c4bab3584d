"""goldspan snapshots PROJECT.db [--json]; goldspan restore PROJECT.db [SNAPSHOT | --last]"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from annotation import snapshots
from annotation.cli.common import add_annotator_option, fail, resolve_annotator
from annotation.store import Store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    listing = sub.add_parser(
        "snapshots", help="list the snapshots taken before bulk jobs (to take a job back with `restore`)",
        description="List the snapshots of a project: one is taken before every merge, import into an annotated "
        "project and pre-annotation of an annotated project (or with --force), and before every restore. "
        + snapshots.ROTATION_HELP,
    )
    listing.add_argument("project")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=run_list)

    restore = sub.add_parser(
        "restore", aliases=["undo-job"], help="take a bulk job back: put the project back as it was before it",
        description="Copy a snapshot back into the project, so it is exactly as it was before that job (every edit "
        "since is taken back too). The state it replaces is snapshotted first, so a restore can itself be taken "
        "back (restore the snapshot it names). Refused while the project is open for writing elsewhere. "
        + snapshots.ROTATION_HELP,
    )
    restore.add_argument("project")
    which = restore.add_mutually_exclusive_group()
    which.add_argument("snapshot", nargs="?", help="snapshot number (see `goldspan snapshots`) or file name")
    which.add_argument("--last", action="store_true", help="the newest snapshot (the default)")
    add_annotator_option(restore)
    restore.set_defaults(func=run_restore)


def run_list(args: argparse.Namespace) -> int:
    project = Path(args.project)
    with Store.open(project, read_only=True, check=False):  # a clear line when it is no project
        pass
    found = snapshots.list_snapshots(project)
    if args.json:
        print(json.dumps({"project": str(project), "folder": str(snapshots.folder(project)),
                          "snapshots": [asdict(s) for s in found]}, indent=2, ensure_ascii=False))
        return 0
    if not found:
        print(f"{project}: no snapshots yet (one is taken before each bulk job)")
        return 0
    print(f"{'#':>4}  {'time (UTC)':<25}  {'size':>9}  {'annotator':<14}  job")
    for snap in found:
        print(f"{snap.number:>4}  {snap.time:<25}  {snapshots.describe_size(snap.size):>9}  {snap.annotator:<14}  {snap.job}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    project = Path(args.project)
    which = None if args.last else args.snapshot
    if which is not None and not str(which).strip():
        return fail("the snapshot to restore is empty; give its number (see: goldspan snapshots PROJECT.db)")
    with Store.open(project) as store:
        restored, saved = snapshots.restore(store, which, resolve_annotator(args.annotator))
    print(f"restored snapshot {restored.describe()}: {project} is as it was before that job")
    if saved is not None:
        print(f"the state it replaced is snapshot #{saved.number}; take this restore back with: "
              f"goldspan restore {project} {saved.number}")
    return 0
