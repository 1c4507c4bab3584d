"""goldspan import PROJECT.db PATH... [--format F]"""
from __future__ import annotations

import argparse
import os
import sys

from annotation.cli.common import add_annotator_option, resolve_annotator, run_with_progress
from annotation.import_job import import_files
from annotation.importers import IMPORTERS, ImportOptions
from annotation.snapshots import before_bulk_job, files_label as _files_label, is_annotated
from annotation.store import Store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import", help="import articles (.txt, .jsonl, .csv, .html, folders) and other tools' files",
        description="Import articles with their comment threads, or other tools' annotation files. "
        "Each file is one transaction: a broken file imports nothing, the others still import.",
    )
    p.add_argument("project")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=sorted(IMPORTERS), help="force a format instead of choosing by extension")
    p.add_argument("--text-column", default="text", help="CSV/JSONL column holding the text (default: text)")
    p.add_argument("--title-column", default="title")
    p.add_argument("--label-column", default="label", help="doccano and stance-csv: column holding the labels")
    p.add_argument("--target-column", default="target", help="stance-csv: column holding each row's stance target")
    p.add_argument("--group-by", default="", metavar="COLUMN",
                   help="stance-csv rows without ids: one document per value of COLUMN (default: one for the file)")
    p.add_argument("--as-annotator", default="", help="whose annotations the file carries (other tools' files)")
    p.add_argument("--label-map", action="append", default=[], metavar="THEIRS=OURS", help="map a label of the file to one of the project's")
    add_annotator_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    label_map = {}
    for item in args.label_map:
        theirs, _, ours = item.partition("=")
        if not ours:
            raise SystemExit(f"goldspan: error: --label-map wants THEIRS=OURS, got {item!r}")
        label_map[theirs] = ours
    options = ImportOptions(
        text_column=args.text_column, title_column=args.title_column, label_column=args.label_column,
        target_column=args.target_column, group_by=args.group_by,
        label_map=label_map, as_annotator=args.as_annotator,
    )
    annotator = resolve_annotator(args.annotator)
    with Store.open(args.project) as store, before_bulk_job(  # only an annotated project needs a way back
            store, f"Import {_files_label(args.paths)}", annotator, needed=is_annotated(store)):
        report = run_with_progress(import_files(store, args.paths, options, args.format, annotator), "importing")
    try:
        _summarise(report)
    except BrokenPipeError:
        _quiet_stdout()
    for error in report.errors:
        print(f"goldspan: error: {error}", file=sys.stderr)
    return 1 if report.failed else 0


def _quiet_stdout() -> None:
    """Output piped into ``head`` (which closed the pipe): stop writing, without a traceback
    (Python's own advice: point stdout at devnull so the exit flush cannot fail again)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _summarise(report) -> None:  # type: ignore[no-untyped-def]
    r = report.result
    print(f"imported {r.documents_added} new documents ({r.documents_existing} already present), "
          f"{r.comments_added} comments, {r.spans_added} spans, {r.relations_added} relations, "
          f"{r.stances_added} stance labels from {len(report.files_ok)} file(s)")
    if report.aliases:
        print("labels mapped by built-in aliases: " + ", ".join(f"{theirs}->{ours}" for theirs, ours in sorted(report.aliases.items())))
    sys.stdout.flush()
