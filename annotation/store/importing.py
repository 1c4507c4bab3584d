"""Writing imported articles (with their threads and other tools' annotations) in bulk."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Callable, Iterable

from hashlib import sha256  # the same digest as model.text_hash, without a call per comment

from annotation.errors import InputError
from annotation.model import (
    ENTITY, Comment, ORIGIN_IMPORT, ImportedArticle, REPLY_TARGET, text_hash,
)
from annotation.store import rows


@dataclass
class ImportResult:
    documents_added: int = 0
    documents_existing: int = 0
    comments_added: int = 0
    spans_added: int = 0
    relations_added: int = 0
    stances_added: int = 0
    document_ids: list[int] = field(default_factory=list)

    def __iadd__(self, other: "ImportResult") -> "ImportResult":
        for name in ("documents_added", "documents_existing", "comments_added", "spans_added", "relations_added", "stances_added"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.document_ids += other.document_ids
        return self


def check_thread(article: ImportedArticle, where: str) -> bool:
    """Refuse duplicate comment ids and parent cycles, naming the record. Returns whether every
    parent comes before its replies (the usual case, which cannot hold a cycle)."""
    parents: dict[str, str | None] = {}
    in_order = True
    for comment in article.comments:
        ext_id = comment.ext_id
        if ext_id in parents:
            raise InputError(where, article.line, f"comment id {ext_id!r} appears twice in one article")
        parent = comment.parent_ext_id
        if parent is not None and parent not in parents:
            in_order = False  # a forward reference, or a parent that is missing (kept, unlinked)
        parents[ext_id] = parent
    if in_order:
        return True
    thread_depths(parents, lambda start, node: InputError(
        where, article.unit_lines.get(start, article.line), f"comment {start!r}: its parent chain is a cycle through {node!r}"))
    return False


def thread_depths(parents: dict[str, str | None], cycle: Callable[[str, str], Exception]) -> dict[str, int]:
    """Each comment's depth in its thread (0: no parent here), every chain walked once: a reply
    chain of 20,000 comments listed newest first was walked from each of its comments (quadratic).
    Raises ``cycle(start, node)`` for a parent chain that comes back to itself."""
    depth: dict[str, int] = {}
    for start in parents:
        if start in depth:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node in parents and node not in depth:
            if node in on_path:
                raise cycle(start, node)
            path.append(node)
            on_path.add(node)
            node = parents[node]
        base = depth[node] + 1 if node is not None and node in depth else 0
        for n, ext_id in enumerate(reversed(path)):
            depth[ext_id] = base + n
    return depth


def _dumps(meta: dict) -> str:  # type: ignore[type-arg]
    return rows.dumps(meta) if meta else "{}"  # most rows carry no meta: skip the encoder


def _parents_first(comments: list[Comment]) -> list[Comment]:
    """Replies after their parents, so the parent_id foreign key holds row by row (the caller
    keeps each comment's position in the file). check_thread has refused cycles."""
    parents = {c.ext_id: c.parent_ext_id for c in comments}
    depths = thread_depths(parents, lambda start, node: ValueError(f"cycle through {node!r}"))
    return sorted(comments, key=lambda c: depths[c.ext_id])


class ImportingMixin:
    conn: sqlite3.Connection

    def import_articles(
        self,
        articles: Iterable[ImportedArticle],
        source_file: str,
        annotator: str = "",
        origin: str = ORIGIN_IMPORT,
    ) -> ImportResult:
        """Insert articles in the caller's transaction. Duplicates (same text hash) are not
        re-added, but annotations they carry are attached to the existing document."""
        result = ImportResult()
        stamp = rows.now()
        if annotator:
            self.ensure_annotator(annotator)  # type: ignore[attr-defined]
        schema = self.schema  # type: ignore[attr-defined]
        articles = list(articles)
        in_order = [check_thread(article, source_file) for article in articles]
        digests = [text_hash(a.document.text) for a in articles]
        known = self._documents_by_hash(digests)
        # New rows get their ids here rather than from SQLite, so a whole batch of documents and
        # comments goes in with two executemany calls and replies can point at parents listed
        # after them without a second pass. Safe: the writer lock makes us the only writer, and
        # these are exactly the ids SQLite would hand out (max + 1).
        next_doc = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0]
        next_comment = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM comments").fetchone()[0]
        doc_rows: list[tuple] = []  # type: ignore[type-arg]
        comment_rows: list[tuple] = []  # type: ignore[type-arg]

        def flush() -> None:
            if doc_rows:
                self.conn.executemany(
                    "INSERT INTO documents(id, ext_id, title, url, published, text, text_hash, meta, source_file, imported) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?)", doc_rows)
                doc_rows.clear()
            if comment_rows:
                self.conn.executemany(
                    "INSERT INTO comments(id, document_id, ext_id, parent_id, parent_ext_id, author, time, position, text, text_hash, meta) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)", comment_rows)
                comment_rows.clear()

        for article, digest, ordered in zip(articles, digests, in_order):
            doc = article.document
            if article.refers_to_existing:  # labels for a document already here (see exporting.py)
                flush()
                doc_id, comment_ids = self.existing_article_ids(article, source_file)  # type: ignore[attr-defined]
                result.documents_existing += 1
                result.document_ids.append(doc_id)
                if article.spans or article.relations or article.stances:
                    if not annotator:
                        raise InputError(source_file, article.line, "this file carries annotations: say whose with --as-annotator")
                    self._import_annotations(article, doc_id, comment_ids, annotator, origin, source_file, result, schema)
                continue
            if digest in known:
                flush()  # the earlier copy may still be pending
                doc_id = known[digest]
                result.documents_existing += 1
                comment_ids = {
                    r["ext_id"]: r["id"] for r in self.conn.execute("SELECT id, ext_id FROM comments WHERE document_id = ?", (doc_id,))
                }
                new_comments = [c for c in article.comments if c.ext_id not in comment_ids]
                position = len(comment_ids)
            else:
                doc_id = next_doc
                next_doc += 1
                known[digest] = doc_id  # the same text twice in one batch is one document
                doc_rows.append((doc_id, doc.ext_id, doc.title, doc.url, doc.published, doc.text, digest,
                                 _dumps(doc.meta), doc.source_file or source_file, stamp))
                result.documents_added += 1
                comment_ids = {}
                new_comments = list(article.comments)
                position = 0
            result.document_ids.append(doc_id)
            positions = {}
            for at, comment in enumerate(new_comments, position):
                comment_ids[comment.ext_id] = next_comment
                positions[comment.ext_id] = at
                next_comment += 1
            if not ordered:
                new_comments = _parents_first(new_comments)
            comment_rows.extend(
                (comment_ids[c.ext_id], doc_id, c.ext_id, comment_ids.get(c.parent_ext_id) if c.parent_ext_id else None,
                 c.parent_ext_id, c.author, c.time, positions[c.ext_id], c.text,
                 sha256(c.text.encode("utf-8")).hexdigest(), _dumps(c.meta))
                for c in new_comments
            )
            result.comments_added += len(new_comments)
            if article.spans or article.relations or article.stances:
                if not annotator:
                    raise InputError(source_file, article.line, "this file carries annotations: say whose with --as-annotator")
                flush()  # spans point at these rows
                self._import_annotations(article, doc_id, comment_ids, annotator, origin, source_file, result, schema)
            if article.categories or article.reviewed:
                flush()
                self.note_exchanged(doc_id, annotator or "?", article)  # type: ignore[attr-defined]
        flush()
        return result

    def _documents_by_hash(self, digests: list[str]) -> dict[str, int]:
        """Ids of the documents already in the project among these text hashes, in few queries."""
        found: dict[str, int] = {}
        unique = list(dict.fromkeys(digests))
        for i in range(0, len(unique), 500):  # stay under SQLite's host-parameter limit
            chunk = unique[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT text_hash, id FROM documents WHERE text_hash IN ({marks})", chunk):
                found[row[0]] = row[1]
        return found

    def _import_annotations(self, article, doc_id, comment_ids, annotator, origin, where, result, schema) -> None:  # type: ignore[no-untyped-def]
        stamp = rows.now()
        source = where
        span_ids: dict[str, int] = {}
        texts = self._stored_texts(article, doc_id, where)
        new_parts: list = []  # type: ignore[type-arg]  # SOURCE and CUE spans this import adds
        # This layer's spans of the document, read once: a query per span scanned the unit's
        # spans every time (50,000 spans on one article took minutes).
        held: dict[tuple[int | None, int, int, str], int] = {}
        old_entities: dict[int | None, list[tuple[int, int, str, int]]] = {}
        for span_id, comment_id, start, end, label, layer in self.conn.execute(
                "SELECT id, comment_id, start, end, label, layer FROM spans WHERE document_id=? AND annotator=?", (doc_id, annotator)):
            held[(comment_id, start, end, label)] = span_id
            if layer == ENTITY:
                old_entities.setdefault(comment_id, []).append((start, end, label, 0))
        entities: dict[int | None, list[tuple[int, int, str, int]]] = {}  # added now, with their lines
        for span in article.spans:
            text = texts.get(span.comment_ext_id)
            line = span.line or article.line
            where = _file_of(article, span.comment_ext_id, source)
            if text is None:
                raise InputError(where, line, f"span {span.key}: no comment {span.comment_ext_id!r} in this article")
            if not (0 <= span.start < span.end <= len(text)):
                raise InputError(where, line, f"span {span.start}-{span.end} ({span.label}) is outside the "
                                 f"{_unit_name(span.comment_ext_id)} as stored in the project (length {len(text)})")
            layer = schema.layer_of(span.label)
            if layer is None:
                known = ", ".join(schema.label_names("entity") + schema.label_names("quote"))
                raise InputError(where, line, f"unknown label {span.label!r}; the project's labels are: {known} (map it with --label-map)")
            comment_id = None if span.comment_ext_id is None else comment_ids[span.comment_ext_id]
            ident = (comment_id, span.start, span.end, span.label)
            if ident in held:
                span_ids[span.key] = held[ident]
                continue
            cur = self.conn.execute(
                "INSERT INTO spans(document_id, comment_id, start, end, label, layer, annotator, origin, model, attrs, created, updated) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, comment_id, span.start, span.end, span.label, layer, annotator, origin, "", rows.dumps(span.attrs), stamp, stamp),
            )
            span_ids[span.key] = held[ident] = cur.lastrowid  # type: ignore[assignment]
            result.spans_added += 1
            if layer == ENTITY:
                entities.setdefault(comment_id, []).append((span.start, span.end, span.label, line))
            if span.label in _PARTS.values():
                new_parts.append(span)
        ext_of = {v: k for k, v in comment_ids.items()}
        for comment_id, added in entities.items():
            _refuse_overlaps(old_entities.get(comment_id, []), added, _file_of(article, ext_of.get(comment_id), source))
        where = source
        relation_names = schema.label_names("relation")
        label_of = {span.key: span.label for span in article.spans}
        attached: set[str] = set()
        unit_of = {span.key: span.comment_ext_id for span in article.spans}
        for rel in article.relations:
            line = rel.line or article.line
            where = _file_of(article, unit_of.get(rel.head), source)
            if rel.head not in span_ids or rel.child not in span_ids:
                raise InputError(where, line, f"relation {rel.label}: refers to a span that is not in this record")
            if rel.label not in relation_names:
                raise InputError(where, line, f"unknown relation {rel.label!r}; the project's relations are: {', '.join(relation_names)}")
            part = _PARTS.get(rel.label)
            if part is not None:
                # The store's invariant (see editing.py): source/cue go from a QUOTE to its part.
                ends = (label_of.get(rel.head), label_of.get(rel.child))
                if ends != ("QUOTE", part):
                    raise InputError(where, line, f"relation {rel.label} goes from {ends[0]} to {ends[1]}; "
                                     f"it must go from a QUOTE to its {part}")
                attached.add(rel.child)
            dup = self.conn.execute(
                "SELECT 1 FROM relations WHERE head_id=? AND child_id=? AND label=? AND annotator=?",
                (span_ids[rel.head], span_ids[rel.child], rel.label, annotator),
            ).fetchone()
            if dup:
                continue
            self.conn.execute(
                "INSERT INTO relations(document_id, head_id, child_id, label, annotator, origin, created) VALUES (?,?,?,?,?,?,?)",
                (doc_id, span_ids[rel.head], span_ids[rel.child], rel.label, annotator, origin, stamp),
            )
            result.relations_added += 1
        for span in new_parts:
            where = _file_of(article, span.comment_ext_id, source)
            if span.key not in attached:
                # A SOURCE or CUE never outlives its QUOTE (as in the editor): the file gives a part
                # with no quotation to hang from, so the whole file is refused, naming the part's line.
                raise InputError(where, span.line or article.line, f"{span.label} {span.start}-{span.end} "
                                 f"{_excerpt(texts.get(span.comment_ext_id, ''), span)} belongs to no QUOTE (link it "
                                 f"from its QUOTE with a {span.label.lower()} relation, or map the label to an entity "
                                 "with --label-map)")
        where = source
        stance_names = {d.name for d in schema.stance_labels}
        reply_names = {d.name for d in schema.reply_labels}
        for st in article.stances:
            if st.comment_ext_id not in comment_ids:
                raise InputError(where, article.line, f"stance for unknown comment {st.comment_ext_id!r}")
            allowed = reply_names if st.target == REPLY_TARGET else stance_names
            if st.label not in allowed:
                raise InputError(where, article.line, f"unknown stance label {st.label!r} (expected one of {', '.join(sorted(allowed))})")
            who = st.annotator or annotator
            self.ensure_annotator(who)  # type: ignore[attr-defined]
            if st.target != REPLY_TARGET and st.target not in self.targets(doc_id):  # type: ignore[attr-defined]
                self.conn.execute(
                    "INSERT OR IGNORE INTO targets(document_id, name, span_id, created) VALUES (?,?,NULL,?)", (doc_id, st.target, stamp)
                )
            comment_id = comment_ids[st.comment_ext_id]
            held = self.conn.execute("SELECT label, note, unsure FROM stances WHERE comment_id=? AND target=? AND annotator=?",
                                     (comment_id, st.target, who)).fetchone()
            if held is not None and tuple(held) == (st.label, st.note, int(st.unsure)):
                continue  # a repeated row stores nothing, and is not counted as imported
            self.conn.execute(
                "INSERT INTO stances(comment_id, target, label, annotator, note, unsure, created, updated) VALUES (?,?,?,?,?,?,?,?) "
                "ON CONFLICT(comment_id, target, annotator) DO UPDATE SET label=excluded.label, note=excluded.note, unsure=excluded.unsure, updated=excluded.updated",
                (comment_id, st.target, st.label, who, st.note, int(st.unsure), stamp, stamp),
            )
            result.stances_added += 1

    def _stored_texts(self, article: ImportedArticle, doc_id: int, where: str) -> dict[str | None, str]:
        """The texts as the project holds them (body under None, comments by ext_id): spans are
        checked against these, never against the file's. When the file's own text of a unit with
        spans differs, its offsets point into another text, and the whole file is refused."""
        stored: dict[str | None, str] = {None: self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]}
        for ext_id, text in self.conn.execute("SELECT ext_id, text FROM comments WHERE document_id = ?", (doc_id,)):
            stored[ext_id] = text
        # A stance label read on another text is no more about the stored one than a span is.
        annotated = {span.comment_ext_id for span in article.spans} | {st.comment_ext_id for st in article.stances}
        given: dict[str | None, str] = {None: article.document.text}
        given.update((c.ext_id, c.text) for c in article.comments)
        for unit in annotated:
            mine, theirs = stored.get(unit), given.get(unit)
            if mine is not None and theirs and theirs != mine:  # "" = the file names the unit without its text
                line = article.line if unit is None else article.unit_lines.get(unit, article.line)
                raise InputError(where, line, f"the {_unit_name(unit)} of article {article.document.ext_id!r} "
                                 f"differs from the one in the project ({len(theirs)} vs {len(mine)} characters, first "
                                 f"difference at {_first_difference(theirs, mine)}); its annotations were made on another text")
        return stored

    def log_bulk(self, annotator: str, action: str, summary: dict) -> None:  # type: ignore[type-arg]
        """Bulk jobs (import, pre-annotation, merge) leave one line in the edit log; they are not undoable."""
        self.conn.execute(
            "INSERT INTO edits(time, annotator, action, document_id, command, inverse) VALUES (?,?,?,?,?,?)",
            (rows.now(), annotator or "?", action, None, rows.dumps(summary), "{}"),
        )


