"""Read queries: documents, comments, spans, relations, stance, status. Lazy-friendly."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Iterator

from annotation.errors import CommandError
from annotation.model import (
    Comment, DocStatus, Document, Relation, Span, StanceLabel, Target, Unit,
)
from annotation.store import rows

ANY = object()  # "any comment_id" for span queries


SORT_DOCUMENT_ORDER = ""  # the order documents were imported in (id)
SORT_MOST_TO_LEARN = "most_to_learn"  # where the stance model is least sure first
SORTS = (SORT_DOCUMENT_ORDER, SORT_MOST_TO_LEARN)


@dataclass(frozen=True)
class DocFilter:
    """What the document list shows, and in which order. Empty fields do not filter."""

    status: str = ""  # new | done | skip | flag (for ``annotator``)
    annotator: str = ""  # with status; alone: documents this annotator has spans in
    label: str = ""  # documents with at least one span of this label
    search: str = ""  # full-text (FTS5) over title and body
    # SORT_MOST_TO_LEARN: by the mean uncertainty (1 - probability) of the stance suggestions
    # still open for the list's annotator (their unlabelled comments), highest first; documents
    # without any come last, in document order.
    sort: str = SORT_DOCUMENT_ORDER


@dataclass(frozen=True)
class DocumentRow:
    """One line of the document list: cheap to fetch a page of."""

    id: int
    ext_id: str
    title: str
    n_comments: int
    status: str
    uncertainty: float | None = None  # with SORT_MOST_TO_LEARN: mean over its open suggestions
    n_suggestions: int = 0  # with SORT_MOST_TO_LEARN: how many open stance suggestions


# Per document: the mean uncertainty of the stance suggestions an annotator has not answered
# yet (a suggestion stays only while its pair has no label by that annotator).
_UNCERTAINTY = """
SELECT c.document_id AS document_id, avg(1.0 - g.probability) AS uncertainty, count(*) AS n
FROM stance_suggestions g JOIN comments c ON c.id = g.comment_id
WHERE g.annotator = ? AND NOT EXISTS (SELECT 1 FROM stances h WHERE h.comment_id = g.comment_id
                                      AND h.target = g.target AND h.annotator = g.annotator)
