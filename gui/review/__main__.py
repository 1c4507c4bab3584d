"""Review on its own: python -m gui.review PROJECT.db [ANNOTATOR ...] [--reviewer NAME]"""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gui.review", description="Review annotators and adjudicate into gold.")
    parser.add_argument("project")
    parser.add_argument("annotators", nargs="*", help="whom to compare (default: the first two with annotations)")
    parser.add_argument("--reviewer", help="who decides (default: $GOLDSPAN_ANNOTATOR, then the login name)")
    args = parser.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from annotation.cli.common import fail, resolve_annotator
    from annotation.errors import GoldspanError
    from annotation.store import Store
    from gui.review.window import ReviewWindow
    from gui.session import Session

    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        store = Store.open(args.project)
    except GoldspanError as exc:
        return fail(str(exc))
    window = ReviewWindow(Session(store, resolve_annotator(args.reviewer)), args.annotators or None)
    if not args.annotators:
        window.compare_checked()
    window.show()
    code = app.exec()
    store.close()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
