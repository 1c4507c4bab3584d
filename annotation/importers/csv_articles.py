"""Articles from a spreadsheet export (.csv, .tsv), in one of two shapes chosen by the header.

Articles, one a row (no ``comment_id`` column): the text is in ``--text-column`` (default
``text``); ``title``/``--title-column``, ``id``, ``url`` and ``published`` fill the document;
every other non-empty column goes to its meta.

Threads (a ``comment_id`` column): columns ``article_id``, ``comment_id``, ``parent_id``,
``author``, ``time`` and the text column. The rule: **a row whose comment_id is empty is the
article** (it carries the body and may carry title/url/published); every other row is a
comment of the article named by its ``article_id``, a reply when ``parent_id`` is set. Rows
may come in any order, but each article needs exactly one article row. Other columns go to
the article's or the comment's meta.

A header with ``target`` and ``label`` but no text column is a stance-label sheet, which the
``stance-csv`` importer reads; this one refuses it with a hint rather than guess. It has no
sniffer, so it is the fallback for ``.csv`` when no other importer claims the file.
Errors name the file and the CSV line the record starts on.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import FORCED, ImportOptions, read_text_any_encoding, register
from annotation.model import Comment, Document, ImportedArticle

# A long article is one field; the csv module's 128 KiB default would reject it.
csv.field_size_limit(2**31 - 1)

_ARTICLE_FIELDS = {"id", "article_id", "title", "url", "published", "comment_id"}
_COMMENT_FIELDS = {"article_id", "comment_id", "parent_id", "author", "time"}
_ANNOTATION_COLUMNS = frozenset({"label", "labels", "spans", "entities", "relations", "annotations", "tokens", "stance", "target"})


@dataclass
class _Row:
    line: int
    values: dict[str, str]


@dataclass
class _Thread:
    article: _Row | None = None
    comments: list[_Row] = field(default_factory=list)


def _delimiter(path: Path, header_line: str) -> str:
    """Tab for .tsv; otherwise whichever of , ; tab | the header uses most (European
    spreadsheets save with ';')."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(path: Path, text: str) -> tuple[list[str], Iterator[_Row]]:
    """The normalised header and the data rows, each with the line it starts on."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(path, first_line), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(str(path), 1, "no header row") from None
    except csv.Error as exc:
        raise InputError(str(path), reader.line_num, f"broken CSV: {exc}") from None
    names = [h.strip().lower() for h in header]
    if not any(names):
        raise InputError(str(path), 1, "the header row is empty")
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    if duplicates:
        raise InputError(str(path), 1, f"column {duplicates[0]!r} appears twice in the header")

    def iterate() -> Iterator[_Row]:
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(str(path), start, f"broken CSV: {exc}") from None
            if any(c.strip() for c in cells):
                if len(cells) > len(names):
                    raise InputError(str(path), start, f"{len(cells)} cells but the header has {len(names)} columns")
                values = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(names) if name}
                yield _Row(start, values)
            start = reader.line_num + 1

    return names, iterate()


def _meta(values: dict[str, str], known: set[str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if k not in known and v.strip()}


def _title(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "…"


def _document(path: Path, row: _Row, options: ImportOptions, text_col: str, ext_id: str, meta_extra: dict) -> Document:  # type: ignore[type-arg]
    text = row.values.get(text_col, "")
    if not text.strip():
        raise InputError(str(path), row.line, f"the article text (column {text_col!r}) is empty")
    title_col = options.title_column.lower()
    known = _ARTICLE_FIELDS | {text_col, title_col}
    meta = {**meta_extra, **_meta(row.values, known)}
    return Document(
        id=None, ext_id=ext_id, title=row.values.get(title_col, "").strip() or _title(text), text=text,
        url=row.values.get("url", "").strip(), published=row.values.get("published", "").strip(),
        meta=meta, source_file=path.name,
    )


def _read_articles(path: Path, rows: Iterator[_Row], options: ImportOptions, text_col: str, meta: dict) -> Iterator[ImportedArticle]:  # type: ignore[type-arg]
    id_col = options.id_column.lower()
    for number, row in enumerate(rows, 1):
        ext_id = (row.values.get(id_col) or row.values.get("article_id") or "").strip() or f"{path.stem}-{number}"
        yield ImportedArticle(_document(path, row, options, text_col, ext_id, meta), (), line=row.line)


def _read_threads(path: Path, rows: Iterator[_Row], options: ImportOptions, text_col: str, meta: dict) -> Iterator[ImportedArticle]:  # type: ignore[type-arg]
    threads: dict[str, _Thread] = {}  # in order of first appearance
    for row in rows:
        article_id = row.values.get("article_id", "").strip()
        if not article_id:
            raise InputError(str(path), row.line, "empty article_id")
        thread = threads.setdefault(article_id, _Thread())
        if row.values.get("comment_id", "").strip():
            thread.comments.append(row)
        elif thread.article is not None:
            raise InputError(str(path), row.line, f"a second article row for article {article_id!r} "
                             f"(the first is on line {thread.article.line}); only one row per article may have an empty comment_id")
        else:
            thread.article = row
    for article_id, thread in threads.items():
        if thread.article is None:
            raise InputError(str(path), thread.comments[0].line, f"comments for article {article_id!r} but no article row "
                             "(the article is the row whose comment_id is empty)")
        comments = []
        for position, row in enumerate(thread.comments):
            if not row.values.get(text_col, "").strip():
                raise InputError(str(path), row.line, f"comment {row.values['comment_id'].strip()!r}: empty text")
            parent = row.values.get("parent_id", "").strip()
            comments.append(Comment(
                id=None, document_id=None, ext_id=row.values["comment_id"].strip(), text=row.values[text_col],
                parent_ext_id=parent or None, author=row.values.get("author", "").strip(),
                time=row.values.get("time", "").strip(), position=position,
                meta=_meta(row.values, _COMMENT_FIELDS | {text_col, "title", "url", "published"}),
            ))
        doc = _document(path, thread.article, options, text_col, article_id, meta)
        yield ImportedArticle(doc, tuple(comments), line=thread.article.line)


@register("csv", (".csv", ".tsv"), description="articles one a row, or article and comment rows with article_id/comment_id/parent_id")
def read_csv(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    text, encoding = read_text_any_encoding(path)
    names, rows = _rows(path, text)
    text_col = options.text_column.lower()
    if text_col not in names:
        if "target" in names and "label" in names:
            raise InputError(str(path), 1, "this looks like a stance-label sheet (target, label columns); import it with --format stance-csv")
        raise InputError(str(path), 1, f"no {text_col!r} column (columns: {', '.join(n for n in names if n)}); choose one with --text-column")
    carried = sorted(_ANNOTATION_COLUMNS.intersection(names))
    if carried and not options.extra.get(FORCED):
        # Articles have no place for these: refuse rather than keep them as mere metadata unasked.
        raise InputError(str(path), 1, f"columns {', '.join(carried)} carry annotations that plain articles cannot hold "
                         "(a stance sheet imports with --format stance-csv; --format csv keeps them only as metadata)")
    meta = {"encoding": encoding} if encoding != "utf-8" else {}
    reader = _read_threads if "comment_id" in names else _read_articles
    yield from reader(path, rows, options, text_col, meta)
    progress(path.stat().st_size)
