"""Editing the label schema from the window: the schema as TOML text, label usage counts, and
the ``EditSchema`` command (rename, recolour, rekey, describe, add, remove) with its inverse.

A project's schema is its own copy, stored as TOML text in ``meta`` (annotation.schema); an
edit replaces that text in the same transaction as any span renames it implies, so a rename is
one undo step and the edit log can replay it.
"""
from __future__ import annotations

import json
import sqlite3

from annotation.commands import Command, EditSchema
from annotation.errors import CommandError, InputError
from annotation.model import Changes
from annotation.schema import LabelDef, Schema, parse_schema


class SchemaEditsMixin:
    conn: sqlite3.Connection
    _schema: Schema | None

    def spans_per_label(self) -> dict[str, int]:
        """Spans per label, over every annotator (suggestions included)."""
        return {label: n for label, n in self.conn.execute("SELECT label, count(*) FROM spans GROUP BY label")}

    def _apply_edit_schema(self, cmd: EditSchema) -> tuple[Command, Changes]:
        try:
            new = parse_schema(cmd.schema_text, "the edited schema")
        except InputError as exc:
            raise CommandError(exc.reason) from None
        old_text = self.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0]
        old = parse_schema(old_text, "the project's schema")
        documents: set[int] = set()
        for before, after in cmd.renames:
            layer = old.layer_of(before)
            if layer is None:
                raise CommandError(f"cannot rename {before!r}: the schema has no such span label")
            if new.layer_of(after) != layer:
                raise CommandError(f"cannot rename {before!r} to {after!r}: the new name must be a {layer} label")
        # Renames run on a snapshot of the old labels, so swapping two names (A->B, B->A) works.
        moved: dict[str, list[int]] = {}
        for before, _after in cmd.renames:
            moved[before] = [r[0] for r in self.conn.execute("SELECT id FROM spans WHERE label = ?", (before,))]
        for before, after in cmd.renames:
            ids = moved[before]
            self.conn.executemany("UPDATE spans SET label = ? WHERE id = ?", [(after, i) for i in ids])
            documents.update(r[0] for r in self.conn.execute(
                f"SELECT DISTINCT document_id FROM spans WHERE id IN ({','.join('?' * len(ids))})", ids) if ids)
        in_use = self.spans_per_label()
        orphaned = sorted(label for label in in_use if new.layer_of(label) is None)
        if orphaned:
            raise CommandError(f"label {orphaned[0]!r} is still used by {in_use[orphaned[0]]:,} spans; "
                               "delete or relabel them first")
        self.conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (cmd.schema_text,))
        self._schema = None  # parsed again on next use
        inverse = EditSchema(old_text, tuple((after, before) for before, after in cmd.renames), f"Undo {cmd.describe()}")
        return inverse, Changes(documents=frozenset(documents), schema=True)


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string is a JSON string


def _table(labels: tuple[LabelDef, ...], with_keys: bool = True) -> list[str]:
    lines = []
    for d in labels:
        fields = [f"color = {_quote(d.color)}"]
        if d.key or with_keys:
            fields.append(f"key = {_quote(d.key)}")
        if d.description:
            fields.append(f"description = {_quote(d.description)}")
        lines.append(f"{_quote(d.name)} = {{ {', '.join(fields)} }}")
    return lines


def schema_to_toml(schema: Schema, entity: tuple[LabelDef, ...] | None = None,
                   quote: tuple[LabelDef, ...] | None = None) -> str:
    """TOML text for ``schema`` with its span labels replaced by ``entity`` and ``quote``
    (the rest kept as it is), ready for ``EditSchema``. Comments of the old text are not kept."""
    entity = schema.entity if entity is None else entity
    quote = schema.quote if quote is None else quote
    parts = [f"name = {_quote(schema.name)}", "version = 1", "", "[entity]", *_table(entity), "",
             "[quote]", *_table(quote), "", "[relation]", *_table(schema.relation, with_keys=False), "",
             "[stance]", f"targets = {json.dumps(list(schema.stance_targets), ensure_ascii=False)}", "",
             "[stance.labels]", *_table(schema.stance_labels), "", "[reply.labels]", *_table(schema.reply_labels), ""]
    return "\n".join(parts)


def span_ids_with_label(store: "SchemaEditsMixin", label: str) -> list[int]:
    """Every span with ``label`` (any annotator): removing a label in use deletes these first."""
    return [r[0] for r in store.conn.execute("SELECT id FROM spans WHERE label = ? ORDER BY id", (label,))]