def _refuse_overlaps(held: list[tuple[int, int, str, int]], added: list[tuple[int, int, str, int]], where: str) -> None:
    """Entities of one layer never overlap: one sweep by start over the unit's held and added
    entities finds any added one that overlaps another (entities held before, even overlapping
    each other in an old project, do not block the import)."""
    items = sorted([(s, e, lab, line, False) for s, e, lab, line in held] + [(s, e, lab, line, True) for s, e, lab, line in added])
    reach_all: tuple[int, int, str, int, bool] | None = None  # the furthest-reaching entity so far
    reach_new: tuple[int, int, str, int, bool] | None = None  # ... among the added ones
    for item in items:
        start, end, label, line, new = item
        other = reach_all if new else reach_new
        if other is not None and start < other[1]:
            mine, theirs = (item, other) if new else (other, item)
            raise InputError(where, mine[3], f"entity {mine[2]} {mine[0]}-{mine[1]} overlaps {theirs[2]} {theirs[0]}-{theirs[1]}")
        if reach_all is None or end > reach_all[1]:
            reach_all = item
        if new and (reach_new is None or end > reach_new[1]):
            reach_new = item


def _file_of(article: ImportedArticle, comment_ext_id: str | None, where: str) -> str:
    """The file a unit's annotations were read from (a brat comment's own .ann), else ``where``."""
    return article.unit_files.get(comment_ext_id, where) if comment_ext_id is not None else where


_PARTS = {"source": "SOURCE", "cue": "CUE"}  # relation -> the quotation part it links to its QUOTE


def _excerpt(text: str, span) -> str:  # type: ignore[no-untyped-def]
    return repr(text[span.start:span.end][:40])


def _unit_name(comment_ext_id: str | None) -> str:
    return "article text" if comment_ext_id is None else f"comment {comment_ext_id!r}"


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
