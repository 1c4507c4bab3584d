"""Import throughput against bare sqlite-utils on the same rows (target: ratio >= 0.8).

    uv run python bench/import_bench.py [--articles 10000] [--comments 20]

Generates articles with comment threads (every third comment a reply), then in one run:
  * ours, file:  ``import_files`` on a JSONL file (reading, parsing, checks, hashes, FTS, one
    transaction per file) into a fresh project;
  * ours, store: ``Store.import_articles`` on the same articles already in memory;
  * bare:        sqlite-utils ``insert_all`` of the same document and comment rows into a plain db.
Rates are rows (documents + comments) per second; the ratio is ours / bare.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlite_utils  # noqa: E402

from annotation.import_job import import_files  # noqa: E402
from annotation.jobs import run  # noqa: E402
from annotation.model import Comment, Document, ImportedArticle  # noqa: E402
from annotation.store import Store  # noqa: E402

WORDS = ("the council harbour ferry minister said told reporters according residents petition bridge "
         "budget winter crossing plan vote mayor river town valley spokesperson warned added claimed "
         "Zoë Łukasz Müller São Paulo Valdoria Marrowby Ambel cheaper closure refund morning statement "
         "would could not never again because however while after before during under over").split()


def generate(n_articles: int, n_comments: int, seed: int = 7) -> list[dict]:  # type: ignore[type-arg]
    rng = random.Random(seed)

    def sentence(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    records = []
    for a in range(n_articles):
        paragraphs = ["".join(sentence(rng.randint(12, 25)) + " " for _ in range(4)).strip() for _ in range(3)]
        comments = []
        for c in range(n_comments):
            parent = str(c - 1) if c % 3 == 2 else None
            comments.append({"id": str(c), "parent": parent, "author": f"reader{rng.randint(1, 500)}",
                             "time": f"2026-04-{1 + c % 28:02d}T10:{c % 60:02d}", "text": sentence(rng.randint(10, 40))})
        records.append({"id": f"a{a}", "title": f"Article {a}", "url": f"https://news.example/{a}",
                        "published": "2026-04-14", "text": f"Article {a}. " + "\n\n".join(paragraphs),
                        "comments": comments})
    return records


def as_articles(records: list[dict]) -> list[ImportedArticle]:  # type: ignore[type-arg]
    out = []
    for r in records:
        doc = Document(None, r["id"], r["title"], r["text"], r["url"], r["published"], {}, source_file="bench.jsonl")
        comments = tuple(Comment(None, None, c["id"], c["text"], parent_ext_id=c["parent"], author=c["author"],
                                 time=c["time"], position=i) for i, c in enumerate(r["comments"]))
        out.append(ImportedArticle(doc, comments, line=0))
    return out


def bare_rows(records: list[dict]) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    docs, comments = [], []
    for doc_id, r in enumerate(records, 1):
        docs.append({"id": doc_id, "ext_id": r["id"], "title": r["title"], "url": r["url"],
                     "published": r["published"], "text": r["text"], "meta": "{}"})
        for position, c in enumerate(r["comments"]):
            comments.append({"document_id": doc_id, "ext_id": c["id"], "parent_ext_id": c["parent"],
                             "author": c["author"], "time": c["time"], "position": position, "text": c["text"], "meta": "{}"})
    return docs, comments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=20)
    args = parser.parse_args()
    records = generate(args.articles, args.comments)
    n_rows = args.articles * (1 + args.comments)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        source = tmpdir / "bench.jsonl"
        with source.open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{args.articles} articles x {args.comments} comments = {n_rows} rows, {source.stat().st_size / 1e6:.1f} MB JSONL")

        docs, comments = bare_rows(records)
        db = sqlite_utils.Database(tmpdir / "bare.db")
        db.conn.execute("PRAGMA journal_mode = WAL")  # the same journal our projects use
        start = time.perf_counter()
        db["documents"].insert_all(docs, pk="id", batch_size=200)
        db["comments"].insert_all(comments, batch_size=200)
        bare = time.perf_counter() - start
        db.conn.close()

        store = Store.create(tmpdir / "file.db")
        start = time.perf_counter()
        report = run(import_files(store, [source]))
        ours_file = time.perf_counter() - start
        assert not report.errors and report.result.documents_added == args.articles, report.errors
        store.close()

        articles = as_articles(records)
        store = Store.create(tmpdir / "store.db")
        start = time.perf_counter()
        with store.transaction():
            for i in range(0, len(articles), 200):
                store.import_articles(articles[i:i + 200], "bench.jsonl")
        ours_store = time.perf_counter() - start
        assert store.document_count() == args.articles
        store.close()

    def rate(seconds: float) -> float:
        return n_rows / seconds

    print(f"bare sqlite-utils insert_all : {rate(bare):10,.0f} rows/s  ({bare:.2f} s)")
    print(f"ours, import_files (JSONL)   : {rate(ours_file):10,.0f} rows/s  ({ours_file:.2f} s)  ratio {bare / ours_file:.2f}")
    print(f"ours, Store.import_articles  : {rate(ours_store):10,.0f} rows/s  ({ours_store:.2f} s)  ratio {bare / ours_store:.2f}")
    print("target: ratio >= 0.80")


if __name__ == "__main__":
    main()
