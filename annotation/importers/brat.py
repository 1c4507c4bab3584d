"""brat standoff: ``X.ann`` with its ``X.txt``; ``T`` (fragments with ``;``), ``R``, ``E``, ``A``, ``#``.

The lines of one ``.ann`` are read by brat_ann.py (fragments, events, roles). An
``Attribution`` event becomes a QUOTE's ``source``/``cue`` relations (its trigger is not a
span); any other event becomes relations from its trigger to each argument, named by role.
``A`` attributes: ``Stance_<target>``/``Reply`` on a ``Comment`` span are stance labels,
``Indirect`` marks reported speech, others become span attributes. ``#`` notes are kept as a
span's ``note``. Goldspan's exports add ``X.c<n>.txt/.ann`` for comments and ``X.thread``
with ids and parents: they are read together into one article, whichever of them is named.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import ImportOptions, check_no_surrogates, check_not_binary, decode_utf8_strict, register
from annotation.importers import brat_ann
from annotation.importers.interop import UnitRecord, assemble
from annotation.model import ImportedArticle

_COMMENT_FILE = re.compile(r"^(?P<base>.+)\.c(?P<n>\d+)$")


def sniff(path: Path, head: bytes) -> bool:
    """Claims a .txt only when its .ann is beside it (so the txt importer keeps plain articles)."""
    return path.suffix.lower() == ".ann" or path.with_suffix(".ann").exists()


def _read(path: Path) -> str:
    data = path.read_bytes()
    if data.strip():
        check_not_binary(path, data)
    return decode_utf8_strict(path, data).replace("\ufeff", "", 1) if data.startswith(b"\xef\xbb\xbf") else decode_utf8_strict(path, data)


def unit_record(ann_path: Path, options: ImportOptions, meta: dict[str, Any]) -> UnitRecord:
    txt_path = ann_path.with_suffix(".txt")
    if not txt_path.exists():
        raise InputError(str(ann_path), 0, f"no {txt_path.name} beside it (brat keeps the text in a .txt of the same name)")
    text = _read(txt_path)
    return brat_ann.unit_record(ann_path, text, _read(ann_path) if ann_path.exists() else "", options, meta)


def _thread(base: Path) -> dict[str, Any]:
    """The ``.thread`` file beside a body's files, checked: a bad one names its file and line."""
    thread_path = base.with_name(base.name + ".thread")
    if not thread_path.exists():
        return {}
    data = thread_path.read_bytes()
    check_not_binary(thread_path, data)
    text = decode_utf8_strict(thread_path, data)
    try:
        thread = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(thread_path), exc.lineno, f"broken thread file: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(str(thread_path), 1, "broken thread file: JSON nested too deeply") from None
    check_no_surrogates(thread_path, 1, text, thread)
    if not isinstance(thread, dict):
        raise InputError(str(thread_path), 1, f"a thread file holds one JSON object, not {type(thread).__name__}")
    for key in ("id", "title", "url", "published"):
        if not _scalar(thread.get(key)):
            raise InputError(str(thread_path), _line_of(text, f'"{key}"'), f"{key!r} must be a string")
    comments = thread.get("comments") or []
    if not isinstance(comments, list):
        raise InputError(str(thread_path), _line_of(text, '"comments"'), "'comments' must be a list")
    seen_files: set[str] = set()
    lines = _element_lines(text)
    for n, comment in enumerate(comments):
        where = lines[n] if n < len(lines) else _line_of(text, '"comments"')
        if not isinstance(comment, dict):
            raise InputError(str(thread_path), where, f"comment {n + 1}: must be an object with id and file, "
                             f"got {type(comment).__name__}")
        if comment.get("id") is None or comment.get("id") == "" or not _scalar(comment.get("id")):
            raise InputError(str(thread_path), where, f"comment {n + 1}: no id")
        file = _comment_file(comment, base, n)
        if not isinstance(file, str) or not _plain_name(file):
            line = _line_of(text, json.dumps(file, ensure_ascii=False), after=where)
            raise InputError(str(thread_path), line, f"comment {n + 1}: file {file!r} is not a plain file name in this "
                             "folder (a thread names its comments' files beside it)")
        if file in seen_files:
            raise InputError(str(thread_path), where, f"comment {n + 1}: file {file!r} is listed twice")
        seen_files.add(file)
        for key in ("parent", "author", "time"):
            if not _scalar(comment.get(key)):
                raise InputError(str(thread_path), where, f"comment {n + 1}: {key!r} must be a string")
    return thread


