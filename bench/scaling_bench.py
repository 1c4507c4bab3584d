"""Scaling benchmark: every importer and exporter at N and 4N, with the ratio (linear: <= 4.5).

Each case builds its input at size N and 4N (spans on one article, comments, reply depth,
documents), times Goldspan on it, and prints the ratio 4N / N next to the bare library on the
same data where there is one (json for JSON formats, DocBin for spaCy). The cases are those
issue 13 found quadratic: a .txt with bulleted replies, a JSONL reply chain listed newest
first, a brat export folder of one article with many comments, doccano spans on a long article.

    uv run python bench/scaling_bench.py [--n 2000] [--only txt,chain,...]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotation.exporters import ExportOptions, run_export  # noqa: E402
from annotation.import_job import import_files  # noqa: E402
from annotation.importers import ImportOptions  # noqa: E402
from annotation.jobs import run  # noqa: E402
from annotation.model import Comment, Document, ImportedArticle, ImportedSpan  # noqa: E402
from annotation.store import Store  # noqa: E402

WORDS = "Merkel said the talks in Berlin went well and Paris agreed".split()


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _import(folder: Path, paths: list[Path], fmt: str | None = None) -> float:
    project = folder / f"p{time.perf_counter_ns()}.db"
    Store.create(project).close()
    with Store.open(project) as store:
        def go() -> None:
            report = run(import_files(store, paths, ImportOptions(as_annotator="x"), fmt))
            assert not report.errors, report.errors[:3]
        return _timed(go)


# -- inputs ---------------------------------------------------------------------------------


def txt_replies(folder: Path, n: int) -> list[Path]:
    lines = ["A headline", "", "Body text of the article.", "", "1. The first comment."]
    lines += [f"  • reply number {i} to it" for i in range(n)]
    path = folder / f"replies{n}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path]


def jsonl_chain(folder: Path, n: int) -> list[Path]:
    comments = [{"id": f"c{i}", "text": f"reply {i}", "parent": f"c{i - 1}" if i else None} for i in range(n)]
    comments.reverse()  # newest first
    path = folder / f"chain{n}.jsonl"
    path.write_text(json.dumps({"id": "a", "title": "T", "text": "Body.", "comments": comments}) + "\n", encoding="utf-8")
    return [path]


def _article(n_spans: int, n_comments: int) -> ImportedArticle:
    words = [WORDS[i % len(WORDS)] for i in range(max(n_spans * 2, 10))]
    text = " ".join(words)
    spans, pos = [], 0
    for i, word in enumerate(words):
        if i % 2 == 0 and len(spans) < n_spans:
            spans.append(ImportedSpan(f"s{i}", pos, pos + len(word), "PERSON"))
        pos += len(word) + 1
    comments = tuple(Comment(None, None, f"c{i}", f"Comment {i} on Berlin.", parent_ext_id=f"c{i - 1}" if i else None, position=i)
                     for i in range(n_comments))
    return ImportedArticle(Document(None, "a", "T", text), comments, tuple(spans))


def _exported(folder: Path, fmt: str, out_name: str, article: ImportedArticle) -> Path:
    project = folder / f"src{time.perf_counter_ns()}.db"
    with Store.create(project) as store:
        with store.transaction():
            store.import_articles([article], "bench", "x")
        run(run_export(store, folder / out_name, fmt, ExportOptions("x")))
    return folder / out_name


def brat_comments(folder: Path, n: int) -> list[Path]:
    out = _exported(folder, "brat", f"brat{n}", _article(5, n // 10))
    return sorted(p for p in out.iterdir() if p.suffix in (".ann", ".txt"))


def doccano_spans(folder: Path, n: int) -> list[Path]:
    return [_exported(folder, "doccano", f"d{n}.jsonl", _article(n, 0))]


def prodigy_spans(folder: Path, n: int) -> list[Path]:
    return [_exported(folder, "prodigy", f"p{n}.jsonl", _article(n, 0))]


def labelstudio_spans(folder: Path, n: int) -> list[Path]:
    return [_exported(folder, "labelstudio", f"ls{n}.json", _article(n, 0))]


def conll_spans(folder: Path, n: int) -> list[Path]:
    return [_exported(folder, "conll", f"c{n}.conll", _article(n, 0))]


def spacy_spans(folder: Path, n: int) -> list[Path]:
    out = _exported(folder, "spacy", f"sp{n}", _article(n, 0))
    return [out / "train.spacy"] if (out / "train.spacy").exists() else [out / "spacy.spacy"]


IMPORT_CASES: dict[str, tuple[str, Callable[[Path, int], list[Path]], int]] = {
    # name: (what grows, input builder, N relative to --n)
    "txt": ("bulleted replies", txt_replies, 1),
    "chain": ("reply depth (newest first)", jsonl_chain, 1),
    "brat": ("comments (brat folder)", brat_comments, 1),
    "doccano": ("spans on one article", doccano_spans, 1),
    "prodigy": ("spans on one article", prodigy_spans, 1),
    "labelstudio": ("spans on one article", labelstudio_spans, 1),
    "conll": ("entities in one text", conll_spans, 1),
    "spacy": ("spans in one Doc", spacy_spans, 1),
}


def bare_json(paths: list[Path]) -> float:
    def go() -> None:
        for path in paths:
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".json":
                json.loads(text)
            else:
                [json.loads(line) for line in text.splitlines() if line.strip()]
    return _timed(go)


def bare_docbin(paths: list[Path]) -> float:
    """Reading the same DocBin with spaCy alone (the bare library for the spacy importer)."""
    from spacy.tokens import DocBin

    from annotation.exporters.base import blank_english

    vocab = blank_english().vocab
    return _timed(lambda: [list(DocBin(store_user_data=True).from_disk(p).get_docs(vocab)) for p in paths])


def export_case(folder: Path, fmt: str, n: int) -> float:
    project = folder / f"e{fmt}{n}.db"
    with Store.create(project) as store:
        with store.transaction():
            store.import_articles([_article(n, n // 10)], "bench", "x")
        out = folder / f"out-{fmt}-{n}" / ("x.jsonl" if fmt in ("prodigy", "doccano") else "x.json" if fmt == "labelstudio"
                                            else "x.conll" if fmt == "conll" else "x.csv" if fmt == "stance-csv" else "")
        return _timed(lambda: run(run_export(store, out, fmt, ExportOptions("x"))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="N (4N is also run)")
    parser.add_argument("--only", default="", help="comma-separated case names")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    print(f"{'case':<22} {'grows':<28} {'N':>7} {'t(N) s':>8} {'t(4N) s':>8} {'ratio':>6}  bare ratio")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, (grows, build, factor) in IMPORT_CASES.items():
            if only and name not in only:
                continue
            n = args.n * factor
            small, large = build(folder, n), build(folder, 4 * n)
            t1, t4 = _import(folder, small), _import(folder, large)
            bare = ""
            if name in ("chain", "doccano", "prodigy", "labelstudio"):
                b1, b4 = bare_json(small), bare_json(large)
                bare = f"json {b4 / max(b1, 1e-9):.2f}"
            elif name == "spacy":
                b1, b4 = bare_docbin(small), bare_docbin(large)
                bare = f"DocBin {b4 / max(b1, 1e-9):.2f}"
            print(f"import {name:<15} {grows:<28} {n:>7} {t1:>8.2f} {t4:>8.2f} {t4 / t1:>6.2f}  {bare}", flush=True)
        for fmt in ("prodigy", "doccano", "labelstudio", "brat", "conll", "spacy"):
            if only and f"export-{fmt}" not in only and "export" not in only:
                continue
            n = args.n
            t1, t4 = export_case(folder, fmt, n), export_case(folder, fmt, 4 * n)
            print(f"export {fmt:<15} {'spans + comments':<28} {n:>7} {t1:>8.2f} {t4:>8.2f} {t4 / t1:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