"""


class ReadingMixin:
    conn: sqlite3.Connection

    # -- documents --------------------------------------------------------------------

    def document_count(self, flt: DocFilter | None = None) -> int:
        where, params = self._doc_where(flt)
        return self.conn.execute(f"SELECT count(*) FROM documents d {where}", params).fetchone()[0]

    def document_page(self, flt: DocFilter | None, offset: int, limit: int, annotator: str = "",
                      after_id: int | None = None) -> list[DocumentRow]:
        """A page of the document list, in the filter's order. The list model fetches these lazily.

        ``after_id`` (document order only): the page starts after that document, so a page next
        to one already fetched needs no OFFSET walk (which on 100,000 documents costs ~20 ms
        deep in the list: it steps through the table's pages, text and all)."""
        who = annotator or (flt.annotator if flt else "")
        where, params = self._doc_where(flt)
        if after_id is not None:
            if flt is not None and flt.sort == SORT_MOST_TO_LEARN:
                raise ValueError("after_id pages the document order only")
            where, params = ((where + " AND") if where else "WHERE") + " d.id > ?", [*params, after_id]
        if flt is not None and flt.sort == SORT_MOST_TO_LEARN:
            sql = (f"SELECT {self._row_columns()}, u.uncertainty, coalesce(u.n, 0) AS n_suggestions FROM documents d "
                   f"LEFT JOIN ({_UNCERTAINTY} GROUP BY c.document_id) u ON u.document_id = d.id {where} "
                   "ORDER BY u.uncertainty IS NULL, u.uncertainty DESC, d.id LIMIT ? OFFSET ?")
            result = self.conn.execute(sql, [who, who, *params, limit, offset])
            return [self._document_row(r, True) for r in result]
        sql = f"SELECT {self._row_columns()} FROM documents d {where} ORDER BY d.id LIMIT ? OFFSET ?"
        result = self.conn.execute(sql, [who, *params, limit, offset])
        return [self._document_row(r, False) for r in result]

    def document_page_before(self, flt: DocFilter | None, before_id: int | None, limit: int,
                             annotator: str = "") -> list[DocumentRow]:
        """The ``limit`` rows just before document ``before_id`` in the filter's document order
        (``None``: the last rows of the list), in that order: pages above one already fetched,
        or at the end of the list, without an OFFSET walk."""
        if flt is not None and flt.sort == SORT_MOST_TO_LEARN:
            raise ValueError("document_page_before pages the document order only")
        who = annotator or (flt.annotator if flt else "")
        where, params = self._doc_where(flt)
        if before_id is not None:
            where, params = ((where + " AND") if where else "WHERE") + " d.id < ?", [*params, before_id]
        sql = f"SELECT {self._row_columns()} FROM documents d {where} ORDER BY d.id DESC LIMIT ?"
        result = self.conn.execute(sql, [who, *params, limit])
        return [self._document_row(r, False) for r in result][::-1]

    def document_rows(self, document_ids: list[int], annotator: str, uncertainty: bool = False) -> list[DocumentRow]:
        """The list rows of these documents, in the order given (a list that keeps its order
        while the user works fetches its pages this way); ids that are gone are left out."""
        if not document_ids:
            return []
        extra, join, params = "", "", [annotator]
        if uncertainty:
            extra = ", u.uncertainty, coalesce(u.n, 0) AS n_suggestions"
            join = (f"LEFT JOIN ({_UNCERTAINTY} AND c.document_id IN (SELECT value FROM json_each(?)) "
                    "GROUP BY c.document_id) u ON u.document_id = d.id")
            params += [annotator, json.dumps(document_ids)]
        sql = (f"SELECT {self._row_columns()}{extra} FROM documents d {join} "
               "WHERE d.id IN (SELECT value FROM json_each(?))")
        found = {r["id"]: self._document_row(r, uncertainty) for r in self.conn.execute(sql, [*params, json.dumps(document_ids)])}
        return [found[i] for i in document_ids if i in found]

    @staticmethod
    def _row_columns() -> str:
        """The columns of a DocumentRow; the status is the one of the (first) bound annotator."""
        return ("d.id, d.ext_id, d.title, (SELECT count(*) FROM comments c WHERE c.document_id = d.id) AS n_comments, "
                "coalesce((SELECT s.status FROM doc_status s WHERE s.document_id = d.id AND s.annotator = ?), 'new') AS status")

    @staticmethod
    def _document_row(r: sqlite3.Row, uncertainty: bool) -> DocumentRow:
        if not uncertainty:
            return DocumentRow(r["id"], r["ext_id"], r["title"], r["n_comments"], r["status"])
        return DocumentRow(r["id"], r["ext_id"], r["title"], r["n_comments"], r["status"], r["uncertainty"], r["n_suggestions"])

    def document_ids(self, flt: DocFilter | None = None, annotator: str = "") -> list[int]:
        """The filter's documents in its order (``annotator``: whose suggestions "most to learn" reads).

        "Most to learn" is two reads merged here rather than one query: the documents with open
        suggestions, already in order (a few per cent of a big project), and the filter's
        documents in id order. One query joining the aggregate to every document and sorting
        them all took about twice as long on 100,000 documents."""
        where, params = self._doc_where(flt)
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: this may read every document of the project
        if flt is None or not where:
            ids = [r[0] for r in cursor.execute("SELECT id FROM documents ORDER BY id")]
        else:
            ids = [r[0] for r in cursor.execute(f"SELECT d.id FROM documents d {where} ORDER BY d.id", params)]
        if flt is None or flt.sort != SORT_MOST_TO_LEARN:
            return ids
        ranked = [r[0] for r in cursor.execute(
            f"{_UNCERTAINTY} GROUP BY c.document_id ORDER BY uncertainty DESC, c.document_id", [annotator or flt.annotator])]
        if not ranked:
            return ids
        listed = set(ids)
        first = [d for d in ranked if d in listed]
        ranked_set = set(first)
        return first + [d for d in ids if d not in ranked_set]

    def document_position(self, flt: DocFilter | None, document_id: int) -> int | None:
        """The row of a document in the filter's document order (not "most to learn"), or None
        when the filter leaves it out: the list finds an open document it has not fetched yet
        without reading every id. Unfiltered, a count over the smallest index (~5 ms for
        100,000 documents)."""
        where, params = self._doc_where(flt)
        clause = (where + " AND") if where else "WHERE"
        if self.conn.execute(f"SELECT 1 FROM documents d {clause} d.id = ?", [*params, document_id]).fetchone() is None:
            return None
        # +d.id: not a rowid range (that walks the table's pages, text and all) but a scan of
        # the narrowest covering index, which holds the rowid too.
        return int(self.conn.execute(f"SELECT count(*) FROM documents d {clause} +d.id < ?", [*params, document_id]).fetchone()[0])

    def interrupt(self) -> None:
        """Stop the query running on this Store's connection (from another thread): a read
        whose answer nobody waits for any more, e.g. the list's order after a newer search.
        The interrupted call raises sqlite3.OperationalError ("interrupted")."""
        try:
            self.conn.interrupt()
        except sqlite3.ProgrammingError:  # closed meanwhile: nothing left to stop
            pass

    def _doc_where(self, flt: DocFilter | None) -> tuple[str, list[object]]:
        if flt is None:
            return "", []
        clauses: list[str] = []
        params: list[object] = []
        # Status and label as sets of ids read once (IN / NOT IN a subquery) rather than a
        # correlated EXISTS per document: on 100,000 documents 15-30 ms instead of 35-60 ms.
        if flt.status:
            if flt.status == "new":
                clauses.append("d.id NOT IN (SELECT s.document_id FROM doc_status s WHERE s.annotator = ? AND s.status != 'new')")
                params.append(flt.annotator)
            else:
                clauses.append("d.id IN (SELECT s.document_id FROM doc_status s WHERE s.annotator = ? AND s.status = ?)")
                params += [flt.annotator, flt.status]
        elif flt.annotator:
            # spans has no index by annotator: per document, its (document_id, annotator) index
            clauses.append("EXISTS (SELECT 1 FROM spans p WHERE p.document_id = d.id AND p.annotator = ?)")
            params.append(flt.annotator)
        if flt.label:
            clauses.append("d.id IN (SELECT p.document_id FROM spans p WHERE p.label = ?)")  # index spans_label
            params.append(flt.label)
        query = _fts_query(flt.search)
        if query:
            clauses.append("d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
            params.append(query)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    def document(self, document_id: int) -> Document:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise CommandError(f"no document with id {document_id}")
        return rows.document(row)

    def document_by_ext_id(self, ext_id: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE ext_id = ? ORDER BY id LIMIT 1", (ext_id,)).fetchone()
        return rows.document(row) if row else None

    def document_by_hash(self, text_hash: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE text_hash = ?", (text_hash,)).fetchone()
        return rows.document(row) if row else None

    def iter_documents(self) -> Iterator[Document]:
        for row in self.conn.execute("SELECT * FROM documents ORDER BY id"):
            yield rows.document(row)

    # -- comments ---------------------------------------------------------------------

    def comments(self, document_id: int) -> list[Comment]:
        result = self.conn.execute("SELECT * FROM comments WHERE document_id = ? ORDER BY position", (document_id,))
        return [rows.comment(r) for r in result]

    def comment(self, comment_id: int) -> Comment:
        row = self.conn.execute("SELECT * FROM comments WHERE id = ?", (comment_id,)).fetchone()
        if row is None:
            raise CommandError(f"no comment with id {comment_id}")
        return rows.comment(row)

    def comment_count(self, document_id: int) -> int:
        return self.conn.execute("SELECT count(*) FROM comments WHERE document_id = ?", (document_id,)).fetchone()[0]

    def unit_text(self, unit: Unit) -> str:
        if unit.comment_id is None:
            row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (unit.document_id,)).fetchone()
        else:
            row = self.conn.execute(
                "SELECT text FROM comments WHERE id = ? AND document_id = ?", (unit.comment_id, unit.document_id)
            ).fetchone()
        if row is None:
            raise CommandError(f"no text unit {unit.key()}")
        return row[0]

    def units(self, document_id: int) -> list[Unit]:
        ids = self.conn.execute("SELECT id FROM comments WHERE document_id = ? ORDER BY position", (document_id,))
        return [Unit(document_id, None)] + [Unit(document_id, r[0]) for r in ids]

    # -- annotations ------------------------------------------------------------------

    def spans(
        self,
        document_id: int,
        annotator: str | None = None,
        comment_id: object = ANY,
        layer: str | None = None,
        include_suggestions: bool = True,
    ) -> list[Span]:
        sql = "SELECT * FROM spans WHERE document_id = ?"
        params: list[object] = [document_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        if comment_id is None:
            sql += " AND comment_id IS NULL"
        elif comment_id is not ANY:
            sql += " AND comment_id = ?"
            params.append(comment_id)
        if layer:
            sql += " AND layer = ?"
            params.append(layer)
        if not include_suggestions:
            sql += " AND origin != 'model'"
        sql += " ORDER BY comment_id IS NOT NULL, comment_id, start, end, id"
        return [rows.span(r) for r in self.conn.execute(sql, params)]

    def span(self, span_id: int) -> Span:
        row = self.conn.execute("SELECT * FROM spans WHERE id = ?", (span_id,)).fetchone()
        if row is None:
            raise CommandError(f"no span with id {span_id}")
        return rows.span(row)

    def find_span(self, span_id: int) -> Span | None:
        row = self.conn.execute("SELECT * FROM spans WHERE id = ?", (span_id,)).fetchone()
        return rows.span(row) if row else None

    def relations(self, document_id: int, annotator: str | None = None) -> list[Relation]:
        sql = "SELECT * FROM relations WHERE document_id = ?"
        params: list[object] = [document_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        return [rows.relation(r) for r in self.conn.execute(sql + " ORDER BY id", params)]

    def relations_of_span(self, span_id: int) -> list[Relation]:
        result = self.conn.execute(
            "SELECT * FROM relations WHERE head_id = ? OR child_id = ? ORDER BY id", (span_id, span_id)
        )
        return [rows.relation(r) for r in result]

    def relation(self, relation_id: int) -> Relation:
        row = self.conn.execute("SELECT * FROM relations WHERE id = ?", (relation_id,)).fetchone()
        if row is None:
            raise CommandError(f"no relation with id {relation_id}")
        return rows.relation(row)

    def invalid_spans(self, document_id: int) -> list[Span]:
        """Spans whose offsets fall outside their text (older files, bad imports): listed, never drawn."""
        # Each text's length once (SQLite's length() counts characters, as Python's len()), then
        # bare offsets: the GUI asks this for every document it opens, so it must stay cheap.
        q = self.conn.execute
        lengths: dict[int | None, int] = {
            None: q("SELECT length(text) FROM documents WHERE id = ?", (document_id,)).fetchone()[0] or 0
        }
        lengths.update(q("SELECT id, length(text) FROM comments WHERE document_id = ?", (document_id,)).fetchall())
        bad = [
            span_id for span_id, comment_id, start, end
            in q("SELECT id, comment_id, start, end FROM spans WHERE document_id = ?", (document_id,))
            if not (0 <= start < end <= lengths.get(comment_id, -1))
        ]
        return sorted((self.span(i) for i in bad), key=lambda s: (s.comment_id is not None, s.comment_id or 0, s.start, s.end, s.id))

    # -- stance, targets, status --------------------------------------------------------

    def stances(self, document_id: int | None = None, annotator: str | None = None) -> list[StanceLabel]:
        sql = "SELECT s.* FROM stances s JOIN comments c ON c.id = s.comment_id WHERE 1=1"
        params: list[object] = []
        if document_id is not None:
            sql += " AND c.document_id = ?"
            params.append(document_id)
        if annotator is not None:
            sql += " AND s.annotator = ?"
            params.append(annotator)
        return [rows.stance(r) for r in self.conn.execute(sql + " ORDER BY c.position, s.target", params)]

    def stance(self, comment_id: int, target: str, annotator: str) -> StanceLabel | None:
        row = self.conn.execute(
            "SELECT * FROM stances WHERE comment_id = ? AND target = ? AND annotator = ?",
            (comment_id, target, annotator),
        ).fetchone()
        return rows.stance(row) if row else None

    def targets(self, document_id: int) -> list[str]:
        """Stance targets for a document: the schema's, then the document's own."""
        own = [r[0] for r in self.conn.execute("SELECT name FROM targets WHERE document_id = ? ORDER BY id", (document_id,))]
        base = list(self.schema.stance_targets)  # type: ignore[attr-defined]
        return base + [t for t in own if t not in base]

    def document_targets(self, document_id: int) -> list[Target]:
        result = self.conn.execute("SELECT * FROM targets WHERE document_id = ? ORDER BY id", (document_id,))
        return [Target(r["id"], r["document_id"], r["name"], r["span_id"]) for r in result]

    def status(self, document_id: int, annotator: str) -> DocStatus:
        row = self.conn.execute(
            "SELECT * FROM doc_status WHERE document_id = ? AND annotator = ?", (document_id, annotator)
        ).fetchone()
        return rows.status(row) if row else DocStatus(document_id, annotator)

    def statuses(self, annotator: str | None = None) -> list[DocStatus]:
        sql = "SELECT * FROM doc_status" + (" WHERE annotator = ?" if annotator else "") + " ORDER BY document_id"
        return [rows.status(r) for r in self.conn.execute(sql, (annotator,) if annotator else ())]

    def next_document(self, after_id: int, annotator: str, statuses: tuple[str, ...] = ("new",)) -> int | None:
        """The next document (wrapping around) whose status for ``annotator`` is one of ``statuses``."""
        marks = ",".join("?" * len(statuses))
        sql = (
            "SELECT d.id FROM documents d LEFT JOIN doc_status s ON s.document_id = d.id AND s.annotator = ? "
            f"WHERE coalesce(s.status, 'new') IN ({marks}) AND d.id != ? ORDER BY d.id > ? DESC, d.id LIMIT 1"
        )
        row = self.conn.execute(sql, (annotator, *statuses, after_id, after_id)).fetchone()
        return row[0] if row else None

    def edit_log(self, annotator: str | None = None, limit: int = 1000) -> list[sqlite3.Row]:
        sql = "SELECT * FROM edits" + (" WHERE annotator = ?" if annotator else "") + " ORDER BY id DESC LIMIT ?"
        params: tuple[object, ...] = (annotator, limit) if annotator else (limit,)
        return list(self.conn.execute(sql, params))


def _fts_query(text: str) -> str:
    """Quote each word so user input is never parsed as FTS syntax; prefix-match the last."""
    # A NUL (or another control character) would end the query string inside SQLite's C code
    # and turn a search into a syntax error: treat them as spaces.
    text = "".join(" " if ord(ch) < 32 or ch == "\x7f" else ch for ch in text)
    words = [w.replace('"', '""') for w in text.split()]
    parts = [f'"{w}"' for w in words]
    if parts:
        parts[-1] += "*"
    return " ".join(parts)
