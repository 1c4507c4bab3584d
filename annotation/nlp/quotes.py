"""Our quotation detector: rules over the dependency parse and the quote marks, one pass a Doc.

What it finds (each a :class:`Quotation` in character offsets of the Doc's text):

- direct quotes in double quotes (straight or curly, across sentences and, news style, across
  paragraphs), with the nearest reporting verb outside the marks in the same sentence (or a
  short "he said." sentence right after, or a "X said:" sentence right before) as CUE and its
  subject as SOURCE;
- indirect speech: the clausal complement (``ccomp``) of a reporting verb, a that-clause on a
  noun such as "expressed his confidence that ...", "X told reporters that ...", and
  "according to X, ..."; QUOTE attrs carry ``direct: false``. A clause that contains quoted
  words is a *mixed* quote: one QUOTE over the whole clause (``mixed: true``), so the quoted
  words are attributed to the clause's speaker;
- floating quotes: a quoted sentence with no cue of its own inherits the speaker of the
  quotation just before it (within two paragraphs);
- block quotes after "X said:" and pull-quote lines ending with the speaker's name
  (unmarked_quotes.py);
- pronoun and descriptive sources are resolved to a named entity (speakers.py).

Scare quotes and titles are LEFT OUT, not marked: a quoted stretch of under four words with no
verb that no reporting verb governs, a short all-Title-Case stretch, or a verbless stretch
sitting inside a noun phrase. They are not anyone's quotation, and a researcher would have to
delete every one of them.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Any

from annotation.nlp.cue_patterns import (
    apposed_name, cue_inside_marks, furniture, goes_on, has_verb, hypothetical, is_naming, naming_quotations, negated, set_off,
    speaker_of, speaks, text_reads, trailing_attribution, words_cue,
)
from annotation.nlp.datelines import capitals_lines, dateline_spans, move_sources, outside_datelines
from annotation.nlp.lexicon import (
    CLAUSE_NOUNS, DIRECTIVE_VERBS, NAMING_VERBS, NEEDS_CLAUSE, SAY_VERBS, SPEECH_NOUNS, WORDS_NOUNS,
)
from annotation.nlp.quotation import DocIndex, Offsets, Quotation
from annotation.nlp.quote_filters import drop_nested, one_per_paragraph, without_orphans
from annotation.nlp.quote_marks import QuoteRegion, find_quotes
from annotation.nlp.sources import find_subject, source_span
from annotation.nlp.unmarked_quotes import unmarked_quotations

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["Quotation", "detect_quotations", "find_subject", "source_span"]
_TRIM = {"PUNCT", "SPACE", "CCONJ"}


def detect_quotations(doc: "Doc", ents: list[Any] | None = None) -> list[Quotation]:
    """Every quotation in ``doc``, in text order, speakers resolved (``ents``: doc.ents, if read)."""
    from annotation.nlp.speakers import resolve_speakers

    if len(doc) == 0:
        return []
    text = doc.text  # Doc.text joins every token on each access: read it once
    regions = find_quotes(text)
    datelines = dateline_spans(text)
    headlines = capitals_lines(text) if datelines else []
    if datelines:  # "WASHINGTON, March 2 - ": a place and a date, never a speaker
        ents = outside_datelines(list(doc.ents) if ents is None else ents, datelines + headlines)
    index = DocIndex(doc, regions, text, ents)
    found: list[Quotation] = []
    consumed: set[int] = set()
    cues: list["Token"] = []
    for i in _candidates(doc):
        tok = doc[i]
        if index.region_of[i] != -1:
            continue
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            cues.append(tok)  # '“…”, according to the Herald': the cue of a direct quote too
            q = _according_to(tok, index, consumed)
            if q is not None:
                found.append(q)
        elif tok.dep_ == "xcomp" and tok.head.lemma_ in ("decline", "refuse"):
            continue  # "declined to comment": nothing was said
        elif _asked_of_the_speaker(tok):
            continue  # "when asked what was next, the founder said ...": a question put to them
        elif _inside_a_word(tok, text):
            continue  # "the high fives and told-you-sos": a cue word inside a coined compound
        elif words_cue(tok):  # "in the words of the prosecutor, ...", "in her words, ..."
            cues.append(tok)
            q = _according_to(tok, index, consumed)
            if q is not None:
                found.append(q)
        elif negated(tok) or hypothetical(tok):
            continue  # "has not said whether ...", "should explain how ...": nothing was reported
        elif tok.lemma_.lower() in SPEECH_NOUNS and tok.pos_ == "NOUN":
            q = _speech_noun(tok, index, consumed)  # "Russia's announcement that it will ..."
            if q is not None:
                cues.append(tok)
                found.append(q)
        elif is_naming(tok) and (named := naming_quotations(tok, index, consumed)):
            found.extend(named)  # "called the plan "daylight robbery"", "described it as ..."
        elif tok.lemma_.lower() in SAY_VERBS and (tok.pos_ in ("VERB", "AUX") or _acts_as_verb(tok)) or (
            tok.lemma_.lower() == "call" and any(c.dep_ == "prep" and c.lower_ in ("for", "on") for c in tok.children)
        ) or text_reads(tok) or goes_on(tok):  # "They call for ...": a demand; "The post read: ..."; "went on: ..."
            cues.append(tok)
            found.extend(_clausal(tok, index, consumed))
    for n, region in enumerate(regions):
        if n in consumed:
            continue
        q = _direct(region, index, cues)
        if q is not None:
            found.append(q)
    found.extend(unmarked_quotations(index, cues))
    skip = furniture(text) + headlines  # a wire headline in capitals is a slug, not a report
    if skip:  # captions with a credit, "READ MORE:" lines
        found = [q for q in found if not any(a <= q.start < b for a, b in skip)]
    found = [q for q in found if q.end > q.start]  # an empty content span is no quotation
    found.sort(key=lambda q: q.start)
    found = drop_nested(found, text)
    if datelines:
        index.add_ents(move_sources(doc, found, datelines, index))
    resolve_speakers(doc, found, index)
    return without_orphans(one_per_paragraph(found, text), text)


def _candidates(doc: "Doc") -> list[int]:
    """Tokens that may be cues (reporting verbs, "according", "call"), found on the Doc's arrays
    instead of a Token object per word: this is the rules' only whole-Doc pass."""
    from spacy.attrs import LEMMA, LOWER

    wanted = _cue_hashes(doc.vocab.strings)
    return [i for i, (lemma, lower) in enumerate(doc.to_array([LEMMA, LOWER]).tolist())
            if lemma in wanted or lower in wanted]


