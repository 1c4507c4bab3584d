"""brat standoff: a .txt and an .ann for the body and for each comment, plus annotation.conf.

A quotation is its text-bound spans (QUOTE, SOURCE, CUE) tied by an ``Attribution`` event
whose trigger sits on the cue (or on the quote when it has none); coref and other relations
are ``R`` lines. Stance is an ``A`` attribute (``Stance_<target>``, ``Reply`` for the reply
target) on a ``Comment`` span covering the comment. brat cannot show a span across a line
break, so such spans are written as fragments (``;``) split at the line ends. Thread ids and
titles live in a ``<doc>.thread`` JSON file beside them so the articles can be rebuilt.

File names come from document ids through ``file_stem``, an injective escaping whose output
holds no ``.``: a body is ``<stem>.txt``, comment n is ``<stem>.c<n>.txt``, so no id (not even
``x.c1``) can name another document's or comment's files, also on case-insensitive disks.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotation.exporters.base import ExportContext, ExportUnit, register, units_of
from annotation.jobs import Job
from annotation.model import REPLY_TARGET, Span

EVENT = "Attribution"
COMMENT_TYPE = "Comment"
ROLE_OF = {"source": "Source", "cue": "Cue"}
FRAGMENTS = "fragments"  # see importers/brat_ann.py: the pieces of one discontinuous span
EVENT_KEY = "event"  # QUOTEs that were the Content arguments of one event
EVENT_TYPE = "event_type"  # a corpus's own event type, mapped to Attribution on import
_NOT_ATTRIBUTES = frozenset({"direct", "note", FRAGMENTS, EVENT_KEY, EVENT_TYPE})
# brat keeps one annotation a line and separates fields with tabs: a span's text field cannot
# hold a line break of any kind (Python's and brat's readers also split at U+0085, U+2028 ...)
# nor a tab. Spans are written as fragments around them; the importer joins fragments whose
# gaps are only whitespace again, so such a span comes back whole.
_SEPARATORS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_VERBATIM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")
MAX_STEM_BYTES = 160  # room for ".c<n>.thread" within the 255 bytes file systems allow


def file_stem(ext_id: str, document_id: int | None) -> str:
    """A file name stem for a document, different for every id by construction.

    Lower-case letters, digits, ``_`` and ``-`` stay; an upper-case letter becomes ``^`` and the
    letter (so ``A`` and ``a`` differ on a case-insensitive disk); every other character
    (``.``, ``/``, ``^``, ``%``, spaces, non-ASCII) becomes ``%xx`` per UTF-8 byte. Decoding is
    unambiguous, so two ids never share a stem. An id too long for a file name (or empty) gets
    ``~<document id>``, which no escaped id can be (``~`` is always escaped).
    """
    out: list[str] = []
    for char in ext_id:
        if char in _VERBATIM:
            out.append(char)
        elif "A" <= char <= "Z":
            out.append("^" + char.lower())
        else:
            out.append("".join(f"%{b:02x}" for b in char.encode("utf-8", "surrogatepass")))
    stem = "".join(out)
    if not stem or len(stem) > MAX_STEM_BYTES:
        return f"~{document_id}"
    return stem


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of [start, end) between line breaks and tabs."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _SEPARATORS.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if end > pos:
        out.append((pos, end))
    return out


def attribute_name(target: str) -> str:
    return "Reply" if target == REPLY_TARGET else "Stance_" + re.sub(r"\W", "_", target)


@dataclass
class BratUsage:
    """What the .ann files of an export used, for annotation.conf to declare every one."""

    relations: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)  # event types besides Attribution
    attributes: dict[str, set[str]] = field(default_factory=dict)  # name -> values ("" for a flag)
    split: int = 0  # spans written as fragments around line breaks or tabs
    trimmed: int = 0  # spans whose leading or trailing line breaks or tabs could not be written


class _Ann:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = []
        self.n = {"T": 0, "R": 0, "E": 0, "A": 0, "#": 0}

    def next(self, kind: str) -> str:
        self.n[kind] += 1
        return f"{kind}{self.n[kind]}"

    def textbound(self, label: str, pieces: list[tuple[int, int]], usage: BratUsage | None = None) -> str | None:
        frags = [f for s, e in pieces for f in fragments(self.text, s, e)]
        if not frags:
            return None
        if usage is not None and any(len(fragments(self.text, s, e)) > 1 for s, e in pieces):
            usage.split += 1
        if usage is not None and any(self.text[s:e] != self.text[fragments(self.text, s, e)[0][0]:fragments(self.text, s, e)[-1][1]]
                                     for s, e in pieces):
            usage.trimmed += 1
        tid = self.next("T")
        where = ";".join(f"{s} {e}" for s, e in frags)
        self.lines.append(f"{tid}\t{label} {where}\t{' '.join(self.text[s:e] for s, e in frags)}")
        return tid


def _groups(spans: tuple[Span, ...]) -> list[list[Span]]:
    """Spans as written: one a T line, except the pieces of one discontinuous span (all present,
    one label, the same piece list), which share a T line in the order the list gives."""
    by_piece = {(s.start, s.end, s.label): s for s in spans}
    done: set[int | None] = set()
    out: list[list[Span]] = []
    for span in spans:
        if span.id in done:
            continue
        pieces = span.attrs.get(FRAGMENTS)
        group = [span]
        if isinstance(pieces, list) and len(pieces) > 1:
            found = [by_piece.get((p[0], p[1], span.label)) if isinstance(p, list) and len(p) == 2 else None for p in pieces]
            if all(f is not None and f.attrs.get(FRAGMENTS) == pieces and f.id not in done for f in found) \
                    and len({f.id for f in found}) == len(found):  # type: ignore[union-attr]
                group = found  # type: ignore[assignment]
        done.update(s.id for s in group)
        out.append(group)
    return out


def unit_ann(ctx: ExportContext, unit: ExportUnit, usage: BratUsage | None = None) -> str:
    usage = usage if usage is not None else BratUsage()
    ann = _Ann(unit.text)
    tids: dict[int, str] = {}
    for group in _groups(unit.spans):
        first = group[0]
        tid = ann.textbound(first.label, [(s.start, s.end) for s in group], usage)
        if tid is None:
            ctx.report.dropped.append(f"{unit.where()} {first.start}-{first.end} {first.label}: only line breaks, brat cannot hold it")
            continue
        for span in group:
            tids[span.id] = tid  # type: ignore[index]
        _attributes(ann, first, tid, usage)
    by_id = {s.id: s for s in unit.spans}
    roles: dict[str, list[tuple[str, str]]] = {}  # event key -> (role, T)
    contents: dict[str, list[str]] = {}  # event key -> QUOTE T ids
    kinds: dict[str, str] = {}  # event key -> event type
    written: set[tuple[str, str, str]] = set()
    for span in unit.spans:
        if span.label == "QUOTE" and span.id in tids:
            key = str(span.attrs.get(EVENT_KEY) or f"#{tids[span.id]}")
            if tids[span.id] not in contents.setdefault(key, []):
                contents[key].append(tids[span.id])
            kind = span.attrs.get(EVENT_TYPE)
            kinds.setdefault(key, kind if isinstance(kind, str) and re.fullmatch(r"[A-Za-z][\w-]*", kind) else EVENT)
    event_of = {t: k for k, ts in contents.items() for t in ts}
    for rel in unit.relations:
        if rel.head_id not in tids or rel.child_id not in tids:
            continue
        head, child = tids[rel.head_id], tids[rel.child_id]
        if (head, child, rel.label) in written:
            continue  # the pieces of one span share a T line: their relations are one
        written.add((head, child, rel.label))
        if rel.label in ROLE_OF and by_id[rel.head_id].label == "QUOTE":
            args = roles.setdefault(event_of[head], [])
            if (ROLE_OF[rel.label], child) not in args:
                args.append((ROLE_OF[rel.label], child))
        else:
            usage.relations.add(rel.label)
            ann.lines.append(f"{ann.next('R')}\t{rel.label} Arg1:{head} Arg2:{child}")
    anchors = {tid: span for span in unit.spans if span.id in tids for tid in [tids[span.id]]}
    for key, args in roles.items():
        cue_tid = next((t for role, t in args if role == ROLE_OF["cue"]), None)
        anchor = anchors[cue_tid or contents[key][0]]
        kind = kinds.get(key, EVENT)
        if kind != EVENT:
            usage.events.add(kind)
        trigger = ann.textbound(kind, [(anchor.start, anchor.end)])
        parts = [f"{kind}:{trigger}"]
        seen: dict[str, int] = {}
        for role, tid in [("Content", t) for t in contents[key]] + args:
            seen[role] = seen.get(role, 0) + 1
            parts.append(f"{role}{'' if seen[role] == 1 else seen[role]}:{tid}")
        ann.lines.append(f"{ann.next('E')}\t{' '.join(parts)}")
    if unit.stances:
        whole = ann.textbound(COMMENT_TYPE, [(0, len(unit.text))])
        for st in unit.stances:
            if whole is None:
                ctx.report.dropped.append(f"{unit.where()}: stance on an empty comment")
                continue
            ann.lines.append(f"{ann.next('A')}\t{attribute_name(st.target)} {whole} {st.label}")
    if unit.comment is None and unit.doc.categories:
        ctx.report.dropped.append(f"{unit.where()}: document categories {sorted(unit.doc.categories)} (brat has no document labels)")
    return "\n".join(ann.lines) + ("\n" if ann.lines else "")


def _attributes(ann: _Ann, span: Span, tid: str, usage: BratUsage) -> None:
    """A span's attributes as brat ``A`` lines (flags and single-word values) and its note as
    an ``AnnotatorNotes`` line: what the importer read from them comes back the same."""
    if span.attrs.get("direct") is False:
        ann.lines.append(f"{ann.next('A')}\tIndirect {tid}")
    for name, value in span.attrs.items():
        if name in _NOT_ATTRIBUTES or not re.fullmatch(r"[A-Za-z][\w-]*", name):
            continue
        if value is True:
            usage.attributes.setdefault(name, set())
            ann.lines.append(f"{ann.next('A')}\t{name} {tid}")
        elif isinstance(value, str) and value and not any(c.isspace() for c in value):
            usage.attributes.setdefault(name, set()).add(value)
            ann.lines.append(f"{ann.next('A')}\t{name} {tid} {value}")
    note = span.attrs.get("note")
    if isinstance(note, str) and note:
        ann.lines.append(f"{ann.next('#')}\tAnnotatorNotes {tid}\t{' '.join(note.split())}")


def annotation_conf(ctx: ExportContext, targets: set[str], usage: BratUsage | None = None) -> str:
    s = ctx.schema
    usage = usage or BratUsage()
    lines = ["[entities]", *(d.name for d in s.span_labels()), COMMENT_TYPE, *sorted(usage.events), "", "[relations]"]
    declared = [d.name for d in s.relation if d.name not in ROLE_OF]
    # every R type the files use (a cue or source not from a QUOTE is an R line too)
    declared += sorted(usage.relations.difference(declared))
    lines += [f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>" for name in declared]
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]",
              *(f"{kind}\tContent+:QUOTE, Source*:SOURCE, Cue*:CUE" for kind in [EVENT, *sorted(usage.events)]),
              "", "[attributes]", "Indirect\tArg:QUOTE"]
    for name, values in sorted(usage.attributes.items()):
        lines.append(f"{name}\tArg:<ENTITY>" + (f", Value:{'|'.join(sorted(values))}" if values else ""))
    for target in sorted(targets | set(s.stance_targets)):
        names = s.reply_labels if target == REPLY_TARGET else s.stance_labels
        lines.append(f"{attribute_name(target)}\tArg:{COMMENT_TYPE}, Value:{'|'.join(d.name for d in names)}")
    return "\n".join(lines) + "\n"


@register("brat", ".ann", folder=True, description="brat standoff (.txt + .ann, annotation.conf)")
def write_brat(ctx: ExportContext) -> Job[None]:
    targets: set[str] = set()
    usage = BratUsage()
    for split in ctx.splits:
        folder = ctx.out if split == "all" else ctx.out / split
        used: set[str] = set()
        for exdoc in ctx.documents(split):
            ctx.note_cross_unit(exdoc)
            base = file_stem(exdoc.document.ext_id, exdoc.document.id)
            if base in used:  # two documents with one id: the second by its (unique) internal id
                base = f"~{exdoc.document.id}"
            used.add(base)
            thread: dict[str, Any] = {"id": exdoc.document.ext_id, "title": exdoc.document.title, "url": exdoc.document.url,
                                      "published": exdoc.document.published, "annotator": ctx.annotator, "comments": []}
            for n, unit in enumerate(units_of(exdoc)):  # the body first, then comment n is ".c<n>"
                ctx.count_unit(unit)
                targets.update(st.target for st in unit.stances)
                # Numbered as written, not by the stored position: distinct by construction.
                name = base if unit.comment is None else f"{base}.c{n}"
                _write(ctx, folder / f"{name}.txt", unit.text)
                _write(ctx, folder / f"{name}.ann", unit_ann(ctx, unit, usage))
                if unit.comment is not None:
                    c = unit.comment
                    thread["comments"].append({"file": name, "id": c.ext_id, "parent": c.parent_ext_id, "author": c.author, "time": c.time})
            _write(ctx, folder / f"{base}.thread", json.dumps(thread, ensure_ascii=False, indent=1) + "\n")
            if ctx.done % 200 == 0:
                yield ctx.progress()
        _write(ctx, folder / "annotation.conf", annotation_conf(ctx, targets, usage))
    if usage.split:
        ctx.report.dropped.append(f"{usage.split} span(s) hold a line break or tab, which a brat text field cannot: written as "
                                  "fragments around it (read back as one span)")
    if usage.trimmed:
        ctx.report.dropped.append(f"{usage.trimmed} span(s) begin or end with a line break or tab: trimmed of it "
                                  "(brat cannot hold it at a span's edge)")
    yield ctx.progress()


def _write(ctx: ExportContext, path: Path, text: str) -> None:
    with ctx.open(path) as fh:
        fh.write(text)
