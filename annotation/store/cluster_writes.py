"""Exactly-once writes of suggestions that come back from a cluster.

A Dask task can deliver its result more than once (a batch resubmitted after a refusal, a
coordinator that re-sends work). The project must not care: a unit is written only when it is
not yet done with this model in this run, checked in the same transaction that writes it and
marks it done. So a batch that comes back twice writes nothing the second time, and a
coordinator killed between two batches leaves every unit either fully written and marked done,
or untouched.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from annotation.model import Unit
from annotation.store.suggestions import UnitSuggestions, WriteCounts


class ClusterWritesMixin:
    conn: sqlite3.Connection

    def write_suggestions_once(self, batch: list[UnitSuggestions], annotator: str, model: str,
                               since: str | None = None) -> tuple[WriteCounts, list[Unit]]:
        """Write the units of ``batch`` that are not done yet; return the counts and those units.

        "Done" means unit_nlp holds the unit for ``annotator`` and ``model``; with ``since``
        (a --force run, which redoes done units) only when marked at or after ``since``, the
        run's start, so the run still writes each unit once."""
        with self.transaction():  # type: ignore[attr-defined]
            done = self._done_units([item.unit for item in batch], annotator, model, since)
            fresh = [item for item in batch if item.unit not in done]
            counts = self.write_suggestions(fresh, annotator, model) if fresh else WriteCounts()  # type: ignore[attr-defined]
        return counts, [item.unit for item in fresh]

    def _done_units(self, units: list[Unit], annotator: str, model: str, since: str | None) -> set[Unit]:
        docs = sorted({u.document_id for u in units})
        if not docs:
            return set()
        params: list[Any] = [annotator, model, *docs]
        when = ""
        if since is not None:
            when = " AND done >= ?"
            params.append(since)
        found = self.conn.execute(
            f"SELECT document_id, comment_id FROM unit_nlp WHERE annotator = ? AND model = ? "
            f"AND document_id IN ({','.join('?' * len(docs))}){when}", params,
        )
        return {Unit(r[0], r[1] or None) for r in found} & set(units)
