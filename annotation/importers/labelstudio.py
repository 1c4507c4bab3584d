"""Label Studio JSON tasks (the JSON export): ``data.text``, ``annotations[].result[]`` with
``labels``, ``choices`` and ``relation`` results. Offsets are UTF-16 units there and are
converted to code points; each span's ``text`` is checked against the converted offsets.
The first annotation that was not cancelled is imported (one task, one annotator's layer).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import ImportOptions, read_json_items, register
from annotation.importers.interop import UnitRecord, assemble, map_label
from annotation.model import REPLY_TARGET, ImportedArticle
from annotation.offsets import OffsetMap


_DATA_OBJECT = re.compile(rb'"data"\s*:\s*\{')


def sniff(path: Path, head: bytes) -> bool:
    text = head.lstrip()
    if not text.startswith((b"[", b"{")):
        return False
    if b'"data"' in head and (b'"annotations"' in head or b'"predictions"' in head):
        return True
    # A long first text can push "annotations" past the head; tasks are the JSON with "data": {...}.
    return _DATA_OBJECT.search(head) is not None and b'"text"' not in head.split(b'"data"', 1)[0]


def task_record(task: Any, path: Path, number: int, options: ImportOptions) -> UnitRecord:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise InputError(str(path), number, "task must be an object with 'data'")
    data = task["data"]
    text = data.get(options.text_column, data.get("text"))
    if not isinstance(text, str):
        text = next((v for v in data.values() if isinstance(v, str)), None)
        if text is None:
            raise InputError(str(path), number, "task data has no text")
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    if not meta:
        meta = {k: v for k, v in data.items() if isinstance(v, str) and v is not text}
        if "id" in task and "id" not in meta:
            meta["id"] = str(task["id"])
    record = UnitRecord(number, text, dict(meta))
    raw_annotations = task.get("annotations") or []
    if not isinstance(raw_annotations, list):
        raise InputError(str(path), number, f"'annotations' must be a list, got {type(raw_annotations).__name__}")
    annotations = [a for a in raw_annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    if not annotations:
        return record
    offsets = OffsetMap(text)
    ids: dict[str, str] = {}
    relations: list[dict[str, Any]] = []
    results = annotations[0].get("result") or []
    if not isinstance(results, list):
        raise InputError(str(path), number, f"'result' must be a list, got {type(results).__name__}")
    for item in results:
        if not isinstance(item, dict):
            raise InputError(str(path), number, "each result must be an object")
        kind = item.get("type")
        value = item.get("value") if isinstance(item.get("value"), dict) else {}
        if kind in ("labels", "hypertextlabels") or (kind and "labels" in value and "start" in value):
            start, end = value.get("start"), value.get("end")
            if not isinstance(start, int) or not isinstance(end, int):
                raise InputError(str(path), number, f"result {item.get('id')}: start/end must be integers")
            start_cp, end_cp = offsets.to_codepoint(start), offsets.to_codepoint(end)
            for name, u16, cp in (("start", start, start_cp), ("end", end, end_cp)):
                if offsets.to_utf16(cp) != u16:  # between the two halves of an emoji: no character boundary
                    raise InputError(str(path), number, f"result {item.get('id')}: {name} {u16} falls inside the "
                                     f"character {text[cp]!r} (a surrogate pair in Label Studio's UTF-16 offsets)")
            attrs = item["meta"].get("attrs") if isinstance(item.get("meta"), dict) else None
            attrs = attrs if isinstance(attrs, dict) else None
            for label in _strings(value.get("labels"), "labels", path, number):
                key = record.add_span(path, start_cp, end_cp, label, options, key=f"{item.get('id')}:{label}",
                                      claimed=value.get("text") if isinstance(value.get("text"), str) else None, attrs=attrs)
                ids.setdefault(str(item.get("id")), key)
        elif kind == "relation":
            relations.append(item)
        elif kind == "choices":
            name = str(item.get("from_name") or "")
            target = REPLY_TARGET if name == "reply" else name[len("stance_"):] if name.startswith("stance_") else None
            for choice in _strings(value.get("choices"), "choices", path, number):
                record.add_stance_or_category(target if record.is_comment else None, str(choice), options)
        elif kind in ("textarea", "rating", "number", "datetime"):
            continue  # free-text and scores are not annotations Goldspan holds
        else:
            raise InputError(str(path), number, f"result type {kind!r} is not supported (labels, choices, relation are)")
    label_of = {key: label for key, _, _, label, _, _ in record.spans}
    for rel in relations:
        head, child = ids.get(str(rel.get("from_id"))), ids.get(str(rel.get("to_id")))
        labels = _strings(rel.get("labels"), "labels", path, number)
        if head is None or child is None:
            raise InputError(str(path), number, f"relation {rel.get('from_id')}->{rel.get('to_id')} refers to a result that is not a span")
        if rel.get("direction") == "left":  # Label Studio draws this arrow from to_id to from_id
            head, child = child, head
        if not labels:
            # An unlabelled arrow between a QUOTE and its SOURCE or CUE can only mean that link
            # (a researcher draws it and leaves the name out): it attaches the part to its QUOTE.
            part = _part_link(label_of.get(head), label_of.get(child))
            labels = [part] if part else labels
        if not labels and "" in options.label_map:
            labels = [""]  # Label Studio allows unlabelled relations; --label-map =LABEL names them
        if not labels:
            raise InputError(str(path), number, f"relation {rel.get('from_id')}->{rel.get('to_id')} has no label "
                             "(name unlabelled relations with --label-map =LABEL)")
        for label in labels:
            record.add_relation(head, child, map_label(label, options))
    return record


def _part_link(a: str | None, b: str | None) -> str | None:
    """``source`` or ``cue`` when the two ends are a QUOTE and its SOURCE or CUE (either way round)."""
    ends = {a, b}
    for relation, part in (("source", "SOURCE"), ("cue", "CUE")):
        if ends == {"QUOTE", part}:
            return relation
    return None


def _strings(value: Any, name: str, path: Path, number: int) -> list[str]:
    """A result's list of label or choice names; anything else is refused, naming the task."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(str(path), number, f"{name!r} must be a list of strings, got {value!r:.80}")
    return value


@register("labelstudio", (".json",), sniff=sniff, carries_annotations=True, description="Label Studio JSON tasks")
def read_labelstudio(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    tasks, size = read_json_items(path)
    progress(size)
    yield from assemble((task_record(task, path, n + 1, options) for n, task in enumerate(tasks)), path)
