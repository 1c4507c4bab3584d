"""Reporting constructions beyond "X said (that) ...": naming verbs, "in X's words", "the post
read", a speaker the parser left unattached, and the tests that keep non-speech out.

Kept apart from quotes.py so each module stays one idea: quotes.py pairs cues with content,
this module says which words are cues and who stands behind them.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from annotation.nlp.lexicon import (
    DOCUMENT_SUBJECTS, DOCUMENT_VERBS, GENERIC_NOUNS, NAMING_VERBS, NEEDS_CLAUSE, NON_SPEAKERS, SAY_VERBS, TEXT_NOUNS,
    WORDS_NOUNS,
)
from annotation.nlp.quotation import DocIndex, Quotation
from annotation.nlp.sources import find_subject, source_span

if TYPE_CHECKING:
    from spacy.tokens import Token

_HYPOTHETICAL = {"would", "could", "might", "may", "should"}
_MAX_FRAGMENT_WORDS = 12  # a naming verb's quoted complement is a phrase, not a speech


def negated(verb: "Token") -> bool:
    """ "has not said", "never said": nothing was reported (a "do not mark" case)."""
    # before the verb: a "not" inside the quote ('replied: "Absolutely not."') negates nothing
    return any(c.dep_ == "neg" and c.i < verb.i for c in verb.children)


def hypothetical(verb: "Token") -> bool:
    """ "would call them ...": a manner of speaking, not a report of what was said."""
    return any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL for c in verb.children)


def speaks(subject: "Token | None", verb: "Token") -> bool:
    """A subject that can be a speaker of ``verb``: not "Estimates suggest ...", but "The results
    of the study revealed that ..." and "PC World's analysis concluded, ..." are reports."""
    if subject is None:
        return False
    lemma = subject.lemma_.lower()
    if lemma not in NON_SPEAKERS:
        return True
    return lemma in DOCUMENT_SUBJECTS and verb.lemma_.lower() in DOCUMENT_VERBS


def text_reads(verb: "Token") -> bool:
    """ "The post read: ...", "the club's statement read": a text as the subject of "read"."""
    if verb.lemma_.lower() != "read" or not (verb.pos_ == "VERB" or verb.dep_ == "ROOT"):
        return False  # the tagger often calls a sentence's "read" a noun: "The post read: ..."
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subject is not None and subject.lemma_.lower() in TEXT_NOUNS


def goes_on(verb: "Token") -> bool:
    """ "Hughes went on: “…”": carrying on speaking. ("went on to say that ..." reports through "say".)"""
    return verb.lemma_.lower() == "go" and verb.pos_ == "VERB" and any(
        c.dep_ == "prt" and c.lower_ == "on" for c in verb.children) and not any(c.dep_ == "xcomp" for c in verb.children)


def words_cue(tok: "Token") -> bool:
    """ "in the words of the prosecutor, ...", "in her words, ...", "in his view, ...": the
    noun under "in" (an opinion so attributed is as much the speaker's as their words)."""
    return tok.lower_ in WORDS_NOUNS and tok.dep_ == "pobj" and tok.head.lower_ == "in"


def speaker_of(cue: "Token") -> "Token | None":
    """Who stands behind a cue: the pobj of "according to" / "in the words of", the owner of
    "her words", else the reporting verb's subject."""
    if cue.lower_ in WORDS_NOUNS:
        for child in cue.children:
            if child.dep_ == "poss":
                return child
            if child.dep_ == "prep" and child.lower_ == "of":
                return next((p for p in child.children if p.dep_ == "pobj"), None)
        return None
    if cue.lower_ == "according":
        doc = cue.doc
        to = doc[cue.i + 1] if cue.i + 1 < len(doc) else cue
        return next((c for c in list(to.children) + list(cue.children) if c.dep_ == "pobj"), None)
    subject = find_subject(cue)
    return subject if subject is not None else unattached_name(cue)


