"""Prodigy JSONL: ner / ner_manual / spans tasks, relations, choice and binary textcat tasks.

Which answers count: ``accept`` everywhere; a rejected span task says its spans are wrong and
brings none; a rejected binary textcat task (``label`` + ``answer``) is the category at 0.0;
``ignore`` tasks bring nothing (as Prodigy's own exports do), though their text is imported.
Relations are matched to spans by their ``head_span``/``child_span`` character offsets.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import ImportOptions, json_records, refuse_unplaced, register
from annotation.importers.interop import UnitRecord, assemble, map_label
from annotation.importers.jsonl import iter_json_lines
from annotation.model import ImportedArticle

_MARKS = ("_input_hash", "_task_hash", "_view_id", "_session_id", "_annotator_id")
# What task_record reads (the other annotation keys of base.ANNOTATION_KEYS would be dropped).
_PLACED = frozenset({"spans", "tokens", "relations", "answer", "accept", "options", "label",
                     "_input_hash", "_task_hash", "_view_id"})


def sniff(path: Path, head: bytes) -> bool:
    """Any of the first records is a Prodigy task (an ignored first task may lack the marks)."""
    return any(isinstance(record, dict) and (any(k in record for k in _MARKS) or ("tokens" in record and "spans" in record))
               for record in json_records(head))


def _offset_key(span: dict[str, Any], path: Path, line: int) -> tuple[Any, Any, Any]:
    """(start, end, label) of a span object, refused unless its values can be compared at all."""
    start, end, label = span.get("start"), span.get("end"), span.get("label")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InputError(str(path), line, f"span {name} must be an integer, got {value!r:.60}")
    if label is not None and not isinstance(label, str):
        raise InputError(str(path), line, f"span label must be a string, got {label!r:.60}")
    return start, end, label


def task_record(task: Any, path: Path, line: int, options: ImportOptions) -> UnitRecord:
    if not isinstance(task, dict):
        raise InputError(str(path), line, f"expected a JSON object, got {type(task).__name__}")
    text = task.get("text")
    if not isinstance(text, str):
        raise InputError(str(path), line, "task has no string 'text'")
    refuse_unplaced(task, _PLACED, path, line, "Prodigy")
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    record = UnitRecord(line, text, dict(meta))
    answer = task.get("answer", "accept")
    if answer not in ("accept", "reject", "ignore"):
        raise InputError(str(path), line, f"unknown answer {answer!r} (expected accept, reject or ignore)")
    if answer == "ignore":
        return record
    spans = task.get("spans")
    if spans is not None and not isinstance(spans, list):
        raise InputError(str(path), line, "'spans' must be a list")
    if answer == "accept" and (spans is not None or "tokens" in task) and "options" not in task:
        record.reviewed = True
    if answer == "accept":
        by_offsets: dict[tuple[Any, ...], str] = {}
        for span in spans or []:
            if not isinstance(span, dict):
                raise InputError(str(path), line, "each span must be an object")
            key = record.add_span(path, span.get("start"), span.get("end"), span.get("label"), options,
                                  claimed=span.get("text") if isinstance(span.get("text"), str) else None,
                                  attrs=span.get("attrs") if isinstance(span.get("attrs"), dict) else None)
            by_offsets[(span["start"], span["end"], span["label"])] = key
            by_offsets.setdefault((span["start"], span["end"]), key)
        relations = task.get("relations") or []
        if not isinstance(relations, list):
            raise InputError(str(path), line, f"'relations' must be a list, got {type(relations).__name__}")
        for rel in relations:
            record.add_relation(*_relation(rel, record, by_offsets, path, line, options))
    options_list = task.get("options")
    if isinstance(options_list, list) and "accept" in task:
        accepted = task.get("accept") or []
        if not isinstance(accepted, list):
            raise InputError(str(path), line, "'accept' must be a list of option ids")
        target = meta.get("target") if isinstance(meta.get("target"), str) else None
        if answer == "accept" and target is not None and record.is_comment:
            for choice in accepted:
                record.add_stance_or_category(target, str(choice), options)
            record.stances = [(t, lab, str(meta.get("note") or ""), bool(meta.get("unsure"))) for t, lab, _, _ in record.stances]
        elif answer == "accept":
            for opt in options_list:
                if isinstance(opt, dict) and "id" in opt:
                    record.add_stance_or_category(None, str(opt["id"]), options, 1.0 if opt["id"] in accepted else 0.0)
    elif isinstance(task.get("label"), str) and not spans:
        record.categories[options.label_map.get(task["label"], task["label"])] = 1.0 if answer == "accept" else 0.0
    return record


def _relation(rel: Any, record: UnitRecord, by_offsets: dict[tuple[Any, ...], str], path: Path, line: int,
              options: ImportOptions) -> tuple[str, str, str]:
    if not isinstance(rel, dict) or not isinstance(rel.get("label"), str):
        raise InputError(str(path), line, "each relation must be an object with a label")
    ends = []
    for side in ("head_span", "child_span"):
        span = rel.get(side)
        if not isinstance(span, dict):
            raise InputError(str(path), line, f"relation {rel['label']}: no {side} with character offsets")
        start, end, label = _offset_key(span, path, line)
        key = by_offsets.get((start, end, label)) or by_offsets.get((start, end))
        if key is None:  # a span given only inside the relation
            key = record.add_span(path, start, end, label, options)
            by_offsets[(start, end, label)] = key
            by_offsets.setdefault((start, end), key)
        ends.append(key)
    return ends[0], ends[1], map_label(rel["label"], options)


@register("prodigy", (".jsonl",), sniff=sniff, carries_annotations=True, description="Prodigy JSONL tasks")
def read_prodigy(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    records = (task_record(task, path, line, options) for line, task in iter_json_lines(path, progress))
    yield from assemble(records, path)
