"""The text as the view shows it: the stored text with the same length and offsets, cut into
paragraphs Qt can lay out quickly.

Qt lays out and formats a whole paragraph (a text block) at once: a 5 MB article that is one
paragraph took 100 s to open. Replacing a space by a paragraph break keeps every offset (one
character for one), so spans, selections and the store's code points stay where they are; the
view only shows a line break after a sentence. Copying a selection gives back the stored text.
"""
from __future__ import annotations

MAX_BLOCK = 4000  # characters; a longer paragraph is cut at a sentence end, else at a space


def display_text(text: str, limit: int = MAX_BLOCK) -> str:
    """``text`` with "\\r" shown as a space (Qt would make "\\r\\n" one break and shift offsets)
    and paragraphs longer than ``limit`` cut at spaces. Same length as ``text``."""
    if "\r" in text:
        text = text.replace("\r", " ")
    if len(text) <= limit:
        return text
    cuts = _cut_points(text, limit)
    if not cuts:
        return text
    pieces: list[str] = []
    previous = 0
    for cut in cuts:
        pieces.append(text[previous:cut])
        pieces.append("\n")
        previous = cut + 1
    pieces.append(text[previous:])
    return "".join(pieces)


def _cut_points(text: str, limit: int) -> list[int]:
    """Positions of the spaces to show as paragraph breaks, in order."""
    cuts: list[int] = []
    length = len(text)
    start = 0
    while start < length:
        end = text.find("\n", start)
        if end < 0:
            end = length
        while end - start > limit:
            low, high = start + limit // 2, start + limit
            sentence = max(text.rfind(". ", low, high), text.rfind("? ", low, high), text.rfind("! ", low, high))
            if sentence >= 0:
                cut = sentence + 1
            else:
                cut = text.rfind(" ", low, high)
                if cut < 0:
                    cut = text.find(" ", high, end)  # a very long word: cut at the next space
                if cut < 0:
                    break  # no space left in this paragraph: it stays one block
            cuts.append(cut)
            start = cut + 1
        start = end + 1
    return cuts
