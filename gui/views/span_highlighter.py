"""Draws spans as character formats, block by block, so a change repaints only its blocks.

Each block is cut at every span boundary; each piece gets one format composed from all the
spans covering it: an entity's fill, SOURCE in bold and CUE in italics. The quotation layer's
underlines are painted by span_overlay, one per span and stacked, since a character format
has room for one underline only (two nested QUOTEs, or a SOURCE inside a QUOTE, showed as one).
So a SOURCE on the same words as a PERSON shows as a fill, bold type and an underline.

Not a QSyntaxHighlighter: that one calls back into Python for every block whenever text is
set, which for a 5 MB article (thousands of blocks) held the window for ~100 ms before a single
span could be drawn. Here the view says when text was set (``text_set``); the first screenfuls
are formatted at once and the rest when idle or when scrolled into view, each block by setting
its layout's formats directly, as QSyntaxHighlighter itself does.
"""
from __future__ import annotations

from PySide6.QtGui import QFont, QTextBlock, QTextCharFormat, QTextDocument, QTextFormat, QTextLayout

from annotation.model import ENTITY
from annotation.schema import Schema
from gui import colors
from gui.views.span_index import Placed, SpanIndex

_Key = tuple[tuple[str, str, bool], ...]

# Format properties that change glyph widths or line height: only a change in these re-lays the
# block out. Colours and underlines are read when the block is drawn.
_METRIC_PROPERTIES = tuple(getattr(QTextFormat.Property, name) for name in (
    "FontWeight", "FontItalic", "FontPointSize", "FontPixelSize", "FontFamilies", "FontLetterSpacing",
    "FontWordSpacing", "FontCapitalization", "FontStretch", "FontFixedPitch", "TextVerticalAlignment",
) if hasattr(QTextFormat.Property, name))


def _layout_key(ranges: list[QTextLayout.FormatRange]) -> tuple[object, ...]:
    """What of these formats the block's line breaks depend on."""
    out = []
    for r in ranges:
        metric = tuple((int(p.value), str(r.format.property(p))) for p in _METRIC_PROPERTIES if r.format.hasProperty(p))
        if metric:
            out.append((r.start, r.length, metric))
    return tuple(out)


class SpanHighlighter:
    def __init__(self, document: QTextDocument, index: SpanIndex, schema: Schema, dark: bool) -> None:
        self._document = document
        self._index = index
        self._schema = schema
        self._dark = dark
        self._formats: dict[_Key, QTextCharFormat] = {}
        self.deferred: set[int] = set()  # block numbers still to format
        self._eager_until = 1 << 62

    def begin(self, eager_until: int) -> None:
        """Before new text is set: blocks starting before ``eager_until`` (UTF-16) are formatted
        by ``text_set``, the others deferred."""
        self.deferred.clear()
        self._eager_until = eager_until

    def text_set(self) -> None:
        """After setPlainText: format the opening blocks now, defer the rest."""
        block = self._document.firstBlock()
        while block.isValid() and block.position() <= self._eager_until:
            self.highlight_now(block)
            block = block.next()
        if block.isValid():
            self.deferred = set(range(block.blockNumber(), self._document.blockCount()))

    def defer_all(self, block_count: int) -> None:
        """Spans arrived after the text (loaded on a worker), or the palette changed: every
        block is formatted again, the visible ones first (``highlight_now``), the rest when idle."""
        self.deferred = set(range(block_count))

    def rehighlightBlock(self, block: QTextBlock) -> None:  # noqa: N802 (the old Qt name)
        self.highlight_now(block)

    def set_schema(self, schema: Schema) -> None:
        """New colours (the caller reloads the text, which formats it again)."""
        self._schema = schema
        self._formats.clear()

    def set_dark(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            self._formats.clear()
            self.defer_all(self._document.blockCount())

    def highlight_now(self, block: QTextBlock) -> None:
        if not block.isValid():  # a block of a text replaced behind set_unit's back
            self.deferred = {n for n in self.deferred if n < self._document.blockCount()}
            return
        self.deferred.discard(block.blockNumber())
        layout = block.layout()
        if layout is None:
            return
        ranges = self._ranges(block)
        before = layout.formats()
        if not ranges and not before:
            return  # nothing drawn here before or now: no re-layout
        layout.setFormats(ranges)
        if _layout_key(before) != _layout_key(ranges):
            # Bold or italic came or went: the block re-wraps. (QPlainTextEdit then repaints its
            # whole viewport; a change of colours alone is repainted by the view, block by block.)
            self._document.markContentsDirty(block.position(), block.length())

    def _ranges(self, block: QTextBlock) -> list[QTextLayout.FormatRange]:
        block_start = block.position()
        block_end = block_start + block.length() - 1  # UTF-16 length without the separator
        spans = self._index.overlapping(block_start, block_end)
        if not spans:
            return []
        cuts = {block_start, block_end}
        for p in spans:
            cuts.add(max(p.start, block_start))
            cuts.add(min(p.end, block_end))
        points = sorted(cuts)
        out: list[QTextLayout.FormatRange] = []
        for a, b in zip(points, points[1:]):
            covering = [p for p in spans if p.start < b and p.end > a]
            fmt = self._format_for(covering) if covering else None
            if fmt is not None and not fmt.isEmpty():  # a plain QUOTE: only its painted underline
                piece = QTextLayout.FormatRange()
                piece.start, piece.length, piece.format = a - block_start, b - a, fmt
                out.append(piece)
        return out

    def _format_for(self, covering: list[Placed]) -> QTextCharFormat:
        key: _Key = tuple(sorted((p.span.layer, p.span.label, p.span.is_suggestion) for p in covering))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._compose(covering)
        return fmt

    def _compose(self, covering: list[Placed]) -> QTextCharFormat:
        fmt = QTextCharFormat()
        entities = [p for p in covering if p.span.layer == ENTITY]
        quotes = [p for p in covering if p.span.layer != ENTITY]
        if entities:
            span = entities[0].span
            color = self._color(span.label)
            if span.is_suggestion:
                fmt.setBackground(colors.suggestion_fill(color))
            else:
                fmt.setBackground(colors.fill(color))
                fmt.setForeground(colors.text_on(color))
        if quotes:
            labels = {p.span.label for p in quotes}
            if "SOURCE" in labels:
                fmt.setFontWeight(QFont.Weight.Bold)
            if "CUE" in labels:
                fmt.setFontItalic(True)
        return fmt

    def _color(self, label: str) -> str:
        definition = self._schema.label(label)
        return definition.color if definition else "#999999"
