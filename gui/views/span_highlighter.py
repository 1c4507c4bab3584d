"""Draws spans as character formats, block by block, so a change repaints only its blocks.

Each block is cut at every span boundary; each piece gets one format composed from all the
spans covering it: an entity's fill, a quotation's underline (its colour from the innermost
quote-layer span), SOURCE in bold and CUE in italics. So an entity inside a quote shows both.
"""
from __future__ import annotations

from PySide6.QtGui import QFont, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument

from annotation.model import ENTITY
from annotation.schema import Schema
from gui import colors
from gui.views.span_index import Placed, SpanIndex

_Key = tuple[tuple[str, str, bool], ...]


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, index: SpanIndex, schema: Schema, dark: bool) -> None:
        super().__init__(document)
        self._index = index
        self._schema = schema
        self._dark = dark
        self._formats: dict[_Key, QTextCharFormat] = {}
        # Opening a long text formats only its beginning at once; the rest is deferred and
        # done when idle or when it scrolls into view (``highlight_now``), so a 10,000-word
        # article opens at nearly the speed of plain text.
        self.deferred: set[int] = set()
        self._eager_until = 1 << 62
        self._force = False

    def begin(self, eager_until: int) -> None:
        """Before new text is set: format blocks starting before ``eager_until`` (UTF-16) now."""
        self.deferred.clear()
        self._eager_until = eager_until

    def defer_all(self, block_count: int) -> None:
        """Spans arrived after the text (loaded on a worker): every block is formatted again,
        the visible ones first (``highlight_now``), the rest when idle."""
        self.deferred = set(range(block_count))

    def highlight_now(self, block: QTextBlock) -> None:
        self.deferred.discard(block.blockNumber())
        self._force = True
        try:
            self.rehighlightBlock(block)
        finally:
            self._force = False

    def set_dark(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            self._formats.clear()
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt API)
        block = self.currentBlock()
        block_start = block.position()
        if block_start > self._eager_until and not self._force:
            self.deferred.add(block.blockNumber())
            return
        self.deferred.discard(block.blockNumber())
        block_end = block_start + block.length() - 1  # UTF-16 length without the separator
        spans = self._index.overlapping(block_start, block_end)
        if not spans:
            return
        cuts = {block_start, block_end}
        for p in spans:
            cuts.add(max(p.start, block_start))
            cuts.add(min(p.end, block_end))
        points = sorted(cuts)
        for a, b in zip(points, points[1:]):
            covering = [p for p in spans if p.start < b and p.end > a]
            if covering:
                self.setFormat(a - block_start, b - a, self._format_for(covering))

    def _format_for(self, covering: list[Placed]) -> QTextCharFormat:
        key: _Key = tuple(sorted((p.span.layer, p.span.label, p.span.is_suggestion) for p in covering))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._compose(covering)
        return fmt

    def _compose(self, covering: list[Placed]) -> QTextCharFormat:
        fmt = QTextCharFormat()
        entities = [p for p in covering if p.span.layer == ENTITY]
        quotes = sorted((p for p in covering if p.span.layer != ENTITY), key=lambda p: p.end - p.start)
        if entities:
            span = entities[0].span
            color = self._color(span.label)
            if span.is_suggestion:
                fmt.setBackground(colors.suggestion_fill(color))
            else:
                fmt.setBackground(colors.fill(color))
                fmt.setForeground(colors.text_on(color))
        if quotes:
            inner = quotes[0].span
            fmt.setFontUnderline(True)
            fmt.setUnderlineStyle(
                QTextCharFormat.UnderlineStyle.DashUnderline if inner.is_suggestion
                else QTextCharFormat.UnderlineStyle.SingleUnderline
            )
            fmt.setUnderlineColor(colors.line_color(self._color(inner.label), self._dark))
            labels = {p.span.label for p in quotes}
            if "SOURCE" in labels:
                fmt.setFontWeight(QFont.Weight.Bold)
            if "CUE" in labels:
                fmt.setFontItalic(True)
        return fmt

    def _color(self, label: str) -> str:
        definition = self._schema.label(label)
        return definition.color if definition else "#999999"
