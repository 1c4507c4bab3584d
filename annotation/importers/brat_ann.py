"""Reading one brat ``.ann`` against its ``.txt`` into a UnitRecord (the brat importer's core).

Text-bound fragments (``T5\tContent 10 20;30 40``) may be listed in any order. Fragments
separated only by whitespace (a line break, a tab) are one span: that is how brat, and
Goldspan's exporter, write a span across lines. Fragments with words between them are kept as
fragments: one span a piece, each with ``attrs["fragments"]`` listing all pieces (in the
file's order), so no word the annotator left out is absorbed and the brat exporter can write
them back as one ``T`` line. Relations to a fragmented span go from its first piece and to
each of its pieces (a SOURCE in two pieces hangs from its QUOTE with both).

Events are typed through ``--label-map`` like labels (``Attribution-no-source=Attribution``).
An ``Attribution`` event becomes a QUOTE's ``source``/``cue`` relations; its trigger, when it
is a CUE span and no ``Cue`` argument is given, is the cue. Repeated roles (``Content2:T9``,
``Source2:T4``) are all kept: each Content is a QUOTE with every Source and Cue of the event,
and the QUOTEs of one event share ``attrs["event"]`` so the exporter rejoins them.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from annotation.errors import InputError
from annotation.importers.base import ImportOptions
from annotation.importers.interop import UnitRecord, map_label
from annotation.model import REPLY_TARGET

EVENT = "Attribution"
COMMENT_TYPE = "Comment"
ROLES = {"source": "source", "cue": "cue"}
FRAGMENTS = "fragments"  # span attribute: all pieces of a discontinuous span, [[start, end], ...]
EVENT_KEY = "event"  # span attribute: QUOTEs that are the Content arguments of one event
EVENT_TYPE = "event_type"  # span attribute: the file's own type of an event mapped to Attribution
_ROLE_NUMBER = re.compile(r"\d+$")


class _TextBound:
    """One ``T`` line: its pieces (after whitespace-only gaps are closed), type and line."""

    def __init__(self, ident: str, pieces: list[tuple[int, int]], raw_label: str, label: str, line: int) -> None:
        self.ident = ident
        self.pieces = pieces
        self.raw_label = raw_label  # as the file writes it (add_span maps it)
        self.label = label  # as mapped
        self.line = line
        self.keys: list[str] = []  # span keys of the pieces, in the order of ``pieces``

    @property
    def head(self) -> str:
        return self.keys[0]


def ann_lines(text: str) -> list[str]:
    """The lines of an .ann file: only "\\n" ends a line (CRLF tolerated). str.splitlines would
    also break at U+0085, U+2028 and form feeds, which a span's text field may hold."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def parse_offsets(where: str, text: str, path: Path, number: int) -> list[tuple[int, int]]:
    """``10 20;30 40`` as pieces in text order, whitespace-only gaps closed; refused when a
    fragment is out of the text, empty-looking or overlapping another."""
    try:
        frags = [tuple(int(x) for x in frag.split()) for frag in where.split(";")]
    except ValueError:
        raise InputError(str(path), number, f"offsets {where!r} are not numbers") from None
    if not frags or any(len(f) != 2 or not 0 <= f[0] <= f[1] <= len(text) for f in frags):
        raise InputError(str(path), number, f"offsets {where!r} are beyond the text (length {len(text)})")
    ordered = sorted(frags)  # type: ignore[arg-type]
    merged: list[tuple[int, int]] = []
    for start, end in ordered:
        if merged and start < merged[-1][1]:
            raise InputError(str(path), number, f"fragments {merged[-1][0]}-{merged[-1][1]} and {start}-{end} overlap")
        if merged and not text[merged[-1][1]:start].strip():
            merged[-1] = (merged[-1][0], end)  # only whitespace between: one span across a line break
        else:
            merged.append((start, end))
    if len(merged) > 1:
        # Kept in the order the file lists them, so an export writes them back the same way.
        first_seen = {piece: min(i for i, f in enumerate(frags) if piece[0] <= f[0] < piece[1] or f == piece)
                      for piece in merged}
        merged.sort(key=lambda piece: first_seen[piece])
    return [p for p in merged if p[0] < p[1]] or merged


