"""goldspan agree PROJECT.db [--annotators A B ...] [--json] [--html report.html]"""
from __future__ import annotations

import argparse
import json
from typing import Any

from annotation.agreement import agreement_job, thin_figure
from annotation.cli.common import run_with_progress
from annotation.store import Store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "agree", help="inter-annotator agreement report",
        description="Stance: Cohen's kappa (two annotators), Fleiss' kappa, Krippendorff's alpha, confusion matrices, "
        "per target and overall. Spans: pairwise precision, recall and F1, exact and overlapping, per label, with "
        "agreement on the source of matched quotations. Per-document figures, worst first. Model suggestions count "
        "only in documents the annotator marked done. The gold layer is left out unless named with --annotators.",
    )
    p.add_argument("project")
    p.add_argument("--annotators", nargs="+", metavar="NAME", help="whom to compare (default: everyone with annotations except gold)")
    p.add_argument("--json", action="store_true", help="machine-readable output (a stable, self-describing shape)")
    p.add_argument("--html", metavar="REPORT.html", help="also write a standalone HTML report with plots")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with Store.open(args.project, read_only=True) as store:
        report = run_with_progress(agreement_job(store, args.annotators), "agreement", quiet=args.json)
    if args.html:
        from annotation.agreement.html import write_html

        write_html(report, args.html)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for line in text_lines(report):
            print(line)
        if args.html:
            print(f"wrote {args.html}")
    return 0


def _num(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _thin(report: dict[str, Any], key: str) -> str:
    """Beside a figure that rests on too few items: "  [too few: rests on only 2 comments …]"."""
    note = thin_figure(report, key)
    return f"  [too few: {note}]" if note else ""


def text_lines(report: dict[str, Any]) -> list[str]:
    out = [f"annotators: {', '.join(report['annotators'])}"]
    for target, s in report["stance"].items():
        out.append(f"stance {target}: {s['n_items']} comments; Cohen's kappa {_num(s['cohen_kappa'])}, "
                   f"Fleiss' kappa {_num(s['fleiss_kappa'])}, Krippendorff's alpha {_num(s['krippendorff_alpha'])}"
                   + _thin(report, f"stance.{target}"))
    for layer, figures in report["spans_overall"].items():
        if layer == "all" or not (figures["n_a"] or figures["n_b"]):
            continue
        out.append(f"{layer} spans: F1 exact {_num(figures['f1_exact'])}, overlap {_num(figures['f1_overlap'])} "
                   f"({figures['n_a']} vs {figures['n_b']} spans)" + _thin(report, f"spans.{layer}"))
        tokens = report.get("span_tokens", {}).get(layer)
        if tokens:
            out.append(f"  tokens ({tokens['n_items']}): Cohen's kappa {_num(tokens['cohen_kappa'])}, Fleiss' kappa "
                       f"{_num(tokens['fleiss_kappa'])}, Krippendorff's alpha {_num(tokens['krippendorff_alpha'])}"
                       + _thin(report, f"span_tokens.{layer}"))
        unitized = report.get("spans_unitized", {}).get(layer)
        if unitized:
            out.append(f"  unitizing alpha (characters): {_num(unitized['alpha_u'])}")
        for label, f in report["spans"][layer].items():
            out.append(f"  {label:<12} P {_num(f['precision_exact'])}  R {_num(f['recall_exact'])}  F1 {_num(f['f1_exact'])}  "
                       f"overlap F1 {_num(f['f1_overlap'])}")
    src = report["quote_sources"]
    if src["matched_quotes"]:
        out.append(f"quote sources: {src['same_source']} of {src['matched_quotes']} matched quotations agree ({_num(src['agreement'])})"
                   + _thin(report, "quote_sources"))
    common = report.get("stance_targets", {}).get("common")
    if common is not None and any(set(t) != set(common) for t in report["stance_targets"].get("by_annotator", {}).values()):
        out.append(f"stance targets differ between annotators: compared on the common ones ({', '.join(common) or 'none'})")
    worst = report["documents"][:5]
    if worst:
        out.append("worst documents: " + "; ".join(f"{d['ext_id'] or d['document_id']} ({_num(d['score'])})" for d in worst))
    out.extend(f"warning: {w}" for w in report.get("warnings", []))
    return out
