"""doccano JSONL: relation-extraction records (entities + relations) a unit, plus a classification
file for stance (``label: ["target:label", ...]``, one record a comment, each article's body first
so the thread can be rebuilt on import; the body's labels are its document categories).
"""
from __future__ import annotations

import json
from typing import Any

from annotation.exporters.base import ExportContext, register, unit_meta, units_of
from annotation.jobs import Job


@register("doccano", ".jsonl", description="doccano JSONL (entities + relations; classification for stance)")
def write_doccano(ctx: ExportContext) -> Job[None]:
    for split in ctx.splits:
        with ctx.open(ctx.path(split)) as spans_fh, ctx.open(ctx.path(split, suffix=".stance")) as stance_fh:
            for exdoc in ctx.documents(split):
                ctx.note_cross_unit(exdoc)
                for unit in units_of(exdoc):
                    ctx.count_unit(unit)
                    meta = unit_meta(unit, ctx.annotator)
                    ids = {s.id: n for n, s in enumerate(unit.spans)}
                    entities: list[dict[str, Any]] = []
                    for span in unit.spans:
                        entity: dict[str, Any] = {"id": ids[span.id], "start_offset": span.start, "end_offset": span.end, "label": span.label}
                        if span.attrs:
                            entity["attrs"] = span.attrs
                        entities.append(entity)
                    relations = [{"id": n, "from_id": ids[r.head_id], "to_id": ids[r.child_id], "type": r.label}
                                 for n, r in enumerate(unit.relations)]
                    record = {"text": unit.text, "entities": entities, "relations": relations, "meta": meta}
                    spans_fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                    if unit.comment is None:
                        labels = [f"{name}" for name, value in unit.doc.categories.items() if value >= 0.5]
                    else:
                        labels = [f"{st.target}:{st.label}" for st in unit.stances]
                    stance_fh.write(json.dumps({"text": unit.text, "label": labels, "meta": meta}, ensure_ascii=False) + "\n")
                if ctx.done % 200 == 0:
                    yield ctx.progress()
    yield ctx.progress()
