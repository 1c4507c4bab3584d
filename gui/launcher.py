"""The `goldspan` entry point: the core CLI plus the GUI commands (`open`, `--screenshot`).

Qt is imported only when a window is needed, so `goldspan import` and friends start fast and
run on machines without a display.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from annotation.cli import main as core_main


def _extend(parser: argparse.ArgumentParser, sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser.add_argument("--screenshot", metavar="OUT.png", help="render the main window offscreen to a PNG and exit (goldspan --screenshot OUT.png [PROJECT.db]; default: the demo)")
    parser.add_argument("--annotator", dest="gui_annotator", metavar="NAME", help="who is annotating (default: $GOLDSPAN_ANNOTATOR, then the login name)")
    parser.set_defaults(func=_open_default)
    p = sub.add_parser("open", help="open the GUI on a project", description="Open the annotation window on a project file.")
    p.add_argument("project")
    p.add_argument("--annotator", help="who is annotating (default: $GOLDSPAN_ANNOTATOR, then the login name)")
    p.add_argument("--read-only", action="store_true",
                   help="open without writing anything (beside another window that writes, or from a read-only folder)")
    p.set_defaults(func=_open_project)


def _open_default(args: argparse.Namespace) -> int:
    from gui.app import run_gui

    return run_gui(project=None, screenshot=args.screenshot, annotator=args.gui_annotator)


def _open_project(args: argparse.Namespace) -> int:
    from gui.app import run_gui

    return run_gui(project=args.project, screenshot=None, annotator=args.annotator, read_only=args.read_only)


def _screenshot(argv: list[str]) -> int:
    """`goldspan --screenshot OUT.png [PROJECT.db]`: a positional after an option does not fit
    the sub-command parser, so this form gets its own small one."""
    parser = argparse.ArgumentParser(prog="goldspan", description="Render the main window offscreen to a PNG and exit.")
    parser.add_argument("--screenshot", metavar="OUT.png", required=True)
    parser.add_argument("project", nargs="?", metavar="PROJECT.db", help="the project (default: the demo project)")
    parser.add_argument("--annotator", help="who is annotating (default: $GOLDSPAN_ANNOTATOR, then the login name)")
    args = parser.parse_args(argv)
    from gui.app import run_gui

    return run_gui(project=args.project, screenshot=args.screenshot, annotator=args.annotator)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a == "--screenshot" or a.startswith("--screenshot=") for a in argv) and "-h" not in argv and "--help" not in argv:
        return _screenshot(argv)
    return core_main(argv, extend=_extend)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
