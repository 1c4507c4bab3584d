"""goldspan stats PROJECT.db [--json]"""
from __future__ import annotations

import argparse
import json

from annotation.store import Store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("stats", help="counts and progress", description="Counts of documents, comments, spans, stance labels and progress per annotator.")
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with Store.open(args.project, read_only=True) as store:
        stats = store.stats()
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return 0
    print(f"documents {stats['documents']}  comments {stats['comments']} (replies {stats['replies']})  "
          f"spans {stats['spans']}  relations {stats['relations']}  stance labels {stats['stance_labels']}")
    if stats["spans_by_label"]:
        print("spans by label: " + ", ".join(f"{k} {v}" for k, v in stats["spans_by_label"].items()))
    if stats["spans_by_origin"]:
        print("spans by origin: " + ", ".join(f"{k} {v}" for k, v in stats["spans_by_origin"].items()))
    for target, labels in stats["stance_by_target"].items():
        print(f"stance {target}: " + ", ".join(f"{k} {v}" for k, v in labels.items()))
    for name, a in stats["annotators"].items():
        status = ", ".join(f"{k} {v}" for k, v in a["documents_by_status"].items()) or "no status yet"
        print(f"annotator {name}: spans {a['spans']}, relations {a['relations']}, stance {a['stance_labels']}; {status}")
    return 0
