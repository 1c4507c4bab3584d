"""Read queries for export: one annotator's (or gold's) layer, document by document, in pages.

Exports of 20,000 documents must run near bare DocBin speed, so rows are fetched per page of
documents (a handful of queries a page) rather than a few queries per document.
"""
from __future__ import annotations

import json
import sqlite3
import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from annotation.errors import InputError
from annotation.model import Comment, Document, ImportedArticle, Relation, Span, StanceLabel
from annotation.store import rows

PAGE = 500
_HAS_CATEGORIES = "has_document_categories"  # project meta key: some document carries categories


@dataclass(frozen=True)
class ExportDocument:
    """One article with everything one annotator made on it, ready for an exporter.

    Its spans carry no model name and no timestamps (see _export_page)."""

    document: Document
    comments: tuple[Comment, ...]
    spans: tuple[Span, ...]  # body spans first, then by comment, start, end
    relations: tuple[Relation, ...]
    stances: tuple[StanceLabel, ...]
    categories: dict[str, float]  # document-level categories (from other tools' textcat), see importers/units.py

    def comment_by_id(self) -> dict[int, Comment]:
        return {c.id: c for c in self.comments if c.id is not None}

    def spans_of(self, comment_id: int | None) -> list[Span]:
        return [s for s in self.spans if s.comment_id == comment_id]


@dataclass(frozen=True)
class ExportSummary:
    documents: int  # documents in the project
    annotated_documents: int  # documents this layer has anything in
    spans: int
    relations: int
    stances: int
    span_labels: dict[str, int]
    relation_labels: dict[str, int]
    stance_labels: dict[str, int]  # "target:label" -> n
    suggestion_models: list[str]


def _origin_clause(include_suggestions: bool, alias: str = "") -> str:
    return "" if include_suggestions else f" AND {alias}origin != 'model'"


class ExchangeImportMixin:
    """The two import paths other tools' files need beyond articles with texts."""

    conn: sqlite3.Connection

    def existing_article_ids(self, article: ImportedArticle, where: str) -> tuple[int, dict[str, int]]:
        """(document id, comment ext_id -> id) of a document named by ext_id; refuses unknown ids."""
        ext_id = article.document.ext_id
        found = self.conn.execute("SELECT id FROM documents WHERE ext_id = ? ORDER BY id", (ext_id,)).fetchall()
        if not found:
            raise InputError(where, article.line, f"article {ext_id!r} is not in the project (import the articles first)")
        if len(found) > 1:
            raise InputError(where, article.line, f"article id {ext_id!r} names {len(found)} documents in the project; ids must be unique")
        doc_id = found[0][0]
        comment_ids = {r[0]: r[1] for r in self.conn.execute("SELECT ext_id, id FROM comments WHERE document_id = ?", (doc_id,))}
        for comment in article.comments:
            if comment.ext_id not in comment_ids:
                raise InputError(where, article.line, f"article {ext_id!r} has no comment {comment.ext_id!r}")
        return doc_id, comment_ids

    def note_exchanged(self, document_id: int, annotator: str, article: ImportedArticle) -> None:
        """What an imported article says beyond spans and stance: document categories, and that
        the text was fully reviewed (done, unless the annotator already set a status)."""
        if article.categories:
            self.merge_categories(document_id, annotator, article.categories)
        if article.reviewed:
            self.conn.execute(
                "INSERT OR IGNORE INTO doc_status(document_id, annotator, status, note, updated) VALUES (?, ?, 'done', '', ?)",
                (document_id, annotator, rows.now()))

    def merge_categories(self, document_id: int, annotator: str, categories: dict[str, float]) -> None:
        """Document-level categories live in the document's meta, per annotator (texts stay immutable)."""
        row = self.conn.execute("SELECT meta FROM documents WHERE id = ?", (document_id,)).fetchone()
        meta = json.loads(row[0]) if row and row[0] else {}
        mine = meta.setdefault("categories", {}).setdefault(annotator, {})
        mine.update(categories)
        self.conn.execute("UPDATE documents SET meta = ? WHERE id = ?", (rows.dumps(meta), document_id))
        self.conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, '1')", (_HAS_CATEGORIES,))


