"""Who said it: named sources, pronouns and descriptions resolved to a named entity.

A production-rule resolver in the spirit of the Gender Gap Tracker, over spaCy's entities:

- a SOURCE that is (or contains) a named PERSON/ORG/GPE/NORP is its own speaker; its canonical
  name is the longest mention in the text sharing its last word ("Lavrov" -> "Sergey Lavrov");
- he/she: the previous quotation's speaker when that was a person, else the nearest person
  mentioned before; a person once called "he" is not later taken for "she" and vice versa;
- they/it: the previous speaker when an organisation, else the nearest organisation before;
- a description ("the minister", "the company"): the nearest earlier person described with the
  same noun ("Foreign Minister Sergey Lavrov", "Yuri Ushakov, a Kremlin adviser"), else the
  previous speaker of the right kind, else the nearest one; plural generic descriptions
  ("officials", "experts") stay unresolved, they are not one speaker;
- a floating quote shares the SOURCE of the quotation it follows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotation.nlp.lexicon import (
    FIRST_PERSON, GENERIC_NOUNS, GROUP_PRONOUNS, ORG_NOUNS, PERSON_PRONOUNS, SPEAKER_LABELS, THING_PRONOUNS,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span as SpacySpan

    from annotation.nlp.quotes import Quotation

_ORG_LABELS = ("ORG", "GPE", "NORP")
_MAX_FLOAT_GAP = 2  # paragraph breaks a floating quote may be from the quotation it continues


@dataclass
class _Mention:
    start: int
    end: int
    label: str
    canonical: str
    descriptors: set[str] = field(default_factory=set)


def _canonical_names(ents: list["SpacySpan"]) -> dict[str, str]:
    """Each mention text -> the longest mention of the same label sharing its last word."""
    longest: dict[tuple[str, str], str] = {}
    for ent in ents:
        key = (ent.label_, ent[-1].lower_)
        text = _clean(ent.text)
        if len(text) > len(longest.get(key, "")):
            longest[key] = text
    return {_clean(e.text): longest[(e.label_, e[-1].lower_)] for e in ents}


def _clean(text: str) -> str:
    text = " ".join(text.split())
    for prefix in ("the ", "The "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


def _mentions(doc: "Doc") -> list[_Mention]:
    ents = [e for e in doc.ents if e.label_ in SPEAKER_LABELS]
    names = _canonical_names(ents)
    out = []
    for ent in ents:
        m = _Mention(ent.start_char, ent.end_char, ent.label_, names[_clean(ent.text)])
        if ent.label_ == "PERSON":
            head = ent.root
            # titles before the name and appositions: "Foreign Minister X", "X, a Kremlin adviser"
            for tok in doc[max(0, ent.start - 4): ent.start]:
                if tok.pos_ in ("NOUN", "PROPN") and tok.head.i >= ent.start and tok.head.i < ent.end:
                    m.descriptors.add(tok.lemma_.lower())
            for child in head.children:
                if child.dep_ == "appos":
                    m.descriptors.update(t.lemma_.lower() for t in child.subtree if t.pos_ == "NOUN")
            if head.dep_ == "appos" and head.head.pos_ == "NOUN":
                m.descriptors.add(head.head.lemma_.lower())
        out.append(m)
    return out


def resolve_speakers(doc: "Doc", quotations: list["Quotation"]) -> None:
    """Fill speaker, speaker_label and coref (and floating quotes' SOURCE) in place."""
    mentions = _mentions(doc)
    by_start = {m.start: m for m in mentions}
    gender: dict[str, str] = {}
    last: tuple[int, "Quotation"] | None = None  # index and quotation of the previous attributed one
    text = doc.text
    for n, q in enumerate(quotations):
        if q.floating:
            if last is not None and _paragraph_gap(text, last[1].end, q.start) <= _MAX_FLOAT_GAP:
                prev = last[1]
                q.source, q.inherits = prev.source, last[0]
                q.speaker, q.speaker_label, q.coref = prev.speaker, prev.speaker_label, prev.coref
            continue
        if q.source is None:
            continue
        head = doc[q.source_token] if q.source_token >= 0 else None
        named = _named_at(mentions, head.idx) if head is not None else _named_in(mentions, q.source)
        if named is not None:
            q.speaker, q.speaker_label = named.canonical, named.label
        elif head is not None:
            target = _antecedent(head, q, mentions, last[1] if last else None, gender, by_start)
            if target is not None:
                q.coref = (target.start, target.end)
                q.speaker, q.speaker_label = target.canonical, target.label
                if head.lower_ in ("he", "she"):
                    gender[target.canonical] = head.lower_
            else:
                q.speaker = _clean(text[q.source[0]:q.source[1]])
        last = (n, q)


def _paragraph_gap(text: str, end: int, start: int) -> int:
    between = text[end:start]
    return sum(1 for line in between.split("\n")[1:-1] if line.strip()) + (1 if "\n" in between else 0)


def _named_in(mentions: list[_Mention], span: tuple[int, int]) -> _Mention | None:
    for m in mentions:
        if m.start >= span[0] and m.end <= span[1]:
            return m
    return None


def _named_at(mentions: list[_Mention], char: int) -> _Mention | None:
    """The named mention containing the SOURCE's head ("Trump's advisers" is not Trump)."""
    for m in mentions:
        if m.start <= char < m.end:
            return m
    return None


def _antecedent(head, q: "Quotation", mentions: list[_Mention], prev: "Quotation | None",
                gender: dict[str, str], by_start: dict[int, _Mention]) -> _Mention | None:
    word = head.lower_
    before = [m for m in mentions if m.end <= q.source[0]]  # type: ignore[index]
    if word in FIRST_PERSON:
        return None
    prev_mention = _latest_of(before, prev.speaker) if prev is not None and prev.speaker else None
    if word in PERSON_PRONOUNS:
        other = "she" if word == "he" else "he"
        ok = lambda m: m.label == "PERSON" and gender.get(m.canonical) != other  # noqa: E731
        if prev_mention is not None and ok(prev_mention):
            return prev_mention
        return next((m for m in reversed(before) if ok(m)), None)
    if word in GROUP_PRONOUNS or word in THING_PRONOUNS:
        if prev_mention is not None and prev_mention.label in _ORG_LABELS:
            return prev_mention
        return next((m for m in reversed(before) if m.label in ("ORG", "NORP" if word in GROUP_PRONOUNS else "ORG")), None)
    if head.pos_ not in ("NOUN",) or head.tag_ in ("NNS",) or word in GENERIC_NOUNS:
        return None
    noun = head.lemma_.lower()
    if noun in ORG_NOUNS:
        if prev_mention is not None and prev_mention.label in _ORG_LABELS:
            return prev_mention
        return next((m for m in reversed(before) if m.label == "ORG"), None)
    described = next((m for m in reversed(before) if m.label == "PERSON" and noun in m.descriptors), None)
    if described is not None:
        return described
    if prev_mention is not None and prev_mention.label == "PERSON":
        return prev_mention
    return next((m for m in reversed(before) if m.label == "PERSON"), None)


def _latest_of(before: list[_Mention], canonical: str) -> _Mention | None:
    return next((m for m in reversed(before) if m.canonical == canonical), None)
