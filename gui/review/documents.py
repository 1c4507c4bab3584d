"""Which documents a review covers."""
from __future__ import annotations

from typing import Sequence


def shared_documents(store, annotators: Sequence[str]) -> list[int]:  # type: ignore[no-untyped-def]
    """Documents at least two of the annotators worked on (spans, stance or a status)."""
    workers: dict[int, set[str]] = {}
    for row in store.span_rows(annotators):
        workers.setdefault(row[1], set()).add(row[7])
    for row in store.stance_rows(annotators):
        workers.setdefault(row[1], set()).add(row[5])
    for doc, who, status, *_rest in store.status_rows(annotators):
        if status != "new":
            workers.setdefault(doc, set()).add(who)
    return sorted(d for d, names in workers.items() if len(names) >= 2)


def document_text(store, document_id: int) -> tuple[str, dict[int | None, int], dict[int, tuple[int, int]]]:  # type: ignore[no-untyped-def]
    """The article and every comment as one plain text, each unit under a header line.
    Returns (text, where each unit's text starts, the header line of each comment) so spans and
    stance marks can be drawn in place."""
    doc = store.document(document_id)
    parts: list[str] = [f"ARTICLE — {doc.title}\n"]
    base: dict[int | None, int] = {None: len(parts[0])}
    headers: dict[int, tuple[int, int]] = {}
    length = len(parts[0]) + len(doc.text)
    parts.append(doc.text)
    for comment in store.comments(document_id):
        header = f"\n\n— comment {comment.ext_id}" + (f" by {comment.author}" if comment.author else "")
        header += " (reply)" if comment.parent_id is not None else ""
        headers[comment.id] = (length + 2, length + len(header))
        header += "\n"
        base[comment.id] = length + len(header)
        parts += [header, comment.text]
        length += len(header) + len(comment.text)
    return "".join(parts), base, headers