_hashes: list[frozenset[int]] = []


def _cue_hashes(strings: Any) -> frozenset[int]:
    """Hashes of the cue words (a string's hash is the same in every StringStore)."""
    if not _hashes:
        words = set(SAY_VERBS) | set(NAMING_VERBS) | set(SPEECH_NOUNS) | {"according", "call", "read", "go", *WORDS_NOUNS}
        _hashes.append(frozenset(strings.add(w) for w in words | {w.capitalize() for w in words}))
    return _hashes[0]


# -- indirect and mixed ------------------------------------------------------------------


def _acts_as_verb(tok: "Token") -> bool:
    """A reporting verb the tagger took for a noun ("The Department notes, ...")."""
    return tok.dep_ == "ROOT" and tok.tag_ in ("NNS", "VBZ", "VBD", "NN") and any(
        c.dep_ in ("nsubj", "ccomp") or (c.i < tok.i and c.dep_ in ("nmod", "compound") and c.pos_ == "PROPN")
        for c in tok.children
    )


def _clausal(verb: "Token", index: DocIndex, consumed: set[int]) -> list[Quotation]:
    """Quotations whose content is a clause governed by a reporting verb."""
    out: list[Quotation] = []
    hearsay = _told_by_nobody(verb, index) if verb.lemma_.lower() == "tell" else _hearsay(verb, index)
    if hearsay is not None:
        return [hearsay]
    trailing = trailing_attribution(verb)
    if trailing is not None:  # "X will close in July, the county board announced"
        subject, lo, hi = trailing
        q = _from_content(lo, hi, verb, subject, (verb.idx, verb.idx + len(verb.text)), index, consumed)
        return [q] if q is not None else out
    subject = speaker_of(verb)
    if subject is None or not speaks(subject, verb):
        return out
    if subject.lower_ in ("i", "you", "we"):
        return out  # "as I said, ..." in a reader's comment is their own opinion, not a report
    for lo, hi in _content_ranges(verb):
        inside = lo < verb.i < hi
        after = verb.right_edge.i + 1
        while inside and after < len(index.doc) and index.doc[after].is_punct and index.region_of[after] == -1:
            after += 1
        if inside and after < len(index.doc) and index.region_of[after] != -1:
            continue  # 'Of the process, he said, "In the end ..."': the direct-quote rule takes it
        q = _from_content(lo, hi, verb, subject, (verb.idx, verb.idx + len(verb.text)), index, consumed,
                          cue_inside=inside)
        if q is not None:
            out.append(q)
    return out


