"""Which documents a review covers. (The text the panes show: gui/review/side_by_side.build_layout.)"""
from __future__ import annotations

from typing import Sequence


def shared_documents(store, annotators: Sequence[str]) -> list[int]:  # type: ignore[no-untyped-def]
    """Documents at least two of the annotators worked on (spans, stance or a status)."""
    from annotation.store.review_rows import workers_per_document

    workers: dict[int, set[str]] = {}
    for document_id, annotator in workers_per_document(store, annotators):
        workers.setdefault(document_id, set()).add(annotator)
    return sorted(d for d, names in workers.items() if len(names) >= 2)
