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

from functools import cached_property
from typing import TYPE_CHECKING

from annotation.nlp.cue_patterns import furniture
from annotation.nlp.lexicon import (
    DOCUMENT_SUBJECTS, FIRST_PERSON, GENERIC_NOUNS, GROUP_PRONOUNS, NON_SPEAKERS, ORG_NOUNS, PERSON_NOUNS,
    PERSON_PRONOUNS, ROLE_NOUNS, SPEAKER_LABELS, STATEMENT_NOUNS, THING_PRONOUNS,
)
from annotation.nlp.speaker_hints import genders, name_line_after, name_words, similar_surname

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span as SpacySpan

    from annotation.nlp.quotation import DocIndex, Quotation

_ORG_LABELS = ("ORG", "GPE", "NORP")
_MAX_FLOAT_GAP = 2  # paragraph breaks a floating quote may be from the quotation it continues


class _Mention:
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


def _canonical_names(ents: list["SpacySpan"], cleaned: list[str]) -> dict[str, tuple[str, str]]:
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
            full = next((v for v in longest.values() if _initials(v[0]) == text), None)
            if full is not None:
                longest[key] = full
    return {text: own.get(text) or longest[key] for text, key in zip(cleaned, keys)}


def _expand_acronym(name: str, mentions: list[_Mention]) -> str:
    if name.isupper() and 2 <= len(name) <= 6:
        return next((m.canonical for m in mentions if _initials(m.canonical) == name), name)
    return name


def _initials(name: str) -> str:
    name = name.split("(")[0]
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _clean(text: str) -> str:
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


def _person_fix(ent: "SpacySpan") -> "SpacySpan":
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


def _mentions(doc: "Doc", all_ents: list["SpacySpan"]) -> list[_Mention]:
    ents = [_person_fix(e) for e in all_ents if e.label_ in SPEAKER_LABELS]
    people = {e.start for e in ents if e.label_ == "PERSON" and len(e) > 1}
    ents = [e for e in ents if not (len(e) == 1 and e.label_ != "PERSON" and e.start in people)]
    cleaned = [_clean(e.text) for e in ents]
    names = _canonical_names(ents, cleaned)
    out = []
    for ent, text in zip(ents, cleaned):
        canonical, label = names[text]
        out.append(_Mention(ent.start_char, ent.end_char, label, canonical, ent))
    return out


def resolve_speakers(doc: "Doc", quotations: list["Quotation"], index: "DocIndex") -> None:
    """Fill speaker, speaker_label and coref (and floating quotes' SOURCE) in place."""
    mentions = _mentions(doc, index.ents)
    starts = index.starts
    by_offsets = {(m.start, m.end): m for m in mentions}
    gender: dict[str, str] = genders(doc, mentions)
    history: list["Quotation"] = []  # the attributed quotations so far, in order
    text = index.text
    # a name inside quote marks is talked about, not talking: no antecedent for "he said"
    speaking = [m for m in mentions if m.ent is None or index.region_of[m.ent.start] == -1]
    subjects: list[_Mention] = []
    if any(q.floating for q in quotations):
        captions = furniture(text)
        # people who are the subject of a sentence in the reporting itself (not inside quote
        # marks, not in a caption): one of them between two quotes ends the first speaker's turn
        subjects = [m for m in speaking if m.label == "PERSON" and m.subject and not _passive_subject(m)
                    and not any(a <= m.start < b for a, b in captions)]
    last: tuple[int, "Quotation"] | None = None  # index and quotation of the previous attributed one
    for n, q in enumerate(quotations):
        if q.floating:
            under = name_line_after(text, q.end, mentions)
            if under is not None:  # a quote line, then the name alone on the next line
                q.source, q.speaker, q.speaker_label, q.floating, q.layout = (under.start, under.end), \
                    under.canonical, under.label, False, "pull"
            else:
                _floating(doc, q, mentions, last, text, starts, subjects)
            continue
        if q.source is None:
            continue
        head = doc[q.source_token] if q.source_token >= 0 else None
        named = _named_at(mentions, head.idx) if head is not None else None
        named = named or by_offsets.get(q.source)
        if named is not None and named.label == "NORP" and _person_description(head):
            named = None  # "The Swede said": a person described by nationality
        if named is None and head is not None:
            named, owner = _possessor(head, mentions)
            if named is not None:
                q.coref = (named.start, named.end)
            elif owner is not None:
                head = owner  # "the club's statement read": who is "the club"?
        if named is not None:
            q.speaker, q.speaker_label = named.canonical, named.label
        elif head is not None:
            target = _antecedent(head, q, speaking, last[1] if last else None, gender, history, index.region_of)
            if target is not None:
                q.coref = (target.start, target.end)
                q.speaker, q.speaker_label = target.canonical, target.label
                if head.lower_ in ("he", "she", "him", "her"):
                    gender[target.canonical] = "he" if head.lower_ in ("he", "him") else "she"
            else:
                q.speaker = _expand_acronym(_clean(text[q.source[0]:q.source[1]]), mentions)
        last = (n, q)
        history.append(q)