def _content_ranges(verb: "Token") -> list[tuple[int, int]]:
    """Token ranges [lo, hi] of what ``verb`` reports."""
    ranges = []
    for child in verb.children:
        if child.dep_ == "ccomp":
            # "which the chef says she buys": the relative pronoun before the verb is not content
            lo = max(child.left_edge.i, verb.i + 1) if child.i > verb.i else child.left_edge.i
            hi = child.right_edge.i
            if child.i > verb.i:
                lo = _after_the_saying(child, lo)
                lo = _clause_subject_hung_elsewhere(verb, child, lo)
            for sibling in verb.children:
                # "told reporters that X and that Y": both clauses are the report
                if sibling.dep_ == "conj" and sibling.i > hi and any(
                    m.dep_ == "mark" and m.lower_ == "that" for m in sibling.children
                ):
                    hi = sibling.right_edge.i
                elif child.i > verb.i and _but_clause_goes_on(verb, sibling, hi):
                    hi = sibling.right_edge.i
            for conj in child.children:
                # "claimed X and claim Y": the second report is its own quotation; so is
                # "warned that X, saying Y"
                # ("... and he admits that X" too; but not "waves are common and Mr X could have been
                # better advised", nor "he meets them and he recalls a discussion": no report there)
                if conj.dep_ == "conj" and conj.lemma_.lower() in SAY_VERBS | NAMING_VERBS and conj.i > child.i \
                        and _reports_again(conj) or (
                    conj.dep_ == "advcl" and conj.tag_ == "VBG" and conj.lemma_.lower() in SAY_VERBS and conj.i > child.i
                ):
                    hi = min(hi, conj.left_edge.i - 1)
            for later in child.subtree:  # "said it plans to cut jobs even as it reported X": two reports
                if later.i > child.i and later.dep_ == "advcl" and later.lemma_.lower() in SAY_VERBS and _as_it_reported(later):
                    hi = min(hi, later.left_edge.i - 1)
            ranges.append((lo, hi))
        elif child.dep_ in ("advcl", "dep") and child.i > verb.i and any(
            c.lower_ == "that" and c.i < child.left_edge.i for c in verb.children
        ):
            that = next(c for c in verb.children if c.lower_ == "that")
            ranges.append((that.i + 1, child.right_edge.i))  # "states that ..." parsed loosely
        elif child.dep_ == "advcl" and child.i > verb.i and _that_clause(child):
            # "has said before that Kuwait had the ability": the clause hung on "before"
            that = next(m for m in child.children if m.dep_ == "mark" and m.lower_ == "that")
            ranges.append((that.i + 1, child.right_edge.i))
        elif (child.dep_ == "xcomp" or child.dep_ == "advcl" and any(a.lower_ == "to" for a in child.children)) \
                and (verb.lemma_.lower() in DIRECTIVE_VERBS or verb.lemma_.lower() == "call") and any(
            c.dep_ in ("dobj", "dative") or (c.dep_ == "prep" and c.lower_ in ("with", "on")) for c in verb.children
        ):  # "pleaded with him to ...", "called on the government to ..." too
            ranges.append((child.left_edge.i, child.right_edge.i))  # "asked them not to ..."
        elif child.dep_ == "dobj" and child.lemma_.lower() in CLAUSE_NOUNS or child.dep_ == "prep" and any(
            p.dep_ == "pobj" and p.lemma_.lower() in CLAUSE_NOUNS for p in child.children
        ):  # "said in a statement that ...", parsed as a clause on "statement"
            noun = child if child.dep_ == "dobj" else next(p for p in child.children if p.dep_ == "pobj")
            for clause in noun.children:
                if clause.dep_ in ("acl", "ccomp") and (any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children) or (
                    # "expressed concern the disease could spread": the "that" left out
                    clause.left_edge.i == noun.i + 1 and clause.tag_ != "VBG" and not any(m.dep_ == "mark" for m in clause.children)
                    and any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children)
                )):
                    ranges.append((clause.left_edge.i, clause.right_edge.i))
    if not ranges and verb.lemma_.lower() == "say":
        clause = _clause_read_as_adverbial(verb) or _clause_under_an_opening_phrase(verb)
        if clause is not None:
            ranges.append((clause.left_edge.i, clause.right_edge.i))
    if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children) \
            and verb.lemma_.lower() != "continue" and not ranges:
        # "As Heald told the Post, ozone has dropped": the reported clause is the verb's head
        # (not "As negotiations continue, X has ...": no one spoke; nor "even as it reported its
        # profit rose": what it reported is its own clause)
        head = verb.head
        left = (head.left_edge.i, verb.left_edge.i - 1)
        right = (verb.right_edge.i + 1, head.right_edge.i)
        ranges.append(right if right[1] - right[0] >= left[1] - left[0] else left)
    own_clause = any(r[0] > verb.i for r in ranges)  # "X announced that ...": the report is after
    if verb.dep_ == "parataxis" and verb.head.i < verb.i and verb.head.pos_ in ("VERB", "AUX") and not own_clause:
        # "The talks will go on, he said": the reported clause is the verb's head.
        head = verb.head
        ranges.append((head.left_edge.i, verb.left_edge.i - 1))
    elif verb.dep_ == "parataxis" and verb.head.i > verb.i and verb.head.pos_ in ("VERB", "AUX") and set_off(verb):
        # "Too often, he says, they get it": the cue sits inside; both halves are one quotation
        head = verb.head
        ranges.append((head.left_edge.i, head.right_edge.i))
    if any(lo > verb.i for lo, _ in ranges):
        # "With X complete, Microsoft announced that ...": a clause before the verb is a misparse
        # when the verb reports a clause after it
        ranges = [r for r in ranges if r[1] > verb.i]
    return _joined(sorted(ranges), verb)


