"""Quotations without quote marks: block quotes after "X said:", pull-quote lines, and the
answers of an interview printed as a transcript ("McKelvey: ...")."""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from annotation.nlp.lexicon import NON_SPEAKERS
from annotation.nlp.quotation import DocIndex, Quotation
from annotation.nlp.sources import find_subject, source_span

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def unmarked_quotations(index: DocIndex, cues: list["Token"]) -> list[Quotation]:
    """A paragraph after "X said:" (a block quote), and a pull-quote paragraph that ends with
    the speaker's name ("... I am disappointed. John Cornyn, U.S. Senator")."""
    from annotation.nlp.quote_marks import paragraph_spans

    text = index.text
    out: list[Quotation] = []
    paragraphs = paragraph_spans(text)
    marked = [(r.open, r.outer_end) for r in index.regions]
    opens = [a for a, _ in marked]
    for n, (p_start, p_end) in enumerate(paragraphs):
        near = marked[max(0, bisect_left(opens, p_start) - 1):bisect_left(opens, p_end)]
        quoted = sum(max(0, min(b, p_end) - max(a, p_start)) for a, b in near)
        if quoted > 0.5 * (p_end - p_start):
            continue
        previous = paragraphs[n - 1] if n else None
        if previous is not None and text[previous[0]:previous[1]].rstrip().endswith(":"):
            q = _block(index, cues, previous, (p_start, p_end))
            if q is not None:
                out.append(q)
                continue
        q = _pull(index, p_start, p_end) or _transcript(index, p_start, p_end)
        if q is not None:
            out.append(q)
    return _without_interviewer(out, text)


def _without_interviewer(found: list[Quotation], text: str) -> list[Quotation]:
    """A transcript label all of whose lines are questions is the interviewer's ("Ledgerline:
    What happened next?"), whatever the tagger made of the outlet's name."""
    labels: dict[str, list[Quotation]] = {}
    for q in found:
        if q.layout == "block" and q.cue is None and q.source is not None:
            labels.setdefault(text[q.source[0]:q.source[1]], []).append(q)
    asking = {id(q) for qs in labels.values() if all(text[q.start:q.end].rstrip().endswith("?") for q in qs) for q in qs}
    return [q for q in found if id(q) not in asking] if asking else found


_TRANSCRIPT = re.compile(r"([A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2}):[ \t]*(?=\S)")


def _transcript(index: DocIndex, p_start: int, p_end: int) -> Quotation | None:
    """ "McKelvey: Jack and I got back together. ...": an interview printed as a transcript, an
    answer after the name of a person the article names (the interviewer's "Mashable:" or "Q:"
    lines name no person, and stay unmarked)."""
    text = index.text
    found = _TRANSCRIPT.match(text, p_start, p_end)
    if found is None or p_end - found.end() < 20:
        return None
    name = found.group(1)
    # a person, not "the Ledgerline Review" the tagger took for one
    people = {index.ents[n].text.strip() for n in set(index.ent_at) - {-1} if index.ents[n].label_ == "PERSON"
              and not (index.ents[n].start > 0 and index.doc[index.ents[n].start - 1].lower_ == "the")}
    if not any(person == name or person.split()[-1] == name.split()[-1] for person in people):
        return None
    start, end = _strip(text, found.end(), p_end)
    head = index.token_at(found.start(1) + len(name) - 1)
    return Quotation(start, end, True, source=(found.start(1), found.start(1) + len(name)), layout="block",
                     source_token=head)


def _block(index: DocIndex, cues: list["Token"], previous: tuple[int, int], para: tuple[int, int]) -> Quotation | None:
    doc = index.doc
    last = doc[index.token_at(previous[1] - 1)].sent
    for verb in reversed(cues):
        if last.start <= verb.i < last.end:
            subject = find_subject(verb)
            if subject is None or subject.lemma_.lower() in NON_SPEAKERS:
                return None
            start, end = _strip(index.text, para[0], _narration_resumes(index, cues, para))
            if end - start < 10:
                return None
            cue = (verb.idx, verb.idx + len(verb.text))
            return Quotation(start, end, True, source=source_span(subject, index), cue=cue, layout="block", source_token=subject.i)
    return None


def _narration_resumes(index: DocIndex, cues: list["Token"], para: tuple[int, int]) -> int:
    """Where a block quote ends: before the first sentence that attributes something to a
    third person ("They also claimed ..."), else at the paragraph's end."""
    for verb in cues:
        if para[0] <= verb.idx < para[1]:
            subject = find_subject(verb)
            if subject is not None and subject.lower_ not in ("i", "we"):
                return max(para[0], verb.sent.start_char)
    return para[1]


def _pull(index: DocIndex, p_start: int, p_end: int) -> Quotation | None:
    doc, text = index.doc, index.text
    first, last = index.token_range(p_start, p_end)
    people = [index.ents[n] for n in sorted({index.ent_at[i] for i in range(first, last)} - {-1})
              if index.ents[n].label_ == "PERSON" and first <= index.ents[n].start and index.ents[n].end <= last]
    name = people[-1] if people else _trailing_name(index, first, last)
    if name is None:
        return None
    tail = text[name.end_char:p_end].strip()
    if tail and not (tail.startswith(",") and len(tail) <= 60 and not any(
        t.pos_ == "VERB" for t in doc[name.end:last]
    )):
        return None
    start, end = _strip(text, p_start, name.start_char)
    if end - start < 20 or text[end - 1] not in ".!?" or len(text[start:end].split()) < 6:
        return None
    return Quotation(start, end, True, source=(name.start_char, name.end_char), layout="pull", source_token=name.root.i)


def _trailing_name(index: DocIndex, first: int, last: int) -> "Span | None":
    """ "... because she was suppressive. Valeska Paris": a name the tagger read as places,
    closing a first-person paragraph after its last full stop."""
    doc = index.doc
    end = last
    while end > first and doc[end - 1].is_space:
        end -= 1
    start = end
    while start > first and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title:
        start -= 1
    if not 2 <= end - start <= 3 or start == first or doc[start - 1].text not in (".", "!", "?"):
        return None
    if not any(t.lower_ in ("i", "we", "my", "our", "me", "us") for t in doc[first:start]):
        return None  # a pull quote is someone's own words
    return doc[start:end]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
