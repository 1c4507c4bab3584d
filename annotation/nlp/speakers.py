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

from typing import TYPE_CHECKING

from annotation.nlp.cue_patterns import furniture
from annotation.nlp.descriptions import (
    described_age, described_subject, description_phrase, document_author, person_echoed, person_of_age, proper_subject_nearby,
    same_description_before,
)
from annotation.nlp.lexicon import (
    DOCUMENT_SUBJECTS, FIRST_PERSON, GENERIC_NOUNS, ORG_ENDINGS, GROUP_PRONOUNS, NON_SPEAKERS, ORG_NOUNS, PERSON_NOUNS,
    PERSON_PRONOUNS, ROLE_NOUNS, STATEMENT_NOUNS, TEXT_NOUNS, THING_PRONOUNS,
)
from annotation.nlp.mentions import (
    Mention, clean_name, expand_acronym, named_at, named_in, named_mentions, passive_subject,
)
from annotation.nlp.speaker_hints import genders, name_line_after, word_gender

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from annotation.nlp.quotation import DocIndex, Quotation

_ORG_LABELS = ("ORG", "GPE", "NORP")
_MAX_FLOAT_GAP = 2  # paragraph breaks a floating quote may be from the quotation it continues


def resolve_speakers(doc: "Doc", quotations: list["Quotation"], index: "DocIndex") -> None:
    """Fill speaker, speaker_label and coref (and floating quotes' SOURCE) in place."""
    mentions = named_mentions(doc, index.ents, index.text)
    starts = index.starts
    by_offsets = {(m.start, m.end): m for m in mentions}
    # what the text says about each person's gender matters only to a he/she/him/her SOURCE
    gendered = any(q.source_token >= 0 and doc[q.source_token].lower_ in PERSON_PRONOUNS for q in quotations)
    gender: dict[str, str] = genders(doc, mentions) if gendered else {}
    history: list["Quotation"] = []  # the attributed quotations so far, in order
    text = index.text
    # a name inside quote marks is talked about, not talking: no antecedent for "he said"
    speaking = [m for m in mentions if m.ent is None or index.region_of[m.ent.start] == -1]
    subjects: list[Mention] = []
    if any(q.floating for q in quotations):
        captions = furniture(text)
        # people who are the subject of a sentence in the reporting itself (not inside quote
        # marks, not in a caption): one of them between two quotes ends the first speaker's turn
        subjects = [m for m in speaking if m.label == "PERSON" and m.subject and not passive_subject(m)
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
        named = named_at(mentions, head.idx) if head is not None else None
        named = named or by_offsets.get(q.source)
        if named is None and head is not None and head.pos_ == "NOUN" and q.source[0] > head.idx:
            # a name found inside the title phrase where the tagger saw none ("Executive director
            # of the ... Alia Salem said"): the SOURCE is that name
            named = Mention(q.source[0], q.source[1], "PERSON", clean_name(text[q.source[0]:q.source[1]]))
        if named is not None and named.label == "NORP" and _person_description(head):
            named = None  # "The Swede said": a person described by nationality
        owner = None
        if named is None and head is not None:
            named, owner = _possessor(head, mentions)
            if named is not None:
                q.coref = (named.start, named.end)
            elif owner is not None:
                head = owner  # "the club's statement read": who is "the club"?
        if named is not None:
            q.speaker, q.speaker_label = named.canonical, named.label
        elif head is not None:
            target = _antecedent(head, q, speaking, last[1] if last else None, gender, history, index.region_of, text)
            if target is not None:
                q.coref = (target.start, target.end)
                q.speaker, q.speaker_label = target.canonical, target.label
                if head.lower_ in PERSON_PRONOUNS:
                    gender[target.canonical] = "he" if head.lower_ in ("he", "him", "his") else "she"
            elif owner is not None:
                q.speaker = description_phrase(owner)  # "the authority's own figures": the authority
            else:
                q.speaker = expand_acronym(clean_name(text[q.source[0]:q.source[1]]), mentions)
        last = (n, q)
        history.append(q)
    _documents_named_next(doc, quotations)
    _described_then_named(doc, quotations, speaking)


def _described_then_named(doc: "Doc", quotations: list["Quotation"], mentions: list[Mention]) -> None:
    """ "The Queensland Premier says ... Premier Peter Beattie says ...", "..., his agent said.
    Hawthorne had been battling cancer ..., said Ken McReddie": news describes a speaker first and
    names them in the next sentences. An unresolved person description is the person named next
    with that title ("Premier", "coroner", "spokesman"); or, when the description says nothing
    of whom it serves ("a spokeswoman for X" stays unnamed), the speaker of the very next
    quotation, if that name carries no other title and nobody else became the subject between."""
    for n, q in enumerate(quotations):
        if q.floating or q.coref is not None or q.source_token < 0 or q.speaker_label in ("PERSON",) + _ORG_LABELS:
            continue
        head = doc[q.source_token]
        lemma = head.lemma_.lower()
        if head.pos_ not in ("NOUN", "PROPN") or lemma in ORG_NOUNS or lemma in _DOCUMENT_NOUNS or head.tag_ in ("NNS", "NNPS") \
                or not (lemma in ROLE_NOUNS or lemma in PERSON_NOUNS or _person_description(head)
                        or lemma.endswith(_PERSON_ENDINGS)):
            continue
        sent = head.sent
        if sent.end >= len(doc):
            continue
        after = doc[sent.end].sent
        window = after  # the title names its holder within the next few sentences
        for _ in range(3):
            if window.end >= len(doc):
                break
            window = doc[window.end].sent
        window_end = window.end_char
        titled = next((m for m in mentions if m.label == "PERSON" and after.start_char <= m.start < window_end
                       and m.subject and (lemma in m.descriptors or m.ent is not None and lemma in m.ent.text.lower().split())), None)
        if titled is not None:
            q.speaker, q.speaker_label, q.coref = titled.canonical, "PERSON", (titled.start, titled.end)
            continue
        if any(c.dep_ == "prep" for c in head.children) or lemma in _UNNAMED_BY_CUSTOM:
            # "a spokesman for the ministry": whom they serve is said; "A spokesman says ...
            # Shane Bradford of Ballidu says ...": news leaves spokesmen and officials unnamed
            continue
        nxt = next((later for later in quotations[n + 1:] if not later.floating and later.source_token >= 0), None)
        if nxt is None or not (doc[nxt.source_token].sent.start == after.start or after.start_char <= nxt.start < after.end_char) \
                or nxt.speaker_label != "PERSON" \
                or nxt.source is None or doc[nxt.source_token].pos_ == "PRON":  # named, not "he said"
            continue
        named = next((m for m in mentions if m.start <= nxt.source[0] < m.end or nxt.source[0] <= m.start < nxt.source[1]), None)
        if named is None or named.label != "PERSON":
            continue
        own_titles = {d for d in named.descriptors if d in ROLE_NOUNS or d in PERSON_NOUNS or d in _TITLE_WORDS}
        described = {t.lower_ for t in head.subtree if t.is_alpha and not t.is_stop}
        before_name = {t.lower_ for t in doc[max(0, named.ent.start - 6):named.ent.start] if t.is_alpha and not t.is_stop} \
            if named.ent is not None else set()
        if own_titles and not (own_titles | before_name) & described:
            continue  # "A witness said ... Police Inspector Jo Doe said ...": two people
        # someone new who became the subject in between is who the next quotation may be about
        known = {m.canonical for m in mentions if m.start < sent.end_char}
        others = [m for m in mentions if m.label == "PERSON" and m.subject and sent.end_char <= m.start < nxt.source[0]
                  and m.canonical != nxt.speaker and m.canonical not in known]
        if others:
            continue
        q.speaker, q.speaker_label, q.coref = nxt.speaker, "PERSON", nxt.coref or nxt.source


_ANYONE = frozenset(("source", "person"))  # words that stand for whoever was just described
_UNNAMED_BY_CUSTOM = frozenset("spokesman spokeswoman spokesperson official source witness resident".split())
_PERSON_ENDINGS = ("man", "woman", "person", "er", "ist", "ian", "or", "ant", "ent")
_TITLE_WORDS = frozenset("mp senator inspector sergeant constable detective superintendent officer minister".split())


# what a story's unnamed document may be called ("A new economic report claims ...")
_DOCUMENT_NOUNS = DOCUMENT_SUBJECTS | TEXT_NOUNS | frozenset(("bulletin", "paper", "publication"))


def _documents_named_next(doc: "Doc", quotations: list["Quotation"]) -> None:
    """ "A new report suggests X. The report issued by the Australia Institute says Y": an unnamed
    document ("a", a document noun) that the next sentence's quotation names ("the" report, its
    issuer or its title resolved) is that one; its speaker is the same."""
    for n, q in enumerate(quotations):
        if q.floating or q.coref is not None or q.source_token < 0:
            continue
        head = doc[q.source_token]
        if head.lemma_.lower() not in _DOCUMENT_NOUNS or not any(
                c.dep_ == "det" and c.lower_ in ("a", "an") for c in head.children):
            continue
        following = head.sent.end
        for later in quotations[n + 1:]:
            if later.source_token < 0 or later.floating:
                continue
            other = doc[later.source_token]
            if other.sent.start != following:
                break  # only the very next sentence names what the lede left unnamed
            if other.lemma_.lower() in _DOCUMENT_NOUNS and any(c.dep_ == "det" and c.lower_ == "the" for c in other.children) \
                    and later.speaker and (later.coref is not None or later.speaker_label in _ORG_LABELS
                                           or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in other.children)):
                q.speaker, q.speaker_label, q.coref = later.speaker, later.speaker_label, later.coref
            break


