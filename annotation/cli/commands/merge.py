"""goldspan merge PROJECT.db OTHER.db [--label-map THEIRS=OURS]"""
from __future__ import annotations

import argparse
from pathlib import Path

from annotation.cli.common import add_annotator_option, fail, resolve_annotator, run_with_progress
from annotation.merge import merge_projects
from annotation.snapshots import before_bulk_job
from annotation.store import Store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "merge", help="bring another project file's annotators in, keeping both sides",
        description="Copy the annotators of OTHER (spans, relations, stance labels, statuses, edit log) into PROJECT. "
        "Documents are matched by their text, not their id; documents whose text differs are reported and skipped. "
        "An annotator whose work differs in both files is kept twice: theirs arrives as NAME@OTHER. "
        "Merging the same file again adds nothing. One transaction: a refused merge changes nothing. "
        "A snapshot is taken first: `goldspan restore PROJECT.db --last` takes the merge back.",
    )
    p.add_argument("project")
    p.add_argument("other", help="the other project file (.db)")
    p.add_argument("--label-map", action="append", default=[], metavar="THEIRS=OURS",
                   help="use our label OURS for the other file's label THEIRS (repeatable)")
    add_annotator_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    label_map: dict[str, str] = {}
    for item in args.label_map:
        theirs, _, ours = item.partition("=")
        if not theirs or not ours:
            return fail(f"--label-map wants THEIRS=OURS, got {item!r}")
        label_map[theirs] = ours
    annotator = resolve_annotator(args.annotator)
    with Store.open(args.project) as store, before_bulk_job(store, f"Merge {Path(args.other).name}", annotator):
        report = run_with_progress(merge_projects(store, args.other, label_map, annotator), "merging")
    for line in report.lines():
        print(line)
    return 0
