"""The `goldspan` command line: thin wrappers over core functions, one module a command.

Command modules live in annotation/cli/commands/ and each defines ``register(subparsers)``.
The GUI's launcher extends this parser with `open` and `--screenshot` (the core never imports Qt).
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Callable, Sequence

from annotation.cli.common import fail
from annotation.errors import GoldspanError

Extender = Callable[[argparse.ArgumentParser, "argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def build_parser(extend: Extender | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goldspan",
        description="Goldspan: gold-standard entities, quotations and comment stance from news.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from annotation.cli import commands

    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{module.name}").register(sub)
    if extend is not None:
        extend(parser, sub)
    return parser


def main(argv: Sequence[str] | None = None, extend: Extender | None = None) -> int:
    try:
        parser = build_parser(extend)  # imports every command's module: a few hundred ms
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        return fail("interrupted before the command began: nothing was done", code=130)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    try:
        return int(func(args) or 0)
    except GoldspanError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted; the last batch was rolled back, everything before it is saved", code=130)
    except BrokenPipeError:
        # Output piped into `head`, which stopped reading: that is not an error of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not print a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
