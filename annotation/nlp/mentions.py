"""Named mentions a speaker can be: spaCy's PERSON/ORG/GPE/NORP entities, repaired where the
small model splits or mislabels a name, each with its canonical name ("Lavrov" -> "Sergey
Lavrov") and, on demand, whether it is a subject and which titles describe it."""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from annotation.nlp.lexicon import ORG_ENDINGS, ORG_NOUNS, PERSON_NOUNS, ROLE_NOUNS, SPEAKER_LABELS
from annotation.nlp.speaker_hints import name_words, similar_surname

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span as SpacySpan


class Mention:
    """A named speaker mention. What only some rules need (its sentence, whether it is a
    subject, the titles describing it) is computed on first use: most mentions never ask."""

    def __init__(self, start: int, end: int, label: str, canonical: str, ent: "SpacySpan | None" = None) -> None:
        self.start, self.end, self.label, self.canonical, self.ent = start, end, label, canonical, ent

    @cached_property
    def subject(self) -> bool:
        if self.ent is None:
            return False
        root = self.ent.root
        # "The company's chief executive, Jürgen Aalto-Fischer, apologised": the apposition counts
        if root.dep_ == "npadvmod" and self.ent.start == root.sent.start and root.head.pos_ in ("VERB", "AUX") \
                and not any(c.dep_.startswith("nsubj") for c in root.head.children):
            return True  # "Ní Bhriain, meanwhile, has written ...": the parser lost the subject
        return root.dep_ in ("nsubj", "nsubjpass") or (root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass"))

    @cached_property
    def sentence(self) -> int:
        return self.ent.root.sent.start_char if self.ent is not None else 0

    @cached_property
    def descriptors(self) -> set[str]:
        out: set[str] = set()
        if self.ent is None or self.label not in ("PERSON", "ORG"):
            return out  # an "ORG" with a person's role beside it is a mis-tagged name
        ent, doc = self.ent, self.ent.doc
        head = ent.root
        # titles before the name and appositions: "Foreign Minister X", "X, a Kremlin adviser"
        for tok in doc[max(0, ent.start - 4): ent.start]:
            if tok.pos_ in ("NOUN", "PROPN") and ent.start <= tok.head.i < ent.end:
                out.add(tok.lemma_.lower())
        for child in head.children:
            if child.dep_ == "appos":
                out.update(t.lemma_.lower() for t in child.subtree if t.pos_ == "NOUN")
        if head.dep_ == "appos" and head.head.pos_ == "NOUN":
            out.add(head.head.lemma_.lower())
        return out


def canonical_names(ents: list["SpacySpan"], cleaned: list[str]) -> dict[str, tuple[str, str]]:
    """Each mention text -> (name, label) of the longest mention sharing its last word.

    The label comes from that longest mention too: the tagger often calls a bare surname an
    ORG or a GPE ("Paris claims ...") after naming the full person right.
    """
    longest: dict[str, tuple[str, str]] = {}
    keys = [text.split()[-1].lower() if text.split() else "" for text in cleaned]
    for ent, text, key in zip(ents, cleaned, keys):
        if len(text) > len(longest.get(key, ("", ""))[0]):
            longest[key] = (text, ent.label_)
    # a full name is its own canonical name: "John Mills" and "Carol Mills" are two people;
    # only a bare "Mills" is read as the longest name ending so
    own = {text: (text, ent.label_) for ent, text in zip(ents, cleaned)
           if ent.label_ == "PERSON" and name_words(text) >= 2}
    for key in list(longest):
        other = similar_surname(key, longest)  # "Ms Bauchtman" is the "Lydia Buchtmann" named before
        if other is not None and name_words(longest[other][0]) > name_words(longest[key][0]):
            longest[key] = longest[other]
    for key, (text, label) in list(longest.items()):
        if text.isupper() and 2 <= len(text) <= 6:  # "WHO" -> "World Health Organisation"
            full = next((v for v in longest.values() if initials(v[0]) == text), None)
            if full is not None:
                longest[key] = full
    names = {text: own.get(text) or longest[key] for text, key in zip(cleaned, keys)}
    return _first_word_of_company(_surname_particles(names))


def _first_word_of_company(names: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """ "Esselte said" after "Esselte Business Systems Inc said": one word that begins a company's
    full name ("Inc", "Corp" ...) is that company, whatever label the tagger gave it; not when a
    person of the text has it for a surname ("Ford" beside "Harold Ford")."""
    companies = [canonical for canonical, label in set(names.values())
                 if label == "ORG" and len(canonical.split()) >= 2 and canonical.split()[-1].lower().rstrip(".") in ORG_ENDINGS]
    if not companies:
        return names
    surnames = {c.split()[-1] for c, label in names.values() if label == "PERSON" and len(c.split()) >= 2}
    for text, (canonical, label) in list(names.items()):
        if len(text.split()) != 1 or text in surnames or label == "ORG" and canonical != text:
            continue
        full = [c for c in companies if c.split()[0] == text]
        if len(full) == 1:
            names[text] = (full[0], "ORG")
    return names


def _surname_particles(names: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """ "Ní Bhriain" after "Siobhán Ní Bhriain" (or "van der Berg" after "Anna van der Berg"): a
    person's two-word name that is the end of a longer name is that person, and the longer name
    is a person even when the tagger called it an organisation."""
    people = [n for n, (canonical, label) in names.items() if label == "PERSON" and canonical == n and len(n.split()) >= 2]
    for short in people:
        longer = next((n for n in names if n.endswith(" " + short) and len(n.split()) <= len(short.split()) + 2), None)
        if longer is not None:
            names[longer] = names[short] = (names[longer][0], "PERSON")
    return names


def expand_acronym(name: str, mentions: list[Mention]) -> str:
    if name.isupper() and 2 <= len(name) <= 6:
        return next((m.canonical for m in mentions if initials(m.canonical) == name), name)
    return name


def initials(name: str) -> str:
    """ "World Health Organisation" -> "WHO"; "Diagnostic Retrieval Systems Inc" -> "DRS" (the
    company's legal ending is no part of its acronym)."""
    words = name.split("(")[0].split()
    if len(words) > 2 and words[-1].lower().rstrip(".") in _LEGAL_ENDINGS:
        words = words[:-1]
    return "".join(w[0] for w in words if w[:1].isupper())


_LEGAL_ENDINGS = frozenset("inc corp co ltd plc llc ag sa nv bv gmbh spa".split())


def clean_name(text: str) -> str:
    text = " ".join(text.split())
    if "(" in text and not text.startswith("("):
        text = text.split("(")[0].strip()  # "The World Health Organisation (WHO"
    for prefix in ("the ", "The "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


def person_fix(ent: "SpacySpan") -> "SpacySpan":
    """ "Tomasz Wróbel" tagged as an ORG "Wróbel" (unfamiliar names often are): a one-word
    ORG/GPE right after a capitalised first-name-like token is a person's name."""
    from spacy.tokens import Span as SpacySpan

    if ent.label_ == "PERSON" or len(ent) != 1 or ent.start == 0:
        return ent
    first = ent.doc[ent.start - 1]
    # "Valeska Paris" read as two places, "Valeska" and "Paris": one name all the same
    split_name = first.ent_type_ in ("GPE", "ORG", "NORP") and first.ent_iob_ == "B"
    if first.pos_ == "PROPN" and first.dep_ == "compound" and first.head.i == ent.start and first.is_title \
            and (not first.ent_type_ or split_name):
        return SpacySpan(ent.doc, ent.start - 1, ent.end, label="PERSON")
    return ent


def _who_is_a_person(ent: "SpacySpan") -> "SpacySpan":
    """ "Campaigner Nkechi Obi-Walters, who organised a petition, said": a name the tagger called
    an ORG but that the text follows with ", who" is a person (organisations are "which")."""
    from spacy.tokens import Span as SpacySpan

    doc = ent.doc
    if ent.label_ == "ORG" and (_name_of_someone_at(ent) or _titled_name(ent) or _apposed_to_a_role(ent)):
        return SpacySpan(doc, ent.start, ent.end, label="PERSON")
    if ent.label_ == "PERSON" or ent.end + 1 >= len(doc) or doc[ent.end].text != "," or doc[ent.end + 1].lower_ != "who":
        return ent
    if len(ent) < 2 or not all(t.pos_ in ("PROPN", "PUNCT") for t in ent):
        return ent
    return SpacySpan(doc, ent.start, ent.end, label="PERSON")


def _name_of_someone_at(ent: "SpacySpan") -> bool:
    """ "Perrin Long of Lipper Analytical said": two or three capitalised words the tagger called
    an ORG, followed by "of" and another organisation, are a person and their employer (a
    company's own name takes its "of ..." inside: "Bank of New York Co")."""
    doc = ent.doc
    if not 2 <= len(ent) <= 3 or ent.end + 1 >= len(doc) or doc[ent.end].lower_ != "of":
        return False
    if not all(t.pos_ == "PROPN" and t.is_title and t.lower_.rstrip(".") not in ORG_ENDINGS
               and t.lower_ not in ORG_NOUNS for t in ent):
        return False
    employer = doc[ent.end + 1]
    return employer.ent_type_ == "ORG" and employer.ent_iob_ == "B"


# "The port's owner, Calder Logistics": roles a company can hold too; the rest only people hold
_ROLES_A_BODY_HOLDS = frozenset("owner member leader player star representative adviser advisor author founder".split())
_PEOPLES_ROLES = (PERSON_NOUNS | ROLE_NOUNS) - _ROLES_A_BODY_HOLDS


def _apposed_to_a_role(ent: "SpacySpan") -> bool:
    """ "the Palestinian head of security, Jabril Rajoub says", tagged ORG: two or three
    capitalised words in apposition to a person's role are that person's name."""
    root, doc = ent.root, ent.doc
    if not 2 <= len(ent) <= 3:
        return False
    apposed = root.dep_ == "appos" and root.head.lemma_.lower() in _PEOPLES_ROLES
    if not apposed and ent.start >= 2 and doc[ent.start - 1].text == ",":
        # the parser's own reading may be loose: "the head of security, Jabril Rajoub says" with
        # the name as the subject; a role phrase just before the comma titles it all the same
        phrase = doc[max(0, ent.start - 5):ent.start - 1]
        apposed = any(t.pos_ == "NOUN" and t.lemma_.lower() in _PEOPLES_ROLES and not t.ent_type_ for t in phrase) and not any(
            t.pos_ in ("VERB", "AUX") or t.text in (",", ".", ";") for t in phrase)
    if not apposed:
        return False
    return all(t.pos_ == "PROPN" and t.is_title and t.lower_.rstrip(".") not in ORG_ENDINGS and t.lower_ not in ORG_NOUNS
               for t in ent)


def title_only(ent: "SpacySpan") -> bool:
    """ "The Treasurer, Peter Costello, says", with "Treasurer" tagged PERSON: a title alone
    names nobody."""
    return ent.label_ == "PERSON" and all(t.lemma_.lower() in ROLE_NOUNS or t.lower_ == "the" for t in ent)


def _titled_name(ent: "SpacySpan") -> bool:
    """ "tomato farmer Lana Boatwright", tagged ORG: a person noun right before a two- or
    three-word name that it titles is a person's title, so the name is a person's."""
    doc = ent.doc
    # "envoy Terje Roed-Larsen": a hyphen inside a surname joins two of its words
    words = [t for t in ent if t.text != "-"]
    if not 2 <= len(words) <= 3 or ent.start == 0 or ent[0].text == "-" or ent[-1].text == "-":
        return False
    title = doc[ent.start - 1]
    if title.pos_ != "NOUN" or title.lemma_.lower() not in PERSON_NOUNS | ROLE_NOUNS or not ent.start <= title.head.i < ent.end:
        return False
    return all(t.pos_ == "PROPN" and t.is_title and t.lower_.rstrip(".") not in ORG_ENDINGS and t.lower_ not in ORG_NOUNS
               for t in words)


# short titles written before a name, besides the role and person nouns
_SHORT_TITLES = frozenset("mp mla mep mhr sen rep dr mr mrs ms prof gen col sgt capt lt insp supt det".split())


def _name_after_a_title(ent: "SpacySpan") -> "SpacySpan":
    """ "Federal Labor MP Carmen Lawrence", tagged as one ORG: the tagger ran a title (or an
    organisation's possessive: "The Harbour Authority's Dominic Vesey") into the name after it.
    The two or three capitalised words after the title are the person."""
    from spacy.tokens import Span as SpacySpan

    if ent.label_ not in ("ORG", "NORP", "GPE") or len(ent) < 3:
        return ent
    titles = ROLE_NOUNS | PERSON_NOUNS | _SHORT_TITLES
    for k in range(len(ent) - 3, -1, -1):
        if ent[k].lower_.rstrip(".") not in titles and ent[k].text not in ("'s", "\u2019s"):
            continue
        name = ent[k + 1:]
        if 2 <= len(name) <= 3 and all(t.pos_ == "PROPN" and t.is_title and t.lower_.rstrip(".") not in ORG_ENDINGS
                                       and t.lower_ not in ORG_NOUNS for t in name):
            return SpacySpan(ent.doc, name.start, name.end, label="PERSON")
        return ent
    return ent


def _company_by_its_ending(ent: "SpacySpan") -> "SpacySpan":
    """ "Quarry Hill Bancorp", tagged PERSON: a name ending in a company's legal or trade word
    ("Inc", "Corp", "Bancorp", "Partnership" ...) is an organisation, whatever the tagger said."""
    from spacy.tokens import Span as SpacySpan

    if ent.label_ != "PERSON" or len(ent) < 2 or ent[-1].lower_.rstrip(".") not in ORG_ENDINGS:
        return ent
    return SpacySpan(ent.doc, ent.start, ent.end, label="ORG")


def named_mentions(doc: "Doc", all_ents: list["SpacySpan"], doc_text: str | None = None) -> list[Mention]:
    ents = [person_fix(e) for e in all_ents if e.label_ in SPEAKER_LABELS and not title_only(e)]
    ents = [_company_by_its_ending(_who_is_a_person(_name_after_a_title(e))) for e in ents]
    people = {e.start for e in ents if e.label_ == "PERSON" and len(e) > 1}
    ents = [e for e in ents if not (len(e) == 1 and e.label_ != "PERSON" and e.start in people)]
    cleaned = [clean_name(e.text) for e in ents]
    names = canonical_names(ents, cleaned)
    out = []
    for ent, text in zip(ents, cleaned):
        canonical, label = names[text]
        out.append(Mention(ent.start_char, ent.end_char, label, canonical, ent))
    repeats = _untagged_surnames(doc, out, doc_text) if doc_text is not None else []
    return sorted(out + repeats, key=lambda m: m.start) if repeats else out


def _untagged_surnames(doc: "Doc", mentions: list[Mention], text: str) -> list[Mention]:
    """ "Lund welcomed her call. “…,” he said": the bare surname of a person the article named in
    full, where the tagger saw no entity (or a common noun), is that person all the same."""
    import re
    from bisect import bisect_right

    from spacy.tokens import Span as SpacySpan

    surnames: dict[str, str] = {}
    for m in mentions:
        words = m.canonical.split()
        if m.label == "PERSON" and name_words(m.canonical) >= 2 and len(words[-1]) >= 3 and words[-1][:1].isupper():
            surnames.setdefault(words[-1], m.canonical)
    if not surnames:
        return []
    starts = [m.start for m in mentions]
    out = []
    for found in re.finditer(r"\b(?:" + "|".join(map(re.escape, surnames)) + r")\b", text):
        n = bisect_right(starts, found.start()) - 1
        if n >= 0 and mentions[n].start <= found.start() < mentions[n].end:
            continue  # part of a tagged name
        span = doc.char_span(found.start(), found.end())
        if span is None or len(span) != 1 or span[0].ent_type_ or span[0].pos_ not in ("PROPN", "NOUN"):
            continue
        ent = SpacySpan(doc, span.start, span.end, label="PERSON")
        out.append(Mention(found.start(), found.end(), "PERSON", surnames[found.group()], ent))
    return out


def named_in(mentions: list[Mention], span: tuple[int, int]) -> Mention | None:
    for m in mentions:
        if m.start >= span[0] and m.end <= span[1]:
            return m
    return None


def named_at(mentions: list[Mention], char: int) -> Mention | None:
    """The named mention containing the SOURCE's head ("Trump's advisers" is not Trump)."""
    from bisect import bisect_right

    n = bisect_right([m.start for m in mentions], char) - 1  # mentions are in text order
    if n >= 0 and mentions[n].start <= char < mentions[n].end:
        return mentions[n]
    return None


def passive_subject(m: Mention) -> bool:
    root = m.ent.root if m.ent is not None else None
    if root is None:
        return False
    if root.dep_ == "appos":
        root = root.head
    return root.dep_ == "nsubjpass" and root.head.lemma_.lower() not in ("ask", "quote", "question", "interview")
