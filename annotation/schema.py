"""The label schema: which labels exist in each layer, their colours and keys.

A project stores its own copy (as TOML text) so that a project file is self-contained.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from annotation.errors import InputError

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEFAULT_SCHEMA_PATH = RESOURCES / "schemas" / "news.toml"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_GROUPS = ("entity", "quote", "relation")
_TOP_KEYS = {"name", "version", "entity", "quote", "relation", "stance", "reply"}


@dataclass(frozen=True)
class LabelDef:
    name: str
    color: str
    key: str = ""
    description: str = ""


@dataclass(frozen=True)
class Schema:
    name: str
    entity: tuple[LabelDef, ...]
    quote: tuple[LabelDef, ...]
    relation: tuple[LabelDef, ...]
    stance_targets: tuple[str, ...]
    stance_labels: tuple[LabelDef, ...]
    reply_labels: tuple[LabelDef, ...]
    source_text: str = field(default="", compare=False, repr=False)

    def span_labels(self) -> tuple[LabelDef, ...]:
        return self.entity + self.quote

    def layer_of(self, label: str) -> str | None:
        if any(d.name == label for d in self.entity):
            return "entity"
        if any(d.name == label for d in self.quote):
            return "quote"
        return None

    def label(self, name: str) -> LabelDef | None:
        for d in self.entity + self.quote + self.relation + self.stance_labels + self.reply_labels:
            if d.name == name:
                return d
        return None

    def label_names(self, group: str) -> tuple[str, ...]:
        return tuple(d.name for d in getattr(self, group))


def _line_of(text: str, needle: str) -> int:
    """Line where ``needle`` is defined (a key or a table header), skipping comments."""
    pattern = re.compile(rf"^\s*(\[[^\]]*\b{re.escape(needle)}\b[^\]]*\]|\"?{re.escape(needle)}\"?\s*=)")
    loose = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        if pattern.match(line):
            return number
        if not loose and needle in line:
            loose = number
    return loose


def _labels(table: object, group: str, text: str, where: str, need_key: bool) -> tuple[LabelDef, ...]:
    if not isinstance(table, dict):
        raise InputError(where, _line_of(text, f"[{group}"), f"[{group}] must be a table of labels")
    out: list[LabelDef] = []
    seen_keys: dict[str, str] = {}
    for name, spec in table.items():
        # The line is looked up only for an error message: the regex search costs ~3 ms a label.
        def line(name: str = name) -> int:
            return _line_of(text, name)

        if not isinstance(spec, dict):
            raise InputError(where, line(), f"label {name!r} in [{group}] must be a table with color and key")
        unknown = set(spec) - {"color", "key", "description"}
        if unknown:
            raise InputError(where, line(), f"label {name!r}: unknown field(s) {', '.join(sorted(unknown))} (expected color, key, description)")
        color = spec.get("color", "")
        if not isinstance(color, str) or not _COLOR.match(color):
            raise InputError(where, line(), f"label {name!r}: color must look like #rrggbb, got {color!r}")
        key = spec.get("key", "")
        if need_key and (not isinstance(key, str) or len(key) != 1):
            raise InputError(where, line(), f"label {name!r}: key must be one character, got {key!r}")
        if key and key in seen_keys:
            raise InputError(where, line(), f"label {name!r}: key {key!r} is already used by {seen_keys[key]!r}")
        if key:
            seen_keys[key] = name
        out.append(LabelDef(name, color, key or "", str(spec.get("description", ""))))
    if not out:
        raise InputError(where, _line_of(text, f"[{group}"), f"[{group}] has no labels")
    return tuple(out)


def parse_schema(text: str, where: str = "<schema>") -> Schema:
    """Parse and validate schema TOML; every problem names the file and line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise InputError(where, int(match.group(1)) if match else 0, f"not valid TOML: {exc}") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise InputError(where, _line_of(text, name), f"unknown section or key {name!r} (expected one of {', '.join(sorted(_TOP_KEYS))})")
    for group in _GROUPS:
        if group not in data:
            raise InputError(where, 0, f"missing section [{group}]")
    entity = _labels(data["entity"], "entity", text, where, need_key=True)
    quote = _labels(data["quote"], "quote", text, where, need_key=True)
    clash = {d.key for d in entity} & {d.key for d in quote}
    if clash:
        key = sorted(clash)[0]
        raise InputError(where, _line_of(text, f'key = "{key}"'), f"key {key!r} is used in both [entity] and [quote]")
    relation = _labels(data["relation"], "relation", text, where, need_key=False)
    names = [d.name for d in entity + quote]
    if len(set(names)) != len(names):
        raise InputError(where, 0, "a label name appears in both [entity] and [quote]")
    stance = data.get("stance", {})
    targets = stance.get("targets", ["topic"])
    if not isinstance(targets, list) or not all(isinstance(t, str) and t for t in targets):
        raise InputError(where, _line_of(text, "targets"), "stance.targets must be a list of names")
    stance_labels = _labels(stance.get("labels", {}), "stance.labels", text, where, need_key=True)
    reply_labels = _labels(data.get("reply", {}).get("labels", {}), "reply.labels", text, where, need_key=True)
    return Schema(
        name=str(data.get("name", "custom")),
        entity=entity,
        quote=quote,
        relation=relation,
        stance_targets=tuple(targets),
        stance_labels=stance_labels,
        reply_labels=reply_labels,
        source_text=text,
    )


def load_schema(path: str | Path) -> Schema:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), 0, f"cannot read schema: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(str(path), line, "schema is not valid UTF-8") from None
    return parse_schema(text, str(path))


def default_schema() -> Schema:
    return load_schema(DEFAULT_SCHEMA_PATH)
