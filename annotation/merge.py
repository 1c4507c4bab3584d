"""Merging another project file's annotators into this one, without losing either side.

Documents are matched by text hash, comments by text hash plus ext_id (then position), never by
database id. For each annotator of the other file, per document: if one side's items contain
the other's, the missing items are added (a later merge of the same colleague's file brings only
what is new); if both sides changed the same annotator's layer differently, nothing is
overwritten: that annotator comes in as ``name@otherfile`` and the report says so.
Everything happens in one transaction, so a refused merge changes nothing, and merging the
same file twice changes nothing the second time.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from annotation.errors import GoldspanError
from annotation.jobs import CancelToken, Job, Progress, run
from annotation.model import ORIGIN_MODEL, REPLY_TARGET, Comment, Document, ImportedArticle
from annotation.store import Store


class MergeError(GoldspanError):
    """The other file cannot be merged: not a project, another schema, the same file."""


@dataclass
class MergeReport:
    other: str
    annotators: dict[str, str] = field(default_factory=dict)  # their name -> name used here
    renamed: dict[str, list[str]] = field(default_factory=dict)  # their name -> diverging document ext_ids
    documents_matched: int = 0
    documents_added: int = 0
    documents_text_differs: list[str] = field(default_factory=list)  # ext_ids skipped
    comments_added: int = 0
    comments_text_differs: list[str] = field(default_factory=list)  # "doc ext_id/comment ext_id"
    spans_added: int = 0
    relations_added: int = 0
    stances_added: int = 0
    statuses_set: int = 0
    targets_added: int = 0
    edits_added: int = 0

    @property
    def changed(self) -> bool:
        return any((self.documents_added, self.comments_added, self.spans_added, self.relations_added,
                    self.stances_added, self.statuses_set, self.targets_added, self.edits_added))

    def summary(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}

    def lines(self) -> list[str]:
        out = [
            f"merged {self.other}: {self.documents_matched} documents matched, {self.documents_added} added; "
            f"{self.comments_added} comments, {self.spans_added} spans, {self.relations_added} relations, "
            f"{self.stances_added} stance labels, {self.statuses_set} statuses, {self.edits_added} edit-log lines added"
        ]
        for theirs, ours in self.annotators.items():
            if theirs in self.renamed:
                docs = ", ".join(self.renamed[theirs][:5]) + (" ..." if len(self.renamed[theirs]) > 5 else "")
                out.append(f"annotator {theirs!r} differs here and there (documents {docs}): kept both, theirs is {ours!r}")
            else:
                out.append(f"annotator {theirs!r}: merged as {ours!r}")
        if self.documents_text_differs:
            out.append("skipped, text differs from this project's document with the same id: " + ", ".join(self.documents_text_differs))
        if self.comments_text_differs:
            out.append("skipped comments whose text differs: " + ", ".join(self.comments_text_differs))
        if not self.changed:
            out.append("nothing new: this project already has everything in that file")
        return out


# Items compared per (annotator, document), expressed in this project's ids:
SpanItem = tuple[int | None, int, int, str, str, str]  # comment, start, end, label, layer, origin


def merge_projects(store: Store, other_path: str | Path, label_map: Mapping[str, str] | None = None,
                   reviewer: str = "", cancel: CancelToken | None = None) -> Job[MergeReport]:
    """Merge ``other_path`` into ``store`` in one transaction; yields progress; returns a report."""
    other_path = Path(other_path)
    if store.path is not None and other_path.exists() and other_path.resolve() == store.path.resolve():
        raise MergeError(f"{other_path}: that is this project; choose another annotator's file")
    store.require_writable()
    other = Store.open(other_path, read_only=True)
    try:
        yield Progress(0, 4, f"reading {other_path.name}")
        label_map = dict(label_map or {})
        _check_schema(store, other, label_map, other_path)
        merger = _Merger(store, other, label_map, other_path, reviewer)
        with store.transaction():
            merger.map_documents()
            yield Progress(1, 4, "matching documents")
            if cancel:
                cancel.check()
            merger.plan_annotators()
            yield Progress(2, 4, "copying annotations")
            if cancel:
                cancel.check()
            merger.copy()
            yield Progress(3, 4, "copying the edit log")
            merger.copy_edits()
            if cancel:
                cancel.check()
            if merger.report.changed:
                store.log_bulk(reviewer or "?", "merge", merger.report.summary())
        yield Progress(4, 4, "merged")
        return merger.report
    finally:
        other.close()


def merge(store: Store, other_path: str | Path, label_map: Mapping[str, str] | None = None, reviewer: str = "") -> MergeReport:
    return run(merge_projects(store, other_path, label_map, reviewer))


def _check_schema(store: Store, other: Store, label_map: dict[str, str], other_path: Path) -> None:
    """Refuse, listing every difference, when the other file uses labels this project lacks."""
    ours = store.schema
    unknown_map = [k for k, v in label_map.items() if ours.label(v) is None]
    if unknown_map:
        raise MergeError(f"--label-map: {', '.join(repr(label_map[k]) for k in unknown_map)} not in this project's schema")
    allowed = {
        "entity": set(ours.label_names("entity")), "quote": set(ours.label_names("quote")),
        "relation": set(ours.label_names("relation")), "stance": set(ours.label_names("stance_labels")),
        "reply": set(ours.label_names("reply_labels")),
    }
    problems = []
    for (kind, label), count in sorted(other.label_usage().items()):
        mapped = label_map.get(label, label)
        if mapped not in allowed.get(kind, set()):
            where = next((k for k, names in allowed.items() if mapped in names), None)
            extra = f" (here it is a {where} label)" if where else ""
            problems.append(f"{kind} label {label!r} ({count} uses){extra}")
    if problems:
        raise MergeError(
            f"{other_path}: uses labels this project's schema does not have: {'; '.join(problems)}. "
            "Map them with --label-map THEIRS=OURS, or add them to the schema; nothing was changed"
        )


class _Merger:
    def __init__(self, store: Store, other: Store, label_map: dict[str, str], other_path: Path, reviewer: str) -> None:
        self.store, self.other, self.label_map, self.reviewer = store, other, label_map, reviewer
        self.stem = other_path.stem
        self.report = MergeReport(str(other_path))
        self.doc_map: dict[int, int] = {}  # their document id -> ours
        self.comment_map: dict[int, int] = {}  # their comment id -> ours
        self.doc_ext: dict[int, str] = {}  # our document id -> ext_id, for messages
        self.names: dict[str, str] = {}

    # -- identities --------------------------------------------------------------------

    def map_documents(self) -> None:
        ours_by_hash = {h: i for i, _e, h, _t in self.store.document_identities()}
        ours_ext = {e for _i, e, _h, _t in self.store.document_identities()}
        their_comments: dict[int, list[tuple[int, str, int, str]]] = defaultdict(list)
        for cid, did, ext, pos, h in self.other.comment_identities():
            their_comments[did].append((cid, ext, pos, h))
        for doc_id, ext_id, digest, _title in self.other.document_identities():
            if digest in ours_by_hash:
                self.doc_map[doc_id] = ours_by_hash[digest]
                self.report.documents_matched += 1
            elif ext_id in ours_ext:
                self.report.documents_text_differs.append(ext_id)
                continue
            else:
                self._add_document(doc_id)
        ours_comments: dict[int, list[tuple[int, str, int, str]]] = defaultdict(list)
        for cid, did, ext, pos, h in self.store.comment_identities():
            ours_comments[did].append((cid, ext, pos, h))
        for their_doc, our_doc in self.doc_map.items():
            self.doc_ext[our_doc] = self.store.document(our_doc).ext_id
            missing = self._map_comments(their_comments[their_doc], ours_comments[our_doc], our_doc)
            if missing:
                self._add_comments(their_doc, our_doc, missing)

    def _map_comments(self, theirs: list[tuple[int, str, int, str]], ours: list[tuple[int, str, int, str]], our_doc: int) -> list[int]:
        by_hash_ext = {(h, e): c for c, e, _p, h in ours}
        by_hash_pos = {(h, p): c for c, _e, p, h in ours}
        by_hash: dict[str, list[int]] = defaultdict(list)
        for c, _e, _p, h in ours:
            by_hash[h].append(c)
        ext_ids = {e for _c, e, _p, _h in ours}
        missing = []
        for cid, ext, pos, h in theirs:
            match = by_hash_ext.get((h, ext)) or by_hash_pos.get((h, pos))
            if match is None and len(by_hash[h]) == 1:
                match = by_hash[h][0]
            if match is not None:
                self.comment_map[cid] = match
            elif ext in ext_ids:
                self.report.comments_text_differs.append(f"{self.doc_ext.get(our_doc, our_doc)}/{ext}")
            else:
                missing.append(cid)
        return missing

    def _add_document(self, their_doc: int) -> None:
        """A document only the other file has: copy it with its thread, so its annotations survive."""
        doc = self.other.document(their_doc)
        comments = self.other.comments(their_doc)
        result = self.store.import_articles([ImportedArticle(doc, tuple(_detached(c, comments) for c in comments))], doc.source_file)
        our_doc = result.document_ids[0]
        self.doc_map[their_doc] = our_doc
        self.doc_ext[our_doc] = doc.ext_id
        self.report.documents_added += 1
        self.report.comments_added += result.comments_added
        by_ext = {c.ext_id: c.id for c in self.store.comments(our_doc)}
        for c in comments:
            self.comment_map[c.id] = by_ext[c.ext_id]  # type: ignore[index,assignment]

    def _add_comments(self, their_doc: int, our_doc: int, missing: list[int]) -> None:
        comments = self.other.comments(their_doc)
        wanted = [c for c in comments if c.id in set(missing)]
        doc = self.store.document(our_doc)
        result = self.store.import_articles([ImportedArticle(doc, tuple(_detached(c, comments) for c in wanted))], doc.source_file)
        self.report.comments_added += result.comments_added
        by_ext = {c.ext_id: c.id for c in self.store.comments(our_doc)}
        for c in wanted:
            self.comment_map[c.id] = by_ext[c.ext_id]  # type: ignore[index,assignment]

    # -- annotators --------------------------------------------------------------------

    def _items(self, source: Store, annotator: str, translate: bool) -> dict[int, dict[str, set[Any]]]:
        """Per our document id: the annotator's spans, relations, stance labels and status as comparable keys."""
        out: dict[int, dict[str, set[Any]]] = defaultdict(lambda: {"spans": set(), "relations": set(), "stances": set(), "status": set()})
        keys: dict[int, tuple[int, SpanItem]] = {}
        for sid, did, cid, start, end, label, layer, _a, origin, *_r in source.span_rows([annotator]):
            key = self._span_key(did, cid, start, end, label, layer, origin, translate)
            if key is not None:
                keys[sid] = key
                out[key[0]]["spans"].add(key[1])
        for _id, _did, head, child, label, _a, _o, _c in source.relation_rows([annotator]):
            if head in keys and child in keys:
                out[keys[head][0]]["relations"].add((keys[head][1], keys[child][1], self.label_map.get(label, label) if translate else label))
        for _id, did, cid, target, label, *_r in source.stance_rows([annotator]):
            if translate and (did not in self.doc_map or cid not in self.comment_map):
                continue
            doc = self.doc_map[did] if translate else did
            comment = self.comment_map[cid] if translate else cid
            out[doc]["stances"].add((comment, target, self.label_map.get(label, label) if translate else label))
        for did, _a, status, _note, _u in source.status_rows([annotator]):
            if translate and did not in self.doc_map:
                continue
            if status != "new":
                out[self.doc_map[did] if translate else did]["status"].add(status)
        return out

    def _span_key(self, did: int, cid: int | None, start: int, end: int, label: str, layer: str, origin: str,
                  translate: bool) -> tuple[int, SpanItem] | None:
        if not translate:
            return did, (cid, start, end, label, layer, origin)
        if did not in self.doc_map or (cid is not None and cid not in self.comment_map):
            return None
        return self.doc_map[did], (None if cid is None else self.comment_map[cid], start, end,
                                   self.label_map.get(label, label), layer, origin)

    def plan_annotators(self) -> None:
        ours_names = set(self.store.annotators_with_data())
        for name in self.other.annotators_with_data():
            theirs = self._items(self.other, name, translate=True)
            candidate, suffix = name, 1
            diverging: list[str] = []
            while candidate in ours_names:
                ours = self._items(self.store, candidate, translate=False)
                bad = [d for d in theirs if _diverges(theirs[d], ours.get(d))]
                if not bad:
                    break
                if not diverging:
                    diverging = [self.doc_ext.get(d, str(d)) for d in bad]
                suffix += 1
                candidate = f"{name}@{self.stem}" if suffix == 2 else f"{name}@{self.stem}-{suffix - 1}"
            self.names[name] = candidate
            self.report.annotators[name] = candidate
            if candidate != name:
                self.report.renamed[name] = diverging

    # -- copying -----------------------------------------------------------------------

    def copy(self) -> None:
        for theirs, ours in self.names.items():
            self.store.ensure_annotator(ours)
            self._copy_annotator(theirs, ours)
        for did, name, span_id in self.other.target_rows():
            if did in self.doc_map and name not in self.store.targets(self.doc_map[did]):
                if self.store.ensure_target_row(self.doc_map[did], name, None):
                    self.report.targets_added += 1

    def _copy_annotator(self, theirs: str, ours: str) -> None:
        # A layer holds a span once, whatever its origin: the same span there as a suggestion
        # and here as the annotator's (or the reverse) is one span, and the human's origin wins.
        existing: dict[tuple[int, tuple], tuple[int, str]] = {}
        for sid, did, cid, start, end, label, layer, _a, origin, *_r in self.store.span_rows([ours]):
            existing[(did, (cid, start, end, label, layer))] = (sid, origin)
        id_map: dict[int, int] = {}
        for sid, did, cid, start, end, label, layer, _a, origin, model, attrs, created, updated in self.other.span_rows([theirs]):
            key = self._span_key(did, cid, start, end, label, layer, origin, translate=True)
            if key is None:
                continue
            identity = (key[0], key[1][:5])
            if identity in existing:
                our_id, our_origin = existing[identity]
                id_map[sid] = our_id
                if our_origin == ORIGIN_MODEL and origin != ORIGIN_MODEL:
                    self.store.set_span_origin_row(our_id, origin, updated)
                    existing[identity] = (our_id, origin)
                continue
            doc, (comment, *_rest) = key
            new_id = self.store.insert_span_row(doc, comment, start, end, key[1][3], layer, ours, origin, model, attrs, created, updated)
            existing[identity] = (new_id, origin)
            id_map[sid] = new_id
            self.report.spans_added += 1
        have = {(h, c, label) for _i, _d, h, c, label, *_r in self.store.relation_rows([ours])}
        for _id, did, head, child, label, _a, origin, created in self.other.relation_rows([theirs]):
            if head not in id_map or child not in id_map:
                continue
            label = self.label_map.get(label, label)
            if (id_map[head], id_map[child], label) in have:
                continue
            self.store.insert_relation_row(self.doc_map[did], id_map[head], id_map[child], label, ours, origin, created)
            have.add((id_map[head], id_map[child], label))
            self.report.relations_added += 1
        have_stance = {(cid, target) for _i, _d, cid, target, *_r in self.store.stance_rows([ours])}
        for _id, did, cid, target, label, _a, note, unsure, created, updated in self.other.stance_rows([theirs]):
            if did not in self.doc_map or cid not in self.comment_map:
                continue
            comment = self.comment_map[cid]
            if (comment, target) in have_stance:
                continue  # equal, or ours is newer: never overwritten (divergence renamed above)
            if target != REPLY_TARGET and target not in self.store.targets(self.doc_map[did]):
                self.store.ensure_target_row(self.doc_map[did], target, None)
                self.report.targets_added += 1
            self.store.insert_stance_row(comment, target, self.label_map.get(label, label), ours, note, bool(unsure), created, updated)
            self.report.stances_added += 1
        our_status = {did: status for did, _a, status, _n, _u in self.store.status_rows([ours])}
        for did, _a, status, note, updated in self.other.status_rows([theirs]):
            if did not in self.doc_map or status == "new":
                continue
            if our_status.get(self.doc_map[did], "new") == "new":
                self.store.upsert_status_row(self.doc_map[did], ours, status, note, updated)
                self.report.statuses_set += 1

    def copy_edits(self) -> None:
        """Their edit log comes along for the audit, wrapped so it is never replayed as an undo
        here (its ids belong to the other file)."""
        seen = self.store.merged_edit_keys()
        fresh = []
        for time, annotator, action, did, command, inverse in self.other.edit_rows():
            who = self.names.get(annotator, annotator)
            if action != "merged":
                command = json.dumps({"from": self.stem, "action": action, "document_id": did, "command": command},
                                     ensure_ascii=False, sort_keys=True)
                inverse = "{}"
            if (time, who, command) in seen:
                continue
            seen.add((time, who, command))
            fresh.append((time, who, "merged", self.doc_map.get(did) if did is not None else None, command, inverse))
        self.store.insert_edit_rows(fresh)
        self.report.edits_added += len(fresh)


