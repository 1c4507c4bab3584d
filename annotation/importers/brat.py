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
from annotation.importers.base import ImportOptions, check_not_binary, decode_utf8_strict, register
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
    thread_path = base.with_name(base.name + ".thread")
    if not thread_path.exists():
        return {}
    try:
        thread = json.loads(thread_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(str(thread_path), 0, f"broken thread file: {exc}") from None
    return thread if isinstance(thread, dict) else {}


@register("brat", (".ann", ".txt"), sniff=sniff, carries_annotations=True, description="brat standoff (.ann beside .txt)")
def read_brat(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    stem = path.with_suffix("")
    match = _COMMENT_FILE.match(stem.name)
    if match and (stem.with_name(match["base"] + ".ann").exists() or stem.with_name(match["base"] + ".txt").exists()):
        stem = stem.with_name(match["base"])  # a comment's file: read its whole article
    thread = _thread(stem)
    doc_id = str(thread.get("id") or stem.name)
    body_meta = {"document": doc_id, "unit": "body", "title": thread.get("title") or "", "url": thread.get("url") or "",
                 "published": thread.get("published") or ""}
    records = [unit_record(stem.with_name(stem.name + ".ann"), options, body_meta if thread else {"id": stem.name})]
    for n, comment in enumerate(thread.get("comments") or []):
        file = stem.with_name(str(comment.get("file") or f"{stem.name}.c{n + 1}"))
        meta = {"document": doc_id, "unit": str(comment.get("id")), "parent": comment.get("parent"),
                "author": comment.get("author") or "", "time": comment.get("time") or ""}
        records.append(unit_record(file.with_name(file.name + ".ann"), options, meta))
    progress(path.stat().st_size)
    yield from assemble(records, path)
