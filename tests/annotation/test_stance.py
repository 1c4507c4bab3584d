"""Stance in the core: refused input, progress, stats and the CLI's counts (no Qt)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotation.cli import main as cli_main
from annotation.commands import AddTarget, ClearStance, SetStance
from annotation.errors import CommandError, InputError
from annotation.model import REPLY_TARGET, Comment, Document, ImportedArticle
from annotation.store import Store


def _article(*comments: Comment, text: str = "Body text.") -> ImportedArticle:
    return ImportedArticle(Document(None, "d1", "T", text), tuple(comments), line=7)


def _c(ext: str, parent: str | None = None) -> Comment:
    return Comment(None, None, ext, f"comment {ext}", parent_ext_id=parent)


def _import(store: Store, article: ImportedArticle) -> int:
    with store.transaction():
        return store.import_articles([article], "thread.jsonl").document_ids[0]


def test_a_parent_cycle_is_refused_at_import_naming_the_record(store):
    article = _article(_c("a", parent="c"), _c("b", parent="a"), _c("c", parent="b"))
    with pytest.raises(InputError) as info:
        _import(store, article)
    assert "thread.jsonl" in str(info.value) and "7" in str(info.value) and "cycle" in str(info.value)
    assert store.document_count() == 0  # nothing half-imported


def test_a_missing_parent_is_kept_as_a_top_level_comment(store):
    doc = _import(store, _article(_c("a"), _c("b", parent="gone")))
    orphan = store.comments(doc)[1]
    assert orphan.parent_missing and orphan.parent_id is None and orphan.parent_ext_id == "gone"
    with pytest.raises(CommandError, match="only a reply"):
        store.apply(SetStance(orphan.id, REPLY_TARGET, "ann", "agree"))


def test_stance_is_checked_against_the_schema_and_the_documents_targets(store):
    doc = _import(store, _article(_c("a"), _c("b", parent="a")))
    a, b = [c.id for c in store.comments(doc)]
    with pytest.raises(CommandError, match="unknown stance target"):
        store.apply(SetStance(a, "Putin", "ann", "favor"))
    with pytest.raises(CommandError, match="unknown stance label"):
        store.apply(SetStance(b, REPLY_TARGET, "ann", "favor"))  # reply labels differ
    store.apply(AddTarget(doc, "Putin"))
    store.apply(SetStance(a, "Putin", "ann", "favor"))
    assert store.stance(a, "Putin", "ann").label == "favor"


def test_progress_counts_comments_with_a_target_label_not_reply_stance(store):
    doc = _import(store, _article(_c("a"), _c("b", parent="a"), _c("c")))
    a, b, c = [x.id for x in store.comments(doc)]
    store.apply(SetStance(b, REPLY_TARGET, "ann", "agree"))
    assert store.stance_progress("ann", doc) == (0, 3)
    store.apply(SetStance(a, "topic", "ann", "favor"))
    store.apply(SetStance(b, "topic", "bob", "favor"))  # another annotator's layer
    assert store.stance_progress("ann", doc) == (1, 3)
    assert store.stance_progress("ann") == (1, 3)
    store.apply(ClearStance(a, "topic", "ann"))
    assert store.stance_progress("ann", doc) == (0, 3)


def test_stats_json_counts_stance_by_target_and_label(project: Path, capsys):
    with Store.open(project) as store:
        doc = _import(store, _article(_c("a"), _c("b", parent="a"), _c("c")))
        a, b, c = [x.id for x in store.comments(doc)]
        store.apply(AddTarget(doc, "Putin"))
        for cmd in (SetStance(a, "topic", "ann", "favor"), SetStance(b, "topic", "ann", "favor"),
                    SetStance(c, "topic", "ann", "against", unsure=True), SetStance(b, REPLY_TARGET, "ann", "disagree"),
                    SetStance(a, "Putin", "ann", "neutral")):
            store.apply(cmd)
        logged = [json.loads(r["command"])["kind"] for r in store.edit_log("ann")]
        assert logged.count("set_stance") == 5
    assert cli_main(["stats", str(project), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["stance_labels"] == 5
    assert stats["stance_by_target"] == {
        REPLY_TARGET: {"disagree": 1}, "Putin": {"neutral": 1}, "topic": {"against": 1, "favor": 2},
    }
    assert stats["annotators"]["ann"]["stance_labels"] == 5
    assert cli_main(["stats", str(project)]) == 0
    assert "stance topic: against 1, favor 2" in capsys.readouterr().out
