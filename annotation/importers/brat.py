"""brat standoff: ``X.ann`` with its ``X.txt``; ``T`` (fragments with ``;``), ``R``, ``E``, ``A``, ``#``.

A fragmented span is imported as one span from its first start to its last end. An
``Attribution`` event becomes a QUOTE's ``source``/``cue`` relations (its trigger is not a
span); any other event becomes relations from its trigger to each argument, named by role.
``A`` attributes: ``Stance_<target>``/``Reply`` on a ``Comment`` span are stance labels,
``Indirect`` marks reported speech, others become span attributes. ``#`` notes are kept as a
span's ``note``. Goldspan's exports add ``X.c<n>.txt/.ann`` for comments and ``X.thread``
with ids and parents: they are read together into one article, whichever of them is named.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import ImportOptions, check_no_surrogates, check_not_binary, decode_utf8_strict, register
from annotation.importers.interop import UnitRecord, assemble, map_label
from annotation.model import REPLY_TARGET, ImportedArticle

EVENT = "Attribution"
COMMENT_TYPE = "Comment"
ROLES = {"source": "source", "cue": "cue"}
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
    record = UnitRecord(1, _read(txt_path), meta)
    spans: dict[str, tuple[int, int, str, int]] = {}  # T id -> start, end, type, line
    keys: dict[str, str] = {}
    comment_spans: set[str] = set()
    later: list[tuple[int, str, list[str]]] = []
    triggers: set[str] = set()
    lines = _read(ann_path).splitlines() if ann_path.exists() else []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        ident = parts[0]
        record.line = number
        if ident.startswith("T"):
            if len(parts) < 2:
                raise InputError(str(ann_path), number, "text-bound annotation without type and offsets")
            label, _, where = parts[1].partition(" ")
            try:
                frags = [tuple(int(x) for x in frag.split()) for frag in where.split(";")]
            except ValueError:
                raise InputError(str(ann_path), number, f"offsets {where!r} are not numbers") from None
            if not frags or any(len(f) != 2 or not 0 <= f[0] <= f[1] <= len(record.text) for f in frags):
                raise InputError(str(ann_path), number, f"offsets {where!r} are beyond the text (length {len(record.text)})")
            if len(parts) > 2 and parts[2] != " ".join(record.text[s:e] for s, e in frags):
                raise InputError(str(ann_path), number, f"{ident}: the file says {parts[2]!r} but the text at {where} is "
                                 f"{' '.join(record.text[s:e] for s, e in frags)!r}")
            spans[ident] = (frags[0][0], frags[-1][1], label, number)
            if label == COMMENT_TYPE:
                comment_spans.add(ident)
        elif ident[:1] in ("R", "E", "A", "#"):
            later.append((number, ident, parts))
        elif ident.startswith("*"):
            raise InputError(str(ann_path), number, "equivalence (*) lines are not supported; express them as R relations")
        else:
            raise InputError(str(ann_path), number, f"unknown annotation line {ident!r}")
    for number, ident, parts in later:
        if ident.startswith("E"):
            args = parts[1].split() if len(parts) > 1 else []
            if args:
                triggers.add(args[0].split(":", 1)[1] if ":" in args[0] else "")
    for ident, (start, end, label, number) in spans.items():
        if ident in comment_spans or (ident in triggers and label == EVENT):
            continue
        record.line = number
        keys[ident] = record.add_span(ann_path, start, end, label, options, key=ident)
    attrs: dict[str, dict[str, Any]] = {}
    for number, ident, parts in later:
        record.line = number
        fields = parts[1].split() if len(parts) > 1 else []
        if ident.startswith("R"):
            if len(fields) != 3:
                raise InputError(str(ann_path), number, "a relation needs a type and two arguments (Arg1:T1 Arg2:T2)")
            head, child = (_ref(f, keys, ann_path, number) for f in fields[1:])
            record.relations.append((head, child, map_label(fields[0], options)))
        elif ident.startswith("E"):
            _event(record, fields, keys, spans, ann_path, number, options)
        elif ident.startswith("A"):
            if len(fields) < 2:
                raise InputError(str(ann_path), number, "an attribute needs a name and a target")
            name, target = fields[0], fields[1]
            value = fields[2] if len(fields) > 2 else None
            if target in comment_spans and (name == "Reply" or name.startswith("Stance_")):
                if not record.is_comment:
                    raise InputError(str(ann_path), number, f"stance attribute {name} on a text that is not a comment")
                if value is None:
                    raise InputError(str(ann_path), number, f"stance attribute {name} without a value")
                record.add_stance_or_category(REPLY_TARGET if name == "Reply" else name[len("Stance_"):], value, options)
            elif target in keys:
                attrs.setdefault(target, {}).update({"direct": False} if name == "Indirect" else {name: value if value is not None else True})
            else:
                raise InputError(str(ann_path), number, f"attribute {name} on unknown annotation {target}")
        elif ident.startswith("#") and len(fields) >= 2 and fields[1] in keys:
            attrs.setdefault(fields[1], {})["note"] = parts[2] if len(parts) > 2 else ""
    if attrs:
        record.spans = [(k, s, e, lab, {**a, **attrs.get(k, {})}) for k, s, e, lab, a in record.spans]
    record.line = 1
    return record


def _ref(arg: str, keys: dict[str, str], path: Path, number: int) -> str:
    ident = arg.split(":", 1)[-1]
    if ident not in keys:
        raise InputError(str(path), number, f"argument {arg} refers to an annotation that is not a span here")
    return keys[ident]


def _event(record: UnitRecord, fields: list[str], keys: dict[str, str], spans: dict[str, tuple[int, int, str, int]],
           path: Path, number: int, options: ImportOptions) -> None:
    if not fields or ":" not in fields[0]:
        raise InputError(str(path), number, "an event needs TYPE:TRIGGER and role arguments")
    kind, trigger = fields[0].split(":", 1)
    args = [(re.sub(r"\d+$", "", role), ident) for role, _, ident in (f.partition(":") for f in fields[1:])]
    if kind == EVENT:
        content = [ident for role, ident in args if role == "Content"]
        if len(content) != 1:
            raise InputError(str(path), number, "an Attribution event needs exactly one Content argument")
        head = _ref(content[0], keys, path, number)
        for role, ident in args:
            if role != "Content":
                record.relations.append((head, _ref(ident, keys, path, number), map_label(ROLES.get(role.lower(), role.lower()), options)))
        return
    if trigger not in keys:
        if trigger not in spans:
            raise InputError(str(path), number, f"event trigger {trigger} is not a text-bound annotation")
        start, end, label, _ = spans[trigger]
        keys[trigger] = record.add_span(path, start, end, label, options, key=trigger)
    for role, ident in args:
        record.relations.append((keys[trigger], _ref(ident, keys, path, number), map_label(role.lower(), options)))


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
    if not base.with_name(base.name + ".thread").exists():
        return None
    thread = _thread(base)
    listed = {_comment_file(c, base, n) for n, c in enumerate(thread.get("comments") or [])}
    return base if stem.name in listed else None


@register("brat", (".ann", ".txt"), sniff=sniff, carries_annotations=True, description="brat standoff (.ann beside .txt)")
def read_brat(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    stem = path.with_suffix("")
    stem = _comment_base(stem) or stem  # a comment's file: read its whole article
    thread = _thread(stem)
    doc_id = _str(thread.get("id")) or stem.name
    body_meta = {"document": doc_id, "unit": "body", "title": _str(thread.get("title")), "url": _str(thread.get("url")),
                 "published": _str(thread.get("published"))}
    records = [unit_record(stem.with_name(stem.name + ".ann"), options, body_meta if thread else {"id": stem.name})]
    for n, comment in enumerate(thread.get("comments") or []):
        file = stem.with_name(_comment_file(comment, stem, n))
        meta = {"document": doc_id, "unit": _str(comment.get("id")), "parent": _str(comment.get("parent")) or None,
                "author": _str(comment.get("author")), "time": _str(comment.get("time"))}
        records.append(unit_record(file.with_name(file.name + ".ann"), options, meta))
    progress(path.stat().st_size)
    yield from assemble(records, path)
