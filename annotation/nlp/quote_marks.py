"""Pairing quotation marks in raw text, the way news is actually typed.

Rules (they never raise, and a stray mark never swallows the rest of the text):

- Double quotes, curly (“ ” „ « ») or straight ("), and two apostrophes ('' ’’) typed for one.
  A straight mark opens when no quote is
  open and closes when one is; curly marks say which they are, and a curly mark used the
  wrong way round is read from its surroundings.
- News style across paragraphs: a paragraph that ends inside a quote with no closing mark
  continues when the next paragraph opens with a quote mark; the quote then runs on. Where
  the paragraph breaks were lost ('… important. "If people …," he said'), a straight mark
  after a sentence's end and a space, before a word, opens the next quote instead of closing.
  Otherwise an unclosed quote ends at its paragraph's end, but only when it began like speech
  (at the paragraph start, after ``:`` or ``,``, or opening a sentence); else the stray mark is
  ignored.
- Single quotes (‘ ’ ') are taken only outside double quotes and only as a pair whose
  opening mark follows a space or a bracket and whose closing mark is not followed by a
  letter, so apostrophes (Russia’s, don't, ’90s) do not pair up.
"""
from __future__ import annotations

from dataclasses import dataclass

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
STRAIGHT_DOUBLE = '"'
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"
STRAIGHT_SINGLE = "'"
_BEFORE_OPEN_SINGLE = " \t\n([{—–-/“\""


@dataclass(frozen=True)
class QuoteRegion:
    """A quoted stretch. ``open``/``close`` are the mark offsets (close is None if unclosed);
    ``start``/``end`` the content between them, trimmed of spaces and a trailing comma."""

    open: int
    close: int | None
    start: int
    end: int
    double: bool = True
    paragraphs: int = 1  # >1: continued across paragraphs in news style

    @property
    def outer_end(self) -> int:
        return self.close + 1 if self.close is not None else self.end


def find_quotes(text: str) -> list[QuoteRegion]:
    """All quoted regions of ``text``, in order, non-overlapping."""
    doubles = _double_regions(text)
    singles = _single_regions(text, doubles)
    return sorted(doubles + singles, key=lambda r: r.open)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _starts_with_open(text: str, start: int, end: int) -> int | None:
    """Offset of a quote mark opening the paragraph [start, end), if any."""
    i = start
    while i < end and text[i] in " \t\u00a0":
        i += 1
    if i < end and (text[i] in OPEN_DOUBLE or text[i] == STRAIGHT_DOUBLE):
        return i
    return None


def _double_regions(text: str) -> list[QuoteRegion]:
    regions: list[QuoteRegion] = []
    paragraphs = paragraph_spans(text)
    open_at: int | None = None  # the first opening mark of the current (maybe multi-paragraph) quote
    n_pars = 1
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        skip_mark = -1
        if open_at is not None:
            # Continuing from the previous paragraph: its opening mark is a reopening, not new.
            skip_mark = _starts_with_open(text, p_start, p_end) or -1
        i = p_start
        while i < p_end:
            ch = text[i]
            if open_at is not None and text[i:i + 2] in ("''", "’’") and i > p_start and not text[i - 1].isspace():
                # two apostrophes typed for a closing double quote: "… under water.''"
                r = _region(text, open_at, i, n_pars)
                regions.append(QuoteRegion(r.open, i + 1, r.start, r.end, True, n_pars))
                open_at, n_pars = None, 1
                i += 2
                continue
            if open_at is None and text[i:i + 2] in ("''", "‘‘") and text[i + 2:i + 3].isalnum() and (
                i == p_start or text[i - 1] in " \t(—–-:"
            ):
                open_at, n_pars = i + 1, 1  # "''Don't ask me,'' he said": two apostrophes open
                i += 2
                continue
            if ch not in OPEN_DOUBLE and ch not in CLOSE_DOUBLE and ch != STRAIGHT_DOUBLE or i == skip_mark \
                    or ch == STRAIGHT_DOUBLE and _apostrophe(text, i):
                i += 1
                continue
            role = _double_role(text, i, open_at is not None)
            if role == "open":
                if open_at is not None:
                    # Two openings in a row: the first was never closed; keep it if speech-like.
                    _emit_unclosed(text, regions, open_at, i, n_pars)
                open_at, n_pars = i, 1
            elif role == "close" and open_at is not None:
                regions.append(_region(text, open_at, i, n_pars))
                open_at, n_pars = None, 1
            i += 1
        if open_at is not None:
            nxt = paragraphs[p_index + 1] if p_index + 1 < len(paragraphs) else None
            if nxt is not None and (_starts_with_open(text, *nxt) is not None or _closes_first(text, *nxt)):
                # news style: the quote runs on into the next paragraph (whose reopening mark
                # may have been lost, leaving only the closing one)
                n_pars += 1
                continue
            _emit_unclosed(text, regions, open_at, p_end, n_pars)
            open_at, n_pars = None, 1
    return regions


