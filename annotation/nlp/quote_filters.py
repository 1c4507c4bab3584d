"""Last passes over the found quotations: one quotation per stretch, and follow-on quotes
that nobody said dropped unless they read like speech."""
from __future__ import annotations

from annotation.nlp.cue_patterns import speech_like
from annotation.nlp.quotation import Quotation


def without_orphans(found: list[Quotation], text: str) -> list[Quotation]:
    """Drop floating quotes nobody could be found for that do not read like speech (headlines
    in a source list, slogans). A follow-on quote that reads like speech (first or second
    person, or a full sentence) is kept with no speaker: the researcher fills it in."""
    keep = [q for q in found if not (q.floating and not q.speaker and not speech_like(text[q.start:q.end]))]
    if len(keep) == len(found):
        return found
    new_index = {id(q): n for n, q in enumerate(keep)}
    for q in keep:
        if q.inherits is not None:
            q.inherits = new_index.get(id(found[q.inherits]))
    return keep


def drop_nested(found: list[Quotation], text: str) -> list[Quotation]:
    """One quotation per stretch: a quote inside another is dropped (the outer one is kept)."""
    out: list[Quotation] = []
    for q in found:
        if out and q.start < out[-1].end:
            prev = out[-1]
            outer, inner = (q, prev) if q.end - q.start > prev.end - prev.start else (prev, q)
            # "According to the Herald, X said ...": X's report is the quotation, not the Herald's.
            # Only an "according to" passes the floor: in "Y had asked him to review it, X said"
            # the report is X's, whatever Y asked inside it
            # (an interview answer, "McKelvey: ... I said, 'I don't know.'", is the speaker's own)
            chain = inner.source is not None and outer.start <= inner.source[0] < outer.end and (
                outer.cue is None and outer.layout != "block"
                or outer.cue is not None and text[outer.cue[0]:outer.cue[1]].lower().startswith(("according", "in ")))
            out[-1] = inner if chain else outer
            continue
        out.append(q)
    return out


def one_per_paragraph(found: list[Quotation], text: str) -> list[Quotation]:
    """A direct quote whose next paragraph carries on with no reopening mark (and closes
    later) is split there: the writer did not mark it as the same quotation, and a researcher
    marks each such paragraph as a follow-on quote with the same speaker. A paragraph that
    reopens with a mark (news style) stays part of one quotation."""
    if not any(q.direct and not q.layout and "\n" in text[q.start:q.end] for q in found):
        return found
    out: list[Quotation] = []
    for q in found:
        pieces = _paragraph_pieces(text, q.start, q.end) if q.direct and not q.layout else []
        if len(pieces) < 2:
            out.append(q)
            continue
        first = len(out)
        q.end = pieces[0][1]
        out.append(q)
        for start, end in pieces[1:]:
            out.append(Quotation(start, end, True, source=q.source, coref=q.coref, speaker=q.speaker,
                                 speaker_label=q.speaker_label, floating=True, inherits=first))
    return out


def _paragraph_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    pos = start
    for line in text[start:end].split("\n"):
        lo, hi = pos, pos + len(line)
        pos = hi + 1
        while lo < hi and text[lo].isspace():
            lo += 1
        reopened = lo < hi and text[lo] in _MARKS
        while hi > lo and (text[hi - 1].isspace() or text[hi - 1] in _MARKS):
            hi -= 1
        if not any(ch.isalnum() for ch in text[lo:hi]):
            continue
        if reopened and pieces:
            pieces[-1] = (pieces[-1][0], hi)  # news style: the same quotation runs on
        else:
            pieces.append((lo, hi))
    return pieces


_MARKS = "\"“”„«»'’‘"