_HEARSAY_VERBS = frozenset(("say", "report", "allege", "rumour", "rumor"))


def _hearsay(verb: "Token", index: DocIndex) -> Quotation | None:
    """ "A 31-year-old woman is said to be responding well", "The opposition parties are reported
    to have rejected the call": hearsay that names nobody. The clause, its subject included, is
    what was said; there is no source (not "believed" or "thought": those are no speech)."""
    if verb.tag_ != "VBN" or verb.lemma_.lower() not in _HEARSAY_VERBS:
        return None
    children = list(verb.children)
    aux = next((c for c in children if c.dep_ == "auxpass"), None)
    subject = next((c for c in children if c.dep_ == "nsubjpass"), None)
    if aux is None or subject is None or any(c.dep_ == "agent" for c in children) or subject.tag_ in ("WP", "WDT"):
        return None  # "what is reported to be a fake passport": a description, not a report
    if not any(c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in children):
        return None
    return _unsourced(verb, verb.left_edge.i, aux, index, shortest=4)


def _told_by_nobody(verb: "Token", index: DocIndex) -> Quotation | None:
    """ "The Royal Commission has been told directors made a bid for huge payouts", "A court has
    been told the wall of water was unpredictable": what a hearing was told, by nobody named. The
    clause after the verb is what was said; there is no source."""
    children = list(verb.children)
    aux = next((c for c in children if c.dep_ == "auxpass"), None)
    if verb.tag_ != "VBN" or aux is None or not any(c.dep_ == "nsubjpass" for c in children) \
            or any(c.dep_ in ("agent", "dative") for c in children):
        return None
    clause = [c for c in children if c.i > verb.i and c.dep_ in ("ccomp", "xcomp")]
    if not clause or any(a.dep_ == "aux" and a.lower_ == "to" for a in clause[0].children):
        return None  # "was told to leave": an order, not a report
    lo = min([clause[0].left_edge.i] + [c.left_edge.i for c in children if c.dep_ == "dobj" and verb.i < c.i < clause[0].i])
    while lo <= verb.right_edge.i and verb.doc[lo].lower_ == "that":
        lo += 1
    first = min([aux] + [c for c in children if c.dep_ == "aux" and c.i < verb.i], key=lambda t: t.i)
    return _unsourced(verb, lo, first, index, shortest=3)


def _unsourced(verb: "Token", lo: int, cue_from: "Token", index: DocIndex, shortest: int) -> Quotation | None:
    """The quotation from token ``lo`` to the end of ``verb``'s clause (final punctuation left out),
    cued from ``cue_from`` to the verb, with no source; none when it is shorter than ``shortest``
    tokens or holds quote marks (the direct-quote rules take those)."""
    doc = verb.doc
    hi = verb.right_edge.i
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    if hi - lo + 1 < shortest or any(index.region_of[i] != -1 for i in range(lo, hi + 1)):
        return None
    return Quotation(doc[lo].idx, doc[hi].idx + len(doc[hi].text), False, cue=(cue_from.idx, verb.idx + len(verb.text)))


_WHEN_SAID = frozenset(("as", "while", "when", "after", "before"))


def _after_the_saying(clause: "Token", lo: int) -> int:
    """ "Prelogar had said as she concluded her arguments, “diversity is essential ...”": the
    parser hung the time of the saying on the reported clause. An "as"/"while"/"when" clause that
    opens it and ends at a comma tells when it was said; the report starts after the comma."""
    doc = clause.doc
    for lead in clause.children:
        if lead.dep_ != "advcl" or lead.i > clause.i or lead.left_edge.i != lo or not any(
                m.dep_ == "mark" and m.lower_ in _WHEN_SAID for m in lead.children):
            continue
        after = lead.right_edge.i + 1
        if after < clause.i and doc[after].text == ",":
            return after + 1
    return lo


