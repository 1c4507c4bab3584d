"""Review benchmark: the longest UI-thread stall of each step of a side-by-side review and of
the agreement dashboard, beside a bare QPlainTextEdit.setPlainText of the same text.

    uv run python bench/review_bench.py [--keep DIR] [--rounds 5] [--profile STEP]

The project: two annotators (alice, bob) on ten articles, the first of 10,000 words with 30
comments, each annotator with about 1,000 entity spans there (one in ten missed, one in ten
labelled differently), a quotation (QUOTE with SOURCE and CUE) every 300 words with the source
differing now and then, entities and stance labels on the comments; bob's file merged into
alice's as File > Merge does. Steps, each through the window's own actions: open (Review >
Review annotators, which compares the first document and, with "agreed items go to gold" on,
writes the agreed items), next difference (N), accept annotator 1, accept annotator 2, accept
all (+), reject (X), undo (Ctrl+Z) of a decision, opening the next document, undo of a
document's agreed-items batch (hundreds of gold spans at once) and the redo of every step, and
the dashboard (Review > Agreement
dashboard, until its report is shown). A stall is the longest gap of a 0 ms heartbeat timer
from the action until a short settle after it (bench/gui_bench.StallMeter).

``review_stalls(folder, rounds)`` returns {step: (wall median s, longest stall s, median stall s)}
for other benches; this file prints them with '!!' beside any stall over 100 ms. On a shared
machine a neighbour's burst shows as a stall in one round: the median stall is printed beside
the worst, and the bare setPlainText baseline shows how noisy the run was.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gui_bench import ENTITY_LABELS, WORDS, StallMeter, _fresh_copy, _main_window, _screen_sync, _settle, long_article  # noqa: E402

from annotation.model import (  # noqa: E402
    ORIGIN_HUMAN, Comment, Document, ImportedArticle, ImportedRelation, ImportedSpan, ImportedStance,
)
from annotation.store import Store  # noqa: E402

STALL_LIMIT = 0.1
STANCES = ("favor", "against", "neutral", "unrelated")


def build_project(folder: Path, n_words: int = 10_000, n_comments: int = 30) -> Path:
    """alice's project with bob's merged in (see the module docstring); returns its path."""
    from annotation.merge import merge

    rng = random.Random(23)
    texts = [long_article(rng, n_words if d == 0 else 1_500) for d in range(10)]
    comment_texts = [[" ".join(rng.choice(WORDS) for _ in range(20)) for _ in range(n_comments)] for _ in texts]
    paths: dict[str, Path] = {}
    for who, seed in (("alice", 1), ("bob", 2)):
        pick = random.Random(seed)
        path = folder / f"reviewbench-{who}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        articles = []
        target = ""
        with Store.create(path) as store:
            target = store.schema.stance_targets[0] if store.schema.stance_targets else "topic"
            articles = []
            for d, (text, words) in enumerate(texts):
                spans: list[ImportedSpan] = []
                relations: list[ImportedRelation] = []
                quote_words = set()
                for q in range(150, len(words) - 20, 300):  # a quotation every 300 words
                    source, cue = words[q - 2], words[q - 1]
                    shift = 1 if pick.random() < 0.1 else 0  # a different source now and then
                    quote = (words[q][0], words[q + 11][1])
                    spans += [ImportedSpan(f"q{q}", *quote, "QUOTE", "quote"),
                              ImportedSpan(f"s{q}", words[q - 2 - shift][0], source[1], "SOURCE", "quote"),
                              ImportedSpan(f"c{q}", *cue, "CUE", "quote")]
                    relations += [ImportedRelation(f"q{q}", f"s{q}", "source"), ImportedRelation(f"q{q}", f"c{q}", "cue")]
                    quote_words |= set(range(q - 3, q + 12))
                for k, (s, e) in enumerate(words[::10]):
                    if k * 10 in quote_words or pick.random() < 0.1:
                        continue  # inside a quotation, or this annotator missed it
                    label = ENTITY_LABELS[(k + (1 if pick.random() < 0.1 else 0)) % len(ENTITY_LABELS)]
                    if pick.random() < 0.03:  # a boundary difference
                        e = words[k * 10 + 1][1]
                    spans.append(ImportedSpan(f"e{k}", s, e, label))
                comments = tuple(Comment(None, None, f"d{d}c{i}", t, position=i) for i, t in enumerate(comment_texts[d]))
                for i, t in enumerate(comment_texts[d]):
                    first = t.split(" ", 1)[0]
                    if pick.random() < 0.8:
                        spans.append(ImportedSpan(f"d{d}c{i}e", 0, len(first), ENTITY_LABELS[i % 6], comment_ext_id=f"d{d}c{i}"))
                stances = tuple(ImportedStance(f"d{d}c{i}", target, STANCES[(i + (1 if pick.random() < 0.2 else 0)) % 4], who)
                                for i in range(n_comments))
                articles.append(ImportedArticle(Document(None, f"doc{d}", f"Article {d}", text), comments, tuple(spans),
                                                tuple(relations), stances))
            with store.transaction():
                store.import_articles(articles, "bench", annotator=who, origin=ORIGIN_HUMAN)
        paths[who] = path
    with Store.open(paths["alice"]) as store:
        merge(store, paths["bob"], reviewer="bench")
    return paths["alice"]


def _measure(app, action, ready=lambda: True, settle: float = 0.15, timeout: float = 120.0) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEventLoop

    with StallMeter() as meter:
        t0 = time.perf_counter()
        action()
        app.processEvents()
        while not ready() and time.perf_counter() - t0 < timeout:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        _screen_sync(app)
        wall = time.perf_counter() - t0
        _settle(app, settle)
    return wall, meter.longest


STEPS = ("baseline", "open", "next", "accept 1", "accept 2", "accept all", "reject", "undo", "open other document",
         "undo agreed batch", "redo", "redo agreed batch", "dashboard")


def review_stalls(folder: Path, rounds: int = 5, project: Path | None = None) -> dict[str, tuple[float, float, float]]:
    """{step: (median wall s, longest UI-thread stall s, median of the stalls s)} for every step in STEPS."""
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    app = QApplication.instance() or QApplication([])
    if project is None:
        project = folder / "reviewbench-alice.db"
        if not project.exists():
            build_project(folder)
    rows: dict[str, list[tuple[float, float]]] = {s: [] for s in STEPS}
    for _ in range(rounds):
        path = _fresh_copy(project, "reviewbench-run.db")
        window, store = _main_window(path)
        _settle(app, 0.3)
        # until the agreed items' job (if any) has written gold and the window has reloaded
        rows["open"].append(_measure(app, window.review_action.trigger,
                                     lambda: getattr(window, "review_window", None) is not None
                                     and not getattr(window.review_window, "comparing", False)))
        review = window.review_window
        assert review.items, "no differences to review"
        bare = QPlainTextEdit()
        bare.resize(review.side.panes[0].size())
        bare.show()
        text = review.side.layout_.texts[0]
        rows["baseline"].append(_measure(app, lambda: bare.setPlainText(text)))
        bare.close()
        review.activateWindow()
        for _step in range(5):
            rows["next"].append(_measure(app, lambda: review.step(1)))
        for name, act in (("accept 1", lambda: review.accept_index(0)), ("accept 2", lambda: review.accept_index(1)),
                          ("accept all", review.accept_all), ("reject", review.reject)):
            for _step in range(2):
                rows[name].append(_measure(app, act))
        for _step in range(4):
            rows["undo"].append(_measure(app, window.session.undo))
        for _step in range(2):
            rows["redo"].append(_measure(app, window.session.redo))
        if review.documents.count() > 1:
            rows["open other document"].append(_measure(app, lambda: review.documents.setCurrentRow(1),
                                                         lambda: not getattr(review, "comparing", False)))
        # the agreed items' batch of the first document (hundreds of gold spans), taken back
        while window.session.undo_stack.canUndo():
            step = window.session.undo_stack.index() - 1
            text = window.session.undo_stack.text(step)
            rows["undo agreed batch" if "agreed" in text else "undo"].append(_measure(app, window.session.undo))
        while window.session.undo_stack.canRedo():
            text = window.session.undo_stack.text(window.session.undo_stack.index())
            rows["redo agreed batch" if "agreed" in text else "redo"].append(_measure(app, window.session.redo))
        review.close()
        rows["dashboard"].append(_measure(app, window.dashboard_action.trigger,
                                          lambda: getattr(window, "agreement_dashboard").report is not None))
        window.agreement_dashboard.close()
        window.jobs.wait(30000)
        window.close()
        store.close()
        _settle(app, 0.1)
    return {k: (statistics.median(w for w, _s in v), max(s for _w, s in v), statistics.median(s for _w, s in v))
            for k, v in rows.items() if v}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="build the project in this folder and keep it")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        # settings of this run only (the review's "agreed items go to gold" is on by default)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path(tmp) / "settings"))
        app = QApplication.instance() or QApplication([])
        app.setOrganizationName("goldspan-bench")
        t0 = time.perf_counter()
        project = folder / "reviewbench-alice.db"
        if not project.exists():
            build_project(folder)
        with Store.open(project) as store:
            doc = store.document_ids()[0]
            n = {a: len(store.spans(doc, a)) for a in ("alice", "bob")}
        print(f"project: {project} ({time.perf_counter() - t0:.1f} s); first document spans: {n}")
        result = review_stalls(folder, args.rounds, project)
        print(f"\n{'step':28} {'longest stall':>14} {'median stall':>13} {'wall (median)':>14}"
              f"   (platform {app.platformName()}, {args.rounds} rounds; '!!': a stall over 100 ms)")
        for step, (wall, stall, typical) in result.items():
            flag = "!!" if stall > STALL_LIMIT and step != "baseline" else "  "
            print(f"{step:28} {flag}{stall * 1000:9.1f} ms {typical * 1000:10.1f} ms {wall * 1000:11.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
