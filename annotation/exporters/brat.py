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
from pathlib import Path
from typing import Any

from annotation.exporters.base import ExportContext, ExportUnit, register, units_of
from annotation.jobs import Job
from annotation.model import REPLY_TARGET

EVENT = "Attribution"
COMMENT_TYPE = "Comment"
ROLE_OF = {"source": "Source", "cue": "Cue"}
_LINE_BREAK = re.compile(r"[\r\n]+")
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
    """The pieces of [start, end) between line breaks."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _LINE_BREAK.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if end > pos:
        out.append((pos, end))
    return out


def attribute_name(target: str) -> str:
    return "Reply" if target == REPLY_TARGET else "Stance_" + re.sub(r"\W", "_", target)


class _Ann:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = []
        self.n = {"T": 0, "R": 0, "E": 0, "A": 0}

    def next(self, kind: str) -> str:
        self.n[kind] += 1
        return f"{kind}{self.n[kind]}"

    def textbound(self, label: str, start: int, end: int) -> str | None:
        frags = fragments(self.text, start, end)
        if not frags:
            return None
        tid = self.next("T")
        where = ";".join(f"{s} {e}" for s, e in frags)
        self.lines.append(f"{tid}\t{label} {where}\t{' '.join(self.text[s:e] for s, e in frags)}")
        return tid


def unit_ann(ctx: ExportContext, unit: ExportUnit) -> str:
    ann = _Ann(unit.text)
    tids: dict[int, str] = {}
    for span in unit.spans:
        tid = ann.textbound(span.label, span.start, span.end)
        if tid is None:
            ctx.report.dropped.append(f"{unit.where()} {span.start}-{span.end} {span.label}: only line breaks, brat cannot hold it")
            continue
        tids[span.id] = tid  # type: ignore[index]
        if span.attrs.get("direct") is False:
            ann.lines.append(f"{ann.next('A')}\tIndirect {tid}")
    by_id = {s.id: s for s in unit.spans}
    roles: dict[int, list[tuple[str, str]]] = {}
    for rel in unit.relations:
        if rel.head_id not in tids or rel.child_id not in tids:
            continue
        if rel.label in ROLE_OF and by_id[rel.head_id].label == "QUOTE":
            roles.setdefault(rel.head_id, []).append((ROLE_OF[rel.label], tids[rel.child_id]))
        else:
            ann.lines.append(f"{ann.next('R')}\t{rel.label} Arg1:{tids[rel.head_id]} Arg2:{tids[rel.child_id]}")
    for quote_id, args in roles.items():
        cue_tid = next((t for role, t in args if role == ROLE_OF["cue"]), None)
        cue = next((by_id[sid] for sid, t in tids.items() if t == cue_tid), None)
        anchor = cue or by_id[quote_id]
        trigger = ann.textbound(EVENT, anchor.start, anchor.end)
        seen: dict[str, int] = {}
        parts = [f"{EVENT}:{trigger}", f"Content:{tids[quote_id]}"]
        for role, tid in args:
            seen[role] = seen.get(role, 0) + 1
            parts.append(f"{role}{'' if seen[role] == 1 else seen[role]}:{tid}")
        ann.lines.append(f"{ann.next('E')}\t{' '.join(parts)}")
    if unit.stances:
        whole = ann.textbound(COMMENT_TYPE, 0, len(unit.text))
        for st in unit.stances:
            if whole is None:
                ctx.report.dropped.append(f"{unit.where()}: stance on an empty comment")
                continue
            ann.lines.append(f"{ann.next('A')}\t{attribute_name(st.target)} {whole} {st.label}")
    if unit.comment is None and unit.doc.categories:
        ctx.report.dropped.append(f"{unit.where()}: document categories {sorted(unit.doc.categories)} (brat has no document labels)")
    return "\n".join(ann.lines) + ("\n" if ann.lines else "")


def annotation_conf(ctx: ExportContext, targets: set[str]) -> str:
    s = ctx.schema
    lines = ["[entities]", *(d.name for d in s.span_labels()), COMMENT_TYPE, "", "[relations]"]
    lines += [f"{d.name}\tArg1:<ENTITY>, Arg2:<ENTITY>" for d in s.relation if d.name not in ROLE_OF]
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]",
              f"{EVENT}\tContent:QUOTE, Source*:SOURCE, Cue*:CUE", "", "[attributes]", "Indirect\tArg:QUOTE"]
    for target in sorted(targets | set(s.stance_targets)):
        names = s.reply_labels if target == REPLY_TARGET else s.stance_labels
        lines.append(f"{attribute_name(target)}\tArg:{COMMENT_TYPE}, Value:{'|'.join(d.name for d in names)}")
    return "\n".join(lines) + "\n"


@register("brat", ".ann", folder=True, description="brat standoff (.txt + .ann, annotation.conf)")
def write_brat(ctx: ExportContext) -> Job[None]:
    targets: set[str] = set()
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
                _write(ctx, folder / f"{name}.ann", unit_ann(ctx, unit))
                if unit.comment is not None:
                    c = unit.comment
                    thread["comments"].append({"file": name, "id": c.ext_id, "parent": c.parent_ext_id, "author": c.author, "time": c.time})
            _write(ctx, folder / f"{base}.thread", json.dumps(thread, ensure_ascii=False, indent=1) + "\n")
            if ctx.done % 200 == 0:
                yield ctx.progress()
        _write(ctx, folder / "annotation.conf", annotation_conf(ctx, targets))
    yield ctx.progress()


def _write(ctx: ExportContext, path: Path, text: str) -> None:
    with ctx.open(path) as fh:
        fh.write(text)
