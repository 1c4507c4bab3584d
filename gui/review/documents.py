"""Which documents a review covers. (The text the panes show: gui/review/side_by_side.build_layout.)"""
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