def _floating(doc: "Doc", q: "Quotation", mentions: list[_Mention], last: "tuple[int, Quotation] | None", text: str,
              starts: list[int], subjects: list[_Mention]) -> None:
    """A quote with no cue: the named subject of the sentence just before it in its paragraph
    ("Senator X issued a statement. “…”"), else the previous quotation's speaker nearby."""
    from bisect import bisect_left

    i = bisect_left(starts, q.start)
    start_token = doc[i] if i < len(doc) else None
    if start_token is not None and start_token.sent.start > 0:
        prev_sent = doc[start_token.sent.start - 1].sent
        fresh = last is None or prev_sent.start_char >= last[1].end
        words = [t for t in prev_sent if not t.is_space]
        if fresh and words and "\n" not in text[words[-1].idx:q.start]:
            # "Captain Jo Baker agreed. “…”" (not "Her brother was killed in the attack. “…”")
            subject = next((m for m in mentions if m.subject and prev_sent.start_char <= m.start < prev_sent.end_char
                            and m.label in ("PERSON", "ORG") and not _passive_subject(m)), None)
            if subject is not None:
                q.source, q.speaker, q.speaker_label = (subject.start, subject.end), subject.canonical, subject.label
                return
    if last is not None and _paragraph_gap(text, last[1].end, q.start) <= _MAX_FLOAT_GAP:
        prev = last[1]
        if any(m.canonical != prev.speaker and last[1].end <= m.start < q.start for m in subjects):
            return  # someone else became the subject in between: the quote is kept, unattributed
        q.source, q.inherits = prev.source, last[0]
        q.speaker, q.speaker_label, q.coref = prev.speaker, prev.speaker_label, prev.coref


def _possessor(head, mentions: list[_Mention]) -> tuple[_Mention | None, object]:  # type: ignore[no-untyped-def]
    """ "Cornyn's statement added", "the results of the X Study revealed": the named owner of a
    statement or document speaks. An owner that is itself a description ("the club's
    statement") comes back as a token to resolve like any description."""
    lemma = head.lemma_.lower()
    if lemma not in STATEMENT_NOUNS and lemma not in DOCUMENT_SUBJECTS:
        return None, None
    for child in head.children:
        if child.dep_ == "poss":
            named = _named_at(mentions, child.idx)
            if named is None and child.pos_ == "PROPN":  # the tagger missed the bare surname
                named = next((m for m in mentions if m.canonical.lower().split()[-1] == child.lower_), None)
            if named is None and child.pos_ == "NOUN":
                return None, child
            return named, None
        if child.dep_ == "prep" and child.lower_ == "of" and lemma in DOCUMENT_SUBJECTS:
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return _named_at(mentions, obj.idx) or _named_in(mentions, (obj.left_edge.idx, obj.right_edge.idx + 1)), None
    return None, None


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
    from bisect import bisect_right

    n = bisect_right([m.start for m in mentions], char) - 1  # mentions are in text order
    if n >= 0 and mentions[n].start <= char < mentions[n].end:
        return mentions[n]
    return None


