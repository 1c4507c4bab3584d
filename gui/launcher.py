"""The `goldspan` entry point: the core CLI plus the GUI commands (`open`, `--screenshot`).

Qt is imported only when a window is needed, so `goldspan import` and friends start fast and
run on machines without a display.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from annotation.cli import main as core_main
from annotation.cli.common import fail
from gui.screenshots import SCREENSHOTS, unknown_screenshot_message


def _extend(parser: argparse.ArgumentParser, sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser.add_argument("--screenshot", metavar="OUT.png", help="render the main window (or --screenshot-of NAME) offscreen to a PNG and exit: goldspan --screenshot OUT.png [PROJECT.db] [--screenshot-of NAME] (default: the demo); taken on a private copy, the project is never written")
    parser.add_argument("--screenshot-of", metavar="NAME", default="main", help="with --screenshot: what to render, one of "
                        + "; ".join(f"{name}: {what}" for name, what in SCREENSHOTS.items()))
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
    """`goldspan --screenshot OUT.png [PROJECT.db] [--screenshot-of NAME]`: a positional after an
    option does not fit the sub-command parser, so this form gets its own small one."""
    parser = argparse.ArgumentParser(prog="goldspan", description="Render a window or dialog offscreen to a PNG and exit.")
    parser.add_argument("--screenshot", metavar="OUT.png")
    parser.add_argument("project", nargs="?", metavar="PROJECT.db", help="the project (default: the demo project)")
    parser.add_argument("--screenshot-of", metavar="NAME", default="main")
    parser.add_argument("--annotator", help="who is annotating (default: $GOLDSPAN_ANNOTATOR, then the login name)")
    args = parser.parse_args(argv)
    if args.screenshot_of not in SCREENSHOTS:
        return fail(unknown_screenshot_message(args.screenshot_of), code=2)
    if not args.screenshot:
        return fail("--screenshot-of needs --screenshot OUT.png", code=2)
    from gui.app import run_gui

    return run_gui(project=args.project, screenshot=args.screenshot, annotator=args.annotator,
                   screenshot_of=args.screenshot_of)


def _is_screenshot(argv: list[str]) -> bool:
    return any(a.split("=")[0] in ("--screenshot", "--screenshot-of") for a in argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _is_screenshot(argv) and "-h" not in argv and "--help" not in argv:
        return _screenshot(argv)
    return core_main(argv, extend=_extend)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
