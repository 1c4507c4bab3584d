"""Versioned schema migrations. Append a new entry; never edit a released one."""
from __future__ import annotations

APPLICATION_ID = 0x474F4C44  # "GOLD": marks a SQLite file as a Goldspan project

MIGRATIONS: list[str] = [
    # 1: the first version
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE annotators (name TEXT PRIMARY KEY, created TEXT NOT NULL);
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        ext_id TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        published TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        text_hash TEXT NOT NULL UNIQUE,
        meta TEXT NOT NULL DEFAULT '{}',
        source_file TEXT NOT NULL DEFAULT '',
        imported TEXT NOT NULL
    );
    CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        ext_id TEXT NOT NULL,
        parent_id INTEGER REFERENCES comments(id),
        parent_ext_id TEXT,
        author TEXT NOT NULL DEFAULT '',
        time TEXT NOT NULL DEFAULT '',
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX comments_document ON comments(document_id, position);
    CREATE TABLE spans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        comment_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        label TEXT NOT NULL,
        layer TEXT NOT NULL,
        annotator TEXT NOT NULL,
        origin TEXT NOT NULL,
        model TEXT NOT NULL DEFAULT '',
        attrs TEXT NOT NULL DEFAULT '{}',
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX spans_unit ON spans(document_id, annotator, comment_id);
    CREATE INDEX spans_label ON spans(label);
    CREATE TABLE relations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        head_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
        child_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        annotator TEXT NOT NULL,
        origin TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX relations_document ON relations(document_id, annotator);
    CREATE INDEX relations_head ON relations(head_id);
    CREATE INDEX relations_child ON relations(child_id);
    CREATE TABLE targets (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        span_id INTEGER REFERENCES spans(id) ON DELETE SET NULL,
        created TEXT NOT NULL,
        UNIQUE(document_id, name)
    );
    CREATE TABLE stances (
        id INTEGER PRIMARY KEY,
        comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
        target TEXT NOT NULL,
        label TEXT NOT NULL,
        annotator TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        unsure INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        UNIQUE(comment_id, target, annotator)
    );
    CREATE TABLE doc_status (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        annotator TEXT NOT NULL,
        status TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        updated TEXT NOT NULL,
        PRIMARY KEY (document_id, annotator)
    );
    CREATE TABLE unit_nlp (
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        comment_id INTEGER NOT NULL DEFAULT 0,
        annotator TEXT NOT NULL,
        model TEXT NOT NULL,
        done TEXT NOT NULL,
        PRIMARY KEY (document_id, comment_id, annotator)
    );
    CREATE TABLE edits (
        id INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        annotator TEXT NOT NULL,
        action TEXT NOT NULL,
        document_id INTEGER,
        command TEXT NOT NULL,
        inverse TEXT NOT NULL
    );
    CREATE INDEX edits_annotator ON edits(annotator, id);
    CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='id');
    CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    END;
    """,
    # 2: one span per (unit, layer, annotator, start, end, label). Older projects could hold the
    # same span twice (a SOURCE shared by two quotes adjudicated into gold, `s` pressed over a
    # suggestion): keep one, preferring the human's over a suggestion, move the duplicates'
    # relations and stance-target references onto it, drop relations that thereby repeat, then
    # let a UNIQUE index make the state impossible. comment_id is NULL for an article body, and
    # NULLs never collide in a UNIQUE index, hence coalesce (ids are never negative).
    """
    CREATE TEMP TABLE span_duplicates AS
        SELECT id, keep FROM (
            SELECT id, first_value(id) OVER (
                PARTITION BY document_id, coalesce(comment_id, -1), layer, annotator, start, end, label
                ORDER BY origin = 'model', id
            ) AS keep FROM spans
        ) WHERE id != keep;
    UPDATE relations SET head_id = (SELECT keep FROM span_duplicates d WHERE d.id = relations.head_id)
        WHERE head_id IN (SELECT id FROM span_duplicates);
    UPDATE relations SET child_id = (SELECT keep FROM span_duplicates d WHERE d.id = relations.child_id)
        WHERE child_id IN (SELECT id FROM span_duplicates);
    UPDATE targets SET span_id = (SELECT keep FROM span_duplicates d WHERE d.id = targets.span_id)
        WHERE span_id IN (SELECT id FROM span_duplicates);
    DELETE FROM relations WHERE head_id = child_id;
    DELETE FROM relations WHERE id NOT IN (SELECT min(id) FROM relations GROUP BY head_id, child_id, label);
    DELETE FROM spans WHERE id IN (SELECT id FROM span_duplicates);
    DROP TABLE span_duplicates;
    CREATE UNIQUE INDEX spans_identity
        ON spans(document_id, coalesce(comment_id, -1), layer, annotator, start, end, label);
    CREATE UNIQUE INDEX relations_identity ON relations(head_id, child_id, label);
    """,
    # 3: model in the loop (issue 11). `models` registers each trained pipeline (folder, task,
    # what it was trained on, its held-out scores beside the model it replaced). Stance
    # suggestions live in their own table rather than as rows of `stances`: every existing
    # reader of `stances` (exports, agreement, progress, merge, adjudication, check) then keeps
    # counting human labels only, with no filter to forget; a suggestion shows only where its
    # annotator has no label, and accepting one writes an ordinary human stance (SetStance).
    """
    CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        task TEXT NOT NULL,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        base_model TEXT NOT NULL DEFAULT '',
        layer TEXT NOT NULL DEFAULT '',
        trained_on TEXT NOT NULL DEFAULT '{}',
        scores TEXT NOT NULL DEFAULT '{}',
        created TEXT NOT NULL
    );
    CREATE INDEX models_task ON models(task, id);
    CREATE TABLE stance_suggestions (
        comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
        target TEXT NOT NULL,
        annotator TEXT NOT NULL,
        label TEXT NOT NULL,
        probability REAL NOT NULL,
        model TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (comment_id, target, annotator)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
