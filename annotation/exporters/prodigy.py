"""Prodigy JSONL: one ner_manual task a unit (tokens, spans, relations), then stance as choice tasks.

Spans carry token_start/token_end (inclusive) from spaCy's tokenizer and the exact character
offsets as stored; relations carry head/child token indices (the span's last token, as
Prodigy's relations UI does) and head_span/child_span with character offsets. Document
categories from other tools' textcat become binary textcat tasks (label + answer).
"""
from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from annotation.exporters.base import ExportContext, ExportUnit, register, unit_meta, units_of
from annotation.jobs import Job
from annotation.model import REPLY_TARGET, Span


def task_hash(*parts: Any) -> int:
    """A stable signed 32-bit hash like Prodigy's (which uses mmh3 of the same kind of keys)."""
    digest = hashlib.blake2b(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def _tokens(ctx: ExportContext, text: str) -> tuple[list[dict[str, Any]], Any]:
    doc = ctx.nlp.make_doc(text)
    tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)} for t in doc]
    return tokens, doc


def _span_json(doc: Any, span: Span) -> dict[str, Any]:
    out: dict[str, Any] = {"start": span.start, "end": span.end, "label": span.label}
    covering = doc.char_span(span.start, span.end, alignment_mode="expand")
    if covering is not None and len(covering):
        out["token_start"], out["token_end"] = covering.start, covering.end - 1
    if span.attrs:
        out["attrs"] = span.attrs
    return out


def unit_tasks(ctx: ExportContext, unit: ExportUnit, stamp: int) -> list[dict[str, Any]]:
    tokens, doc = _tokens(ctx, unit.text)
    meta = unit_meta(unit, ctx.annotator)
    input_hash = task_hash(unit.text)
    spans = {s.id: _span_json(doc, s) for s in unit.spans}
    relations = []
    for rel in unit.relations:
        head, child = spans[rel.head_id], spans[rel.child_id]
        relations.append({"head": head.get("token_end", 0), "child": child.get("token_end", 0),
                          "head_span": head, "child_span": child, "label": rel.label})
    common = {"_annotator_id": ctx.annotator, "_timestamp": stamp, "answer": "accept"}
    task: dict[str, Any] = {"text": unit.text, "meta": meta, "_input_hash": input_hash, "tokens": tokens,
                            "spans": list(spans.values()), "relations": relations, "_view_id": "ner_manual"}
    task["_task_hash"] = task_hash(input_hash, task["spans"], relations)
    task.update(common)
    out = [task]
    for st in unit.stances:
        names = ctx.schema.reply_labels if st.target == REPLY_TARGET else ctx.schema.stance_labels
        choice: dict[str, Any] = {"text": unit.text, "meta": {**meta, "target": st.target},
                                  "options": [{"id": d.name, "text": d.name} for d in names], "accept": [st.label],
                                  "_input_hash": input_hash, "_view_id": "choice"}
        if st.note or st.unsure:
            choice["meta"].update({"note": st.note, "unsure": st.unsure})
        choice["_task_hash"] = task_hash(input_hash, st.target, st.label)
        choice.update(common)
        out.append(choice)
    if unit.comment is None:
        for name, value in unit.doc.categories.items():
            cat = {"text": unit.text, "meta": meta, "label": name, "_input_hash": input_hash,
                   "_task_hash": task_hash(input_hash, name), "_view_id": "classification", **common}
            cat["answer"] = "accept" if value >= 0.5 else "reject"
            out.append(cat)
    return out


@register("prodigy", ".jsonl", description="Prodigy JSONL (ner_manual + relations, choice tasks for stance)")
def write_prodigy(ctx: ExportContext) -> Job[None]:
    stamp = int(time.time())
    for split in ctx.splits:
        with ctx.open(ctx.path(split)) as fh:
            for exdoc in ctx.documents(split):
                ctx.note_cross_unit(exdoc)
                for unit in units_of(exdoc):
                    ctx.count_unit(unit)
                    for task in unit_tasks(ctx, unit, stamp):
                        fh.write(json.dumps(task, ensure_ascii=False) + "\n")
                if ctx.done % 200 == 0:
                    yield ctx.progress()
    yield ctx.progress()
