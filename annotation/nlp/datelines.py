"""Wire-service datelines ("WASHINGTON, March 2 - ", "NEW YORK (Reuters) - ", "KABUL (AP) — "):
where a story was filed, never who speaks in it.

Agency copy opens its first paragraph with one, and the small model reads it into the sentence:
the city becomes the subject of "said" ("COLUMBUS, Ohio, Feb 26 - Liebert Corp said ...") or
runs into the company as a DATE ("March 2 - Bank of New York Co"). The quotation rules ask
this module for the dateline spans, leave entities touching them out of the speaker mentions,
and move a SOURCE found inside one to the phrase that follows it.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from annotation.nlp.lexicon import ORG_ENDINGS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from annotation.nlp.quotation import Quotation

# "(Reuters)", "(AP)", "(Yonhap)": a news agency's name in brackets, one capitalised word
_AGENCY = r"\([A-Z][A-Za-z]{1,14}\)"
# after a place in title case only the agencies themselves: "The UN (UNHCR) - ..." is no dateline
_KNOWN_AGENCY = r"\((?:Reuters|REUTERS|AP|AFP|UPI|Bloomberg|dpa|DPA|PTI|IANS|CNN|ANSA|Xinhua|Kyodo|Yonhap|CP|PA)\)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC)[a-zA-Z]*\.?"
_CAPS_PLACE = r"[A-Z][A-Z.'’&]*[A-Z.](?:[ -][A-Z][A-Z.'’&]*[A-Z.])*"  # NEW YORK, ST. LOUIS, WINSTON-SALEM
_REGION = r"(?:[ ]?,[ ][A-Z][A-Za-z.]*(?:[ ][A-Z][A-Za-z.]*)?)"  # , Ohio / , N.Y. / , British Columbia
_DATE = rf"(?:[ ]?,?[ ]{_MONTH}[ ]\d{{1,2}}(?:,[ ]\d{{4}})?)"
_DASH = r"[ ]?(?:--|-|–|—)[ ]+"
_DATELINE = re.compile(
    rf"(?:^|(?<=\n))(?:"
    # an upper-case place with a region, a date or an agency ("NASA - the agency - said." is none)
    rf"{_CAPS_PLACE}(?:{_REGION}(?:[ ]+{_AGENCY})?{_DATE}?|(?:[ ]+{_AGENCY})?{_DATE}|[ ]+{_AGENCY})(?:[ ]+{_AGENCY})?{_DASH}"
    rf"|{_CAPS_PLACE}[ ]?(?:—|--)[ ]+"  # "WASHINGTON — " (newspaper style, a long dash only)
    # any place with a date or an agency: "New York, Feb 26 - ", "Kabul (AP) - "
    rf"|[A-Z][\w.'’-]*(?:[ ][A-Z][\w.'’-]*)*{_REGION}?(?:{_DATE}(?:[ ]+{_KNOWN_AGENCY})?|{_DATE}?[ ]+{_KNOWN_AGENCY}){_DASH}"
    rf")(?=\S)"
)


def dateline_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the datelines at paragraph starts, each ending after its dash."""
    if "-" not in text and "–" not in text and "—" not in text:
        return []
    return [m.span() for m in _DATELINE.finditer(text)]


_CAPITALS_LINE = re.compile(r"^(?=[^a-z\n]*[A-Z]{2,}[^a-z\n]*[ ][^a-z\n]*[A-Z]{2,})[^a-z\n]+$", re.MULTILINE)


def capitals_lines(text: str) -> list[tuple[int, int]]:
    """Lines in capitals only ("BANK OF NEW YORK TO SELL RMJ STAKE"): wire headlines, where the
    tagger's entities are guesses ("INVESTMENT GROUP" an ORG); their names are not speakers
    for "the group" or "it" in the story below."""
    return [m.span() for m in _CAPITALS_LINE.finditer(text)]


def outside_datelines(ents: list[Any], spans: list[tuple[int, int]]) -> list[Any]:
    """The entities that do not touch a dateline: "WASHINGTON" or "March 2 - Bank" name no one."""
    if not spans:
        return ents
    return [e for e in ents if not any(e.start_char < b and e.end_char > a for a, b in spans)]


