"""Edits as plain data. ``Store.apply(cmd)`` runs one in a transaction and returns its inverse.

The GUI's QUndoStack only wraps these, so undo works (and is tested) without Qt, and the edit
log can store every command as JSON and replay it.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

from annotation.model import Relation, Span


class Command:
    kind: ClassVar[str] = ""
    registry: ClassVar[dict[str, type["Command"]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            Command.registry[cls.kind] = cls

    def describe(self) -> str:
        return self.kind

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, (Span, Relation)):
                value = asdict(value)
            elif isinstance(value, tuple) and value and isinstance(value[0], Relation):
                value = [asdict(r) for r in value]
            elif isinstance(value, tuple) and value and isinstance(value[0], Command):
                value = [c.to_dict() for c in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> "Command":
        data = dict(data)
        cls = Command.registry[data.pop("kind")]
        if "span" in data:
            data["span"] = Span(**data["span"])
        if "relation" in data:
            data["relation"] = Relation(**data["relation"])
        if "relations" in data:
            data["relations"] = tuple(Relation(**r) for r in data["relations"])
        if "commands" in data:
            data["commands"] = tuple(Command.from_dict(c) for c in data["commands"])
        return cls(**data)

    @staticmethod
    def from_json(text: str) -> "Command":
        return Command.from_dict(json.loads(text))


@dataclass(frozen=True)
class AddSpan(Command):
    """Add a span (with an explicit id when an undo restores a deleted one), and its relations."""

    kind: ClassVar[str] = "add_span"
    span: Span
    relations: tuple[Relation, ...] = ()

    def describe(self) -> str:
        return f"Add {self.span.label}"


@dataclass(frozen=True)
class DeleteSpan(Command):
    """Delete a span; relations touching it go with it and come back on undo."""

    kind: ClassVar[str] = "delete_span"
    span_id: int

    def describe(self) -> str:
        return "Delete span"


@dataclass(frozen=True)
class UpdateSpan(Command):
    """Relabel, resize or accept a span. ``None`` leaves a field as it is."""

    kind: ClassVar[str] = "update_span"
    span_id: int
    start: int | None = None
    end: int | None = None
    label: str | None = None
    origin: str | None = None
    attrs: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    def describe(self) -> str:
        if self.label is not None:
            return f"Relabel as {self.label}"
        if self.origin is not None:
            return "Accept suggestion"
        return "Resize span"


@dataclass(frozen=True)
class AddRelation(Command):
    kind: ClassVar[str] = "add_relation"
    relation: Relation

    def describe(self) -> str:
        return f"Link {self.relation.label}"


@dataclass(frozen=True)
class DeleteRelation(Command):
    kind: ClassVar[str] = "delete_relation"
    relation_id: int

    def describe(self) -> str:
        return "Unlink"


@dataclass(frozen=True)
class SetStance(Command):
    kind: ClassVar[str] = "set_stance"
    comment_id: int
    target: str
    annotator: str
    label: str
    note: str = ""
    unsure: bool = False

    def describe(self) -> str:
        return f"Stance {self.label}"


@dataclass(frozen=True)
class ClearStance(Command):
    kind: ClassVar[str] = "clear_stance"
    comment_id: int
    target: str
    annotator: str

    def describe(self) -> str:
        return "Clear stance"


@dataclass(frozen=True)
class SetStatus(Command):
    kind: ClassVar[str] = "set_status"
    document_id: int
    annotator: str
    status: str
    note: str = ""

    def describe(self) -> str:
        return f"Mark {self.status}"


@dataclass(frozen=True)
class AddTarget(Command):
    kind: ClassVar[str] = "add_target"
    document_id: int
    name: str
    span_id: int | None = None

    def describe(self) -> str:
        return f"Add target {self.name}"


@dataclass(frozen=True)
class RemoveTarget(Command):
    kind: ClassVar[str] = "remove_target"
    document_id: int
    name: str

    def describe(self) -> str:
        return f"Remove target {self.name}"


@dataclass(frozen=True)
class Batch(Command):
    """Several commands as one undo step (a quotation, accept-all, a drag)."""

    kind: ClassVar[str] = "batch"
    commands: tuple[Command, ...]
    text: str = ""

    def describe(self) -> str:
        return self.text or (self.commands[0].describe() if self.commands else "Nothing")


NEW_SPAN = 0  # in AddSpan.relations, stands for the id of the span being added


@dataclass(frozen=True)
class SetOrigins(Command):
    """Accept many suggestions at once (origin ``human``), or take that back (``model``): one
    transaction and one statement, so accept-all of thousands of spans and its undo stay fast.
    Only the origin changes: offsets and labels are the ones already checked when stored."""

    kind: ClassVar[str] = "set_origins"
    span_ids: tuple[int, ...]
    origin: str
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "span_ids", tuple(self.span_ids))  # a list when read back from the edit log

    def describe(self) -> str:
        return self.text or ("Accept suggestions" if self.origin == "human" else "Restore suggestions")


@dataclass(frozen=True)
class EditSchema(Command):
    """Replace the project's label schema (TOML text) and rename span labels in the same step:
    ``renames`` pairs (old, new) rename every span with the old label, of every annotator, so a
    renamed label keeps its spans. The inverse puts the old text back and renames back."""

    kind: ClassVar[str] = "edit_schema"
    schema_text: str
    renames: tuple[tuple[str, str], ...] = ()
    text: str = ""

    def __post_init__(self) -> None:  # lists when read back from the edit log
        object.__setattr__(self, "renames", tuple((str(a), str(b)) for a, b in self.renames))

    def describe(self) -> str:
        return self.text or "Edit labels"


def log_json(cmd: Command) -> str:
    """``cmd.to_json()``, character for character, without ``dataclasses.asdict``'s deep copies:
    the edit log stores every command and its inverse, and a review's batch holds hundreds of
    spans (asdict took ~50 ms of the UI thread for one)."""
    return json.dumps(_plain_command(cmd), ensure_ascii=False, sort_keys=True)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    return names


def _plain_record(value: Span | Relation) -> dict[str, Any]:
    # json.dumps writes a shared dict or list exactly as it writes asdict's copy of it
    return {name: getattr(value, name) for name in _field_names(type(value))}


def _plain_command(cmd: Command) -> dict[str, Any]:
    """What ``Command.to_dict`` gives, for json.dumps (nested values shared, not copied)."""
    out: dict[str, Any] = {"kind": cmd.kind}
    for name in _field_names(type(cmd)):
        value = getattr(cmd, name)
        if isinstance(value, (Span, Relation)):
            value = _plain_record(value)
        elif isinstance(value, tuple) and value and isinstance(value[0], Relation):
            value = [_plain_record(r) for r in value]
        elif isinstance(value, tuple) and value and isinstance(value[0], Command):
            value = [_plain_command(c) for c in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out
