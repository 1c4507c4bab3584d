"""Row <-> dataclass conversion, shared by the store's modules."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

from annotation.model import Comment, DocStatus, Document, Relation, Span, StanceLabel


def tuples(conn: sqlite3.Connection, sql: str, params: object = ()) -> list[tuple]:  # type: ignore[type-arg]
    """Plain tuples: sqlite3.Row objects cost more than the query itself on 100,000s of rows."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params).fetchall()  # type: ignore[arg-type]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _attrs(raw: str) -> dict:  # type: ignore[type-arg]
    # Nearly every span has no attributes; skipping json.loads for them halves the time to
    # load a document's spans (the GUI does that on every document it opens).
    return {} if raw == "{}" else json.loads(raw)


def document(row: sqlite3.Row) -> Document:
    return Document(
        id=row["id"], ext_id=row["ext_id"], title=row["title"], text=row["text"], url=row["url"],
        published=row["published"], meta=json.loads(row["meta"]), text_hash=row["text_hash"],
        source_file=row["source_file"],
    )


def comment(row: sqlite3.Row) -> Comment:
    return Comment(
        id=row["id"], document_id=row["document_id"], ext_id=row["ext_id"], text=row["text"],
        parent_id=row["parent_id"], parent_ext_id=row["parent_ext_id"], author=row["author"],
        time=row["time"], position=row["position"], meta=json.loads(row["meta"]),
    )


def span(row: sqlite3.Row) -> Span:
    return Span(
        id=row["id"], document_id=row["document_id"], comment_id=row["comment_id"], start=row["start"],
        end=row["end"], label=row["label"], layer=row["layer"], annotator=row["annotator"],
        origin=row["origin"], model=row["model"], attrs=_attrs(row["attrs"]),
        created=row["created"], updated=row["updated"],
    )


def relation(row: sqlite3.Row) -> Relation:
    return Relation(
        id=row["id"], document_id=row["document_id"], head_id=row["head_id"], child_id=row["child_id"],
        label=row["label"], annotator=row["annotator"], origin=row["origin"], created=row["created"],
    )


def stance(row: sqlite3.Row) -> StanceLabel:
    return StanceLabel(
        id=row["id"], comment_id=row["comment_id"], target=row["target"], label=row["label"],
        annotator=row["annotator"], note=row["note"], unsure=bool(row["unsure"]),
        created=row["created"], updated=row["updated"],
    )


def status(row: sqlite3.Row) -> DocStatus:
    return DocStatus(row["document_id"], row["annotator"], row["status"], row["note"], row["updated"])