_CONTRACTIONS = ("s", "t", "d", "m", "ll", "ve", "re")


def _apostrophe(text: str, i: int) -> bool:
    """ 'Kuwait"s oil minister', 'don"t': a straight double mark typed (or converted) for an
    apostrophe, between a word and its ending; no quote opens or closes there."""
    if i == 0 or not text[i - 1].isalpha():
        return False
    for ending in _CONTRACTIONS:
        if text.startswith(ending, i + 1):
            after = text[i + 1 + len(ending):i + 2 + len(ending)]
            return not after.isalpha()
    return False


def _closes_first(text: str, start: int, end: int) -> bool:
    """The paragraph's first double mark is a closing one (with nothing open)."""
    for i in range(start, end):
        if text[i] in OPEN_DOUBLE or text[i] in CLOSE_DOUBLE or text[i] == STRAIGHT_DOUBLE:
            role = _double_role(text, i, False)
            return role == "stray" or (text[i] in CLOSE_DOUBLE and role == "close")
    return False


def _double_role(text: str, i: int, is_open: bool) -> str:
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in OPEN_DOUBLE:
        if is_open and ch == "„":
            return "open"
        if is_open and after.isspace() and not before.isspace():
            return "close"  # a curly opening used as a closing mark
        return "open"
    if ch in CLOSE_DOUBLE:
        if not is_open and before.isspace() and not after.isspace():
            return "open"  # ”like this” typed with the wrong glyph
        return "close"
    # straight "
    if is_open:
        if before.isspace() and (after.isalnum() or after in "'‘") and _after_sentence_end(text, i):
            # '… important. "If people …," he said': a quote left open at a paragraph's end
            # (news style) in text whose paragraph breaks were lost; this mark opens the next one
            return "open"
        return "close"
    if after.isspace() and not before.isspace() and before not in ",:(":
        return "stray"  # looks like a closing mark with nothing open ('said," Next' still opens)
    return "open"


def _after_sentence_end(text: str, i: int) -> bool:
    """The mark at ``i`` follows a sentence's end ('stopped. "But'), across spaces only."""
    j = i - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    return j >= 0 and text[j] in ".!?"


def _emit_unclosed(text: str, regions: list[QuoteRegion], open_at: int, end: int, n_pars: int) -> None:
    """Keep an unclosed quote up to ``end`` only when it began like speech."""
    j = open_at - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    # a mark opening a sentence ('… Eklund said. "We are ready, he said, to …') starts speech too
    if j < 0 or text[j] in "\n:,—–-.!?" or n_pars > 1:
        region = _region(text, open_at, None, n_pars, end)
        if region.end > region.start:
            regions.append(region)


def _region(text: str, open_at: int, close: int | None, n_pars: int, end: int | None = None) -> QuoteRegion:
    start = open_at + 1
    stop = close if close is not None else (end if end is not None else len(text))
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and (text[stop - 1].isspace() or text[stop - 1] == ","):
        stop -= 1
    return QuoteRegion(open_at, close, start, stop, True, n_pars)


def _single_regions(text: str, doubles: list[QuoteRegion]) -> list[QuoteRegion]:
    taken = [(r.open, r.outer_end) for r in doubles]
    out: list[QuoteRegion] = []
    for p_start, p_end in paragraph_spans(text):
        i = p_start
        while i < p_end:
            ch = text[i]
            if (ch == OPEN_SINGLE or ch == STRAIGHT_SINGLE) and _opens_single(text, i) and not _inside(taken, i):
                close = _find_single_close(text, i + 1, p_end, taken)
                if close is not None:
                    region = _region(text, i, close, 1)
                    if region.end > region.start:
                        out.append(QuoteRegion(i, close, region.start, region.end, False, 1))
                    i = close + 1
                    continue
            i += 1
    return out


def _opens_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in _BEFORE_OPEN_SINGLE and after.isalpha()


def _find_single_close(text: str, start: int, p_end: int, taken: list[tuple[int, int]]) -> int | None:
    for j in range(start, p_end):
        ch = text[j]
        if ch in (CLOSE_SINGLE, STRAIGHT_SINGLE):
            before = text[j - 1]
            after = text[j + 1] if j + 1 < len(text) else " "
            if not before.isspace() and not after.isalnum() and not _inside(taken, j):
                return j
        elif ch == OPEN_SINGLE and j > start and _opens_single(text, j):
            return None  # another opening before any closing: the first was an apostrophe
    return None


def _inside(taken: list[tuple[int, int]], i: int) -> bool:
    return any(a <= i < b for a, b in taken)