def _antecedent(head, q: "Quotation", mentions: list[_Mention], prev: "Quotation | None",  # type: ignore[no-untyped-def]
                gender: dict[str, str], history: "list[Quotation]", quoted: list[int]) -> _Mention | None:
    word = head.lower_
    before = [m for m in mentions if m.end <= q.source[0]]  # type: ignore[index]
    if word in FIRST_PERSON:
        return None
    prev_mention = _latest_of(before, prev.speaker) if prev is not None and prev.speaker else None
    if word in PERSON_PRONOUNS:
        other = "she" if word in ("he", "him") else "he"  # "him" is a he too
        ok = lambda m: m.label == "PERSON" and gender.get(m.canonical) != other  # noqa: E731
        # A person made the subject since the last quotation ("Kane won the award. He said")
        # outranks the previous speaker; otherwise the previous speaker keeps the floor.
        since = prev.end if prev is not None else -1
        topic = next((m for m in reversed(before) if m.subject and m.start >= since and ok(m)
                      and m.sentence >= _sentence_before(head)), None)
        if topic is not None:
            return topic
        untagged = _untagged_subject(head, names_only=True, quoted=quoted)
        if untagged is not None:
            # "Marsh disagreed. According to him, ...": the bare surname of a name seen before
            last_word = untagged.canonical.split()[-1].lower()
            known = next((m for m in reversed(mentions) if m.canonical.split()[-1].lower() == last_word), None)
            if known is not None:
                untagged = _Mention(untagged.start, untagged.end, "PERSON", known.canonical)
        if untagged is not None and untagged.start >= since and gender.get(untagged.canonical) != other:
            return untagged  # "Ana Ruiz met Tom Bell. She said ...": a subject the tagger missed
        if prev_mention is not None and ok(prev_mention):
            return prev_mention
        if prev is not None and prev.source is not None and prev.speaker and gender.get(prev.speaker) != other and \
                prev.speaker_label in ("", "PERSON") and prev.speaker[:1].isupper():
            # the previous speaker is a name the tagger missed ("Paris claims ... She also claims")
            start, end = prev.coref or prev.source  # chain "she" -> "She" -> the name itself
            return _Mention(start, end, "PERSON", prev.speaker)
        return next((m for m in reversed(before) if ok(m)), None) or _untagged_subject(head)
    if word in GROUP_PRONOUNS or word in THING_PRONOUNS:
        group = _group_speaker(head.doc, history) if word in GROUP_PRONOUNS else None
        if group is not None:
            # "The report's authors say ... They say ...": the same group keeps speaking (a
            # study quoted in between does not take over: "they" are people)
            start, end = group.coref or group.source  # type: ignore[misc]
            return _Mention(start, end, "", group.speaker)
        if prev_mention is not None and prev_mention.label in _ORG_LABELS:
            return prev_mention
        wanted = ("ORG", "NORP") if word in GROUP_PRONOUNS else ("ORG",)
        return next((m for m in reversed(before) if m.label in wanted), None)
    if _person_description(head):
        # "the 52-year-old told the BBC", "The Swede said": the person being written about
        since = prev.end if prev is not None else -1
        topic = next((m for m in reversed(before) if m.label == "PERSON" and m.subject and m.start >= since
                      and m.sentence >= _sentence_before(head)), None)
        if topic is not None:
            return topic
        if prev_mention is not None and prev_mention.label == "PERSON":
            return prev_mention
        return next((m for m in reversed(before) if m.label == "PERSON"), None)
    if head.pos_ not in ("NOUN",) or head.tag_ in ("NNS",) or word in GENERIC_NOUNS:
        return None
    if any(c.dep_ in ("det", "nummod") and c.lower_ in ("a", "an", "one", "another") for c in head.children):
        return None  # "a spokeswoman for X" is someone new, not X nor the last person named
    noun = head.lemma_.lower()
    if (noun in STATEMENT_NOUNS and noun not in ROLE_NOUNS) or noun in NON_SPEAKERS:
        return None  # "the report says": the document speaks for itself
    if noun in ORG_NOUNS:
        # "the ministry" is the Ministry named before; an unnamed "the government" stays as is
        named = next((m for m in reversed(before) if m.label in _ORG_LABELS and noun in m.canonical.lower()), None)
        if named is not None:
            return named
        if prev_mention is not None and prev_mention.label == "ORG":
            return prev_mention
        # "City United have signed X, the club said": the one organisation named in this
        # sentence or the one before
        sent = head.sent
        lo = head.doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
        near = {m.canonical for m in before if m.label == "ORG" and m.start >= lo}
        if len(near) == 1:
            return next(m for m in reversed(before) if m.canonical in near)
        return None
    described = next((m for m in reversed(before) if (m.label == "PERSON" or noun in ROLE_NOUNS and m.label == "ORG")
                      and noun in m.descriptors), None)
    if described is not None:
        return described
    if any(c.dep_ == "poss" for c in head.children):
        return None  # "His lawyer said": someone beside the last speaker, unnamed unless apposed
    if noun in PERSON_NOUNS:
        # "The defector told reporters": only the person this or the previous sentence is about
        since = prev.end if prev is not None else -1
        return next((m for m in reversed(before) if m.label == "PERSON" and m.subject and m.start >= since
                     and m.sentence >= _sentence_before(head)), None)
    if noun not in ROLE_NOUNS:
        return None
    if prev_mention is not None and prev_mention.label == "PERSON":
        return prev_mention
    return next((m for m in reversed(before) if m.label == "PERSON"), None)


