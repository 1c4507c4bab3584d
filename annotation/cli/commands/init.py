"""goldspan init PROJECT.db [--schema FILE]"""
from __future__ import annotations

import argparse

from annotation.schema import default_schema, load_schema
from annotation.store import Store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="create a new project file", description="Create a new Goldspan project (one SQLite file).")
    p.add_argument("project", help="the new project file, e.g. news.db")
    p.add_argument("--schema", help="label schema TOML (default: the news schema)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    schema = load_schema(args.schema) if args.schema else default_schema()
    with Store.create(args.project, schema):
        pass
    print(f"created {args.project} with the {schema.name} schema")
    return 0