def unattached_name(verb: "Token") -> "Token | None":
    """The speaker the parser hung elsewhere: "Speaking in their defence, Tom Molomby, SC, said
    that ..." leaves "said" without a subject; the name right before the verb is it."""
    doc = verb.doc
    i = verb.i - 1
    steps = 0
    while i >= 0 and steps < 8:
        tok = doc[i]
        steps += 1
        if tok.is_punct or tok.is_space:
            i -= 1
            continue
        if tok.dep_ == "appos" and tok.head.i < tok.i:
            if tok.ent_type_ == "PERSON" and tok.head.pos_ == "NOUN":
                return tok  # "His deputy, Laura Finch, conceded ...": the name set off after the title
            i = tok.head.i  # "Tom Molomby, SC," : skip the post-nominal title to the name
            continue
        if tok.pos_ == "PROPN" and tok.is_title and tok.ent_type_ in ("PERSON", ""):
            return tok
        if steps == 1 and tok.pos_ in ("NOUN", "ADJ") and _described_after_quote(tok):
            return tok  # '"…," the 54-year-old said': the parser left "said" without a subject
        apposed = _apposed_to_opening_phrase(tok, verb)
        if apposed is not None:
            return apposed
        break
    # '"…,'' said engineer Ruth Ndlovu': the quote marks threw the parser; the name follows
    for tok in doc[verb.i + 1:min(len(doc), verb.i + 4)]:
        if tok.ent_type_ == "PERSON":
            return tok  # any token of the name: the SOURCE span is the whole entity
        if tok.is_punct:
            break
    return None


def _apposed_to_opening_phrase(tok: "Token", verb: "Token") -> "Token | None":
    """ "In a filing with the Commission, the group, led by X Corp, said ...": the parser made
    "the group" an apposition of the opening phrase's object, and "said" lost its subject. The
    apposition whose words run up to the verb is who speaks."""
    for node in [tok, *tok.ancestors]:
        if node.i >= verb.i or node.sent != verb.sent:
            return None
        if node.dep_ == "appos" and node.head.dep_ == "pobj" and node.pos_ in ("NOUN", "PROPN") and \
                all(t.is_punct for t in verb.doc[node.right_edge.i + 1:verb.i]):
            opener = next((a for a in node.head.ancestors if a.dep_ == "prep" and a.head.i == verb.i), None)
            if opener is not None and opener.i < node.i:
                return node
    return None


def _described_after_quote(tok: "Token") -> bool:
    """ '"…," the 54-year-old said': a short "the ..." phrase right after a quote's closing mark."""
    doc = tok.doc
    for i in range(tok.i - 1, max(-1, tok.i - 7), -1):
        if doc[i].lower_ == "the":
            return i > 0 and doc[i - 1].text in ("\"", "”", "’", "''", ",")
        if doc[i].pos_ not in ("NUM", "PUNCT", "NOUN", "ADJ"):
            return False
    return False


def naming_quotations(verb: "Token", index: DocIndex, consumed: set[int]) -> list[Quotation]:
    """ "called the plan "daylight robbery"", "described the crash as "entirely avoidable"",
    "characterized homeopathy as a form of quackery": what a naming verb reports.

    Quoted words in the verb's complement are the quotation (one per quoted stretch); with no
    marks, only describe/characterize with an "as" phrase report anything. A generic plural
    ("Critics called the plan ‘a bit rich’") or a hypothetical ("would call them ...") is no
    one's quotation: those stay scare quotes.
    """
    if verb.dep_ == "acl":
        return []  # "a group called “Save Our Fields”": a name, not a judgement anyone voiced
    subject = find_subject(verb)
    if subject is None or negated(verb) or hypothetical(verb) or not speaks(subject, verb):
        return []
    naming = verb.lemma_.lower() in NAMING_VERBS
    if naming and subject.tag_ == "NNS" and subject.lemma_.lower() in GENERIC_NOUNS | {"critic"}:
        return []  # "Critics called the plan ‘a bit rich’": a judgement, not one speaker's words
    if subject.lower_ in ("i", "we", "you"):
        return []
    doc = index.doc
    source = source_span(subject, index)
    cue = (verb.idx, verb.idx + len(verb.text))
    subject_tokens = {t.i for t in subject.subtree}
    out: list[Quotation] = []
    seen: set[int] = set()
    for i in range(verb.i + 1, verb.right_edge.i + 1):
        n = index.region_of[i]
        if n == -1 or n in seen or n in consumed or i in subject_tokens:
            continue
        seen.add(n)
        if not _complement_of(doc[i], verb):
            continue  # "expressed his confidence that ... “prospects”": the clause rule takes it
        region = index.regions[n]
        first, last = index.token_range(region.start, region.end)
        if sum(1 for t in doc[first:last] if t.is_alpha) > _MAX_FRAGMENT_WORDS and verb.lemma_.lower() not in (
            "describe", "characterize", "characterise"
        ):
            continue
        words = [t for t in doc[first:last] if t.is_alpha]
        if len(words) > 1 and all(t.is_title or t.is_stop for t in words) and verb.lemma_.lower() in NAMING_VERBS:
            continue  # 'named it "Better Idea of Afghan Girls"': a title
        consumed.add(n)
        out.append(Quotation(region.start, region.end, False, source=source, cue=cue, mixed=True,
                             source_token=subject.i))
    if not out and verb.lemma_.lower() in _PREDICATING and subject.tag_ not in ("NNS", "NNPS") and \
            subject.lower_ not in ("they", "them"):  # "Fans call him a legend": a reputation, not a report
        judged = _judgement(verb, index)  # "Novak calls it a gift to the banks"
        if judged is not None:
            out.append(Quotation(judged[0], judged[1], False, source=source, cue=cue, source_token=subject.i))
    if out or verb.lemma_.lower() not in ("describe", "characterize", "characterise", "portray", "depict"):
        return out
    as_phrase = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"), None)
    if as_phrase is None or as_phrase.right_edge.i <= as_phrase.i:
        return out
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < as_phrase.i), None)
    lo = obj.left_edge.i if obj is not None and obj.tag_ not in ("WDT", "WP") else as_phrase.i
    hi = as_phrase.right_edge.i
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    out.append(Quotation(doc[lo].idx, doc[hi].idx + len(doc[hi].text), False, source=source, cue=cue,
                         source_token=subject.i))
    return out


