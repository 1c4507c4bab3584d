"""Label Studio JSON tasks, one a unit, with a labeling config to create the project from.

Label Studio counts offsets in UTF-16 code units (JavaScript strings), Goldspan in code
points: every offset is converted at this edge with OffsetMap, so emoji do not shift spans.
Stance is a ``choices`` result from ``stance_<target>`` (``reply`` for the reply target);
document categories from ``category``.
"""
from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import quoteattr

from annotation.exporters.base import ExportContext, ExportUnit, register, unit_meta, units_of
from annotation.jobs import Job
from annotation.model import REPLY_TARGET
from annotation.offsets import OffsetMap

SPAN_TAG = "label"
TEXT_TAG = "text"
CATEGORY_TAG = "category"
REPLY_TAG = "reply"


def stance_tag(target: str) -> str:
    return REPLY_TAG if target == REPLY_TARGET else f"stance_{target}"


def unit_task(ctx: ExportContext, unit: ExportUnit, task_id: int) -> dict[str, Any]:
    offsets = OffsetMap(unit.text)
    result: list[dict[str, Any]] = []
    for n, span in enumerate(unit.spans):
        value: dict[str, Any] = {"start": offsets.to_utf16(span.start), "end": offsets.to_utf16(span.end),
                                 "text": unit.text[span.start:span.end], "labels": [span.label]}
        item: dict[str, Any] = {"id": f"s{span.id}", "from_name": SPAN_TAG, "to_name": TEXT_TAG, "type": "labels", "value": value}
        if span.attrs:
            item["meta"] = {"attrs": span.attrs}
        result.append(item)
    for rel in unit.relations:
        result.append({"from_id": f"s{rel.head_id}", "to_id": f"s{rel.child_id}", "type": "relation",
                       "direction": "right", "labels": [rel.label]})
    for st in unit.stances:
        result.append({"id": f"st{st.id}", "from_name": stance_tag(st.target), "to_name": TEXT_TAG, "type": "choices",
                       "value": {"choices": [st.label]}})
    if unit.comment is None:
        accepted = [name for name, value in unit.doc.categories.items() if value >= 0.5]
        if accepted:
            result.append({"id": "cat", "from_name": CATEGORY_TAG, "to_name": TEXT_TAG, "type": "choices",
                           "value": {"choices": accepted}})
    return {"id": task_id, "data": {TEXT_TAG: unit.text}, "meta": unit_meta(unit, ctx.annotator),
            "annotations": [{"completed_by": ctx.annotator, "result": result, "was_cancelled": False}]}


def labeling_config(ctx: ExportContext, targets: set[str], categories: set[str]) -> str:
    schema = ctx.schema
    lines = ["<View>", f'  <Labels name="{SPAN_TAG}" toName="{TEXT_TAG}">']
    lines += [f"    <Label value={quoteattr(d.name)} background={quoteattr(d.color)}/>" for d in schema.span_labels()]
    lines += ["  </Labels>", f'  <Text name="{TEXT_TAG}" value="$text"/>', '  <Relations>']
    lines += [f"    <Relation value={quoteattr(d.name)}/>" for d in schema.relation]
    lines.append("  </Relations>")
    for target in sorted(targets | set(schema.stance_targets)):
        names = schema.reply_labels if target == REPLY_TARGET else schema.stance_labels
        lines.append(f'  <Choices name={quoteattr(stance_tag(target))} toName="{TEXT_TAG}" choice="single">')
        lines += [f"    <Choice value={quoteattr(d.name)}/>" for d in names]
        lines.append("  </Choices>")
    if categories:
        lines.append(f'  <Choices name="{CATEGORY_TAG}" toName="{TEXT_TAG}" choice="multiple">')
        lines += [f"    <Choice value={quoteattr(c)}/>" for c in sorted(categories)]
        lines.append("  </Choices>")
    return "\n".join([*lines, "</View>", ""])


@register("labelstudio", ".json", description="Label Studio JSON tasks (UTF-16 offsets) + labeling config")
def write_labelstudio(ctx: ExportContext) -> Job[None]:
    targets: set[str] = set()
    categories: set[str] = set()
    task_id = 0
    for split in ctx.splits:
        with ctx.open(ctx.path(split)) as fh:
            fh.write("[\n")
            first = True
            for exdoc in ctx.documents(split):
                ctx.note_cross_unit(exdoc)
                categories.update(exdoc.categories)
                for unit in units_of(exdoc):
                    ctx.count_unit(unit)
                    targets.update(st.target for st in unit.stances)
                    task_id += 1
                    fh.write(("" if first else ",\n") + json.dumps(unit_task(ctx, unit, task_id), ensure_ascii=False))
                    first = False
                if ctx.done % 200 == 0:
                    yield ctx.progress()
            fh.write("\n]\n")
    with ctx.open(ctx.side_path(".config.xml")) as fh:
        fh.write(labeling_config(ctx, targets, categories))
    yield ctx.progress()
