"""Offsets between code points (how the store counts) and UTF-16 units (Qt, Label Studio).

Only characters beyond U+FFFF (emoji, some CJK) differ: they are one code point but two
UTF-16 units. For texts without them both maps are the identity and cost nothing.
"""
from __future__ import annotations

from bisect import bisect_right


class OffsetMap:
    """Converts offsets for one text in O(log n) per offset."""

    def __init__(self, text: str) -> None:
        # Code-point indices of astral characters, in order.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        # The UTF-16 index of each astral character.
        self._astral16 = [cp + n for n, cp in enumerate(self._astral)]
        self.length = len(text)

    @property
    def identity(self) -> bool:
        return not self._astral

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code point offset ``cp``."""
        return cp + bisect_right(self._astral, cp - 1) if self._astral else cp

    def to_codepoint(self, u16: int) -> int:
        """Code point offset of UTF-16 offset ``u16``; an offset inside a surrogate pair rounds down."""
        if not self._astral:
            return u16
        n = bisect_right(self._astral16, u16 - 1)  # astral characters starting before u16
        cp = u16 - n
        if n and self._astral16[n - 1] + 1 == u16:  # between the two halves of a pair
            cp = self._astral[n - 1]
        return cp


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