def _floating(doc: "Doc", q: "Quotation", mentions: list[Mention], last: "tuple[int, Quotation] | None", text: str,
              starts: list[int], subjects: list[Mention]) -> None:
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
                            and m.label in ("PERSON", "ORG") and not passive_subject(m)), None)
            if subject is not None:
                q.source, q.speaker, q.speaker_label = (subject.start, subject.end), subject.canonical, subject.label
                return
    if last is not None and _paragraph_gap(text, last[1].end, q.start) <= _MAX_FLOAT_GAP:
        prev = last[1]
        if any(m.canonical != prev.speaker and last[1].end <= m.start < q.start for m in subjects):
            return  # someone else became the subject in between: the quote is kept, unattributed
        q.source, q.inherits = prev.source, last[0]
        q.speaker, q.speaker_label, q.coref = prev.speaker, prev.speaker_label, prev.coref


def _possessor(head, mentions: list[Mention]) -> tuple[Mention | None, object]:  # type: ignore[no-untyped-def]
    """ "Cornyn's statement added", "the results of the X Study revealed": the named owner of a
    statement or document speaks. An owner that is itself a description ("the club's
    statement") comes back as a token to resolve like any description."""
    lemma = head.lemma_.lower()
    # "the authority's own figures": figures and data speak for their owner too
    if lemma not in STATEMENT_NOUNS and lemma not in DOCUMENT_SUBJECTS and lemma not in NON_SPEAKERS:
        return None, None
    for child in head.children:
        if child.dep_ == "poss":
            named = named_at(mentions, child.idx)
            if named is None and child.pos_ == "PROPN":  # the tagger missed the bare surname
                named = next((m for m in mentions if m.canonical.lower().split()[-1] == child.lower_), None)
            if named is None and child.pos_ == "NOUN":
                return None, child
            return named, None
        if child.dep_ == "prep" and child.lower_ in ("of", "by") and lemma in DOCUMENT_SUBJECTS:
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return named_at(mentions, obj.idx) or named_in(mentions, _extent(obj)), None
        if child.dep_ == "prep" and child.lower_ == "in" and lemma in DOCUMENT_SUBJECTS:
            # "A report in the Centre for Disease Control Bulletin says": the publication it is
            # in (not "a report in March", "a survey in Sydney": a time or a place says nothing)
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            named = named_in(mentions, _extent(obj)) if obj is not None else None
            if named is not None and named.label == "ORG":
                return named, None
    for child in head.children:
        if child.dep_ == "acl" and lemma in DOCUMENT_SUBJECTS:
            # "a study released late last month by Election Data Services reported ..."
            agent = next((c for c in child.children if c.dep_ in ("agent", "prep") and c.lower_ == "by"), None)
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            if obj is not None:
                named = named_at(mentions, obj.idx) or named_in(mentions, _extent(obj))
                if named is not None:
                    return named, None
        if child.dep_ == "compound" and child.pos_ == "PROPN" and child.i == head.i - 1 and (
                lemma in DOCUMENT_SUBJECTS or lemma in NON_SPEAKERS):  # not "a CFTC spokeswoman"
            # "the EDS estimates", "the Gallup poll": the name before the document is its author
            named = named_at(mentions, child.idx)
            if named is None and child.is_upper and 2 <= len(child.text) <= 6:
                full = expand_acronym(child.text, mentions)
                if full != child.text:
                    named = Mention(child.idx, child.idx + len(child.text), "ORG", full)
            if named is not None:
                return named, None
    return None, None