def _clause_subject_hung_elsewhere(verb: "Token", clause: "Token", lo: int) -> int:
    """Where a subjectless reported clause really starts, when the parser hung its subject on
    the words before it: on whom he told ("Mr Gibbons has told the commission, HIH chairman Ray
    Williams and finance director Dominic Federa were at that meeting": the apposition set off
    by a comma), or on a phrase right after the verb ("says for security reasons specific tasks,
    locations and missions will not be revealed": the phrase opens the content)."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in clause.children):
        return lo
    doc = verb.doc
    for obj in verb.children:
        if obj.dep_ == "prep" and obj.i == verb.i + 1 and obj.right_edge.i == lo - 1 and obj.lower_ != "to":
            return obj.left_edge.i
        if obj.dep_ not in ("dobj", "dative") or not verb.i < obj.i < clause.i:
            continue
        for ap in obj.children:
            if ap.dep_ == "appos" and ap.right_edge.i == lo - 1 and doc[ap.left_edge.i - 1].text == ",":
                return ap.left_edge.i
    return lo


def _clause_read_as_adverbial(verb: "Token") -> "Token | None":
    """ "says if fire activity increases, celebrations will be cancelled", "says for nearly 24 hours
    he did not know ...": the small model hung the reported clause on "says" as an adverbial
    one. Right after the verb, with a subject of its own and no marker but "if" or "unless" (not
    "because", "as", "after" ...: those tell about the saying), it is what was said."""
    for child in verb.children:
        if child.dep_ != "advcl" or child.i <= verb.i or child.left_edge.i != verb.i + 1:
            continue
        marks = {m.lower_ for m in child.children if m.dep_ == "mark"}
        if marks - {"if", "unless"} or not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in child.children):
            continue
        if child.tag_ in ("VBG", "VBN", "TO") or any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            continue  # "said, adding ...", "said to be ...": not a clause of its own
        return child
    return None


def _reports_again(conj: "Token") -> bool:
    """A reporting verb joined to a reported clause by "and" is a second report when it shares
    the speaker ("claimed X and claim Y") or has its own speaker and clause ("and he admits that
    Y"); a passive ("X could have been better advised") or a plain object ("recalls a
    discussion") continues the content."""
    deps = {c.dep_ for c in conj.children}
    if "nsubjpass" in deps or "auxpass" in deps:
        return False
    return "nsubj" not in deps or "ccomp" in deps


def _as_it_reported(verb: "Token") -> bool:
    """ "said it plans to cut 1,000 jobs even as it reported its profit rose": a second report,
    with a subject and a clause of its own, joined by "as"."""
    return any(m.dep_ == "mark" and m.lower_ == "as" for m in verb.children) and any(
        c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) and any(c.dep_ == "ccomp" for c in verb.children)


_RELATIVES = frozenset("which who whom whose that where when".split())


def _clause_under_an_opening_phrase(verb: "Token") -> "Token | None":
    """ "He says at the time of the alleged abuse, legal obligations played heavily in his
    decision": the small model hung the whole reported clause on its opening phrase. A phrase
    right after "says" that runs to the sentence's end, with a finite verb after its comma
    (not a relative clause: "said in a statement, which was released on Monday"), is what was
    said, opening phrase and all."""
    doc = verb.doc
    for child in verb.children:
        if child.dep_ != "prep" or child.left_edge.i != verb.i + 1:
            continue
        end = child.right_edge.i
        if not all(t.is_punct or t.is_space for t in doc[end + 1:verb.sent.end]):
            continue
        comma = next((t.i for t in child.subtree if t.text == ","), None)
        if comma is None or comma + 1 > end or doc[comma + 1].lower_ in _RELATIVES:
            continue
        if any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") and t.dep_ != "relcl" for t in doc[comma + 1:end + 1]):
            return child
    return None


def _but_clause_goes_on(verb: "Token", sibling: "Token", hi: int) -> bool:
    """ "said the app is ready to go, but the company must wait until ...": a "but" clause the
    parser hung on the reporting verb is the rest of the report (unless it reports something
    itself: "X said A, but Y said B" is two quotations)."""
    doc = verb.doc
    if sibling.dep_ != "conj" or sibling.pos_ not in ("VERB", "AUX") or sibling.i <= hi:
        return False
    if sibling.lemma_.lower() in SAY_VERBS or not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in sibling.children):
        return False
    between = [t for t in doc[hi + 1:sibling.left_edge.i]]
    return any(t.lower_ == "but" for t in between) and all(t.is_punct or t.lower_ == "but" for t in between)


def _joined(ranges: list[tuple[int, int]], verb: "Token") -> list[tuple[int, int]]:
    """ "added that the bill Obama signed into law last month may not have ended ...": the parser
    split one reported clause in two at a relative clause; back to back after the verb, with no
    "and"/"but" between, they are one report."""
    out: list[tuple[int, int]] = []
    doc = verb.doc
    for lo, hi in ranges:
        if out and out[-1][0] > verb.i and lo == out[-1][1] + 1 and doc[lo].pos_ not in ("CCONJ", "PUNCT") \
                and not any(t.dep_ == "mark" for t in doc[lo:lo + 1]) \
                and not any(t.lemma_.lower() in SAY_VERBS and t.pos_ == "VERB" for t in doc[lo:hi + 1]):
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _asked_of_the_speaker(tok: "Token") -> bool:
    """ "when asked", "if asked", "asked about it," with no subject: the passive question that
    leads into someone's answer, not a report by anyone."""
    if tok.lemma_.lower() != "ask" or tok.tag_ not in ("VBN", "VBD") or tok.dep_ not in ("advcl", "ccomp", "conj"):
        return False
    children = list(tok.children)
    return not any(c.dep_ in ("nsubj", "nsubjpass", "auxpass") for c in children) and (
        tok.tag_ == "VBN" or any(c.lower_ in ("when", "if", "once") and c.i < tok.i for c in children))