def _scalar(value: Any) -> bool:
    """Absent, a string or a number (ids may be numbers): what a thread's fields may hold."""
    return value is None or (isinstance(value, (str, int)) and not isinstance(value, bool))


def _comment_file(comment: dict[str, Any], base: Path, n: int) -> Any:
    """The file a thread names for its n-th comment (Goldspan's own name when it names none)."""
    file = comment.get("file")
    return f"{base.name}.c{n + 1}" if file is None else file


def _plain_name(name: str) -> bool:
    """A file name in the same folder: no separators, no parent, nothing hidden or empty."""
    return bool(name) and name not in (".", "..") and not name.startswith(".") and not any(c in name for c in "/\\\x00")


def _line_of(text: str, needle: str, after: int = 0) -> int:
    """The line of ``needle`` in ``text`` at or after line ``after`` (1 when it is not found)."""
    start = 0
    if after > 1:
        start = sum(len(line) + 1 for line in text.split("\n")[: after - 1])
    pos = text.find(needle, start)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else max(after, 1)


def _element_lines(text: str) -> list[int]:
    """The line each entry of the top-level ``comments`` list starts on (json gives no positions)."""
    match = re.search(r'"comments"\s*:\s*\[', text)
    if not match:
        return []
    decoder = json.JSONDecoder()
    separators = re.compile(r"[\s,]*")
    pos, lines = match.end(), []
    counted, line = 0, 1  # counted incrementally: a thread of a few hundred comments stays linear
    while True:
        pos = separators.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text) or text[pos] == "]":
            return lines
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            return lines


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _comment_base(stem: Path) -> Path | None:
    """The body's stem when ``stem`` is a comment's file that the body's thread lists, else None
    (a file named like ``x.c1`` without such a thread is a document of its own)."""
    match = _COMMENT_FILE.match(stem.name)
    if not match:
        return None
    base = stem.with_name(match["base"])
    thread_path = base.with_name(base.name + ".thread")
    try:
        st = thread_path.stat()
    except OSError:
        return None
    listed = _listed_files(base, st.st_mtime_ns, st.st_size)
    return base if stem.name in listed else None


@functools.lru_cache(maxsize=8)
def _listed_files(base: Path, mtime_ns: int, size: int) -> frozenset[str]:
    """The comment files a thread lists, read once per version of the thread file: asked for
    each of an article's 1,000 files, reading it again each time made a folder quadratic."""
    thread = _thread(base)
    return frozenset(_comment_file(c, base, n) for n, c in enumerate(thread.get("comments") or []))


def article_of(path: Path) -> Path:
    """The body's .ann of the article a file belongs to (its .txt, a comment's file, the .ann)."""
    stem = path.with_suffix("")
    stem = _comment_base(stem) or stem
    return stem.with_name(stem.name + ".ann")


@register("brat", (".ann", ".txt"), sniff=sniff, carries_annotations=True, description="brat standoff (.ann beside .txt)",
          article_of=article_of)
def read_brat(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    stem = path.with_suffix("")
    stem = _comment_base(stem) or stem  # a comment's file: read its whole article
    thread = _thread(stem)
    doc_id = _str(thread.get("id")) or stem.name
    body_meta = {"document": doc_id, "unit": "body", "title": _str(thread.get("title")), "url": _str(thread.get("url")),
                 "published": _str(thread.get("published"))}
    records = [unit_record(stem.with_name(stem.name + ".ann"), options, body_meta if thread else {"id": stem.name})]
    files: dict[str, str] = {}
    for n, comment in enumerate(thread.get("comments") or []):
        file = stem.with_name(_comment_file(comment, stem, n))
        meta = {"document": doc_id, "unit": _str(comment.get("id")), "parent": _str(comment.get("parent")) or None,
                "author": _str(comment.get("author")), "time": _str(comment.get("time"))}
        records.append(unit_record(file.with_name(file.name + ".ann"), options, meta))
        files.setdefault(meta["unit"], str(file.with_name(file.name + ".ann")))
    progress(path.stat().st_size)
    for article in assemble(records, path):
        yield dataclasses.replace(article, unit_files=files) if files else article
