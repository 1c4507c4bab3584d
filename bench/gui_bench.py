"""GUI benchmark (offscreen): open a long annotated article, edit a span, open a huge project.

    uv run python bench/gui_bench.py [--documents 100000] [--keep DIR] [--synchronous-only]
                                     [--only article|accept-all|preannotate-start|huge-paragraphs|huge-one]

Issue 14 scenarios: Accept all on 5,000 suggestions and its undo (before: 8.4 s each, now
~0.15 s); File > Pre-annotate until its dialog is up and the longest stall while the model
loads; a ~5 MB article with 50,000 spans, in paragraphs and as one paragraph (before: 421 s
wall / 95 s CPU and 693 MB for one paragraph on a loaded machine; the issue measured 99.8 s),
beside a bare QPlainTextEdit, with the longest UI-thread stall (a 0 ms timer's worst gap).

Targets (DESIGN.md): a 10,000-word article with 1,000 spans and 300 comments opens in under
100 ms (printed beside a bare QPlainTextEdit.setPlainText of the same text, same run); a span
edit reaches the database and the screen in under 16 ms (median); a 100,000-document project
opens in under 1 s and 300 MB. The big project is opened in a child process so its memory is
measured alone.

Durability cost: a span add through the window's path (Session.push -> store.apply, committed),
timed with ``PRAGMA synchronous=NORMAL`` and with ``FULL`` on the same project (a copy of the
article project) in one run, the two modes interleaved in rounds so a busy neighbour on the
machine hits both alike. FULL makes every commit wait for fsync of the WAL (an edit on screen
survives a power cut); NORMAL only survives a process kill. Wall time is the figure: fsync
costs waiting, not CPU.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotation.model import (  # noqa: E402
    ORIGIN_MODEL, Comment, Document, ImportedArticle, ImportedRelation, ImportedSpan,
)
from annotation.store import Store  # noqa: E402

WORDS = ("the minister said that council budget would rise sharply next year while critics in "
         "Springfield warned about costs and delays to the bridge project announced on Monday").split()
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "DATE", "NORP", "CARDINAL")


def _bare_editor(app):  # type: ignore[no-untyped-def]
    """The baseline: a plain QPlainTextEdit of the article view's size, shown."""
    from PySide6.QtWidgets import QPlainTextEdit

    bare = QPlainTextEdit()
    bare.resize(700, 800)
    bare.show()
    app.processEvents()
    return bare

def long_article(rng: random.Random, n_words: int = 10_000) -> tuple[str, list[tuple[int, int]]]:
    """Text of ``n_words`` words in paragraphs, and the (start, end) of every word."""
    parts: list[str] = []
    words: list[tuple[int, int]] = []
    position = 0
    for i in range(n_words):
        word = rng.choice(WORDS).capitalize() if i % 12 == 0 else rng.choice(WORDS)
        if i and i % 90 == 0:
            parts.append("\n")
            position += 1
        elif i:
            parts.append(" ")
            position += 1
        parts.append(word)
        words.append((position, position + len(word)))
        position += len(word)
    return "".join(parts), words


def build_article_project(path: Path) -> None:
    rng = random.Random(7)
    text, words = long_article(rng)
    spans: list[ImportedSpan] = []
    relations: list[ImportedRelation] = []
    # 1,000 spans: 700 entities on separate words, 100 quotations of 3 spans each (QUOTE, SOURCE, CUE).
    step = len(words) // 100
    for q in range(100):
        base = q * step
        quote = ImportedSpan(f"q{q}", words[base + 2][0], words[base + 12][1], "QUOTE", "quote")
        source = ImportedSpan(f"s{q}", words[base][0], words[base][1], "SOURCE", "quote")
        cue = ImportedSpan(f"c{q}", words[base + 1][0], words[base + 1][1], "CUE", "quote")
        spans += [quote, source, cue]
        relations += [ImportedRelation(f"q{q}", f"s{q}", "source"), ImportedRelation(f"q{q}", f"c{q}", "cue")]
        for e in range(7):
            w = words[base + 14 + e * 3]
            spans.append(ImportedSpan(f"e{q}-{e}", w[0], w[1], ENTITY_LABELS[e % len(ENTITY_LABELS)]))
    comments = tuple(
        Comment(None, None, f"c{i}", " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 80))),
                parent_ext_id=f"c{i - 1}" if i % 5 else None, author=f"reader{i % 37}", position=i)
        for i in range(300)
    )
    article = ImportedArticle(Document(None, "long", "A long article", text), comments, tuple(spans), tuple(relations))
    with Store.create(path) as store, store.transaction():
        store.import_articles([article], "bench", annotator="bench", origin=ORIGIN_MODEL)


