"""goldspan export PROJECT.db OUT --format F [--annotator NAME | --gold] [--split ...]"""
from __future__ import annotations

import argparse
import os
import sys

from annotation.cli.common import resolve_annotator, run_with_progress
from annotation.exporters import EXPORTERS, ExportOptions, run_export
from annotation.exporters.base import ALIGNMENTS, parse_split
from annotation.model import GOLD
from annotation.store import Store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export", help="export one annotator's (or the gold) annotations for training or another tool",
        description="Export one layer of annotations. spacy writes train/dev/test DocBins and a config.cfg "
        "for `spacy train`; the other formats write files other tools import. Every export writes a manifest.",
    )
    p.add_argument("project")
    p.add_argument("out", metavar="OUT", help="output file (e.g. out.jsonl) or folder (spacy, brat, or any name without an extension)")
    p.add_argument("--format", required=True, choices=sorted(EXPORTERS))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--annotator", help="whose layer (default: $GOLDSPAN_ANNOTATOR, then the login name)")
    who.add_argument("--gold", action="store_true", help="export the adjudicated gold layer")
    p.add_argument("--include-suggestions", action="store_true", help="include the model's unreviewed suggestions (left out by default)")
    p.add_argument("--split", default="", metavar="TRAIN,DEV,TEST", help="split by article, e.g. 0.8,0.1,0.1 (spacy's default)")
    p.add_argument("--seed", type=int, default=0, help="seed for the split (same seed, same split)")
    p.add_argument("--alignment", choices=ALIGNMENTS, default="expand",
                   help="spans that do not fall on spaCy token boundaries: refuse (strict), shrink (contract) or grow (expand) them")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = ExportOptions(
        annotator=GOLD if args.gold else resolve_annotator(args.annotator),
        include_suggestions=args.include_suggestions,
        split=parse_split(args.split) if args.split else None,
        seed=args.seed,
        alignment=args.alignment,
    )
    with Store.open(args.project, read_only=True) as store:
        report = run_with_progress(run_export(store, args.out, args.format, options), "exporting", quiet=args.quiet)
    try:
        _summarise(args, options, report)
    except BrokenPipeError:  # piped into head: stop writing, without a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _summarise(args: argparse.Namespace, options: ExportOptions, report) -> None:  # type: ignore[no-untyped-def]
    counts = report.counts
    docs = ", ".join(f"{n} {split}" for split, n in report.documents.items()) if len(report.documents) > 1 else f"{sum(report.documents.values())}"
    print(f"exported {docs} document(s), {sum(counts['units'].values())} text(s), {sum(counts['spans'].values())} spans, "
          f"{sum(counts['relations'].values())} relations, {sum(counts['stances'].values())} stance labels to {args.out}")
    if report.misaligned:
        print(f"{len(report.misaligned)} span(s) did not align with spaCy tokens ({report.snapped} snapped with "
              f"--alignment {options.alignment}), e.g.: {'; '.join(report.misaligned[:5])}", file=sys.stderr)
    if report.dropped:
        print(f"{len(report.dropped)} annotation(s) could not be written, e.g.: {'; '.join(report.dropped[:3])} "
              f"(all listed in {report.manifest})", file=sys.stderr)
    print(f"manifest: {report.manifest}")
    for hint in report.hints:
        print(f"train with:\n  {hint}")
    sys.stdout.flush()
    for warning in report.warnings:  # last, where the eye lands (the train command above is affected)
        print(f"warning: {warning}", file=sys.stderr)