def unit_record(ann_path: Path, text: str, ann_text: str, options: ImportOptions, meta: dict[str, Any]) -> UnitRecord:
    record = UnitRecord(1, text, meta)
    bounds: dict[str, _TextBound] = {}
    comment_spans: set[str] = set()
    later: list[tuple[int, str, list[str]]] = []
    for number, line in enumerate(ann_lines(ann_text), 1):
        if not line.strip():
            continue
        parts = line.split("\t", 2)  # a span's text (the third field) may itself hold tabs
        ident = parts[0]
        if ident.startswith("T"):
            if len(parts) < 2:
                raise InputError(str(ann_path), number, "text-bound annotation without type and offsets")
            label, _, where = parts[1].partition(" ")
            frags = parse_offsets(where, text, ann_path, number)
            if len(parts) > 2:
                listed = [tuple(int(x) for x in f.split()) for f in where.split(";")]
                found = " ".join(text[s:e] for s, e in listed)
                if parts[2] != found and parts[2].strip() != found.strip():
                    raise InputError(str(ann_path), number, f"{ident}: the file says {parts[2]!r} but the text at {where} is {found!r}")
            bounds[ident] = _TextBound(ident, frags, label, map_label(label, options), number)
            if label == COMMENT_TYPE:
                comment_spans.add(ident)
        elif ident[:1] in ("R", "E", "A", "#"):
            later.append((number, ident, line.split("\t")))
        elif ident.startswith("*"):
            raise InputError(str(ann_path), number, "equivalence (*) lines are not supported; express them as R relations")
        else:
            raise InputError(str(ann_path), number, f"unknown annotation line {ident!r}")
    triggers = _event_triggers(later, options)
    attrs: dict[str, dict[str, Any]] = {}
    for ident, bound in bounds.items():
        if ident in comment_spans or (ident in triggers and bound.label in (EVENT, triggers[ident])):
            continue  # a trigger typed like its event is no span of its own (brat needs one, we do not)
        _add_bound(record, bound, ann_path, options)
    for number, ident, parts in later:
        record.line = number
        fields = parts[1].split() if len(parts) > 1 else []
        if ident.startswith("R"):
            if len(fields) != 3:
                raise InputError(str(ann_path), number, "a relation needs a type and two arguments (Arg1:T1 Arg2:T2)")
            head, child = (_bound(f, bounds, ann_path, number) for f in fields[1:])
            for key in child.keys:
                record.add_relation(head.head, key, map_label(fields[0], options), number)
        elif ident.startswith("E"):
            _event(record, ident, fields, bounds, ann_path, number, options)
        elif ident.startswith("A"):
            _attribute(record, fields, bounds, comment_spans, attrs, ann_path, number, options)
        elif ident.startswith("#") and len(fields) >= 2 and fields[1] in bounds:
            attrs.setdefault(fields[1], {})["note"] = parts[2] if len(parts) > 2 else ""
    if attrs:
        owner = {key: ident for ident, b in bounds.items() for key in b.keys}
        record.spans = [(k, s, e, lab, {**a, **attrs.get(owner.get(k, ""), {})}, n) for k, s, e, lab, a, n in record.spans]
    record.line = 1
    return record


def _event_triggers(later: list[tuple[int, str, list[str]]], options: ImportOptions) -> dict[str, str]:
    """Trigger id -> the event's type (as mapped) for every event line."""
    triggers: dict[str, str] = {}
    for _, ident, parts in later:
        if ident.startswith("E") and len(parts) > 1 and parts[1].split():
            kind, _, trigger = parts[1].split()[0].partition(":")
            triggers[trigger] = map_label(kind, options)
    return triggers


def _add_bound(record: UnitRecord, bound: _TextBound, path: Path, options: ImportOptions) -> None:
    record.line = bound.line
    extra = {FRAGMENTS: [list(p) for p in bound.pieces]} if len(bound.pieces) > 1 else None
    for n, (start, end) in enumerate(bound.pieces):
        key = bound.ident if n == 0 else f"{bound.ident}#{n}"
        bound.keys.append(record.add_span(path, start, end, bound.raw_label, options, key=key, attrs=dict(extra) if extra else None))


