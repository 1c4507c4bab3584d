"""Trained models registered in a project, and the rows training reads.

A project remembers every pipeline trained from it (``models`` table): the folder, the task,
what it was trained on and its held-out scores. Training reads only human work: stance labels
from ``stances`` and entity spans whose origin is not ``model``.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from annotation.model import REPLY_TARGET
from annotation.store import rows


@dataclass(frozen=True)
class RegisteredModel:
    id: int
    task: str  # ner | stance
    name: str  # what suggestions record as their model ("name version")
    path: str
    base_model: str = ""
    layer: str = ""  # the annotator layer it was trained from
    trained_on: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    scores: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    created: str = ""


@dataclass(frozen=True)
class StanceExample:
    """One human stance label with the texts a classifier reads."""

    comment_id: int
    document_id: int
    target: str
    label: str
    text: str
    parent_text: str  # '' for a top-level comment
    title: str  # the article's title: what the generic "topic" target stands for


@dataclass(frozen=True)
class EntityUnit:
    """One text unit with an annotator's entity spans, split by who made them."""

    document_id: int
    comment_id: int | None
    text: str
    human: tuple[tuple[int, int, str], ...]  # confirmed spans: origin not 'model'
    suggested: tuple[tuple[int, int, str], ...]  # untouched model suggestions
    done: bool  # the annotator marked the document done


def _model(row: sqlite3.Row) -> RegisteredModel:
    return RegisteredModel(row["id"], row["task"], row["name"], row["path"], row["base_model"], row["layer"],
                           json.loads(row["trained_on"]), json.loads(row["scores"]), row["created"])


class ModelsRegistryMixin:
    conn: sqlite3.Connection

    # -- the registry --------------------------------------------------------------------

    def register_model(self, task: str, name: str, path: str, base_model: str = "", layer: str = "",
                       trained_on: dict[str, Any] | None = None, scores: dict[str, Any] | None = None) -> RegisteredModel:
        with self.transaction():  # type: ignore[attr-defined]
            cur = self.conn.execute(
                "INSERT INTO models(task, name, path, base_model, layer, trained_on, scores, created) VALUES (?,?,?,?,?,?,?,?)",
                (task, name, path, base_model, layer, rows.dumps(trained_on or {}), rows.dumps(scores or {}), rows.now()),
            )
        return self.registered_model(int(cur.lastrowid))  # type: ignore[arg-type]

    def unregister_model(self, model_id: int) -> None:
        """Forget a registration (the folder stays): "keep the old model" after a worse one."""
        with self.transaction():  # type: ignore[attr-defined]
            self.conn.execute("DELETE FROM models WHERE id = ?", (model_id,))

    def registered_model(self, model_id: int) -> RegisteredModel:
        row = self.conn.execute("SELECT * FROM models WHERE id = ?", (model_id,)).fetchone()
        if row is None:
            raise KeyError(model_id)
        return _model(row)

    def registered_models(self, task: str | None = None) -> list[RegisteredModel]:
        sql = "SELECT * FROM models" + (" WHERE task = ?" if task else "") + " ORDER BY id"
        return [_model(r) for r in self.conn.execute(sql, (task,) if task else ())]

    def latest_model(self, task: str) -> RegisteredModel | None:
        row = self.conn.execute("SELECT * FROM models WHERE task = ? ORDER BY id DESC LIMIT 1", (task,)).fetchone()
        return _model(row) if row else None

    # -- training data -------------------------------------------------------------------

    def stance_examples(self, annotator: str, reply: bool = False) -> list[StanceExample]:
        """The annotator's stance labels toward targets (``reply``: toward the parent comment)."""
        op = "=" if reply else "!="
        sql = (
            "SELECT s.comment_id, c.document_id, s.target, s.label, c.text, coalesce(p.text, ''), d.title "
            "FROM stances s JOIN comments c ON c.id = s.comment_id JOIN documents d ON d.id = c.document_id "
            f"LEFT JOIN comments p ON p.id = c.parent_id WHERE s.annotator = ? AND s.target {op} ? "
            "ORDER BY c.document_id, c.position, s.target"
        )
        return [StanceExample(*r) for r in self.conn.execute(sql, (annotator, REPLY_TARGET))]

    def entity_units(self, annotator: str) -> list[EntityUnit]:
        """Units the annotator worked on: a confirmed entity span in it, or its document marked done."""
        done = {r[0] for r in self.conn.execute(
            "SELECT document_id FROM doc_status WHERE annotator = ? AND status = 'done'", (annotator,))}
        spans: dict[tuple[int, int | None], tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]] = {}
        for doc, cid, start, end, label, origin in self.conn.execute(
                "SELECT document_id, comment_id, start, end, label, origin FROM spans "
                "WHERE annotator = ? AND layer = 'entity' ORDER BY document_id, comment_id, start", (annotator,)):
            human, suggested = spans.setdefault((doc, cid), ([], []))
            (suggested if origin == "model" else human).append((start, end, label))
        keys = {k for k, (human, _) in spans.items() if human}
        for doc in sorted(done):
            keys.add((doc, None))
            keys.update((doc, r[0]) for r in self.conn.execute("SELECT id FROM comments WHERE document_id = ?", (doc,)))
        out: list[EntityUnit] = []
        for doc, cid in sorted(keys, key=lambda k: (k[0], -1 if k[1] is None else k[1])):
            row = (self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc,)) if cid is None else
                   self.conn.execute("SELECT text FROM comments WHERE id = ?", (cid,))).fetchone()
            if row is None:
                continue
            human, suggested = spans.get((doc, cid), ([], []))
            out.append(EntityUnit(doc, cid, row[0], tuple(human), tuple(suggested), doc in done))
        return out

    def unannotated_texts(self, annotator: str, limit: int, seed: int) -> list[str]:
        """Texts of units the annotator never touched (no span, document not done), a seeded
        random sample: the base model's own predictions on them keep stock labels alive."""
        sql = (
            "SELECT text FROM (SELECT id AS document_id, NULL AS comment_id, text FROM documents "
            "UNION ALL SELECT document_id, id, text FROM comments) u "
            "WHERE NOT EXISTS (SELECT 1 FROM spans s WHERE s.document_id = u.document_id "
            "AND s.comment_id IS u.comment_id AND s.annotator = ? AND s.origin != 'model') "
            "AND NOT EXISTS (SELECT 1 FROM doc_status d WHERE d.document_id = u.document_id AND d.annotator = ? "
            "AND d.status = 'done') ORDER BY (u.document_id * 7919 + coalesce(u.comment_id, 0) * 104729 + ?) % 1000003 "
            "LIMIT ?"
        )
        return [r[0] for r in self.conn.execute(sql, (annotator, annotator, seed, limit))]
