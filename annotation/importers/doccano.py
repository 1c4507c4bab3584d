"""doccano JSONL: sequence labelling (``label: [[start, end, "L"], ...]``), relation extraction
(``entities`` with start_offset/end_offset, ``relations`` with from_id/to_id/type) and text
classification (``label: ["x", ...]``). The text and label column names are configurable
(--text-column, --label-column), as doccano's own importer allows.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import (
    ImportOptions, first_json_record, json_records, loads, read_json_items, refuse_unplaced, register,
)
from annotation.importers.interop import UnitRecord, assemble, map_label
from annotation.importers.jsonl import iter_json_lines
from annotation.model import ImportedArticle


def _is_triples(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, list) and len(v) == 3 and isinstance(v[0], int) and isinstance(v[2], str) for v in value)


def _first_record(head: bytes) -> Any:
    record = first_json_record(head)
    if record is None:  # doccano's exports may be one pretty-printed object, even in a .jsonl file
        try:
            whole = loads(head.decode("utf-8-sig"))
        except ValueError:
            return None
        record = whole[0] if isinstance(whole, list) and whole else whole
    return record


def _spans_like(record: Any) -> bool:
    """doccano's sequence labelling or relation extraction record (not Goldspan's, not Prodigy's)."""
    if not isinstance(record, dict) or "comments" in record or "_input_hash" in record:
        return False
    entities = record.get("entities")
    if isinstance(entities, list) and (not entities or isinstance(entities[0], dict) and "start_offset" in entities[0]):
        return True
    return any(_is_triples(v) for v in record.values())


def sniff(path: Path, head: bytes) -> bool:
    record = _first_record(head)
    if record is None and head.lstrip()[:1] in (b"{", b"[") and b'"start_offset"' in head:
        return True  # pretty-printed relation extraction, longer than the head: only doccano says start_offset
    if not isinstance(record, dict) or "comments" in record or "_input_hash" in record:
        return False
    if _spans_like(record) or any(_spans_like(r) for r in json_records(head)[1:]):
        return True  # the first record may be one without labels yet
    # classification: a text and a list of class names, with custom column names as often as not
    classes = [v for v in record.values() if isinstance(v, list) and all(isinstance(x, str) for x in v)]
    return bool(classes) and len(record) <= 4 and any(isinstance(v, str) for v in record.values())


def line_record(raw: Any, path: Path, line: int, options: ImportOptions) -> UnitRecord:
    if not isinstance(raw, dict):
        raise InputError(str(path), line, f"expected a JSON object, got {type(raw).__name__}")
    text_key = options.text_column if options.text_column in raw else "text"
    text = raw.get(text_key)
    if not isinstance(text, str):
        raise InputError(str(path), line, f"no string {options.text_column!r} column (set it with --text-column)")
    label_key = options.label_column if options.label_column in raw else ("label" if "label" in raw else "labels")
    refuse_unplaced(raw, {label_key, "entities", "relations"}, path, line, "doccano")
    meta = dict(raw["meta"]) if isinstance(raw.get("meta"), dict) else {
        k: v for k, v in raw.items() if k not in (text_key, label_key, "entities", "relations")}
    record = UnitRecord(line, text, meta)
    ids: dict[Any, str] = {}
    for name in ("entities", "relations"):
        if not isinstance(raw.get(name) or [], list):
            raise InputError(str(path), line, f"{name!r} must be a list, got {type(raw[name]).__name__}")
    for entity in raw.get("entities") or []:
        if not isinstance(entity, dict):
            raise InputError(str(path), line, "each entity must be an object")
        if not isinstance(entity.get("id"), (int, str, type(None))):
            raise InputError(str(path), line, f"entity id must be a number or a string, got {entity.get('id')!r:.60}")
        key = record.add_span(path, entity.get("start_offset"), entity.get("end_offset"), entity.get("label"), options,
                              key=f"e{entity.get('id')}", attrs=entity.get("attrs") if isinstance(entity.get("attrs"), dict) else None)
        ids[entity.get("id")] = key
    for rel in raw.get("relations") or []:
        if not isinstance(rel, dict) or not all(isinstance(rel.get(k), (int, str)) for k in ("from_id", "to_id")) \
                or rel.get("from_id") not in ids or rel.get("to_id") not in ids:
            raise InputError(str(path), line, f"relation {rel!r} refers to an entity id that is not in this line")
        kind = rel.get("type") or rel.get("label")
        if not isinstance(kind, str) or not kind:
            raise InputError(str(path), line, "relation without a type")
        record.add_relation(ids[rel["from_id"]], ids[rel["to_id"]], map_label(kind, options))
    labels = raw.get(label_key)
    if labels is None:
        return record
    if not isinstance(labels, list):
        raise InputError(str(path), line, f"{label_key!r} must be a list")
    for n, item in enumerate(labels):
        if isinstance(item, list):
            if len(item) != 3:
                raise InputError(str(path), line, f"label {n + 1}: expected [start, end, label], got {item!r}")
            record.add_span(path, item[0], item[1], item[2], options, key=f"l{n}")
        elif isinstance(item, str):
            record.add_stance_or_category(None, item, options)
        else:
            raise InputError(str(path), line, f"label {n + 1}: expected [start, end, label] or a class name, got {item!r}")
    return record


@register("doccano", (".jsonl", ".json"), sniff=sniff, carries_annotations=True,
          description="doccano JSONL (sequence labelling, relations, classification)")
def read_doccano(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    if path.suffix.lower() == ".json" or _pretty_printed(path):
        yield from _read_json(path, options, progress)
        return
    records = (line_record(raw, path, line, options) for line, raw in iter_json_lines(path, progress))
    yield from assemble(records, path)


def _pretty_printed(path: Path) -> bool:
    with path.open("rb") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    loads(raw)
                    return False
                except ValueError:
                    return raw.strip() in (b"{", b"[")
    return False


def _read_json(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    """doccano also writes one pretty-printed object (or a list) to a .json file."""
    items, size = read_json_items(path)
    progress(size)
    yield from assemble((line_record(raw, path, n + 1, options) for n, raw in enumerate(items)), path)

