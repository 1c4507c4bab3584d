"""Finding the unlabelled (comment, target) pairs and writing their suggestions, as the store does
it for `preannotate --stance`: every pair once, in thread order, nothing over a human label."""
from __future__ import annotations

from annotation.commands import SetStance
from annotation.model import REPLY_TARGET
from annotation.store import Store
from annotation.store.stance_suggestions import ROWS_PER_INSERT
from tests.annotation.train_helpers import MOTIONS, add_stance_project


def test_candidates_are_every_comment_with_each_target_in_thread_order(store: Store):
    docs = add_stance_project(store, annotator="gold", per_motion=4, replies=True)
    base = list(store.schema.stance_targets)
    expected = []
    for doc in docs:
        targets = store.targets(doc)
        for comment in store.comments(doc):
            wanted = targets + ([REPLY_TARGET] if comment.parent_id is not None else [])
            expected += [(comment.id, doc, target) for target in wanted]
    found = [(c.comment_id, c.document_id, c.target) for c in store.stance_candidates("ann", replies=True)]
    assert found == expected
    assert {t for _, _, t in found} == set(base) | {m for m, _, _ in MOTIONS} | {REPLY_TARGET}
    # Without the reply head, no @parent pairs; one document only when asked.
    assert all(c.target != REPLY_TARGET for c in store.stance_candidates("ann"))
    only = store.stance_candidates("ann", document_ids=[docs[1]])
    assert only and {c.document_id for c in only} == {docs[1]}
    first = store.comments(docs[0])[0]
    candidate = next(c for c in store.stance_candidates("ann") if c.comment_id == first.id)
    assert (candidate.text, candidate.parent_text, candidate.title) == (first.text, "", MOTIONS[0][0])


def test_labelled_and_suggested_pairs_are_left_out_unless_forced(store: Store):
    docs = add_stance_project(store, annotator="gold", per_motion=4)
    motion = MOTIONS[0][0]
    first, second = store.comments(docs[0])[:2]
    store.apply(SetStance(first.id, motion, "ann", "favor"))
    store.write_stance_suggestions([(second.id, motion, "against", 0.7)], "ann", "m 1")
    pairs = {(c.comment_id, c.target) for c in store.stance_candidates("ann")}
    assert (first.id, motion) not in pairs and (second.id, motion) not in pairs
    forced = {(c.comment_id, c.target) for c in store.stance_candidates("ann", force=True)}
    assert (first.id, motion) not in forced and (second.id, motion) in forced
    # The gold annotator's labels are theirs: for 'gold' every motion pair is labelled.
    assert all(c.target not in {m for m, _, _ in MOTIONS} for c in store.stance_candidates("gold"))


def test_a_large_batch_is_written_whole_and_a_rerun_replaces_it_in_place(store: Store):
    docs = add_stance_project(store, annotator="gold", per_motion=40)
    pairs = [(c.comment_id, c.target) for c in store.stance_candidates("ann")]
    assert len(pairs) > 2 * ROWS_PER_INSERT and len(pairs) % ROWS_PER_INSERT  # full statements and a short one
    labelled = pairs[ROWS_PER_INSERT + 3]
    store.apply(SetStance(labelled[0], labelled[1], "ann", "neutral"))  # labelled while the job ran
    items = [(cid, target, "favor" if n % 2 else "against", 0.5 + n / (4 * len(pairs))) for n, (cid, target) in enumerate(pairs)]
    assert store.write_stance_suggestions(items, "ann", "m 1") == len(items) - 1
    stored = {(s.comment_id, s.target): s for s in store.stance_suggestions(annotator="ann")}
    assert len(stored) == len(items) - 1 and labelled not in stored
    for cid, target, label, p in items:
        if (cid, target) != labelled:
            s = stored[(cid, target)]
            assert (s.label, s.model, s.annotator) == (label, "m 1", "ann") and abs(s.probability - p) < 1e-9
    assert store.stance(labelled[0], labelled[1], "ann").label == "neutral"
    # A forced re-run replaces the suggestions, still never the human label.
    again = [(cid, target, "neutral", 0.9) for cid, target, _, _ in items]
    assert store.write_stance_suggestions(again, "ann", "m 2") == len(items) - 1
    assert {(s.label, s.model) for s in store.stance_suggestions(annotator="ann")} == {("neutral", "m 2")}
    assert store.stance_suggestion(labelled[0], labelled[1], "ann") is None
    assert store.conn.execute("SELECT count(*) FROM stance_suggestions").fetchone()[0] == len(items) - 1
    assert docs