def _extent(tok) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Character span of a token's whole phrase."""
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)


def _paragraph_gap(text: str, end: int, start: int) -> int:
    between = text[end:start]
    return sum(1 for line in between.split("\n")[1:-1] if line.strip()) + (1 if "\n" in between else 0)


def _antecedent(head, q: "Quotation", mentions: list[Mention], prev: "Quotation | None",  # type: ignore[no-untyped-def]
                gender: dict[str, str], history: "list[Quotation]", quoted: list[int], text: str = "") -> Mention | None:
    word = head.lower_
    before = [m for m in mentions if m.end <= q.source[0]]  # type: ignore[index]
    if word in FIRST_PERSON:
        return None
    prev_mention = _latest_of(before, prev.speaker) if prev is not None and prev.speaker else None
    if word in PERSON_PRONOUNS:
        other = "she" if word in ("he", "him", "his") else "he"  # "him" and "his" are a he too
        ok = lambda m: m.label == "PERSON" and gender.get(m.canonical) != other and not _a_group(m)  # noqa: E731
        # A person made the subject since the last quotation ("Kane won the award. He said")
        # outranks the previous speaker; otherwise the previous speaker keeps the floor.
        since = prev.end if prev is not None else -1
        topics = [m for m in reversed(before) if m.subject and m.start >= since and ok(m)
                  and m.sentence >= _sentence_before(head)]
        # "Hollis Fernley lost a third of her flock, while her neighbour Alan Whitcombe lost
        # none. “…,” she said": a subject the text already calls "she" before one it has not
        mine = "he" if word in ("he", "him", "his") else "she"
        topic = next((m for m in topics if gender.get(m.canonical) == mine), None) or (topics[0] if topics else None)
        if topic is not None:
            return topic
        described = described_subject(head, before, since)
        if described is not None and ok(described):
            return described  # "The judge was not persuaded. “…,” she said": Judge Margaret Ellis
        untagged = _untagged_subject(head, names_only=True, quoted=quoted)
        if untagged is not None:
            # "Marsh disagreed. According to him, ...": the bare surname of a name seen before
            last_word = untagged.canonical.split()[-1].lower()
            known = next((m for m in reversed(mentions) if m.canonical.split()[-1].lower() == last_word), None)
            if known is not None:
                untagged = Mention(untagged.start, untagged.end, "PERSON", known.canonical)
        if untagged is not None and untagged.start >= since and gender.get(untagged.canonical) != other:
            return untagged  # "Ana Ruiz met Tom Bell. She said ...": a subject the tagger missed
        introduced = next((m for m in reversed(before) if m.subject and m.start >= since and ok(m)
                           and "\n" in text[since:m.start] and m.canonical != (prev.speaker if prev else "")), None)
        if introduced is not None:
            return introduced  # never across a paragraph that brought in another person as its subject
        if prev_mention is not None and ok(prev_mention):
            return prev_mention
        # (the next paragraph too when that person came in with "a": "a spokesperson for X said ...")
        indefinite = prev is not None and prev.source_token >= 0 and any(
            c.dep_ == "det" and c.lower_ in ("a", "an") for c in head.doc[prev.source_token].children)
        described_before = _unnamed_person_before(head, prev, text, other, max_gap=1 if indefinite else 0)
        if described_before is not None:
            return described_before  # '"...," said the regional manager ... "...," he added'
        # "a militant ... told a crowd. “…,” he said. “…,” he said": "he" after "he" stays the person
        # the first "he" was, a description too
        chained = prev is not None and prev.source_token >= 0 and prev.speaker_label == "PERSON" and \
            word_gender(head.doc[prev.source_token].lower_) == word_gender(word)
        if prev is not None and prev.source is not None and prev.speaker and gender.get(prev.speaker) != other and \
                prev.speaker_label in ("", "PERSON") and (prev.speaker[:1].isupper() or chained) and (
                    prev.source_token < 0 or word_gender(head.doc[prev.source_token].lower_) != other):
            # the previous speaker is a name the tagger missed ("Paris claims ... She also claims"),
            # or a description of the right gender ("A spokeswoman for X said ... she said"; not
            # "Thomas' sister pleaded ..., but he replied")
            start, end = prev.coref or prev.source  # chain "she" -> "She" -> the name itself
            return Mention(start, end, "PERSON", prev.speaker)
        return next((m for m in reversed(before) if ok(m)), None) or _untagged_subject(head)
    if word in GROUP_PRONOUNS or word in THING_PRONOUNS:
        people = _people_subject(head, prev.end if prev is not None else -1) if word in GROUP_PRONOUNS else None
        if people is not None:
            return people  # "Traders estimate ... They named Kuwait ... Kuwait, they said, ..."
        group = _group_speaker(head.doc, history) if word in GROUP_PRONOUNS else None
        if group is not None:
            # "The report's authors say ... They say ...": the same group keeps speaking (a
            # study quoted in between does not take over: "they" are people)
            start, end = group.coref or group.source  # type: ignore[misc]
            return Mention(start, end, "", group.speaker)
        if prev_mention is not None and prev_mention.label in _ORG_LABELS:
            return prev_mention
        if prev is not None and prev.source is not None and prev.source_token >= 0 and prev.speaker and (
            head.doc[prev.source_token].lemma_.lower() in ORG_NOUNS
            or word in THING_PRONOUNS and head.doc[prev.source_token].lemma_.lower() in _DOCUMENT_NOUNS
        ) and _sentence_before(head) <= prev.start:
            # "The state news agency said ... “…,” it added": the unnamed body that just spoke
            start, end = prev.coref or prev.source
            return Mention(start, end, "ORG", prev.speaker)
        wanted = ("ORG", "NORP") if word in GROUP_PRONOUNS else ("ORG",)
        return next((m for m in reversed(before) if m.label in wanted), None)
    age = described_age(head) if head.pos_ in ("NOUN", "ADJ") else None
    if age is not None:
        # "the 58-year-old said": the person the article gave that age ("Richard Cole, 58,")
        aged = person_of_age(age, before, text)
        if aged is not None:
            return aged
    if age is not None or _person_description(head):
        # "the 52-year-old told the BBC", "The Swede said": the person being written about
        since = prev.end if prev is not None else -1
        topic = next((m for m in reversed(before) if m.label == "PERSON" and m.subject and m.start >= since
                      and m.sentence >= _sentence_before(head)), None)
        if topic is not None:
            return topic
        if prev_mention is not None and prev_mention.label == "PERSON":
            return prev_mention
        return next((m for m in reversed(before) if m.label == "PERSON"), None)
    if head.tag_ == "NNS" and head.lemma_.lower() in ORG_NOUNS and prev is not None:
        several = _several_speakers(head.doc, history)
        if several is not None:
            return several  # "X Inc and Y Partners said ... The companies said ..."
    if (head.pos_ not in ("NOUN",) and not _capitalised_title(head)) or head.tag_ in ("NNS",) or word in GENERIC_NOUNS:
        return None
    # ("The security source said" after "a security source said" and "A Hamas official said" is
    # the security source: a word that stands for anyone goes to the last one it named)
    anyone = word in _ANYONE and not any(h is not prev and h.source_token >= 0 and head.doc[h.source_token].lower_ == word
                                        for h in history)
    if (word_gender(word) or anyone or prev is not None and prev.source_token >= 0
            and head.doc[prev.source_token].lemma_.lower() == head.lemma_.lower()) \
            and any(c.dep_ == "det" and c.lower_ == "the" for c in head.children) and prev is not None \
            and prev.source_token >= 0 and any(c.dep_ == "det" and c.lower_ in ("a", "an")
                                               for c in head.doc[prev.source_token].children):
        # '"A resident who did not want to be named said ..." / "...," the woman said': the
        # unnamed person just quoted, not the last person named; so is "the source" after "a
        # western diplomat said", and "the official" after "a senior official said"
        same = _unnamed_person_before(head, prev, text, "he" if word_gender(word) == "she" else "she", max_gap=1)
        if same is not None:
            return same
    if head.lemma_.lower() in TEXT_NOUNS and prev_mention is not None and prev_mention.label in _ORG_LABELS and \
            not any(c.dep_ in ("poss", "prep") for c in head.children) and prev is not None and \
            _paragraph_gap(text, prev.end, head.idx) <= 1:
        return prev_mention  # "The council says ... A statement read: ...": the body that just spoke
    if any(c.dep_ in ("det", "nummod") and c.lower_ in ("a", "an", "one", "another") for c in head.children):
        return None  # "a spokeswoman for X" is someone new, not X nor the last person named
    noun = head.lemma_.lower()
    if (noun in STATEMENT_NOUNS and noun not in ROLE_NOUNS) or noun in NON_SPEAKERS:
        # "the report says": the document speaks for itself, or for whoever an earlier "A report
        # by the Institute ..." said wrote it; "The council says ... A statement read: ...": an
        # unowned statement is the organisation that just spoke
        return same_description_before(head, history) or document_author(head, before)
    if noun in ORG_NOUNS:
        # "the ministry" is the Ministry named before; an unnamed "the government" stays as is
        named = next((m for m in reversed(before) if m.label in _ORG_LABELS and noun in m.canonical.lower()), None)
        if named is not None:
            return named
        again = same_description_before(head, history)
        if again is not None:
            return again  # "the club said ..." earlier, then "the club's statement"
        # "the central bank" says which body it is: not whichever organisation spoke last
        specific = any(c.dep_ in ("amod", "compound") for c in head.children)
        body = None if specific else _body_that_spoke(history, mentions)
        if body is not None:
            return body  # "Union said ... , the company said": Union Oil Co, the body speaking
        if prev_mention is not None and prev_mention.label == "ORG" and not specific:
            return prev_mention
        # "City United have signed X, the club said": the one organisation named in this
        # sentence or the one before
        if specific:
            return None  # an unnamed "central bank" is not the ministry in the sentence before
        sent = head.sent
        lo = head.doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
        # "In a filing with the Commission, the group, led by ..., said": the parser hung the group
        # on the Commission as an apposition; the opening phrase's object is not who "the group" is
        hung_on = head.head.idx if head.dep_ == "appos" and head.head.dep_ == "pobj" else -1
        near = {m.canonical for m in before if m.start >= lo and not m.start <= hung_on < m.end
                and (m.label == "ORG" or m.label == "GPE" and m.subject)}
        if len(near) == 1:
            return next(m for m in reversed(before) if m.canonical in near)
        # "Verizon is nearing the end of its project ... for Fios TV, according to the company's
        # results": of several organisations, the one that was the subject
        subjects = [m for m in before if m.start >= lo and m.canonical in near and m.subject and not passive_subject(m)]
        if near and len({m.canonical for m in subjects}) == 1:
            return subjects[-1]
        return proper_subject_nearby(head, quoted) if not near else None
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
    echoed = person_echoed(head, before)
    if echoed is not None:
        return echoed  # "Agnes Blair was one of the school's pupils. The former pupil said ..."
    if noun not in ROLE_NOUNS:
        return None
    if any(c.dep_ in ("prep", "relcl", "acl") and c.i > head.i and not _for_a_named_seat(c) for c in head.children):
        # "the regional manager for one of the major oil companies who spoke on condition ...":
        # a description that says whose it is introduces someone, not the last person named
        # (but "The Member for Fremantle" is a title of the person just speaking)
        return None
    if prev_mention is not None and prev_mention.label == "PERSON":
        return prev_mention
    return next((m for m in reversed(before) if m.label == "PERSON"), None)


