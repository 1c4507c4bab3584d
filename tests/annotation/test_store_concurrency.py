"""A worker's connection and the window's connection write to one project without losing edits."""
from __future__ import annotations

import sqlite3

import pytest

from annotation.commands import SetStatus
from annotation.model import Document, ImportedArticle
from annotation.store import Store


def test_a_write_transaction_holds_the_write_lock_from_its_start(project):
    main = Store.open(project)
    with main.transaction():
        doc_id = main.import_articles([ImportedArticle(Document(None, "d", "T", "Text."))], "t").document_ids[0]
    worker = main.worker()
    worker.conn.execute("PRAGMA busy_timeout = 50")
    try:
        with main.transaction():
            main.status(doc_id, "ann")  # read first ...
            # ... a worker that commits now would make a deferred transaction's write fail at once
            # with "database is locked"; an immediate one keeps the worker waiting instead.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                worker.set_meta_value("probe", "1")
            main.apply(SetStatus(doc_id, "ann", "done"))
        assert main.status(doc_id, "ann").status == "done"
        worker.set_meta_value("probe", "2")  # and the worker gets its turn afterwards
        assert main.meta_value("probe") == "2"
    finally:
        worker.close()
        main.close()


def test_a_worker_connection_does_not_rewrite_the_writer_note(project):
    main = Store.open(project)
    note = main.meta_value("writer")
    main.set_meta_value("writer", note + " (marker)")
    worker = main.worker()
    assert worker.meta_value("writer") == note + " (marker)"
    worker.close()
    main.close()