def _bound(arg: str, bounds: dict[str, _TextBound], path: Path, number: int) -> _TextBound:
    ident = arg.split(":", 1)[-1]
    bound = bounds.get(ident)
    if bound is None or not bound.keys:
        raise InputError(str(path), number, f"argument {arg} refers to an annotation that is not a span here")
    return bound


def _event(record: UnitRecord, ident: str, fields: list[str], bounds: dict[str, _TextBound], path: Path, number: int,
           options: ImportOptions) -> None:
    if not fields or ":" not in fields[0]:
        raise InputError(str(path), number, "an event needs TYPE:TRIGGER and role arguments")
    raw_kind, trigger = fields[0].split(":", 1)
    kind = map_label(raw_kind, options)
    args = [(_ROLE_NUMBER.sub("", role), value) for role, _, value in (f.partition(":") for f in fields[1:])]
    if kind == EVENT:
        contents = [_bound(value, bounds, path, number) for role, value in args if role == "Content"]
        if not contents:
            raise InputError(str(path), number, f"an {EVENT} event needs a Content argument")
        parts = [(ROLES.get(role.lower(), role.lower()), _bound(value, bounds, path, number)) for role, value in args if role != "Content"]
        cue = bounds.get(trigger)
        if cue is not None and cue.keys and cue.label == "CUE" and not any(r == "cue" for r, _ in parts):
            parts.append(("cue", cue))  # the trigger is the reporting verb: brat's own way to give it
        mark: dict[str, Any] = {}
        if len(contents) > 1:  # one event, several contents: the exporter rejoins them by this
            mark[EVENT_KEY] = ident
        if raw_kind != EVENT:  # mapped with --label-map: the export writes the corpus's own type back
            mark[EVENT_TYPE] = raw_kind
        if mark:
            content_keys = {k for c in contents for k in c.keys}
            record.spans = [(k, s, e, lab, {**a, **mark} if k in content_keys else a, n) for k, s, e, lab, a, n in record.spans]
        for content in contents:
            for relation, part in parts:
                for key in part.keys:
                    record.add_relation(content.head, key, map_label(relation, options), number)
        return
    bound = bounds.get(trigger)
    if bound is None:
        raise InputError(str(path), number, f"event trigger {trigger} is not a text-bound annotation")
    if bound.label == kind:  # a trigger typed like its event: the event is all it stands for
        raise InputError(str(path), number, f"event type {raw_kind!r} is not one Goldspan reads ({EVENT}); "
                         f"map it with --label-map {raw_kind}={EVENT} if it is an attribution")
    if not bound.keys:
        _add_bound(record, bound, path, options)
        record.line = number
    for role, value in args:
        for key in _bound(value, bounds, path, number).keys:
            record.add_relation(bound.head, key, map_label(role.lower(), options), number)


def _attribute(record: UnitRecord, fields: list[str], bounds: dict[str, _TextBound], comment_spans: set[str],
               attrs: dict[str, dict[str, Any]], path: Path, number: int, options: ImportOptions) -> None:
    if len(fields) < 2:
        raise InputError(str(path), number, "an attribute needs a name and a target")
    name, target = fields[0], fields[1]
    value = fields[2] if len(fields) > 2 else None
    if target in comment_spans and (name == "Reply" or name.startswith("Stance_")):
        if not record.is_comment:
            raise InputError(str(path), number, f"stance attribute {name} on a text that is not a comment")
        if value is None:
            raise InputError(str(path), number, f"stance attribute {name} without a value")
        record.add_stance_or_category(REPLY_TARGET if name == "Reply" else name[len("Stance_"):], value, options)
    elif target in bounds and bounds[target].keys:
        attrs.setdefault(target, {}).update({"direct": False} if name == "Indirect" else {name: value if value is not None else True})
    else:
        raise InputError(str(path), number, f"attribute {name} on unknown annotation {target}")