def _a_group(m: Mention) -> bool:
    """ "After the Beatles broke up he ...": a plural name tagged PERSON is a band or a family,
    never a he or a she."""
    ent = m.ent
    if ent is None:
        return False
    return ent.root.tag_ == "NNPS" or (ent.start > 0 and ent.doc[ent.start - 1].lower_ == "the" and ent.text.endswith("s")
                                        and len(ent) == 1)


def _capitalised_title(head) -> bool:  # type: ignore[no-untyped-def]
    """ "The Member for Fremantle says": a title the tagger read as a proper noun, with "the",
    outside any entity, is a role description like "the member"."""
    return head.pos_ == "PROPN" and head.is_title and not head.ent_type_ and head.lemma_.lower() in ROLE_NOUNS \
        and any(c.dep_ == "det" and c.lower_ == "the" for c in head.children)


def _for_a_named_seat(prep) -> bool:  # type: ignore[no-untyped-def]
    """ "for Fremantle", "for Health": a title's seat or portfolio, a proper noun, not whose
    employee someone is ("for one of the major oil companies")."""
    return prep.lower_ == "for" and any(c.dep_ == "pobj" and c.pos_ == "PROPN" and not any(
        g.dep_ == "det" for g in c.children) for c in prep.children)


def _unnamed_person_before(head, prev: "Quotation | None", text: str, other: str,  # type: ignore[no-untyped-def]
                           max_gap: int = 0) -> Mention | None:
    """The previous quotation's unnamed person ("the regional manager for one of the oil
    companies", "a resident who did not want to be named"), for a he/she in the same paragraph
    or "the woman" in the next: the description is who keeps talking."""
    if prev is None or prev.source is None or prev.source_token < 0 or not prev.speaker:
        return None
    source = head.doc[prev.source_token]
    noun = source.lemma_.lower()
    # "a militant from the group told a crowd": someone brought in with "a" is a person unless
    # the noun names a body or a text, whether or not the word lists know it
    someone = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in source.children) and not (
        noun in ORG_NOUNS or noun in DOCUMENT_SUBJECTS or noun in STATEMENT_NOUNS or noun in NON_SPEAKERS
        or noun in TEXT_NOUNS)
    if noun not in ROLE_NOUNS and noun not in PERSON_NOUNS and not word_gender(noun) and not someone \
            or source.tag_ != "NN" or word_gender(source.lower_) == other:
        return None
    if _paragraph_gap(text, prev.end, head.idx) > max_gap:
        return None
    start, end = prev.coref or prev.source
    return Mention(start, end, "PERSON", prev.speaker)