class ExportingMixin(ExchangeImportMixin):
    conn: sqlite3.Connection

    def annotated_document_ids(self, annotator: str, include_suggestions: bool = False) -> list[int]:
        """Documents with at least one span, relation, stance or category of this layer, or marked
        done by it (a document done with no entity is a true negative, worth exporting)."""
        origin = _origin_clause(include_suggestions)
        sql = (
            f"SELECT document_id FROM spans WHERE annotator = ?{origin} "
            "UNION SELECT c.document_id FROM stances s JOIN comments c ON c.id = s.comment_id WHERE s.annotator = ? "
            "UNION SELECT document_id FROM doc_status WHERE annotator = ? AND status = 'done' "
        )
        params: list[object] = [annotator, annotator, annotator]
        if include_suggestions:  # stance suggestions live in their own table
            sql += ("UNION SELECT c.document_id FROM stance_suggestions g JOIN comments c ON c.id = g.comment_id "
                    "WHERE g.annotator = ? ")
            params.append(annotator)
        if self.conn.execute("SELECT 1 FROM meta WHERE key = ?", (_HAS_CATEGORIES,)).fetchone():
            # Reading every document's meta is a scan of the whole documents table: only when a
            # categories import has happened at all.
            sql += "UNION SELECT id FROM documents WHERE json_extract(meta, '$.categories.' || json_quote(?)) IS NOT NULL "
            params.append(annotator)
        return [r[0] for r in self.conn.execute(sql + "ORDER BY 1", params)]

    def export_summary(self, annotator: str, include_suggestions: bool = False) -> ExportSummary:
        q = self.conn.execute
        origin = _origin_clause(include_suggestions)
        span_labels = {r[0]: r[1] for r in q(
            f"SELECT label, count(*) FROM spans WHERE annotator = ?{origin} GROUP BY label ORDER BY label", (annotator,))}
        relation_labels = {r[0]: r[1] for r in q(
            "SELECT r.label, count(*) FROM relations r JOIN spans h ON h.id = r.head_id JOIN spans c ON c.id = r.child_id "
            f"WHERE r.annotator = ?{_origin_clause(include_suggestions, 'h.')}{_origin_clause(include_suggestions, 'c.')} "
            "GROUP BY r.label ORDER BY r.label", (annotator,))}
        stance_labels = {f"{r[0]}:{r[1]}": r[2] for r in q(
            "SELECT target, label, count(*) FROM stances WHERE annotator = ? GROUP BY target, label ORDER BY target, label", (annotator,))}
        models = [r[0] for r in q(
            "SELECT DISTINCT model FROM spans WHERE annotator = ? AND origin = 'model' AND model != '' ORDER BY model", (annotator,))]
        return ExportSummary(
            documents=q("SELECT count(*) FROM documents").fetchone()[0],
            annotated_documents=len(self.annotated_document_ids(annotator, include_suggestions)),
            spans=sum(span_labels.values()), relations=sum(relation_labels.values()), stances=sum(stance_labels.values()),
            span_labels=span_labels, relation_labels=relation_labels, stance_labels=stance_labels,
            suggestion_models=models if include_suggestions else [],
        )

    def suggestions_left_in_done(self, annotator: str) -> tuple[int, int]:
        """(suggestions, documents): model suggestions of this layer still untouched in documents it
        marked done (every such document is exported). Agreement and review count them as the
        annotator's (they saw them and left them); an export without suggestions leaves them out."""
        row = self.conn.execute(
            "SELECT count(*), count(DISTINCT s.document_id) FROM spans s JOIN doc_status d "
            "ON d.document_id = s.document_id AND d.annotator = s.annotator AND d.status = 'done' "
            "WHERE s.annotator = ? AND s.origin = 'model'", (annotator,)).fetchone()
        return int(row[0]), int(row[1])

    def suggestion_models(self, annotator: str) -> list[str]:
        """The models ("name version") behind this layer's suggestions, for the export manifest."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT model FROM spans WHERE annotator = ? AND origin = 'model' AND model != '' ORDER BY model", (annotator,))]

    def layers_with_annotations(self) -> list[str]:
        """Annotators that have anything to export (for the 'nothing to export' message)."""
        return [r[0] for r in self.conn.execute(
            "SELECT annotator FROM spans UNION SELECT annotator FROM stances ORDER BY 1")]

    def iter_export_documents(
        self, document_ids: list[int], annotator: str, include_suggestions: bool = False,
    ) -> Iterator[ExportDocument]:
        """The given documents with this layer's annotations, in the order given, fetched a page at a time."""
        for start in range(0, len(document_ids), PAGE):
            page = document_ids[start:start + PAGE]
            yield from self._export_page(page, annotator, include_suggestions)

    def _export_page(self, page: list[int], annotator: str, include_suggestions: bool) -> Iterator[ExportDocument]:
        # Plain tuples (no sqlite3.Row) and no JSON decoding of the usual empty "{}": these loops
        # run for every row of a 20,000-document export, and the benchmark holds us to bare DocBin.
        cursor = self.conn.cursor()
        cursor.row_factory = None
        q = cursor.execute
        marks = ",".join("?" * len(page))
        docs: dict[int, Document] = {}
        for row in q(
            f"SELECT id, ext_id, title, text, url, published, meta, text_hash, source_file FROM documents WHERE id IN ({marks})", page,
        ):
            docs[row[0]] = _make_document(*row[:6], _json(row[6]), *row[7:])
        comments: dict[int, list[Comment]] = {}
        for row in q(
            "SELECT id, document_id, ext_id, text, parent_id, parent_ext_id, author, time, position, meta "
            f"FROM comments WHERE document_id IN ({marks}) ORDER BY document_id, position", page,
        ):
            comments.setdefault(row[1], []).append(_make_comment(*row[:9], _json(row[9])))
        spans: dict[int, list[Span]] = {}
        # Spans leave their model name and timestamps behind: no format writes them, and two fewer
        # strings a span is a measurable share of a large export.
        for id_, doc_id, comment_id, start, end, label, layer, origin, attrs in q(
            "SELECT id, document_id, comment_id, start, end, label, layer, origin, attrs "
            f"FROM spans WHERE document_id IN ({marks}) AND annotator = ?{_origin_clause(include_suggestions)} "
            "ORDER BY document_id, comment_id IS NOT NULL, comment_id, start, end, id", [*page, annotator],
        ):
            spans.setdefault(doc_id, []).append(_make_span(
                id_, doc_id, comment_id, start, end, label, layer, annotator, origin, "", _json(attrs), "", ""))
        relations: dict[int, list[Relation]] = {}
        for row in q(
            "SELECT id, document_id, head_id, child_id, label, annotator, origin, created "
            f"FROM relations WHERE document_id IN ({marks}) AND annotator = ? ORDER BY id", [*page, annotator],
        ):
            relations.setdefault(row[1], []).append(_make_relation(*row))
        stances: dict[int, list[StanceLabel]] = {}
        for row in q(
            "SELECT s.id, s.comment_id, s.target, s.label, s.annotator, s.note, s.unsure, s.created, s.updated, c.document_id "
            f"FROM stances s JOIN comments c ON c.id = s.comment_id WHERE c.document_id IN ({marks}) AND s.annotator = ? "
            "ORDER BY c.position, s.target", [*page, annotator],
        ):
            stances.setdefault(row[9], []).append(_make_stance(*row[:6], bool(row[6]), row[7], row[8]))
        for doc_id in page:
            doc = docs.get(doc_id)
            if doc is None:
                continue
            doc_spans = spans.get(doc_id, [])
            kept = {s.id for s in doc_spans}
            # A relation whose end was a suggestion left out of the export goes with it.
            doc_relations = [r for r in relations.get(doc_id, []) if r.head_id in kept and r.child_id in kept]
            yield _make_export_document(
                doc, tuple(comments.get(doc_id, ())), tuple(doc_spans), tuple(doc_relations),
                tuple(stances.get(doc_id, ())), _categories(doc.meta, annotator) if doc.meta else {},
            )


def _maker(cls: type) -> Callable[..., Any]:
    """A fast constructor for a frozen dataclass from values in field order: a frozen __init__
    sets each field through object.__setattr__, which costs more than the SQL for these rows."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    new = object.__new__

    def make(*values: Any) -> Any:
        obj = new(cls)
        obj.__dict__.update(zip(names, values))
        return obj
    return make


_make_document = _maker(Document)
_make_comment = _maker(Comment)
_make_span = _maker(Span)
_make_relation = _maker(Relation)
_make_stance = _maker(StanceLabel)
_make_export_document = _maker(ExportDocument)


def _json(text: str) -> dict[str, Any]:
    return {} if text == "{}" else json.loads(text)


def _categories(meta: dict[str, Any], annotator: str) -> dict[str, float]:
    cats = meta.get("categories") if isinstance(meta, dict) else None
    if not isinstance(cats, dict):
        return {}
    mine = cats.get(annotator)
    if not isinstance(mine, dict):
        return {}
    return {str(k): float(v) for k, v in mine.items() if isinstance(v, (int, float))}