def subject_after(subject: "Token", cue_char: int, spans: list[tuple[int, int]]) -> "Token | None":
    """For a SOURCE head inside a dateline, the head of the phrase between the dateline and the
    cue ("Liebert Corp", "Nova, the Canadian company ..."); None when nothing stands there."""
    doc = subject.doc
    span = next(((a, b) for a, b in spans if a <= subject.idx < b), None)
    if span is None:
        return subject
    if cue_char <= span[1]:
        return None
    words = doc.char_span(span[1], cue_char, alignment_mode="expand")
    if words is None:
        return None
    lo, hi = words.start, words.end
    skip = ("PUNCT", "SYM", "CCONJ", "SPACE", "X")
    for tok in doc[lo:hi]:
        # the first word heading the rest: its head lies outside, or on punctuation ("<Four ...>")
        if tok.pos_ in ("NOUN", "PROPN", "PRON") and (not lo <= tok.head.i < hi or tok.head.pos_ in skip or tok.head is tok):
            return tok
    return None


def org_after_dateline(head: "Token", spans: list[tuple[int, int]]) -> "Any":
    """ "Liebert Corp" right after a dateline, which the tagger swallowed or missed: an ORG
    entity for it, so that "the company said" later can find it (None if not such a name)."""
    doc = head.doc
    if head.pos_ != "PROPN":
        return None
    lo = head.i
    while lo > 0 and (doc[lo - 1].pos_ == "PROPN" or doc[lo - 1].is_title) and doc[lo - 1].head.i in range(lo, head.i + 1) \
            and not any(a <= doc[lo - 1].idx < b for a, b in spans):
        lo -= 1  # "Four Seasons Hotels Inc": a number word is part of the name too
    hi = head.i + 1
    of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of" and c.i == head.i + 1), None)
    if of is not None and all(t.pos_ == "PROPN" for t in doc[of.i + 1:of.right_edge.i + 1]):
        hi = of.right_edge.i + 1  # "Bank of New York Co"
    return _org_name(doc, lo, hi)


def _org_name(doc: "Doc", lo: int, hi: int) -> "Any":
    from spacy.tokens import Span as SpacySpan

    name = doc[lo:hi]
    if not len(name) or not all(t.is_title or t.is_upper or t.lower_ in ("of", "&") for t in name) or \
            name[-1].lower_.rstrip(".") not in ORG_ENDINGS:
        return None
    return SpacySpan(doc, lo, hi, label="ORG")


def names_after_datelines(doc: "Doc", spans: list[tuple[int, int]]) -> list[Any]:
    """ "March 2 - Esselte Business Systems Inc's Esselte Meto division said": the company the
    tagger ran into the date, as an ORG of its own (a run of capitalised words after the dash
    that ends in "Inc", "Corp", "Bank" ...)."""
    out = []
    for _, end in spans:
        words = doc.char_span(end, min(len(doc.text), end + 120), alignment_mode="expand")
        if words is None:
            continue
        hi = words.start
        while hi < words.end and (doc[hi].is_title or doc[hi].is_upper and doc[hi].is_alpha
                                  or doc[hi].lower_ in ("of", "&")) and doc[hi].tag_ != "POS":
            hi += 1
        found = _org_name(doc, words.start, hi)
        if found is not None:
            out.append(found)
    return out


def move_sources(doc: "Doc", quotations: list["Quotation"], spans: list[tuple[int, int]], index: Any) -> list[Any]:
    """Every SOURCE found inside a dateline moved to the phrase after it (or dropped when there
    is none); returns the ORG entities such phrases name, for the speaker mentions."""
    from annotation.nlp.sources import source_span

    if not spans:
        return []
    added: list[Any] = names_after_datelines(doc, spans)
    for q in quotations:
        if q.source_token < 0 or q.cue is None or q.source is None:
            continue
        head = doc[q.source_token]
        if any(a <= head.idx < b for a, b in spans):
            moved = subject_after(head, q.cue[0], spans)
            if moved is None:
                q.source, q.source_token = None, -1
                continue
            org = org_after_dateline(moved, spans)
            if org is not None:
                added.append(org)
            q.source = (org.start_char, org.end_char) if org is not None else source_span(moved, index)
            q.source_token, head = moved.i, moved
        # "Feb 26 - A group of ... firms said": the phrase ran back into the dateline
        clip = next((b for a, b in spans if a <= q.source[0] < b <= head.idx), None)
        if clip is not None:
            q.source = (clip, q.source[1])
    return added