def build_big_project(path: Path, n: int) -> None:
    rng = random.Random(3)
    with Store.create(path) as store:
        for start in range(0, n, 5000):
            batch = [
                ImportedArticle(Document(None, f"d{i}", f"Document {i}: " + " ".join(rng.choice(WORDS) for _ in range(6)),
                                         " ".join(rng.choice(WORDS) for _ in range(60)) + f" ({i})"))
                for i in range(start, min(n, start + 5000))
            ]
            with store.transaction():
                store.import_articles(batch, "bench")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class Clock:
    """Wall and CPU time of one step: on a shared machine the CPU time is the steadier figure."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> "Clock":
        self._t, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall.append(time.perf_counter() - self._t)
        self.cpu.append(time.process_time() - self._c)

    def best(self) -> str:
        return f"{_ms(min(self.wall))} wall, {_ms(min(self.cpu))} CPU"

    def median(self) -> str:
        return f"{_ms(statistics.median(self.wall))} wall, {_ms(statistics.median(self.cpu))} CPU"


def bench_article(path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from annotation.commands import UpdateSpan
    from annotation.model import Unit
    from gui.main_window import MainWindow
    from gui.session import Session
    from gui.views.annotated_text import AnnotatedTextView

    app = QApplication.instance() or QApplication([])
    store = Store.open(path)
    doc = store.document_ids()[0]
    text = store.document(doc).text

    bare = _bare_editor(app)
    bare_clock = Clock()
    for _ in range(5):
        bare.setPlainText("")
        app.processEvents()
        with bare_clock:
            bare.setPlainText(text)
            bare.viewport().repaint()

    session = Session(store, "bench")
    view = AnnotatedTextView(session)
    view.resize(700, 800)
    view.show()
    app.processEvents()
    view_clock = Clock()
    for _ in range(5):
        view.setPlainText("")
        app.processEvents()
        with view_clock:
            view.set_unit(Unit(doc))
            view.viewport().repaint()
    n_spans = len(view.span_index.placed)

    window = MainWindow(Session(store, "bench"))
    window.resize(1400, 860)
    window.show()
    app.processEvents()
    window_clock = Clock()
    for _ in range(5):
        window.session.current_document = None
        with window_clock:
            window.open_document(doc)
            window.repaint()
            app.processEvents()

    # A span edit: relabel through the undo stack -> store -> Changes -> the view's blocks ->
    # screen; processEvents() delivers the paint events the edit queued.
    edit_clock, full_clock = Clock(), Clock()
    entity = next(p.span for p in view.span_index.in_order() if p.span.layer == "entity")
    view.select_span(entity.id)
    app.processEvents()
    labels = ("ORG", "PERSON")
    for i in range(60):
        with edit_clock:
            session.push(UpdateSpan(entity.id, label=labels[i % 2]))  # type: ignore[arg-type]
            app.processEvents()
    for i in range(20):  # the worst case: the whole text area repainted after the edit
        with full_clock:
            session.push(UpdateSpan(entity.id, label=labels[i % 2]))  # type: ignore[arg-type]
            view.viewport().repaint()
    assert store.span(entity.id).label == labels[19 % 2]
    window.close()
    store.close()
    print(f"Article: 10,000 words, {n_spans} spans drawn, 300 comments (best of 5)")
    print(f"  bare QPlainTextEdit.setPlainText + paint : {bare_clock.best()}")
    print(f"  AnnotatedTextView.set_unit + paint       : {view_clock.best()}"
          f"  (ratio {min(view_clock.wall) / min(bare_clock.wall):.1f}x bare wall,"
          f" {min(view_clock.cpu) / max(min(bare_clock.cpu), 1e-6):.1f}x CPU)")
    print(f"  main window: open document (article, thread, inspector) + paint: {window_clock.best()}"
          f"  target < 100 ms: {'OK' if min(window_clock.wall) < 0.1 else 'MISSED'}")
    print(f"Span edit to database and screen: median {edit_clock.median()}"
          f"  target < 16 ms: {'OK' if statistics.median(edit_clock.wall) < 0.016 else 'MISSED'}")
    print(f"  (with a forced repaint of the whole text area: median {full_clock.median()})")


def bench_synchronous(path: Path, rounds: int = 8, per_round: int = 15) -> None:
    """Per-edit cost of synchronous=FULL against NORMAL: span adds, committed, same project."""
    import re
    import sqlite3

    from PySide6.QtWidgets import QApplication

    from annotation.model import ENTITY, Unit
    from gui.editing import add_span_command
    from gui.main_window import MainWindow
    from gui.session import Session

    app = QApplication.instance() or QApplication([])
    copy = path.with_name("article-synchronous.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    store = Store.open(copy)
    doc = store.document_ids()[0]
    text = store.document(doc).text
    covered = set()
    for span in store.spans(doc, "bench"):
        if span.layer == ENTITY and span.comment_id is None:
            covered.update(range(span.start, span.end))
    free = iter([m.span() for m in re.finditer(r"\w+", text) if not covered.intersection(range(*m.span()))])
    window = MainWindow(Session(store, "bench"))
    window.remember_layout = False
    window.resize(1400, 860)
    window.show()
    window.open_document(doc)
    app.processEvents()
    session = window.session
    clocks = {"NORMAL": Clock(), "FULL": Clock()}
    codes = {"NORMAL": 1, "FULL": 2}
    for r in range(rounds):
        for mode in (("NORMAL", "FULL") if r % 2 == 0 else ("FULL", "NORMAL")):
            store.conn.execute(f"PRAGMA synchronous = {mode}")
            assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == codes[mode]
            for _ in range(per_round):
                start, end = next(free)
                with clocks[mode]:
                    ok = session.push(add_span_command(Unit(doc), start, end, "ORG", ENTITY, "bench", None))
                    app.processEvents()
                assert ok, "the span add was refused"
    window.close()
    store.close()
    normal, full = (statistics.median(clocks[m].wall) for m in ("NORMAL", "FULL"))
    n = rounds * per_round
    print(f"Span add, committed, through the window's path ({n} per mode, interleaved, same project):")
    print(f"  synchronous=NORMAL: median {clocks['NORMAL'].median()}")
    print(f"  synchronous=FULL  : median {clocks['FULL'].median()}")
    print(f"  FULL / NORMAL: {full / normal:.2f}x wall (+{_ms(full - normal)} per edit)"
          f"  target < 16 ms per edit with FULL: {'OK' if full < 0.016 else 'MISSED'}")


def build_suggestions_project(path: Path, n_spans: int = 5000) -> None:
    """A 10,000-word article whose every other word is an entity suggestion (model origin)."""
    rng = random.Random(11)
    text, words = long_article(rng)
    spans = [ImportedSpan(f"e{i}", *words[i * 2], ENTITY_LABELS[i % len(ENTITY_LABELS)]) for i in range(n_spans)]
    article = ImportedArticle(Document(None, "suggested", "Suggestions everywhere", text), (), tuple(spans), ())
    with Store.create(path) as store, store.transaction():
        store.import_articles([article], "bench", annotator="bench", origin=ORIGIN_MODEL)


def build_huge_project(path: Path, paragraphs: bool, n_spans: int = 50_000, size: int = 5_000_000) -> None:
    """A ~5 MB article with ``n_spans`` entity spans: one paragraph, or paragraphs of ~90 words."""
    rng = random.Random(5)
    parts: list[str] = []
    words: list[tuple[int, int]] = []
    position = 0
    i = 0
    while position < size:
        word = rng.choice(WORDS)
        sep = "\n" if (paragraphs and i and i % 90 == 0) else " "
        if i:
            parts.append(sep)
            position += 1
        parts.append(word)
        words.append((position, position + len(word)))
        position += len(word)
        i += 1
    text = "".join(parts)
    from annotation.model import Unit
    from annotation.store.suggestions import SuggestedSpan, UnitSuggestions

    step = max(1, len(words) // n_spans)
    spans = [SuggestedSpan(k, *words[k * step], ENTITY_LABELS[k % len(ENTITY_LABELS)], "entity")
             for k in range(min(n_spans, len(words) // step))]
    # Written as pre-annotation writes them: import_articles checks each entity against every
    # other (one query per span), which takes minutes for 50,000 spans in one text.
    with Store.create(path) as store:
        with store.transaction():
            store.import_articles([ImportedArticle(Document(None, "huge", "A huge article", text))], "bench")
        doc = store.document_ids()[0]
        store.write_suggestions([UnitSuggestions(Unit(doc), spans)], "bench", "bench 1")


class StallMeter:
    """The longest time the event loop went without running a 0 ms timer: a UI-thread stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(interval=0)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def __enter__(self) -> "StallMeter":
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._tick()
        self._timer.stop()


