"""Goldspan's own JSONL: one article a line, with its comment thread.

{"id","title","url","published","text","comments":[{"id","parent","author","time","text"}],"meta":{}}
Unknown keys go to meta. Also reads a .json file holding one such object or a list of them.

It is the plain fallback for .jsonl/.json, so it must never swallow another tool's file: a
record (or comment) with annotation keys (spans, label, entities, relations, annotations ...)
is refused, naming the line, unless the user chose this format with --format jsonl (then those
keys are kept in the meta, as asked).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import (
    ANNOTATION_KEYS, FORCED, ImportOptions, check_no_surrogates, check_not_binary, decode_utf8_strict, read_json_items,
    register,
)
from annotation.model import Comment, Document, ImportedArticle

_ARTICLE_KEYS = {"id", "title", "url", "published", "text", "comments", "meta"}
_COMMENT_KEYS = {"id", "parent", "author", "time", "text", "meta"}


def _refuse_annotations(keys: Any, path: Path, line: int, options: ImportOptions, what: str) -> None:
    found = ANNOTATION_KEYS.intersection(keys)
    if found and not options.extra.get(FORCED):
        raise InputError(str(path), line, f"{what} carries annotations ({', '.join(sorted(found))}) that plain articles "
                         "cannot hold; import it with --format prodigy, doccano or labelstudio "
                         "(or --format jsonl to keep them only as metadata)")


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def article_from_record(record: Any, path: Path, line: int, options: ImportOptions, fallback_id: str) -> ImportedArticle:
    if not isinstance(record, dict):
        raise InputError(str(path), line, f"expected a JSON object, got {type(record).__name__}")
    _refuse_annotations(record.keys(), path, line, options, "the record")
    text = record.get(options.text_column, record.get("text"))
    if not isinstance(text, str):
        raise InputError(str(path), line, f"missing or non-string {options.text_column!r} field")
    if not text.strip():
        raise InputError(str(path), line, "the article text is empty")
    text = text.replace("\r\n", "\n")
    meta = dict(record.get("meta") or {}) if isinstance(record.get("meta"), dict) else {}
    for key, value in record.items():
        if key not in _ARTICLE_KEYS and key != options.text_column:
            meta[key] = value
    raw_comments = record.get("comments") or []
    if not isinstance(raw_comments, list):
        raise InputError(str(path), line, "'comments' must be a list")
    comments: list[Comment] = []
    for index, raw in enumerate(raw_comments):
        comments.append(_comment(raw, index, path, line, options))
    ext_id = _str(record.get("id")) or fallback_id
    doc = Document(
        id=None, ext_id=ext_id, title=_str(record.get(options.title_column, record.get("title"))) or _title_from(text),
        text=text, url=_str(record.get("url")), published=_str(record.get("published")), meta=meta,
        source_file=path.name,
    )
    return ImportedArticle(doc, tuple(comments), line=line)


def _comment(raw: Any, index: int, path: Path, line: int, options: ImportOptions) -> Comment:
    """One comment of a record. The hot path of a large import: plain checks, no copies when
    a comment has no extra keys (the usual case)."""
    if type(raw) is not dict or type(raw.get("text")) is not str:
        raise InputError(str(path), line, f"comment {index + 1}: must be an object with a string 'text'")
    text = raw["text"]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if raw.keys() <= _COMMENT_KEYS and not raw.get("meta"):
        cmeta: dict[str, Any] = {}
    else:
        _refuse_annotations(raw.keys(), path, line, options, f"comment {index + 1}")
        cmeta = dict(raw["meta"]) if isinstance(raw.get("meta"), dict) else {}
        cmeta.update({k: v for k, v in raw.items() if k not in _COMMENT_KEYS})
    ext_id, parent, author, time = raw.get("id"), raw.get("parent"), raw.get("author"), raw.get("time")
    return Comment(
        None, None,
        (ext_id if type(ext_id) is str else _str(ext_id)) or str(index + 1),
        text,
        None, None if parent is None or parent == "" else (parent if type(parent) is str else str(parent)),
        author if type(author) is str else _str(author),
        time if type(time) is str else _str(time),
        index, cmeta,
    )


def _title_from(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "…"


def iter_json_lines(path: Path, progress: Callable[[int], None]) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for each non-blank line, streaming in bounded memory."""
    done = 0
    with path.open("rb") as fh:
        first = fh.read(1 << 16)
        check_not_binary(path, first)
        fh.seek(0)
        for number, raw in enumerate(fh, 1):
            done += len(raw)
            if number % 200 == 0:
                progress(done)
            if not raw.strip():
                continue
            text = decode_utf8_strict(path, raw, line_base=number - 1)
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(str(path), number, f"broken JSON line: {exc.msg} (column {exc.colno})") from None
            except RecursionError:
                raise InputError(str(path), number, "broken JSON line: nested too deeply") from None
            check_no_surrogates(path, number, text, parsed)
            yield number, parsed
    progress(done)


@register("jsonl", (".jsonl", ".json", ".ndjson"), description="Goldspan articles with comment threads")
def read_jsonl(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    if path.suffix.lower() == ".json":
        records, size = read_json_items(path)
        for index, record in enumerate(records):
            yield article_from_record(record, path, index + 1, options, f"{path.stem}-{index + 1}")
        progress(size)
        return
    for number, record in iter_json_lines(path, progress):
        yield article_from_record(record, path, number, options, f"{path.stem}-{number}")
