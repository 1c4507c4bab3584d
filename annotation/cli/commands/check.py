"""goldspan check PROJECT.db [--json]"""
from __future__ import annotations

import argparse
import json
import sqlite3

from annotation.store import Store
from annotation.store.checking import Problem


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check", help="integrity and invariants, one line per problem",
        description="SQLite's integrity and foreign-key checks plus Goldspan's own rules: spans inside their "
                    "text, no duplicates, no SOURCE or CUE without its QUOTE, relations inside one text and one "
                    "annotator's layer, known labels and targets, a readable edit log. Opens the project "
                    "read-only and never writes. Exit 0 only when clean, 1 when there are problems.",
    )
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="machine-readable output: {\"project\", \"ok\", \"problems\": [...]}")
    p.set_defaults(func=run)


def check_project(path: str) -> list[Problem]:
    """The problems of the project at ``path`` (read-only; the quick check at open is skipped
    because the full integrity check runs here and reports damage instead of refusing)."""
    with Store.open(path, read_only=True, check=False) as store:
        try:
            return store.check_problems()
        except sqlite3.DatabaseError as exc:  # too damaged for the checks' own queries
            return [Problem("unreadable", f"SQLite cannot read the project: {exc}")]


def run(args: argparse.Namespace) -> int:
    problems = check_project(args.project)
    if args.json:
        print(json.dumps({"project": args.project, "ok": not problems, "problems": [p.to_dict() for p in problems]},
                         indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            print(f"{args.project}: {problem.line()}")
    return 1 if problems else 0