def _diverges(theirs: dict[str, set[Any]], ours: dict[str, set[Any]] | None) -> bool:
    """Both sides changed one annotator's document differently (neither contains the other)."""
    if ours is None:
        return False
    ours_in_theirs = all(ours[k] <= theirs[k] for k in ("spans", "relations", "stances"))
    theirs_in_ours = all(theirs[k] <= ours[k] for k in ("spans", "relations", "stances"))
    if not (ours_in_theirs or theirs_in_ours):
        return True
    # a stance relabelled on one side: same comment and target, another label
    our_keys = {(c, t): l for c, t, l in ours["stances"]}
    if any(our_keys.get((c, t), l) != l for c, t, l in theirs["stances"]):
        return True
    return bool(theirs["status"] and ours["status"] and theirs["status"] != ours["status"])


def _detached(comment: Comment, thread: list[Comment]) -> Comment:
    """A comment ready for import elsewhere: its parent named by ext_id, not by the other file's id."""
    parent_ext = comment.parent_ext_id
    if comment.parent_id is not None:
        parent_ext = next((c.ext_id for c in thread if c.id == comment.parent_id), parent_ext)
    return Comment(None, None, comment.ext_id, comment.text, None, parent_ext, comment.author, comment.time,
                   comment.position, comment.meta)


__all__ = ["MergeError", "MergeReport", "merge", "merge_projects", "Document"]