def _inside_a_word(tok: "Token", text: str) -> bool:
    before = text[tok.idx - 1:tok.idx] if tok.idx else ""
    after = text[tok.idx + len(tok.text):tok.idx + len(tok.text) + 1]
    return (before == "-" and tok.idx >= 2 and text[tok.idx - 2].isalpha()) or (after == "-" and text[tok.idx + len(tok.text) + 1:][:1].isalpha())


def _speech_noun(noun: "Token", index: DocIndex, consumed: set[int]) -> Quotation | None:
    """ "Russia's announcement that it will help Iran get nuclear fuel", "his claim that ...": the
    possessor said the that-clause (with no possessor, "the announcement that ...", nobody does)."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp") and c.i > noun.i and _that_clause(c)), None)
    if owner is None or clause is None or owner.lower_ in ("my", "our", "your"):
        return None
    that = next(m for m in clause.children if m.dep_ == "mark" and m.lower_ == "that")
    return _from_content(that.i + 1, clause.right_edge.i, noun, owner, (noun.idx, noun.idx + len(noun.text)), index, consumed)


def _that_clause(clause: "Token") -> bool:
    """A clause marked "that" (not "so that", "such that", "now that"): a reported one."""
    marks = {m.lower_ for m in clause.children if m.dep_ == "mark"}
    return "that" in marks and not marks & {"so", "such", "now", "except", "given", "provided"}


def _from_content(lo: int, hi: int, verb: "Token", subject: "Token", cue: Offsets, index: DocIndex,
                  consumed: set[int], cue_inside: bool = False) -> Quotation | None:
    doc = index.doc
    if not 0 <= lo <= hi < len(doc):
        return None  # "according to X" at the very end: nothing on either side
    if doc[lo].lower_ == "whether" or doc[lo].lower_ == "if" and doc[lo].head.dep_ != "advcl" \
            or doc[lo].tag_ == "WDT" and doc[lo].lower_ != "that":
        # a yes/no question ("clarify whether ...") reports no statement; "explained how ..." does,
        # and so does a condition inside the reported clause ("said if X sold, its stock might ...")
        return None
    while lo <= hi and (doc[lo].pos_ in _TRIM or (doc[lo].dep_ == "mark" and doc[lo].lower_ == "that")):
        if index.region_of[lo] != -1 and doc[lo].text not in ",;":
            break  # an opening quote mark starts the content
        lo += 1
    while hi >= lo and doc[hi].pos_ in _TRIM and index.region_of[hi] == -1:
        hi -= 1
    if hi - lo < 1 or (not cue_inside and lo <= subject.i <= hi) or hi >= len(doc):
        return None
    start, end = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
    opened = index.region_of[lo]
    close = index.regions[opened].close if opened != -1 else None
    if close is not None and start > index.regions[opened].open and close < end:
        # content that starts inside a quote never runs past its closing mark ("we are
        # thrilled” about the deal ..." is the quote's words, not the reporter's)
        end = index.regions[opened].end
        hi = index.token_at(end - 1)
        if end <= start:
            return None
    inside = {index.region_of[i] for i in range(lo, hi + 1)} - {-1}
    if inside:
        quoted = sum(min(end, index.regions[n].end) - max(start, index.regions[n].start) for n in inside)
        # words of the reporter's own around the quote make it a mixed quote, however short
        # not counted: the cue clause sitting inside ("Of X, he said, “…”") and a lead-in set off
        # by a comma right before the first quote ("By this time, “…”, according to the Herald")
        first_open = min(index.regions[n].open for n in inside)
        lead = index.token_at(first_open) - 1
        skip_to = lead if lo < lead <= lo + 6 and doc[lead].text == "," else lo
        cue_clause = {t.i for t in verb.subtree} if cue_inside else set()
        own_words = sum(1 for i in range(skip_to, hi + 1)
                        if index.region_of[i] == -1 and doc[i].is_alpha and i not in cue_clause)
        mostly_quoted = quoted >= 0.5 * (end - start) or len(inside) > 1 and quoted >= 0.4 * (end - start)
        # ... but only when the direct rule will take it: a few verbless quoted words ('pilots
        # were "exhausted and angry"') are no direct quote, and the clause is the report
        speech = any(index.sentence_like(n) for n in inside)
        if mostly_quoted and own_words < 3 and speech:
            return None  # mostly quoted: the direct-quote rule attributes it with this cue
        consumed.update(inside)
        return Quotation(start, end, False, source=source_span(subject, index), cue=cue, mixed=True, source_token=subject.i)
    return Quotation(start, end, False, source=source_span(subject, index), cue=cue, source_token=subject.i)


def _according_to(tok: "Token", index: DocIndex, consumed: set[int]) -> Quotation | None:
    """ "According to X, ..." and "in the words of X, ..." / "in her words, ...": the rest of
    the clause (or sentence), on whichever side of the phrase is longer."""
    doc = index.doc
    source = speaker_of(tok)
    if source is None:
        return None
    if tok.lower_ in WORDS_NOUNS:  # the phrase is "in ... words (of X)"
        phrase_lo, anchor = tok.head.i, tok.head
        phrase_hi = tok.right_edge.i
        cue = (doc[phrase_lo].idx, tok.idx + len(tok.text))
    else:
        to = doc[tok.i + 1]
        phrase_lo, anchor = tok.i, tok
        phrase_hi = max(tok.right_edge.i, to.right_edge.i)
        cue = (tok.idx, to.idx + len(to.text))
        named = apposed_name(doc, phrase_hi, index)
        if named is not None:  # "According to the team's coach, Anna Berg, ...": the name is the source
            source, phrase_hi = doc[named[0]], named[1]
    clause = anchor.head if anchor.head is not anchor else anchor
    lo_edge, hi_edge = clause.left_edge.i, clause.right_edge.i
    if hi_edge - lo_edge < 3 or lo_edge > phrase_lo or hi_edge < phrase_hi:
        lo_edge, hi_edge = anchor.sent.start, anchor.sent.end - 1
    before = (lo_edge, phrase_lo - 1)
    after = (phrase_hi + 1, hi_edge)
    if before[1] - before[0] >= 1 and after[1] - after[0] >= 1 and doc[phrase_lo - 1].text == "," and (
        phrase_hi + 1 < len(doc) and doc[phrase_hi + 1].text == ","
    ) and has_verb(doc, after):
        # "The line, according to the ministry, will open in 2027": mid-sentence, one quotation
        return _from_content(lo_edge, hi_edge, tok, source, cue, index, consumed, cue_inside=True)
    lo, hi = after if after[1] - after[0] >= before[1] - before[0] else before
    return _from_content(lo, hi, tok, source, cue, index, consumed)


# -- direct ---------------------------------------------------------------------------


def _direct(region: QuoteRegion, index: DocIndex, cues: list["Token"]) -> Quotation | None:
    doc = index.doc
    first, last = index.token_range(region.start, region.end)
    if last <= first:
        return None
    tokens = doc[first:last]
    words = [t for t in tokens if t.is_alpha]
    # a clause, not a participle inside a noun phrase ("approved security cabinets")
    has_verb = any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound", "npadvmod") for t in tokens)
    capitals = sum(1 for w in words if w.text[:1].isupper())
    verb = _cue_for(region, first, last - 1, index, cues)
    # '“So,” Alito declared, “I take it …”', '“Done,” Trump said': a quote set off by a comma with
    # its cue right after is dialogue, however short (and not a title, however capitalised)
    close = region.close if region.close is not None else region.end
    dialogue = verb is not None and verb.i > last - 1 and "," in index.text[region.end:close + 2] and (
        verb.i - (last - 1) <= 5
        # '“Agreed,” Mayor Selma Ostby said': a longer name, but no other verb in between
        or verb.i - (last - 1) <= 8 and not any(t.pos_ in ("VERB", "AUX") for t in doc[last:verb.i]))
    # Title Case: most words capitalised ("Better Idea of Afghan Girls"), not "We have nowhere to go"
    if len(words) <= 6 and words and all(w.text[:1].isupper() or w.is_stop for w in words) and capitals and (
        2 * capitals >= len(words)
    ) and not index.text[max(0, region.open - 4):region.open].rstrip().endswith(":") and not (
        tokens[0].is_sent_start and has_verb and len(words) > 3) and not (
        has_verb and len(words) > 3 and index.text[region.end - 1:region.end] in ".!?"
    ) and not dialogue:  # ("Thank you for everything, Leo." ends like a sentence: speech, not a title)
        return None  # a title: "Insurgency Wiki", "Cowboys and Indians"
    after = index.text[region.outer_end:region.outer_end + 4].lstrip(" ,")
    if after[:1] in ("—", "–"):
        return None  # '"Headline" — The Canadian Press, 2008': a cited title
    introduced = verb is not None and index.text[verb.idx + len(verb.text):region.open].strip() == ":"  # 'replied: "No."'
    if verb is not None and (verb.lemma_.lower() not in NEEDS_CLAUSE or introduced):  # "Alito continued: “…”"
        subject = speaker_of(verb)
        short_ok = has_verb or len(words) >= 4 or introduced or dialogue or (
            _governs(verb, first, last - 1) and verb.lemma_.lower() != "ask")
        if subject is not None and short_ok and not (first <= subject.i < last) and speaks(subject, verb):
            cue = (verb.idx, verb.idx + len(verb.text))
            return Quotation(region.start, region.end, True, source=source_span(subject, index), cue=cue, source_token=subject.i)
    named = _name_and_colon(region, index)
    if named is not None:  # 'Prelogar: “I can’t think of anything else …”', a transcript line in marks
        return Quotation(region.start, region.end, True, source=(named.start_char, named.end_char),
                         layout="block", source_token=named.end - 1)
    inner = cue_inside_marks(tokens) if len(words) >= 6 else None
    if inner is not None:  # '"We are ready, he said, for anything."': the writer never closed the quote
        verb, subject = inner
        return Quotation(region.start, region.end, True, source=source_span(subject, index),
                         cue=(verb.idx, verb.idx + len(verb.text)), source_token=subject.i)
    sentence = has_verb and words[:1] and words[0].text[:1].isupper() and index.text[region.end - 1:region.end] in ".!?"
    if len(words) < 4 and not sentence:
        return None  # no cue and a few words: a scare quote ("pills", "route out"), not speech
    if not has_verb and _inside_noun_phrase(tokens, first, last - 1):
        return None
    if not has_verb and len(words) < 8:
        return None
    return Quotation(region.start, region.end, True, floating=True)


def _name_and_colon(region: QuoteRegion, index: DocIndex) -> Any:
    """The person named alone before a colon that opens the quote's paragraph ("Prelogar: “…”")."""
    text = index.text
    line_start = text.rfind("\n", 0, region.open) + 1
    head = text[line_start:region.open].rstrip()
    if not head.endswith(":") or not 0 < len(head) <= 40:
        return None
    span = index.doc.char_span(line_start, line_start + len(head) - 1, alignment_mode="contract")
    if span is None or not 1 <= len(span) <= 3 or not all(t.pos_ == "PROPN" and t.is_title for t in span):
        return None
    last = span[-1].lower_
    people = [e for e in index.ents if e.label_ == "PERSON" and e.end_char <= line_start]
    return span if any(e[-1].lower_ == last for e in people) else None