def _people_subject(head, since: int) -> Mention | None:  # type: ignore[no-untyped-def]
    """ "Traders and analysts estimate ... They named Kuwait ... Kuwait, they said, ...": a plural
    of people that is the subject of a sentence since the last quotation (through sentences whose
    subject is "they" itself), as the group "they" stands for."""
    doc = head.doc
    if head.sent.start == 0:
        return None
    sent = doc[head.sent.start - 1].sent  # the pronoun's own sentence is the report itself
    for _ in range(3):
        subject = next((t for t in sent if t.dep_ == "nsubj" and t.head.dep_ == "ROOT"), None)
        if subject is not None and subject.idx >= since and subject.tag_ in ("NNS", "NNPS") and _people_noun(subject):
            last = max([subject.i] + [c.i for c in subject.children if c.dep_ == "conj"])
            phrase = doc[subject.left_edge.i:last + 1]
            return Mention(phrase.start_char, phrase.end_char, "", clean_name(phrase.text))
        if sent.start == 0 or sent.start_char <= since or subject is None or subject.lower_ not in GROUP_PRONOUNS:
            return None
        sent = doc[sent.start - 1].sent
    return None


def _people_noun(tok) -> bool:  # type: ignore[no-untyped-def]
    lemma = tok.lemma_.lower()
    if lemma in DOCUMENT_SUBJECTS or lemma in NON_SPEAKERS or lemma in ("report", "study", "many", "some", "other"):
        return False
    return lemma in GENERIC_NOUNS or lemma in PERSON_NOUNS or lemma in ROLE_NOUNS or lemma.endswith(("er", "ist", "ian"))


