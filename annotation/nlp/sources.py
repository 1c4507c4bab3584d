"""Who is speaking, syntactically: the subject of a reporting verb and the SOURCE span."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotation.nlp.mentions import person_fix, title_only
from annotation.nlp.quotation import DocIndex, Offsets

if TYPE_CHECKING:
    from spacy.tokens import Token

_SUBJECT_CLIMB = {"xcomp", "advcl", "conj", "pcomp", "acl", "prep", "pobj", "dobj", "ccomp", "relcl"}
_RELATIVE = {"who", "that", "which"}


def find_subject(verb: "Token") -> "Token | None":
    """Who does the reporting: the subject, the agent of a passive, or a governing verb's subject."""
    if verb.pos_ == "NOUN":  # a mis-tagged cue: "The U.S. Department of Agriculture notes, ..."
        named = [c for c in verb.children if c.i < verb.i and c.dep_ in ("nsubj", "nmod", "compound") and c.pos_ in ("PROPN", "NOUN", "PRON")]
        return named[-1] if named else None
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp", "conj") or (
        verb.dep_ == "conj" and verb.head.dep_ == "ccomp" and not any(c.dep_.startswith("nsubj") for c in verb.children)
    ):
        # "The senator warned that the deal would collapse, saying ...", "He said X, and called
        # the decision ...": the verb hangs inside the reported clause, but the senator says it
        from annotation.nlp.lexicon import SAY_VERBS

        reporter = next((a for a in verb.ancestors if a.lemma_.lower() in SAY_VERBS and a.tag_ != "VBG"), None)
        if reporter is not None and reporter.i != verb.head.i:
            return find_subject(reporter)
    node = verb
    for _ in range(4):
        agent = None
        subjects = [c for c in node.children if c.dep_ == "nsubj"]
        if len(subjects) > 1:  # "Malaysia's Prime Minister, Najib Razak said": take the name
            # ... unless the later one ends a relative clause of the earlier one that the writer
            # never closed ("Stuart MacGill, who is in the squad in place of Andy Bichel says")
            relative = [c for c in subjects if any(r.dep_ == "relcl" and r.i > c.i and any(
                w.lower_ in _RELATIVE for w in r.children) for r in c.children)]
            if relative and all(c.i > relative[0].i for c in subjects if c is not relative[0]):
                return _possessed_person(relative[0])
            subjects.sort(key=lambda c: (c.ent_type_ == "", -c.i))
            return subjects[0]
        for child in node.children:
            if child.dep_ == "nsubj":
                if child.lower_ in _RELATIVE and node.dep_ == "relcl":
                    return node.head
                if child.lower_ == "who":
                    # "It was a wine merchant in Berlin who first informed me that ...": the cleft's X
                    cleft = next((c for c in node.head.children if c.dep_ == "attr" and c.i < child.i), None)
                    if cleft is not None:
                        return cleft
                return None if child.lower_ == "there" else _named_after_the_role(_possessed_person(child), node)
            if child.dep_ == "expl":
                return None  # "it is said that": no speaker
            if child.dep_ == "agent":
                agent = next((c for c in child.children if c.dep_ == "pobj"), None)
            if child.dep_ == "nsubjpass":
                if node.lemma_.lower() in ("quote", "cite"):
                    return child
                if node.lemma_.lower() == "report" and verb.tag_ == "VBG" and verb.head.lower_ == "as":
                    return child  # "Shane Stone is reported as saying ...": Stone said it
                agent = agent or next((a for c in node.children if c.dep_ == "agent" for a in c.children if a.dep_ == "pobj"), None)
                return agent
        if agent is not None:
            return agent
        if node is verb and node.dep_ in ("ROOT", "ccomp"):
            hung = _subject_hung_before(verb)
            if hung is not None:
                return hung
        if node.dep_ in ("xcomp", "ccomp") and node.head.lemma_.lower() in ("have", "make", "let", "get"):
            # "Wallace had Trump confirm that he signed ...": the one made to speak speaks
            made = next((c for c in node.head.children if c.dep_ == "dobj" and c.i < node.i), None)
            if made is not None:
                return made
        if node.dep_ not in _SUBJECT_CLIMB or node.head is node:
            return None
        if node.dep_ == "ccomp" and node.head.i > node.i:
            return None  # a clause reported by someone else has no subject of its own
        if node.dep_ == "conj" and node.head.dep_ == "ccomp" and node.head.head.lemma_ == node.lemma_:
            node = node.head.head  # "claimed X and claim Y", the second claim hung on X's clause
            continue
        node = node.head
    return None


_POSSESSIVE = ("'s", "’s")
_PHRASE_HEADS = ("NOUN", "PROPN")