def _settle(app: object, seconds: float) -> None:
    """Run the event loop for ``seconds`` (idle formatting, deferred repaints)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()  # type: ignore[attr-defined]


def bench_accept_all(path: Path) -> None:
    """Document > Accept all on 5,000 suggestions, then its undo, in the main window."""
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow
    from gui.session import Session

    app = QApplication.instance() or QApplication([])
    store = Store.open(path)
    doc = store.document_ids()[0]
    n = sum(1 for s in store.spans(doc, "bench") if s.origin == ORIGIN_MODEL)
    window = MainWindow(Session(store, "bench"))
    window.remember_layout = False
    window.resize(1400, 860)
    window.show()
    window.open_document(doc)
    _settle(app, 0.5)
    accept, undo = Clock(), Clock()
    stall_accept = stall_undo = 0.0
    for _ in range(3):
        with StallMeter() as meter:
            with accept:
                window.accept_all()
                window.repaint()
                app.processEvents()
            _settle(app, 0.2)
        stall_accept = max(stall_accept, meter.longest)
        assert not any(s.origin == ORIGIN_MODEL for s in store.spans(doc, "bench")), "accept-all left suggestions"
        with StallMeter() as meter:
            with undo:
                window.undo()
                window.repaint()
                app.processEvents()
            _settle(app, 0.2)
        stall_undo = max(stall_undo, meter.longest)
        assert sum(1 for s in store.spans(doc, "bench") if s.origin == ORIGIN_MODEL) == n
    window.close()
    store.close()
    print(f"Accept all {n:,} suggestions (main window, to database and screen, best of 3):")
    print(f"  accept-all: {accept.best()}, longest UI stall {_ms(stall_accept)}"
          f"  target < 300 ms: {'OK' if min(accept.wall) < 0.3 else 'MISSED'}")
    print(f"  its undo  : {undo.best()}, longest UI stall {_ms(stall_undo)}"
          f"  target < 300 ms: {'OK' if min(undo.wall) < 0.3 else 'MISSED'}")


def bench_huge(path: Path, label: str) -> None:
    """Open a ~5 MB article with 50,000 spans in the main window, beside a bare QPlainTextEdit."""
    import resource

    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow
    from gui.session import Session

    app = QApplication.instance() or QApplication([])
    store = Store.open(path)
    doc = store.document_ids()[0]
    text = store.document(doc).text
    bare = _bare_editor(app)
    bare_clock = Clock()
    with bare_clock:
        bare.setPlainText(text)
        bare.viewport().repaint()
    bare.close()
    window = MainWindow(Session(store, "bench"))
    window.remember_layout = False
    window.resize(1400, 860)
    window.show()
    app.processEvents()
    clock = Clock()
    t0 = time.perf_counter()
    with StallMeter() as meter:
        with clock:
            window.open_document(doc)
            window.repaint()
            app.processEvents()
        pending = getattr(window.article, "spans_pending", lambda: False)
        while pending() and time.perf_counter() - t0 < 300:
            app.processEvents()  # long texts: the spans come from a worker
        window.repaint()
        spans_shown = time.perf_counter() - t0
        _settle(app, 1.0)  # idle formatting of the rest must not stall the window either
    n = len(window.article.span_index.placed)
    window.close()
    store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Huge article, {label}: {len(text) / 1e6:.1f} MB, {n:,} spans")
    print(f"  bare QPlainTextEdit.setPlainText + paint: {bare_clock.best()}")
    print(f"  main window open, text painted: {clock.best()} (ratio {min(clock.wall) / min(bare_clock.wall):.1f}x bare)")
    print(f"  every span drawn: {_ms(spans_shown)} wall; longest UI stall from open to 1 s after: {_ms(meter.longest)},"
          f" peak RSS {rss:.0f} MB  target < 1 s: {'OK' if spans_shown < 1 else 'MISSED'},"
          f" stall < 100 ms: {'OK' if meter.longest < 0.1 else 'MISSED'}")


def child_open_big(path: str) -> None:
    """Runs in a child process: open the project in a main window, report time and peak RSS."""
    import resource

    t0 = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow
    from gui.session import Session

    app = QApplication.instance() or QApplication([])
    t_imports = time.perf_counter()
    store = Store.open(path, check=False)  # as the GUI does: the check runs on a worker
    t_store = time.perf_counter()
    window = MainWindow(Session(store, "bench"))
    window.resize(1400, 860)
    window.check_integrity_in_background()
    window.open_first_document()
    window.show()
    window.repaint()
    app.processEvents()
    t_shown = time.perf_counter()
    cpu = time.process_time()
    rows = window.documents.model.rowCount()
    window.jobs.wait(30000)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "rows": rows, "imports_s": t_imports - t0, "store_open_s": t_store - t_imports,
        "window_s": t_shown - t_store, "open_total_s": t_shown - t_imports, "peak_rss_mb": rss_mb,
        "cpu_s": cpu,
    }))
    window.close()
    store.close()


def bench_preannotate_start(path: Path) -> None:
    """File > Pre-annotate: time until its dialog is up, and the longest UI stall while the
    worker imports spaCy and loads the model (the job is cancelled once it counts)."""
    import shutil

    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow
    from gui.session import Session

    app = QApplication.instance() or QApplication([])
    copy = path.with_name("preannotate-start.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copy(path, copy)
    store = Store.open(copy)
    window = MainWindow(Session(store, "bench"))
    window.remember_layout = False
    window.resize(1400, 860)
    window.show()
    window.open_first_document()
    _settle(app, 0.3)
    clock = Clock()
    with StallMeter() as meter:
        with clock:
            window.preannotate()
            app.processEvents()
        dialog_up = bool(window.jobs.dialog and window.jobs.dialog.isVisible())
        t0 = time.perf_counter()
        while window.jobs.busy and time.perf_counter() - t0 < 120:
            app.processEvents()
            if window.jobs.dialog is not None and window.jobs.dialog.value() > 0:
                window.jobs.cancel()
    window.jobs.wait(30000)
    window.close()
    store.close()
    print(f"Pre-annotate start: dialog {'up' if dialog_up else 'NOT up'} after {clock.best()};"
          f" longest UI stall while the model loaded {_ms(meter.longest)}"
          f"  target < 100 ms: {'OK' if meter.longest < 0.1 else 'MISSED'}")


def run_new_scenarios(folder: Path, which: list[str]) -> None:
    """Accept-all and the two 5 MB articles; each huge one in a child so its memory is its own."""
    if "preannotate-start" in which:
        bench_preannotate_start(folder / "article.db")
    if "accept-all" in which:
        db = folder / "suggestions5000.db"
        if not db.exists():
            build_suggestions_project(db)
        bench_accept_all(db)
    for name, paragraphs in (("huge-paragraphs", True), ("huge-one", False)):
        if name in which:
            db = folder / f"{name}.db"
            if not db.exists():
                build_huge_project(db, paragraphs)
            label = "paragraphs of 90 words" if paragraphs else "one paragraph"
            out = subprocess.run([sys.executable, __file__, "--child-huge", str(db), label],
                                 capture_output=True, text=True, timeout=900)
            print(out.stdout.rstrip() or out.stderr.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--keep", help="build the projects in this folder and keep them")
    parser.add_argument("--child-open", help=argparse.SUPPRESS)
    parser.add_argument("--synchronous-only", action="store_true", help="only the synchronous=FULL vs NORMAL per-edit cost")
    parser.add_argument("--only", choices=("article", "accept-all", "huge-one", "huge-paragraphs", "preannotate-start"), help="run one new scenario alone")
    parser.add_argument("--child-huge", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_open:
        child_open_big(args.child_open)
        return 0
    if args.child_huge:
        bench_huge(Path(args.child_huge[0]), args.child_huge[1])
        return 0
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="goldspan-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    article_db, big_db = folder / "article.db", folder / f"big{args.documents}.db"
    if not article_db.exists():
        build_article_project(article_db)
    if args.synchronous_only:
        bench_synchronous(article_db)
        return 0
    if args.only == "article":
        bench_article(article_db)
        return 0
    if args.only:
        run_new_scenarios(folder, [args.only])
        return 0
    if not big_db.exists():
        t0 = time.perf_counter()
        build_big_project(big_db, args.documents)
        print(f"(built {args.documents:,} documents in {time.perf_counter() - t0:.1f} s)")

    bench_article(article_db)
    bench_synchronous(article_db)
    run_new_scenarios(folder, ["accept-all", "preannotate-start", "huge-paragraphs", "huge-one"])
    out = subprocess.run([sys.executable, __file__, "--child-open", str(big_db)], capture_output=True, text=True, check=True)
    big = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"Project of {big['rows']:,} documents: Store.open {_ms(big['store_open_s'])}, window {_ms(big['window_s'])},"
          f" total {_ms(big['open_total_s'])} (Qt imports {_ms(big['imports_s'])} before), peak RSS {big['peak_rss_mb']:.0f} MB"
          f"  target < 1 s and < 300 MB: {'OK' if big['open_total_s'] < 1 and big['peak_rss_mb'] < 300 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