def _several_speakers(doc: "Doc", history: "list[Quotation]") -> Mention | None:
    """The latest of the last three speakers that was several ("X Inc and Y Partners", tagged as
    one name or as two joined by "and")."""
    for q in reversed(history[-3:]):
        if q.source is None:
            continue
        if " and " in q.speaker:
            start, end = q.coref or q.source
            return Mention(start, end, "ORG", q.speaker)
        head = doc[q.source_token] if q.source_token >= 0 else None
        if head is not None and head.pos_ == "PROPN" and any(c.dep_ == "conj" for c in head.children):
            last = max(c.right_edge.i for c in head.children if c.dep_ == "conj")
            phrase = doc[head.left_edge.i:last + 1]
            return Mention(phrase.start_char, phrase.end_char, "ORG", clean_name(phrase.text))
    return None


def _body_that_spoke(history: "list[Quotation]", mentions: list[Mention]) -> Mention | None:
    """The organisation among the last few speakers ("Union said ...", then "the company said"),
    as its fullest name ("Union Oil Co"): people quoted in between do not change who "the
    company" is, a name the tagger left untagged counts when the text also names it in full."""
    orgs = [m for m in mentions if m.label == "ORG"]
    for q in reversed(history[-4:]):
        if not q.speaker or q.speaker_label in ("PERSON", "GPE", "NORP") or not q.speaker[:1].isupper():
            continue
        words = q.speaker.split()
        fuller = next((m for m in reversed(orgs) if m.canonical.split()[:len(words)] == words), None)
        if fuller is not None:
            return fuller
        if q.speaker_label == "ORG" or words[-1].lower().rstrip(".") in ORG_ENDINGS:
            start, end = q.coref or q.source or (0, 0)
            return Mention(start, end, "ORG", q.speaker)
    return None


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
        couple = any(c.dep_ == "conj" for c in tok.children)  # "Mary Okoro and her husband Ben said"
        if tok.tag_ in ("NNS", "NNPS") or couple:
            if tok.lemma_.lower() in DOCUMENT_SUBJECTS or tok.lemma_.lower() in NON_SPEAKERS:
                continue
            return q
        return None  # a singular speaker came in between
    return None


def _untagged_subject(head, names_only: bool = False,  # type: ignore[no-untyped-def]
                     quoted: "list[int] | None" = None) -> Mention | None:
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
            return Mention(name.start_char, name.end_char, "PERSON", clean_name(name.text))
    return None


def _sentence_before(head) -> int:  # type: ignore[no-untyped-def]
    """Start of the sentence before the pronoun's own (how far back a new topic may be), and
    further back while that sentence's subject is the same pronoun: "Lisa Grant thanked the
    firefighters. She met Chief Omar Diaz. “…,” she said." keeps Lisa Grant the topic."""
    doc = head.doc
    sent = head.sent
    for _ in range(3):
        if sent.start == 0:
            return 0
        sent = doc[sent.start - 1].sent
        subject = next((t for t in sent.root.children if t.dep_ == "nsubj"), None)
        if subject is None or subject.lower_ != head.lower_:
            return sent.start_char
    return sent.start_char


def _latest_of(before: list[Mention], canonical: str) -> Mention | None:
    return next((m for m in reversed(before) if m.canonical == canonical), None)