def _subject_hung_before(verb: "Token") -> "Token | None":
    """ '"The operations will continue as long as the enemy continues its occupation" of
    Palestinian lands in the Gaza Strip and West Bank, a militant from the group told a crowd':
    the cue has no subject because the parser hung "a militant" on the last place named, as its
    apposition. A noun phrase set off by a comma that ends right before a subjectless cue, and
    that the parser made an apposition, is who speaks."""
    doc = verb.doc
    if verb.i == 0 or any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in verb.children):
        return None
    tok = doc[verb.i - 1]
    while tok.dep_ != "appos" and tok.head.i != tok.i and tok.head.i < verb.i:
        tok = tok.head
    if tok.dep_ != "appos" or tok.pos_ not in _PHRASE_HEADS or tok.right_edge.i != verb.i - 1:
        return None
    first = tok.left_edge.i
    return tok if first > 0 and doc[first - 1].text == "," else None


def _a_body(tok: "Token") -> bool:
    """An organisation or a place: tagged so, or called one ("accountancy firm Baker and Lowe")."""
    from annotation.nlp.lexicon import ORG_NOUNS

    return tok.ent_type_ in ("ORG", "GPE") or any(
        c.dep_ == "compound" and c.i < tok.i and c.lemma_.lower() in ORG_NOUNS for c in tok.children)


def _named_after_the_role(tok: "Token", verb: "Token") -> "Token":
    """ "A partner for accountancy firm Ernst and Young, John Gibbons, says": the parser hung the
    name on the firm, but a firm has no person's name in apposition: the name is the partner's.
    (Not "a spokeswoman for the Immigration Minister, Philip Ruddock, says": the minister is
    the one named there, and a minister is a person.)"""
    if tok.pos_ != "NOUN":
        return tok
    doc = tok.doc
    for t in tok.subtree:
        if t.dep_ == "appos" and t.ent_type_ == "PERSON" and _a_body(t.head) \
                and t.head.i > tok.i and t.right_edge.i + 1 < verb.i and doc[t.right_edge.i + 1].text == "," \
                and all(w.is_punct or w.pos_ == "ADV" for w in doc[t.right_edge.i + 1:verb.i]):
            return t
    return tok


def _possessed_person(tok: "Token") -> "Token":
    """ "the Bureau of Meteorology's Claire Richards says": the parser made the bureau the
    subject and hung the person on its "of". A person named right after an organisation's (or a
    place's) possessive, ending the subject before the cue, is who speaks."""
    doc = tok.doc
    if tok.ent_type_ not in ("ORG", "GPE", "NORP", "FAC"):
        return tok
    end = tok.i
    while end + 1 < len(doc) and doc[end + 1].ent_iob_ == "I":
        end += 1
    nxt = end + 1
    if doc[end].text not in _POSSESSIVE:
        if nxt >= len(doc) or doc[nxt].text not in _POSSESSIVE:
            return tok
        nxt += 1
    if nxt >= len(doc) or doc[nxt].ent_type_ != "PERSON" or doc[nxt].ent_iob_ != "B":
        return tok
    last = nxt
    while last + 1 < len(doc) and doc[last + 1].ent_iob_ == "I":
        last += 1
    after = doc[last + 1] if last + 1 < len(doc) else None
    if after is not None and (after.pos_ in ("VERB", "AUX") or after.text == ","):
        return doc[last]
    return tok


def source_span(tok: "Token", index: DocIndex) -> Offsets:
    """Character span of the SOURCE headed by ``tok``: its named entity, else its noun phrase."""
    doc = tok.doc
    if tok.lower_ == "one":
        named = _one_of_them_named(tok, index)  # "One of the bill's authors, Sen. Scott Beason, said"
        if named is not None:
            return named.start_char, named.end_char
    if index.ent_at[tok.i] != -1 and not title_only(index.ents[index.ent_at[tok.i]]):
        ent = index.ents[index.ent_at[tok.i]]
        return ent.start_char, ent.end_char
    if tok.pos_ == "PRON":
        return tok.idx, tok.idx + len(tok.text)
    named = named_in_phrase(tok, index)
    if named is not None:
        return named.start_char, named.end_char
    lo = tok.i
    hi = tok.i
    # an untagged name ("The Harbour Authority's Dominic Vesey says") is the name alone, not its possessor
    name = tok.pos_ == "PROPN" and tok.is_title
    for child in tok.children:
        if name and child.dep_ == "poss":
            continue
        if child.i < tok.i and child.dep_ in ("det", "compound", "amod", "poss", "nummod", "nmod", "quantmod", "predet"):
            lo = min(lo, child.left_edge.i)
        elif child.i > tok.i and child.dep_ in ("conj",):
            hi = max(hi, child.i)
    start = doc[lo].idx
    return start, doc[hi].idx + len(doc[hi].text)


def _one_of_them_named(tok: "Token", index: DocIndex) -> "Any":
    """ "One of the bill's authors, Republican Sen. Scott Beason, said": the person set off after
    "one of ..." (hung on "one" or on its "of" object) is the SOURCE."""
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    holders = [tok] + ([p for p in of.children if p.dep_ == "pobj"] if of is not None else [])
    for holder in holders:
        for child in holder.children:
            if child.dep_ == "appos" and index.ent_at[child.i] != -1:
                ent = index.ents[index.ent_at[child.i]]
                if ent.label_ == "PERSON":
                    return ent
    return None