def _passive_subject(m: _Mention) -> bool:
    root = m.ent.root if m.ent is not None else None
    if root is None:
        return False
    if root.dep_ == "appos":
        root = root.head
    return root.dep_ == "nsubjpass" and root.head.lemma_.lower() not in ("ask", "quote", "question", "interview")


def _person_description(head) -> bool:  # type: ignore[no-untyped-def]
    """ "the 52-year-old", "the Swede": an age or a nationality standing for a person."""
    definite = any(c.dep_ == "det" and c.lower_ == "the" for c in head.children)
    if not definite:
        return False
    if head.lower_.endswith("-year-old") or (head.lower_ == "old" and "year" in head.doc[max(0, head.i - 3):head.i].text):
        return True
    return head.ent_type_ == "NORP" and head.tag_ == "NNP"


def _group_speaker(doc: "Doc", history: "list[Quotation]") -> "Quotation | None":
    """The latest of the last three quotations whose SOURCE is a plural of people."""
    for q in reversed(history[-3:]):
        if q.source is None or q.source_token < 0:
            continue
        tok = doc[q.source_token]
        if tok.tag_ in ("NNS", "NNPS"):
            if tok.lemma_.lower() in DOCUMENT_SUBJECTS or tok.lemma_.lower() in NON_SPEAKERS:
                continue
            return q
        return None  # a singular speaker came in between
    return None


def _untagged_subject(head, names_only: bool = False,  # type: ignore[no-untyped-def]
                     quoted: "list[int] | None" = None) -> _Mention | None:
    """Last resort for he/she: a proper-noun subject the tagger did not call a person, in this
    sentence or the one before ("De Waal, who ..., had been under pressure. She said ...")."""
    doc = head.doc
    start = head.sent.start
    if start > 0:
        start = doc[start - 1].sent.start
    for tok in reversed(doc[start:head.i]):
        if tok.dep_ in (("nsubj", "nsubjpass") if names_only else ("nsubj",)) and tok.pos_ == "PROPN" \
                and tok.ent_type_ not in ("GPE", "NORP", "LOC", "FAC", "DATE") \
                and not (names_only and tok.ent_type_) and tok.is_title \
                and not (quoted is not None and quoted[tok.i] != -1):  # "“Leo knows ...,” she said"
            first = tok.left_edge.i
            while first < tok.i and doc[first].pos_ not in ("PROPN",):
                first += 1
            name = doc[first:tok.i + 1]
            return _Mention(name.start_char, name.end_char, "PERSON", _clean(name.text))
    return None


def _sentence_before(head) -> int:  # type: ignore[no-untyped-def]
    """Start of the sentence before the pronoun's own (how far back a new topic may be)."""
    sent = head.sent
    if sent.start == 0:
        return 0
    return head.doc[sent.start - 1].sent.start_char


def _latest_of(before: list[_Mention], canonical: str) -> _Mention | None:
    return next((m for m in reversed(before) if m.canonical == canonical), None)