_PREDICATING = frozenset("call dub label brand term".split())


def _judgement(verb: "Token", index: DocIndex) -> tuple[int, int] | None:
    """ "calls it a gift to the banks": an unquoted judgement after "call" + object is the
    speaker's words when it is a common-noun phrase with an article ("a gift", not a name:
    "call him Tiny", "the Iron Chancellor"; not "called it a day")."""
    doc = index.doc
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    judged = next((c for c in verb.children if c.dep_ == "oprd"), None)
    if obj is None or judged is None or judged.pos_ != "NOUN" or judged.i < obj.i or index.region_of[judged.i] != -1:
        return None
    if not any(c.dep_ == "det" for c in judged.children) or judged.lemma_.lower() in ("day", "night", "halt"):
        return None
    lo, hi = judged.left_edge.i, judged.right_edge.i
    # the parser often hangs the judgement's own "to the banks" on the verb: it belongs to it
    while hi + 1 < len(doc) and doc[hi + 1].head.i == verb.i and doc[hi + 1].dep_ == "prep":
        hi = doc[hi + 1].right_edge.i
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


# Say-class verbs whose object can be quoted words: "expressed "deep concern"", "voiced "doubts"".
_FRAGMENT_VERBS = frozenset("express voice echo".split())


def _complement_of(tok: "Token", verb: "Token") -> bool:
    """``tok`` hangs on ``verb`` through its object or "as" phrase, not through a clause."""
    node = tok
    for _ in range(8):
        if node.i == verb.i:
            return True
        if node.dep_ in ("acl", "ccomp", "relcl", "advcl") or node.head is node or (
            node.dep_ == "conj" and node.pos_ in ("VERB", "AUX")
        ):
            return False  # "called it "x" and "y"" is one naming; a second clause is not
        node = node.head
    return False


def is_naming(tok: "Token") -> bool:
    lemma = tok.lemma_.lower()
    return (lemma in NAMING_VERBS or lemma in _FRAGMENT_VERBS) and tok.pos_ == "VERB"


_CREDIT = re.compile(r"(?:^|[.\s])(?:Image|Photo|Photograph|Picture|Video|Audio|Credit|Source)s?:\s*[^.\n]{1,80}\.?\s*$")
_NAVIGATION = re.compile(r"^\s*(?:READ MORE|READ ALSO|WATCH|LISTEN|SEE ALSO|RELATED|MORE)\s*:", re.IGNORECASE)


def furniture(text: str) -> list[tuple[int, int]]:
    """Paragraphs that are page furniture, not reporting: "READ MORE: ...", "WATCH: ...", and
    photo captions ending in a credit ("... Image: NASA."). Quotations there are left out."""
    from annotation.nlp.quote_marks import paragraph_spans

    out = []
    for start, end in paragraph_spans(text):
        para = text[start:end]
        if _NAVIGATION.match(para) or (len(para) < 400 and _CREDIT.search(para)) or _heading(para):
            out.append((start, end))
    return out


_QUOTE_MARKS = "\"'“”‘’«»"


