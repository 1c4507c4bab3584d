"""Who a description stands for, from what the article itself says: "the 58-year-old" is the
person introduced as "Richard Cole, 58,"; "the club" is the club this text already let speak,
or the one proper-noun subject beside it the tagger did not call an organisation.

speakers.py asks these before falling back on the previous speaker: a description carries
its own evidence, and the last name mentioned is often someone else.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from annotation.nlp.lexicon import PERSON_NOUNS, ROLE_NOUNS
from annotation.nlp.mentions import Mention, clean_name

if TYPE_CHECKING:
    from spacy.tokens import Token

    from annotation.nlp.quotation import Quotation

_AGE_WORD = re.compile(r"(\d{1,3})-year-old\b")
_AFTER_NAME = re.compile(r"^\s*,\s*(\d{1,3})\s*[,)]")  # "Richard Cole, 58, ..." / "Cole (58)"
_NOT_ORGS = ("PERSON", "GPE", "NORP", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT")


def described_age(head: "Token") -> str | None:
    """ "the 58-year-old (labourer)": the age a description gives, if any."""
    doc = head.doc
    # the tagger splits "58-year-old" into five tokens, and it may head the phrase or modify it
    # (the phrase's own tokens: Doc.text would join the whole document on every call)
    lo = max(head.left_edge.i, head.i - 6)
    found = _AGE_WORD.search("".join(t.text_with_ws for t in doc[lo:head.i + 1]).lower())
    return found.group(1) if found else None


def person_of_age(age: str, before: list[Mention], text: str) -> Mention | None:
    """The person the article gave this age: "Richard Cole, 58," or "58-year-old Richard Cole"."""
    for m in reversed(before):
        if m.label != "PERSON":
            continue
        after = _AFTER_NAME.match(text[m.end:m.end + 8])
        if after and after.group(1) == age:
            return m
        if text[max(0, m.start - 14):m.start].rstrip().lower().endswith(f"{age}-year-old"):
            return m
    return None


def same_description_before(head: "Token", history: "list[Quotation]") -> Mention | None:
    """ "the club said ..." then "the club's statement read": a description already resolved
    for an earlier quotation (same head noun) names the same speaker again."""
    doc = head.doc
    noun = head.lemma_.lower()
    for q in reversed(history):
        if q.source_token < 0 or not q.speaker or q.coref is None:
            continue
        earlier = doc[q.source_token]
        owner = next((c for c in earlier.children if c.dep_ == "poss"), None)
        if noun in (earlier.lemma_.lower(), owner.lemma_.lower() if owner is not None else ""):
            return Mention(q.coref[0], q.coref[1], q.speaker_label, q.speaker)
    return None


_PUBLISHING_VERBS = frozenset("release publish issue produce commission compile prepare table unveil".split())
_DOCUMENTS = frozenset("""
report study survey statistics statistic figures figure review document paper assessment analysis audit inquiry findings finding
""".split())


def document_author(head: "Token", before: list[Mention]) -> Mention | None:
    """ "The Australian Transport Safety Bureau today released its report ... The report has ruled
    out pilot error, saying ...", "New statistics released by the Cancer Council ... The report
    reveals ...": an unowned document speaks for whoever the story said published it, the
    latest such body or person named before it."""
    if head.lemma_.lower() not in _DOCUMENTS:
        return None
    doc = head.doc
    for tok in reversed(doc[:head.sent.start]):
        if tok.lemma_.lower() not in _PUBLISHING_VERBS or tok.pos_ != "VERB":
            continue
        if tok.dep_ == "acl" and tok.head.lemma_.lower() in _DOCUMENTS:  # "statistics released by X"
            agent = next((a for c in tok.children if c.dep_ == "agent" for a in c.children if a.dep_ == "pobj"), None)
        elif any(c.dep_ == "dobj" and c.lemma_.lower() in _DOCUMENTS for c in tok.children):  # "X released its report"
            agent = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        else:
            continue
        if agent is None:
            continue
        named = next((m for m in before if m.start <= agent.idx < m.end and m.label in ("ORG", "PERSON", "GPE")), None)
        if named is not None:
            return named
    return None


def proper_subject_nearby(head: "Token", quoted: list[int]) -> Mention | None:
    """ "City United have signed X, the club said": a proper-noun subject in this sentence or
    the one before that the tagger left untagged (or called an ORG): what "the club" means."""
    doc = head.doc
    start = head.sent.start
    if start > 0:
        start = doc[start - 1].sent.start
    found: list[Mention] = []
    for tok in doc[start:head.i]:
        if tok.dep_ != "nsubj" or tok.pos_ != "PROPN" or tok.ent_type_ in _NOT_ORGS or not tok.is_title \
                or quoted[tok.i] != -1:
            continue
        first = tok.i
        while first > start and doc[first - 1].dep_ == "compound" and doc[first - 1].pos_ == "PROPN" \
                and doc[first - 1].head.i == tok.i:
            first -= 1
        name = doc[first:tok.i + 1]
        found.append(Mention(name.start_char, name.end_char, "ORG", clean_name(name.text)))
    return found[-1] if len({m.canonical for m in found}) == 1 else None


def description_phrase(tok: "Token") -> str:
    """ "the authority's own figures" with no one to resolve "the authority" to: the owner's own
    words ("authority") name the speaker better than the document does."""
    lo = min([tok.i] + [c.left_edge.i for c in tok.children if c.i < tok.i and c.dep_ in ("det", "compound", "amod")])
    return clean_name(tok.doc[lo:tok.i + 1].text)


def described_subject(head: "Token", before: list[Mention], since: int) -> Mention | None:
    """ "The judge was not persuaded. “…,” she said": a definite description as the subject of the
    pronoun's sentence or the one before (after the last quotation) is the person the article
    introduced with that title ("Judge Margaret Ellis")."""
    doc = head.doc
    start = head.sent.start
    if start > 0:
        start = doc[start - 1].sent.start
    for tok in reversed(doc[start:head.i]):
        if tok.idx < since or tok.dep_ not in ("nsubj", "nsubjpass") or tok.pos_ != "NOUN" or not any(
                c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
            continue
        noun = tok.lemma_.lower()
        if noun not in ROLE_NOUNS and noun not in PERSON_NOUNS:
            return None  # "The inquiry has found ...": a body, not the counsel "to the inquiry"
        return next((m for m in reversed(before) if m.label == "PERSON" and noun in m.descriptors), None)
    return None


def person_echoed(head: "Token", before: list[Mention]) -> Mention | None:
    """ "Local historian Agnes Blair was one of the school's pupils. The former pupil said ...": a
    definite description whose noun the sentence before used of its person subject is that person."""
    doc = head.doc
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in head.children) or head.sent.start == 0:
        return None
    previous = doc[head.sent.start - 1].sent
    subject = next((m for m in before if m.label == "PERSON" and m.subject
                    and previous.start_char <= m.start < previous.end_char), None)
    if subject is None:
        return None
    noun = head.lemma_.lower()
    if any(t.lemma_.lower() == noun and not (subject.start <= t.idx < subject.end) for t in previous):
        return subject
    return None