def named_in_phrase(tok: "Token", index: DocIndex) -> "Any":
    """The person a title phrase names: "Prime Minister, Najib Razak", "Governor of Washington
    Chris Gregoire", "the team's coach, Alireza Mehraban" (an apposition or a name inside)."""
    doc = tok.doc
    if tok.ent_type_ and not (index.ent_at[tok.i] != -1 and title_only(index.ents[index.ent_at[tok.i]])):
        return None

    for child in tok.children:  # "the building's landlord, the Harbour Trust"
        if child.dep_ == "appos" and index.ent_at[child.i] != -1:
            # "Its president, Ana Lima," with "Lima" read as the city: the whole name all the same
            ent = person_fix(index.ents[index.ent_at[child.i]])
            if ent.label_ in ("PERSON", "ORG"):
                return ent
    known = _known_as(tok)
    if known is not None:
        return known
    hi = min(tok.right_edge.i, tok.i + 12)
    # "A spokesman for Immigration Minister Philip Ruddock": whom someone new works for, not them
    served = {t.i for c in tok.children if c.dep_ == "prep" and c.lower_ in ("for", "to") for t in c.subtree} \
        if any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children) else set()
    for n in sorted({index.ent_at[i] for i in range(tok.i + 1, hi + 1)} - {-1}):
        ent = index.ents[n]
        if ent.label_ == "PERSON" and tok.i < ent.start and ent.end - 1 <= hi and ent.start not in served:
            if all(t.dep_ not in ("relcl", "acl") for t in doc[tok.i:ent.start]):
                return ent
    return _name_at_the_end(tok, index)


_NAMING_PARTICIPLES = frozenset(("know", "name", "call", "identify", "dub"))


def _known_as(tok: "Token") -> "Any":
    """ "a man known as Nick", "a teenager named Josh Kerr", "The man who calls himself Abu
    Mohammad": the description carries the name the person goes by; that name is the SOURCE."""
    from spacy.tokens import Span as SpacySpan

    for child in tok.children:
        if child.i <= tok.i:
            continue
        named_by_others = child.dep_ == "acl" and child.lemma_.lower() in _NAMING_PARTICIPLES and child.tag_ == "VBN"
        if not named_by_others and not (child.dep_ == "relcl" and _names_themself(child)):
            continue
        names = [t for t in child.subtree if t.pos_ == "PROPN" and t.is_title and t.dep_ != "compound"]
        if not names:
            continue
        last = names[0]
        first = last.i
        while first > child.i + 1 and tok.doc[first - 1].pos_ == "PROPN" and tok.doc[first - 1].dep_ == "compound":
            first -= 1
        return SpacySpan(tok.doc, first, last.i + 1, label="PERSON")
    return None


_REFLEXIVES = frozenset(("himself", "herself", "themselves"))


def _names_themself(verb: "Token") -> bool:
    """A relative clause in which someone gives their own name: "who calls himself X", "who
    identified herself as X", "who gave his name as X", "who goes by X"."""
    lemma = verb.lemma_.lower()
    objects = [c for c in verb.children if c.dep_ in ("dobj", "prep")]
    if lemma in ("call", "identify", "describe", "introduce", "style") and any(c.lower_ in _REFLEXIVES for c in objects):
        return True
    if lemma == "give" and any(c.lemma_.lower() == "name" for c in objects):
        return True
    return lemma == "go" and any(c.lower_ == "by" for c in objects)


def _name_at_the_end(tok: "Token", index: DocIndex) -> "Any":
    """ "Executive director of the Council on American-Islamic Relations Alia Salem said": the
    tagger ran the name into the organisation before it. A title phrase that ends in such an
    organisation, right before the cue, ends in the person's two-word name."""
    from spacy.tokens import Span as SpacySpan

    from annotation.nlp.lexicon import ORG_NOUNS, ROLE_NOUNS

    doc = tok.doc
    end = tok.right_edge.i
    if tok.lemma_.lower() not in ROLE_NOUNS or end + 1 >= len(doc) or doc[end + 1].pos_ not in ("VERB", "AUX") \
            or index.ent_at[end] == -1 or any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children):
        return None  # "A spokeswoman for the Harbour Traders Association" names no one
    ent = index.ents[index.ent_at[end]]
    name = doc[end - 1:end + 1]
    if ent.label_ == "PERSON" or ent.end - 1 != end or len(ent) < 4 or ent.start <= tok.i or \
            not all(t.pos_ == "PROPN" and t.is_title and t.lower_ not in ORG_NOUNS for t in name) or \
            doc[end - 2].pos_ != "PROPN" or name[-1].lower_.rstrip("s") in ORG_NOUNS:
        return None  # "... Traders Association": the organisation's own words, not a name
    return SpacySpan(doc, name.start, name.end, label="PERSON")
