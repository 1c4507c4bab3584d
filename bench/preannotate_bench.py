"""Pre-annotation throughput against bare ``nlp.pipe``, same texts, same pipeline, same run.

    uv run python bench/preannotate_bench.py [--articles 300] [--batch-size 64] [--repeat 2] [--no-n2]

Builds a few hundred demo-like articles (paragraphs of the real Wikinews corpus in ../shared
recombined, each with a handful of reader comments), imports them into a fresh project, then
times:

  bare   ``for doc in nlp.pipe(texts, batch_size=B)`` over every unit text (bodies and comments)
  ours   ``preannotate(...)`` on a fresh copy of the project: the same pipe, plus the quotation
         rules, plus the database writes, committed per batch

and prints both, and the throughput ratio bare/ours (target >= 0.9), in wall time and in CPU
time (this process and its workers; steadier when other work shares the machine). Then the
same with ``--n-process 2`` against 1. Each timing is the best of --repeat runs.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus" / "wikinews_gum.jsonl"

COMMENTS = [
    "I don't believe a word of this.", "Great reporting, thanks.", "My neighbour said the same thing last week.",
    "“We were never told,” she said, and nobody asked her again.", "According to the minister, nothing changed.",
    "Who pays for all this? Not them.", "Exactly. 👍", "This is the best news I have read all year!",
    "The mayor told reporters that the plan would work. It did not.", "lol",
]


def build_articles(n: int, seed: int = 7) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            paragraphs += [p for p in json.loads(line)["text"].split("\n\n") if len(p) > 80]
    articles = []
    for _ in range(n):
        body = "\n\n".join(rng.sample(paragraphs, rng.randint(4, 9)))
        comments = [rng.choice(COMMENTS) for _ in range(rng.randint(0, 6))]
        articles.append((body, comments))
    return articles


def make_project(folder: Path, articles: list[tuple[str, list[str]]]) -> tuple[Path, list[str]]:
    from annotation.model import Comment, Document, ImportedArticle
    from annotation.store import Store

    path = folder / "bench.db"
    imported = [ImportedArticle(Document(None, f"a{n}", f"Article {n}", f"{body}\n\n[{n}]"),
                                tuple(Comment(None, None, f"c{k}", c) for k, c in enumerate(comments)))
                for n, (body, comments) in enumerate(articles)]  # "[n]": texts are unique by hash
    with Store.create(path) as store, store.transaction():
        store.import_articles(imported, "bench")
    with Store.open(path) as store:
        units = [p.unit for p in store.pending_units("bench", "-", True)]
        texts = [t for _, t in store.iter_unit_texts(units)]
    return path, texts


class Clock:
    """Wall time, and CPU time of this process plus its finished worker processes: on a
    shared machine the CPU time is the steadier measure of the work done."""

    def __enter__(self) -> "Clock":
        self.wall0, self.cpu0 = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall0, _cpu() - self.cpu0


def _cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def time_bare(nlp, texts: list[str], batch_size: int, n_process: int) -> Clock:  # type: ignore[no-untyped-def]
    from annotation.nlp.component import COMPONENT

    disabled = [COMPONENT] if COMPONENT in nlp.pipe_names else []
    with nlp.select_pipes(disable=disabled), Clock() as clock:
        for _doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            pass
    return clock


def time_ours(template: Path, folder: Path, batch_size: int, n_process: int) -> tuple[Clock, object]:
    from annotation.jobs import run
    from annotation.nlp.preannotate import preannotate
    from annotation.store import Store

    copy = folder / f"run-{time.monotonic_ns()}.db"
    shutil.copy(template, copy)
    with Store.open(copy) as store, Clock() as clock:
        report = run(preannotate(store, "bench", batch_size=batch_size, n_process=n_process))
    return clock, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-n2", action="store_true", help="skip the --n-process 2 comparison")
    args = parser.parse_args()
    from annotation.nlp.component import with_suggestions
    from annotation.nlp.models import load_model

    loaded = load_model()
    nlp = with_suggestions(loaded.nlp)
    articles = build_articles(args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template, texts = make_project(folder, articles)
        chars = sum(len(t) for t in texts)
        print(f"{len(articles)} articles, {len(texts)} units, {chars:,} characters; model {loaded.label}; "
              f"pipes {', '.join(nlp.pipe_names)}")
        time_bare(nlp, texts[:50], args.batch_size, 1)  # warm up caches before either is timed
        results: dict[int, tuple[float, float]] = {}
        for n_process in (1,) if args.no_n2 else (1, 2):
            bare = ours = bare_cpu = ours_cpu = float("inf")
            report = None
            for _ in range(args.repeat):  # interleaved, so drifting load hits both alike
                clock = time_bare(nlp, texts, args.batch_size, n_process)
                bare, bare_cpu = min(bare, clock.wall), min(bare_cpu, clock.cpu)
                clock, report = time_ours(template, folder, args.batch_size, n_process)
                ours, ours_cpu = min(ours, clock.wall), min(ours_cpu, clock.cpu)
            results[n_process] = (bare, ours)
            print(f"n_process={n_process}: bare nlp.pipe {bare:.2f}s ({chars / bare:,.0f} chars/s)  "
                  f"preannotate {ours:.2f}s ({chars / ours:,.0f} chars/s)  ratio {bare / ours:.3f} (target >= 0.9)")
            print(f"  CPU time: bare {bare_cpu:.2f}s  preannotate {ours_cpu:.2f}s  ratio {bare_cpu / ours_cpu:.3f}")
            print(f"  {report.summary()}")  # type: ignore[union-attr]
        if 2 in results:
            print(f"--n-process 2 vs 1: preannotate {results[1][1] / results[2][1]:.2f}x, "
                  f"bare {results[1][0] / results[2][0]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
