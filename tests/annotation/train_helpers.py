"""Small synthetic projects for the training tests: stance toward a motion, replies, entities."""
from __future__ import annotations

import random

from annotation.model import REPLY_TARGET, Comment, Document, ImportedArticle, ImportedStance
from annotation.store import Store

GOOD = ["helps", "protects", "benefits", "saves", "improves", "supports", "is fair to", "is good for"]
BAD = ["harms", "hurts", "endangers", "damages", "is unfair to", "is bad for", "ruins", "costs"]
PEOPLE = ["children", "families", "workers", "students", "the poor", "society", "everyone", "patients"]
MOTIONS = [("We should subsidize libraries", "libraries", 1), ("We should ban fireworks", "fireworks", -1),
           ("We should adopt school meals", "school meals", 1), ("We should abolish tolls", "tolls", -1)]


def stance_articles(per_motion: int = 12, seed: int = 0, replies: bool = False) -> list[ImportedArticle]:
    """One article per motion; each comment praises or blames the motion's subject.

    Praise is *favor* for "subsidize X" and *against* for "ban X": only a model that reads the
    target's direction can learn that across motions."""
    rng = random.Random(seed)
    articles = []
    for n, (motion, subject, sign) in enumerate(MOTIONS):
        comments, stances = [], []
        for i in range(per_motion):
            praise = i % 2 == 0
            verb = rng.choice(GOOD if praise else BAD)
            text = f"{subject.capitalize()} {verb} {rng.choice(PEOPLE)}."
            ext = f"m{n}c{i}"
            comments.append(Comment(None, None, ext, text))
            label = "favor" if praise == (sign > 0) else "against"
            stances.append(ImportedStance(ext, motion, label))
            if replies:
                rid = f"{ext}r"
                agree = i % 3 != 0
                comments.append(Comment(None, None, rid, "Exactly, I agree with that." if agree else
                                        "No, that is wrong and I disagree.", parent_ext_id=ext))
                stances.append(ImportedStance(rid, REPLY_TARGET, "agree" if agree else "disagree"))
        articles.append(ImportedArticle(Document(None, f"motion{n}", motion, motion), tuple(comments), stances=tuple(stances)))
    return articles


def add_stance_project(store: Store, annotator: str = "gold", **kwargs: object) -> list[int]:
    with store.transaction():
        return store.import_articles(stance_articles(**kwargs), "motions.jsonl", annotator=annotator).document_ids  # type: ignore[arg-type]