def _cue_for(region: QuoteRegion, first: int, last: int, index: DocIndex, cues: list["Token"]) -> "Token | None":
    """The reporting verb nearest the quote, outside any quote, in the sentences it touches."""
    doc = index.doc
    lo = doc[first].sent.start
    hi = doc[last].sent.end - 1
    # '"…," he said.' split off as its own sentence; or 'He said:' ending the sentence before.
    after = doc[last].sent.end
    if after < len(doc) and doc[after].idx - region.outer_end <= 3 and "\n" not in index.text[region.outer_end:doc[after].idx]:
        # (never across a paragraph break: the next paragraph's "X urged ..." is its own news)
        nxt = doc[after].sent
        if len(nxt) <= 12:
            hi = nxt.end - 1
        else:  # '"…,” said Tom Bonier of the liberal National Committee ..., which ...': the cue opens it
            opener = next((t for t in nxt if not t.is_punct and not t.is_space), None)
            if opener is not None and opener.i <= nxt.start + 2 and opener.lemma_.lower() in SAY_VERBS:
                hi = opener.i
    before = doc[first].sent.start - 1
    if before >= 0 and doc[before].text in (":", "“", '"') or (
        before >= 1 and doc[before].is_space and doc[before - 1].text == ":"
    ):
        lo = doc[before].sent.start
    best: "Token | None" = None
    best_distance = 10**9
    positions = [v.i for v in cues]
    for verb in cues[bisect_left(positions, lo):bisect_right(positions, hi)]:
        if index.region_of[verb.i] != -1:
            continue
        if _crosses_other_quote(verb.i, first, last, index, region):
            continue
        distance = first - verb.i if verb.i < first else verb.i - last
        if verb.i > last:
            distance -= 1  # ties go to the cue after the quote, the news convention
        if distance < best_distance:
            best, best_distance = verb, distance
    return best


def _crosses_other_quote(verb_i: int, first: int, last: int, index: DocIndex, region: QuoteRegion) -> bool:
    """A cue separated from this quote by another complete quote belongs to that one."""
    lo, hi = (verb_i, first) if verb_i < first else (last, verb_i)
    own = index.region_of[first]
    seen = {index.region_of[i] for i in range(lo + 1, hi)} - {-1, own}
    return bool(seen)


def _governs(verb: "Token", first: int, last: int) -> bool:
    """The quoted words hang directly on the verb: 'he said "no"', not 'stored in "cabinets"'."""
    return any(verb.doc[i].head is verb for i in range(first, last + 1))


def _inside_noun_phrase(tokens: Any, first: int, last: int) -> bool:
    for tok in tokens:
        head = tok.head
        if not (first <= head.i <= last):
            return head.pos_ in ("NOUN", "PROPN", "ADP", "DET", "ADJ") or tok.dep_ in ("amod", "compound", "pobj", "dobj")
    return False