def _heading(para: str) -> bool:
    """A headline or subheading ("Affirmative action and ‘the nation that we aspire to be’"): a
    short line that does not open with a quote mark and ends without a sentence's punctuation.
    Words in quote marks there are a title's, nobody's report."""
    line = para.strip()
    if not line or "\n" in line or line[0] in _QUOTE_MARKS or len(line.split()) > 15:
        return False
    if re.search(r"[.!?][\"”’']?\s+\S", line):
        return False  # a sentence and a name after it: a pull quote ("... or lose my job. Marta Lisbon")
    return line.rstrip(_QUOTE_MARKS + " ")[-1:] not in ".!?…:;,"


_PERSONAL = {"i", "we", "me", "us", "my", "our", "you", "your"}


def speech_like(words: str) -> bool:
    """A quote with no speaker worth keeping: someone's words (first or second person, or a
    full sentence), not a slogan or a headline."""
    tokens = words.replace("’", "'").split()
    if len(tokens) < 4:
        return False
    return any(t.strip(".,;:!?\"'").lower() in _PERSONAL for t in tokens) or (
        words.rstrip("\"”’' ")[-1:] in ".!?" and words[:1].isupper() and len(tokens) >= 8)


def set_off(verb: "Token") -> bool:
    """The reporting clause stands between commas (or dashes) inside the sentence."""
    doc = verb.doc
    lo, hi = verb.left_edge.i, verb.right_edge.i
    marks = (",", "—", "–")
    opened = doc[lo].text in marks or (lo > 0 and doc[lo - 1].text in marks)
    closed = doc[hi].text in marks or (hi + 1 < len(doc) and doc[hi + 1].text in marks)
    return lo > 0 and opened and closed


def apposed_name(doc: Any, last: int, index: DocIndex) -> tuple[int, int] | None:
    """A person's name set off by commas right after a phrase: ", Anna Berg," -> (name head,
    index of the closing comma)."""
    if last + 2 >= len(doc) or doc[last + 1].text != ",":
        return None
    n = index.ent_at[last + 2]
    if n == -1 or index.ents[n].label_ != "PERSON" or index.ents[n].start != last + 2:
        return None
    ent = index.ents[n]
    if ent.end < len(doc) and doc[ent.end].text == ",":
        return ent.end - 1, ent.end
    return None


def has_verb(doc: Any, span: tuple[int, int]) -> bool:
    return any(doc[i].pos_ in ("VERB", "AUX") for i in range(span[0], span[1] + 1))


def cue_inside_marks(tokens: Any) -> "tuple[Token, Token] | None":
    """A parenthetical "..., he said, ..." / "..., said Ruth Ndlovu." inside one pair of marks,
    read off the words (the parser makes the whole quote hang on such a verb): between a comma
    and the next comma or full stop, only the verb and who said it."""
    doc = tokens.doc
    for verb in tokens:
        if verb.lemma_.lower() not in SAY_VERBS or verb.pos_ != "VERB" or verb.lemma_.lower() in NEEDS_CLAUSE:
            continue
        lo = verb.i - 1
        while lo > tokens.start and verb.i - lo <= 5 and doc[lo].text != ",":
            lo -= 1
        hi = verb.i + 1
        while hi < tokens.end - 1 and hi - verb.i <= 5 and doc[hi].text not in (",", "."):
            hi += 1
        if hi >= len(doc) or doc[lo].text != "," or doc[hi].text not in (",", "."):
            continue
        between = [t for t in doc[lo + 1:hi] if t.i != verb.i]
        if not between or not all(t.pos_ in ("PRON", "PROPN", "NOUN", "DET", "ADJ") for t in between):
            continue
        who = [t for t in between if t.pos_ == "PROPN"] or [t for t in between if t.pos_ == "PRON"]
        if who and who[-1].lower_ not in ("i", "we", "you", "me", "us"):
            return verb, who[-1]
    return None


def trailing_attribution(verb: "Token") -> "tuple[Token, int, int] | None":
    """ "The school will close in July, the county education board announced on Thursday": the
    parser hangs the verb on the noun before it (acl) and the noun on the clause (conj). A
    reporting verb right after ", the N" that ends a sentence whose first part is a clause
    reports that clause, and the noun is who says it."""
    doc = verb.doc
    head = verb.head
    if verb.dep_ not in ("acl", "relcl") or head.pos_ not in ("NOUN", "PROPN") or head.i != verb.i - 1:
        return None
    comma = head.left_edge.i - 1
    sent = verb.sent
    if comma <= sent.start + 2 or doc[comma].text != "," or any(c.dep_ == "dobj" for c in verb.children):
        return None
    if not any(t.pos_ in ("VERB", "AUX") and t.dep_ == "ROOT" for t in doc[sent.start:comma]):
        return None
    return head, sent.start, comma - 1
