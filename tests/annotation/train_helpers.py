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


# -- entities ------------------------------------------------------------------------------

DRUGS = ["aspirin", "ibuprofen", "insulin", "penicillin", "morphine", "paracetamol", "codeine", "warfarin"]
NAMES = ["Maria Lopez", "John Smith", "Angela Merkel", "Tom Brady", "Ada Lovelace", "Rahul Gupta"]
CITIES = ["Paris", "Berlin", "Chicago", "Tokyo", "Madrid", "Toronto"]


def drug_schema():
    """The default schema plus a DRUG entity label the stock model does not know."""
    from annotation.schema import DEFAULT_SCHEMA_PATH, parse_schema

    text = DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8").replace(
        "[quote]", 'DRUG = { color = "#123456", key = "x" }\n\n[quote]', 1)
    return parse_schema(text, "drug schema")


def drug_articles(n_docs: int = 6, per_doc: int = 4, seed: int = 0) -> list[tuple[ImportedArticle, list[tuple[int, int, str]]]]:
    """Articles whose sentences name a person, a city and a drug; returns each with its DRUG spans."""
    rng = random.Random(seed)
    out = []
    for d in range(n_docs):
        sentences, spans, pos = [], [], 0
        for _ in range(per_doc):
            name, city, drug = rng.choice(NAMES), rng.choice(CITIES), rng.choice(DRUGS)
            head = f"{name} said in {city} that patients took "
            sentence = head + f"{drug} every day. "
            spans.append((pos + len(head), pos + len(head) + len(drug), "DRUG"))
            sentences.append(sentence)
            pos += len(sentence)
        text = "".join(sentences).strip()
        out.append((ImportedArticle(Document(None, f"d{d}", f"Doc {d}", text)), spans))
    return out


def add_drug_project(store: Store, annotator: str = "gold", **kwargs: object) -> list[int]:
    """Import the drug articles and add their DRUG spans as the annotator's human work."""
    from annotation.commands import AddSpan
    from annotation.model import ENTITY, Span

    articles = drug_articles(**kwargs)  # type: ignore[arg-type]
    with store.transaction():
        ids = store.import_articles([a for a, _ in articles], "drugs.jsonl").document_ids
    for doc_id, (_, spans) in zip(ids, articles):
        for start, end, label in spans:
            store.apply(AddSpan(Span(None, doc_id, None, start, end, label, ENTITY, annotator)))
    return ids
