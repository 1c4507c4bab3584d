"""Evidence about named speakers that the resolver in speakers.py weighs: a name's gender from
the text's own pronouns and titles, misspelt repeats of a surname, and a name on the line
under a quote.

Nothing here guesses from lists of first names: a he/she is matched only against what the
article itself says about each person ("Mr Key", "Albert Jaquier ... after he lost his
fortune", "the company's spokeswoman, Jane Roe").
"""
from __future__ import annotations

from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Protocol

from annotation.nlp.lexicon import FEMALE_WORDS, MALE_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span as SpacySpan

_SIMILAR = 0.85  # "Bauchtman" ~ "Buchtmann", "Mauer" ~ "Maurer"; "Jones" !~ "Johnson"


class _Named(Protocol):
    start: int
    end: int
    label: str
    canonical: str
    ent: "SpacySpan | None"


def genders(doc: "Doc", mentions: "list[_Named]") -> dict[str, str]:
    """canonical name -> "he"/"she", from the words beside each mention of a PERSON: a title or
    gendered noun right before it or in its apposition, else the first he/his/she/her after it in
    its sentence when no other person comes between. Conflicting evidence leaves it unknown."""
    votes: dict[str, set[str]] = {}
    people = [m for m in mentions if m.label == "PERSON" and m.ent is not None]
    starts = [m.ent.start for m in people if m.ent is not None]
    for k, m in enumerate(people):
        ent = m.ent
        assert ent is not None
        found = _title_gender(doc, ent)
        if found is None:
            limit = min(ent.sent.end, starts[k + 1] if k + 1 < len(starts) else len(doc))
            # a subject or possessive pronoun ("X said he ...", "X and his wife"); an object
            # ("X said getting him back ...") is usually someone else
            own = {t.i for t in ent.root.subtree}  # "Ana Ruiz, his deputy": "his" is someone else
            found = None
            for t in doc[ent.end:limit]:
                if t.pos_ != "PRON" or t.i in own or not word_gender(t.lower_):
                    continue
                if t.dep_ in ("dobj", "dative", "pobj"):
                    break  # "Judge Ellis told him he had ...": the "he" is the man she told
                if t.dep_ in ("nsubj", "nsubjpass") or t.dep_ == "poss" and t.head.dep_ not in ("dobj", "dative"):
                    # not "Lund welcomed her call": whose call is the object's business
                    found = word_gender(t.lower_)
                    break
        if found is not None:
            votes.setdefault(m.canonical, set()).add(found)
    return {name: next(iter(v)) for name, v in votes.items() if len(v) == 1}


def word_gender(word: str) -> str | None:
    if word in MALE_WORDS:
        return "he"
    if word in FEMALE_WORDS:
        return "she"
    return None


def _title_gender(doc: "Doc", ent: "SpacySpan") -> str | None:
    before = doc[ent.start - 1] if ent.start > 0 else None
    if before is not None and before.lower_.rstrip(".") in ("mr", "ms", "mrs", "miss", "sir", "madam"):
        return word_gender(before.lower_.rstrip("."))
    for tok in doc[max(0, ent.start - 3):ent.start]:
        if tok.pos_ == "NOUN" and tok.head.i in range(ent.start, ent.end) and word_gender(tok.lower_):
            return word_gender(tok.lower_)
    root = ent.root
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and word_gender(root.head.lower_):
        return word_gender(root.head.lower_)  # "His wife, Carol Mills, ..."
    for child in ent.root.children:
        if child.dep_ == "appos":
            for tok in child.subtree:
                if tok.pos_ == "NOUN" and word_gender(tok.lower_):
                    return word_gender(tok.lower_)
    return None


HONORIFICS = frozenset("mr mrs ms miss dr sir madam prof".split())


def name_words(name: str) -> int:
    """Words of a name without its honorific: "Ms Bauchtman" has one."""
    return sum(1 for w in name.split() if w.rstrip(".").lower() not in HONORIFICS)


def similar_surname(key: str, longest: dict[str, tuple[str, str]]) -> str | None:
    """A known surname this one is a misspelling of ("bauchtman" -> "buchtmann"), if exactly one."""
    if len(key) < 5:
        return None
    hits = [other for other, (_, label) in longest.items()
            if other != key and label == "PERSON" and len(other) >= 5 and other[0] == key[0]
            and SequenceMatcher(None, key, other).ratio() >= _SIMILAR]
    return hits[0] if len(hits) == 1 else None


def name_line_after(text: str, end: int, mentions: "list[_Named]") -> "_Named | None":
    """ '“I owe this city everything.”\\nLeo Martins': a line holding only a person's name (and
    maybe ", title") right under the quote names its speaker."""
    close = end
    while close < len(text) and text[close] in "\"”’'":
        close += 1
    rest = text[close:close + 3]
    if not rest.startswith("\n"):
        return None
    line_start = close + len(rest) - len(rest.lstrip("\n"))
    line_end = text.find("\n", line_start)
    line_end = len(text) if line_end == -1 else line_end
    for m in mentions:
        if m.start == line_start and m.label == "PERSON":
            tail = text[m.end:line_end].strip()
            if not tail or (tail.startswith(",") and len(tail) <= 60):
                return m
    return None
