"""Applying data commands: each runs in one transaction, is logged, and returns its inverse."""
from __future__ import annotations

import sqlite3
from dataclasses import replace

from annotation.commands import (
    AddRelation, AddSpan, AddTarget, Batch, ClearStance, Command, DeleteRelation, DeleteSpan,
    RemoveTarget, SetOrigins, SetStance, SetStatus, UpdateSpan, log_json,
)
from annotation.errors import CommandError
from annotation.model import ENTITY, ORIGIN_HUMAN, ORIGIN_MODEL, REPLY_TARGET, STATUSES, Changes, Relation, Span, Unit
from annotation.store import bulk_edits, rows
from annotation.store.bulk_edits import RELATION_LABELS_FALLBACK, BulkEditsMixin
from annotation.store.quotations import QuotationRulesMixin



class EditingMixin(BulkEditsMixin, QuotationRulesMixin):
    conn: sqlite3.Connection

    def apply(self, cmd: Command, annotator: str = "", action: str = "do") -> tuple[Command, Changes]:
        """Apply ``cmd`` atomically; log it; return (inverse, what changed).

        ``action`` is recorded in the edit log: do, undo or redo.
        """
        with self.transaction():  # type: ignore[attr-defined]
            self.conn.execute("SAVEPOINT apply_edit")
            try:
                inverse, changes = self._apply(cmd)
                if not _origins_only(cmd):  # an origin never makes or mends an orphaned part
                    inverse, changes = self._refuse_new_orphan_parts(cmd, inverse, changes)
            except sqlite3.IntegrityError as exc:
                # The schema's own guards (unique spans and relations, foreign keys) are the last
                # line: an edit that trips one is refused like any invalid edit, never a crash.
                raise CommandError(f"refused: the project would be inconsistent ({exc})") from None
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("RELEASE apply_edit")
            who = annotator or _annotator_of(cmd) or "?"
            self.ensure_annotator(who)  # type: ignore[attr-defined]
            doc = next(iter(changes.documents), None)
            self.conn.execute(
                "INSERT INTO edits(time, annotator, action, document_id, command, inverse) VALUES (?,?,?,?,?,?)",
                (rows.now(), who, action, doc, log_json(cmd), log_json(inverse)),
            )
        return inverse, changes

    def _refuse_new_orphan_parts(self, cmd: Command, inverse: Command, changes: Changes) -> tuple[Command, Changes]:
        """A SOURCE or CUE never outlives its QUOTE: an edit that leaves one without a QUOTE
        (added alone, unlinked, its QUOTE relabelled away) is refused as a whole. Parts that were
        already orphaned before this edit (an old project; `goldspan check` names them) do not
        block unrelated edits in the same text, so those are measured before the edit."""
        units = changes.units
        if not units:
            return inverse, changes
        after = self._orphan_parts(units)
        if not after:
            return inverse, changes
        # Rare path: look at the state before the edit, then apply it again (commands are
        # deterministic: the same ids and rows come back).
        self.conn.execute("ROLLBACK TO apply_edit")
        before = self._orphan_parts(units)
        new = after - before
        if new:
            label = self.conn.execute(
                "SELECT label FROM spans WHERE id = ?", (min(new),)).fetchone()
            what = label[0] if label else "SOURCE or CUE"
            raise CommandError(
                f"refused: this would leave a {what} that belongs to no QUOTE "
                "(select the QUOTE first, then mark its source with s and its cue with v)")
        return self._apply(cmd)

    def _orphan_parts(self, units: frozenset[Unit]) -> frozenset[int]:
        # One query per document, not per text: a review batch touches the article and dozens
        # of comments, and each query reads the document's quotation parts again.
        found: set[int] = set()
        for document_id in {u.document_id for u in units}:
            result = self.conn.execute(
                "SELECT s.id, s.comment_id FROM spans s WHERE s.document_id = ? "
                "AND s.label IN ('SOURCE', 'CUE') AND NOT EXISTS (SELECT 1 FROM relations r "
                "JOIN spans q ON q.id = r.head_id WHERE r.child_id = s.id AND r.label IN ('source', 'cue') "
                "AND q.label = 'QUOTE')",
                (document_id,),
            )
            found.update(span_id for span_id, comment_id in result if Unit(document_id, comment_id) in units)
        return frozenset(found)

    def _apply(self, cmd: Command) -> tuple[Command, Changes]:
        handler = getattr(self, f"_apply_{cmd.kind}", None)
        if handler is None:
            raise CommandError(f"unknown command {cmd.kind!r}")
        return handler(cmd)

    # -- spans --------------------------------------------------------------------------

    def _check_span(self, span: Span, ignore_id: int | None = None) -> None:
        text = self.unit_text(span.unit)  # type: ignore[attr-defined]
        if not (0 <= span.start < span.end <= len(text)):
            raise CommandError(f"span {span.start}-{span.end} is outside its text (length {len(text)})")
        layer = self.schema.layer_of(span.label)  # type: ignore[attr-defined]
        if layer is None:
            raise CommandError(f"unknown label {span.label!r}")
        if layer != span.layer:
            raise CommandError(f"label {span.label} belongs to the {layer} layer, not {span.layer}")
        twin = self._identical_span(span)
        if twin is not None and twin.id != ignore_id:
            raise CommandError(f"there is already a {span.label} at {span.start}-{span.end}; a layer holds a span once")
        if span.layer == ENTITY:
            clash = self.conn.execute(
                "SELECT label, start, end FROM spans WHERE document_id = ? AND comment_id IS ? AND annotator = ? "
                "AND layer = 'entity' AND start < ? AND end > ? AND id IS NOT ? LIMIT 1",
                (span.document_id, span.comment_id, span.annotator, span.end, span.start, ignore_id),
            ).fetchone()
            if clash:
                raise CommandError(
                    f"overlaps the {clash['label']} entity at {clash['start']}-{clash['end']}; "
                    "entities may not overlap (delete or resize it first)"
                )

    def _apply_add_span(self, cmd: AddSpan) -> tuple[Command, Changes]:
        span = cmd.span
        twin = self._identical_span(span)
        if twin is not None and twin.id != span.id:
            return self._confirm_twin(twin, cmd)
        self._check_span(span)
        stamp = rows.now()
        values = {
            "document_id": span.document_id, "comment_id": span.comment_id, "start": span.start,
            "end": span.end, "label": span.label, "layer": span.layer, "annotator": span.annotator,
            "origin": span.origin, "model": span.model, "attrs": rows.dumps(span.attrs),
            "created": span.created or stamp, "updated": stamp,
        }
        if span.id is not None:
            values["id"] = span.id
        cols = ", ".join(values)
        cur = self.conn.execute(f"INSERT INTO spans({cols}) VALUES ({', '.join('?' * len(values))})", list(values.values()))
        span_id = span.id if span.id is not None else cur.lastrowid
        rel_ids = set()
        for rel in cmd.relations:
            # 0 stands for "the span being added", so one command can add a SOURCE and its link.
            rel = replace(
                rel,
                head_id=span_id if rel.head_id == 0 else rel.head_id,
                child_id=span_id if rel.child_id == 0 else rel.child_id,
                document_id=span.document_id,
            )
            rel_ids.add(self._insert_relation(rel))
        assert span_id is not None
        changes = Changes(
            documents=frozenset({span.document_id}), units=frozenset({span.unit}),
            spans=frozenset({span_id}), relations=frozenset(rel_ids),
        )
        return DeleteSpan(span_id), changes

    def _apply_delete_span(self, cmd: DeleteSpan) -> tuple[Command, Changes]:
        cascaded: set[int] = getattr(self, "_cascaded", set())
        if cmd.span_id in cascaded and self.find_span(cmd.span_id) is None:  # type: ignore[attr-defined]
            # Undoing "add SOURCE, add QUOTE linking it" deletes the QUOTE first, which takes
            # the SOURCE along; the batch's own delete of that SOURCE then has nothing to do.
            return Batch((), "Nothing"), Changes()
        span = self.span(cmd.span_id)  # type: ignore[attr-defined]
        # A quotation's parts never outlive it: deleting a QUOTE takes its own SOURCE and CUE.
        doomed = [span, *self._quotation_parts(span)]
        ids = [s.id for s in doomed]
        marks = ",".join("?" * len(ids))
        relations = [rows.relation(r) for r in self.conn.execute(
            f"SELECT * FROM relations WHERE head_id IN ({marks}) OR child_id IN ({marks}) ORDER BY id", ids + ids)]
        self.conn.execute(f"DELETE FROM relations WHERE head_id IN ({marks}) OR child_id IN ({marks})", ids + ids)
        self.conn.execute(f"DELETE FROM spans WHERE id IN ({marks})", ids)
        cascaded.update(i for i in ids[1:] if i is not None)
        changes = Changes(
            documents=frozenset({span.document_id}), units=frozenset({span.unit}),
            spans=frozenset(i for i in ids if i is not None), relations=frozenset(r.id for r in relations if r.id is not None),
        )
        if len(doomed) == 1:
            return AddSpan(span, tuple(relations)), changes
        # Undo brings every part back with its ids: the QUOTE first, then each part with the
        # relations whose both ends exist by then (its link from the QUOTE, a coref to an entity).
        restored: set[int | None] = set()
        pending = list(relations)
        adds: list[Command] = []
        for part in doomed:
            restored.add(part.id)
            mine = [r for r in pending if part.id in (r.head_id, r.child_id)
                    and all(end in restored or end not in ids for end in (r.head_id, r.child_id))]
            pending = [r for r in pending if r not in mine]
            adds.append(AddSpan(part, tuple(mine)))
        return Batch(tuple(adds), f"Restore {span.label}"), changes

    def _apply_update_span(self, cmd: UpdateSpan) -> tuple[Command, Changes]:
        old = self.span(cmd.span_id)  # type: ignore[attr-defined]
        origin = cmd.origin
        edited = any(v is not None for v in (cmd.start, cmd.end, cmd.label, cmd.attrs))
        if origin is None and edited and old.origin == ORIGIN_MODEL:
            # Editing a suggestion makes it the annotator's (as Prodigy and INCEpTION count any
            # edit as acceptance), so the default export keeps the user's own work.
            origin = ORIGIN_HUMAN
            cmd = replace(cmd, origin=origin)
        new = replace(
            old,
            start=old.start if cmd.start is None else cmd.start,
            end=old.end if cmd.end is None else cmd.end,
            label=old.label if cmd.label is None else cmd.label,
            origin=old.origin if origin is None else origin,
            attrs=old.attrs if cmd.attrs is None else cmd.attrs,
        )
        if cmd.label is not None and self.schema.layer_of(cmd.label) != old.layer:  # type: ignore[attr-defined]
            raise CommandError(f"cannot relabel a {old.layer} span as {cmd.label}")
        self._check_span(new, ignore_id=old.id)
        relinked = self._relabel_links(old, new.label)
        self.conn.execute(
            "UPDATE spans SET start=?, end=?, label=?, origin=?, attrs=?, updated=? WHERE id=?",
            (new.start, new.end, new.label, new.origin, rows.dumps(new.attrs), rows.now(), old.id),
        )
        inverse = UpdateSpan(
            old.id,  # type: ignore[arg-type]
            start=old.start if cmd.start is not None else None,
            end=old.end if cmd.end is not None else None,
            label=old.label if cmd.label is not None else None,
            origin=old.origin if cmd.origin is not None else None,
            attrs=old.attrs if cmd.attrs is not None else None,
        )
        return inverse, Changes(
            documents=frozenset({old.document_id}), units=frozenset({old.unit}), spans=frozenset({old.id}),
            relations=relinked,
        )

    # -- relations ----------------------------------------------------------------------

    def _insert_relation(self, rel: Relation) -> int:
        head = self.span(rel.head_id)  # type: ignore[attr-defined]
        child = self.span(rel.child_id)  # type: ignore[attr-defined]
        allowed = self.schema.label_names("relation") or RELATION_LABELS_FALLBACK  # type: ignore[attr-defined]
        if rel.label not in allowed:
            raise CommandError(f"unknown relation {rel.label!r} (expected one of {', '.join(allowed)})")
        if head.unit != child.unit:
            raise CommandError("a relation must stay inside one text (the article or one comment)")
        if not (head.annotator == child.annotator == rel.annotator):
            raise CommandError("a relation links spans of one annotator's layer, and belongs to that annotator")
        if rel.id is None and self._relation_id(rel.head_id, rel.child_id, rel.label) is not None:
            raise CommandError(f"these spans are already linked by {rel.label}")
        values = {
            "document_id": head.document_id, "head_id": rel.head_id, "child_id": rel.child_id,
            "label": rel.label, "annotator": rel.annotator, "origin": rel.origin,
            "created": rel.created or rows.now(),
        }
        if rel.id is not None:
            values["id"] = rel.id
        cols = ", ".join(values)
        cur = self.conn.execute(f"INSERT INTO relations({cols}) VALUES ({', '.join('?' * len(values))})", list(values.values()))
        return rel.id if rel.id is not None else cur.lastrowid  # type: ignore[return-value]

    def _apply_add_relation(self, cmd: AddRelation) -> tuple[Command, Changes]:
        rel_id = self._insert_relation(cmd.relation)
        head = self.span(cmd.relation.head_id)  # type: ignore[attr-defined]
        return DeleteRelation(rel_id), Changes(
            documents=frozenset({head.document_id}), units=frozenset({head.unit}), relations=frozenset({rel_id})
        )

    def _apply_delete_relation(self, cmd: DeleteRelation) -> tuple[Command, Changes]:
        rel = self.relation(cmd.relation_id)  # type: ignore[attr-defined]
        self.conn.execute("DELETE FROM relations WHERE id = ?", (rel.id,))
        head = self.find_span(rel.head_id)  # type: ignore[attr-defined]
        units = frozenset({head.unit}) if head else frozenset()
        return AddRelation(rel), Changes(documents=frozenset({rel.document_id}), units=units, relations=frozenset({rel.id}))

    # -- stance -------------------------------------------------------------------------

    def _stance_changes(self, comment_id: int) -> Changes:
        comment = self.comment(comment_id)  # type: ignore[attr-defined]
        return Changes(documents=frozenset({comment.document_id}), stances=frozenset({comment_id}))

    def _apply_set_stance(self, cmd: SetStance) -> tuple[Command, Changes]:
        comment = self.comment(cmd.comment_id)  # type: ignore[attr-defined]
        schema = self.schema  # type: ignore[attr-defined]
        if cmd.target == REPLY_TARGET:
            if comment.parent_id is None:
                raise CommandError("only a reply has a stance toward its parent comment")
            allowed = schema.label_names("reply_labels")
        else:
            allowed = tuple(d.name for d in schema.stance_labels)
            if cmd.target not in self.targets(comment.document_id):  # type: ignore[attr-defined]
                raise CommandError(f"unknown stance target {cmd.target!r} for this document")
        if cmd.label not in allowed:
            raise CommandError(f"unknown stance label {cmd.label!r} (expected one of {', '.join(allowed)})")
        old = self.stance(cmd.comment_id, cmd.target, cmd.annotator)  # type: ignore[attr-defined]
        stamp = rows.now()
        self.conn.execute(
            "INSERT INTO stances(comment_id, target, label, annotator, note, unsure, created, updated) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(comment_id, target, annotator) DO UPDATE SET "
            "label=excluded.label, note=excluded.note, unsure=excluded.unsure, updated=excluded.updated",
            (cmd.comment_id, cmd.target, cmd.label, cmd.annotator, cmd.note, int(cmd.unsure), stamp, stamp),
        )
        inverse: Command
        if old is None:
            inverse = ClearStance(cmd.comment_id, cmd.target, cmd.annotator)
        else:
            inverse = SetStance(cmd.comment_id, cmd.target, cmd.annotator, old.label, old.note, old.unsure)
        return inverse, self._stance_changes(cmd.comment_id)

    def _apply_clear_stance(self, cmd: ClearStance) -> tuple[Command, Changes]:
        old = self.stance(cmd.comment_id, cmd.target, cmd.annotator)  # type: ignore[attr-defined]
        if old is None:
            return Batch((), "Nothing"), self._stance_changes(cmd.comment_id)
        self.conn.execute("DELETE FROM stances WHERE id = ?", (old.id,))
        return SetStance(cmd.comment_id, cmd.target, cmd.annotator, old.label, old.note, old.unsure), self._stance_changes(cmd.comment_id)

    # -- status and targets ---------------------------------------------------------------

    def _apply_set_status(self, cmd: SetStatus) -> tuple[Command, Changes]:
        if cmd.status not in STATUSES:
            raise CommandError(f"unknown status {cmd.status!r} (expected one of {', '.join(STATUSES)})")
        old = self.status(cmd.document_id, cmd.annotator)  # type: ignore[attr-defined]
        self.conn.execute(
            "INSERT INTO doc_status(document_id, annotator, status, note, updated) VALUES (?,?,?,?,?) "
            "ON CONFLICT(document_id, annotator) DO UPDATE SET status=excluded.status, note=excluded.note, updated=excluded.updated",
            (cmd.document_id, cmd.annotator, cmd.status, cmd.note, rows.now()),
        )
        return SetStatus(cmd.document_id, cmd.annotator, old.status, old.note), Changes(
            documents=frozenset({cmd.document_id}), statuses=frozenset({cmd.document_id})
        )

    def _apply_add_target(self, cmd: AddTarget) -> tuple[Command, Changes]:
        name = cmd.name.strip()
        if not name or name == REPLY_TARGET:
            raise CommandError(f"invalid stance target name {cmd.name!r}")
        if name in self.targets(cmd.document_id):  # type: ignore[attr-defined]
            raise CommandError(f"{name!r} is already a stance target of this document")
        self.conn.execute(
            "INSERT INTO targets(document_id, name, span_id, created) VALUES (?,?,?,?)",
            (cmd.document_id, name, cmd.span_id, rows.now()),
        )
        return RemoveTarget(cmd.document_id, name), Changes(documents=frozenset({cmd.document_id}), targets=frozenset({cmd.document_id}))

    def _apply_remove_target(self, cmd: RemoveTarget) -> tuple[Command, Changes]:
        row = self.conn.execute(
            "SELECT span_id FROM targets WHERE document_id = ? AND name = ?", (cmd.document_id, cmd.name)
        ).fetchone()
        if row is None:
            raise CommandError(f"{cmd.name!r} is not a target added to this document")
        self.conn.execute("DELETE FROM targets WHERE document_id = ? AND name = ?", (cmd.document_id, cmd.name))
        return AddTarget(cmd.document_id, cmd.name, row[0]), Changes(documents=frozenset({cmd.document_id}), targets=frozenset({cmd.document_id}))

    # -- batches ------------------------------------------------------------------------

    def _apply_batch(self, cmd: Batch) -> tuple[Command, Changes]:
        inverses: list[Command] = []
        outer = not hasattr(self, "_cascaded")
        if outer:
            self._cascaded: set[int] = set()  # parts deleted along with their QUOTE in this batch
        parts: list[Changes] = []
        try:
            for run in bulk_edits.runs(cmd.commands):
                done = None
                if bulk_edits.run_kind(run[0]) == "add":  # many spans added: a few statements
                    done = self._apply_additions(run)  # type: ignore[arg-type]
                elif len(run) >= bulk_edits.BULK_MIN_DELETES and isinstance(run[0], DeleteSpan):
                    done = self._apply_delete_spans(run)  # type: ignore[arg-type]
                for inverse, sub_changes in done if done is not None else map(self._apply, run):
                    inverses.append(inverse)
                    parts.append(sub_changes)
        finally:
            if outer:
                del self._cascaded
        return Batch(tuple(reversed(inverses)), cmd.text), bulk_edits.union(parts)


def _origins_only(cmd: Command) -> bool:
    if isinstance(cmd, SetOrigins):
        return True
    return isinstance(cmd, Batch) and bool(cmd.commands) and all(_origins_only(c) for c in cmd.commands)


def _annotator_of(cmd: Command) -> str:
    if isinstance(cmd, AddSpan):
        return cmd.span.annotator
    if isinstance(cmd, AddRelation):
        return cmd.relation.annotator
    if isinstance(cmd, (SetStance, ClearStance, SetStatus)):
        return cmd.annotator
    if isinstance(cmd, Batch) and cmd.commands:
        return _annotator_of(cmd.commands[0])
    return ""


__all__ = ["EditingMixin", "Unit"]
