"""CoNLL-2003-style columns: the token first, the entity tag (IOB1, IOB2/BIO or BIOES) last.

``-DOCSTART-`` starts a document (a file without one is one document); a blank line ends a
sentence. The text is rebuilt as tokens joined by spaces, sentences by line breaks: CoNLL keeps
no original spacing, so offsets are those of the rebuilt text.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import ImportOptions, check_not_binary, decode_utf8_strict, register
from annotation.importers.interop import UnitRecord, assemble
from annotation.model import ImportedArticle


class _Scheme:
    """What the file's tags say about its scheme, across all its documents. ``I-X`` right after
    ``O`` (or another type) starts a span only in IOB1; in IOB2 and BIOES it is an error that
    reading on would turn into a span nobody marked. Accepted when nothing in the file says
    it is not IOB1 (a ``B-`` opening a span, an ``E-`` or ``S-``), else refused on its line."""

    def __init__(self) -> None:
        self.first_i_start = 0  # line of the first I-X that starts a span
        self.first_b_start = 0  # line of the first B-X that starts a span after O or another type
        self.first_bioes = 0  # line of the first E- or S- tag

    def check(self, path: Path) -> None:
        other = self.first_b_start or self.first_bioes
        if self.first_i_start and other:
            scheme = "BIOES" if self.first_bioes else "IOB2"
            raise InputError(str(path), self.first_i_start, f"an I- tag after O starts a span, which only IOB1 allows, but "
                             f"line {other} is {scheme}; fix the tag (B-) or write the whole file in one scheme")


class _Builder:
    def __init__(self, line: int, scheme: _Scheme | None = None) -> None:
        self.line = line
        self.scheme = scheme or _Scheme()
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[tuple[int, int, str, int]] = []  # start, end, label, line
        self.open: tuple[int, int, str, int] | None = None
        self.sentence_open = False

    def token(self, text: str, tag: str, line: int, path: Path) -> None:
        sep = " " if self.sentence_open else ("\n" if self.parts else "")
        self.parts.append(sep + text)
        start = self.length + len(sep)
        self.length = start + len(text)
        self.sentence_open = True
        if tag == "O":
            self.close()
            return
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "I", "E", "S") or not label:
            raise InputError(str(path), line, f"tag {tag!r} is not IOB (expected O, B-X, I-X, E-X or S-X)")
        continues = self.open is not None and self.open[2] == label
        if prefix in ("E", "S") and not self.scheme.first_bioes:
            self.scheme.first_bioes = line
        elif prefix == "I" and not continues and not self.scheme.first_i_start:
            self.scheme.first_i_start = line
        elif prefix == "B" and not continues and not self.scheme.first_b_start:
            self.scheme.first_b_start = line
        if prefix in ("B", "S") or not continues:
            self.close()
            self.open = (start, self.length, label, line)
        else:
            self.open = (self.open[0], self.length, label, self.open[3])
        if prefix in ("E", "S"):
            self.close()

    def close(self) -> None:
        if self.open is not None:
            self.spans.append(self.open)
            self.open = None

    def end_sentence(self) -> None:
        self.close()
        self.sentence_open = False


def _records(path: Path, options: ImportOptions, scheme: _Scheme) -> Iterator[UnitRecord]:
    data = path.read_bytes()
    check_not_binary(path, data)
    text = decode_utf8_strict(path, data)
    builder: _Builder | None = None

    def finish(b: _Builder | None) -> Iterator[UnitRecord]:
        if b is not None and b.parts:
            b.close()
            record = UnitRecord(b.line, "".join(b.parts))
            for start, end, label, line in b.spans:
                record.line = line
                record.add_span(path, start, end, label, options)
            record.line = b.line
            yield record

    # Only line ends end a line: str.splitlines would also cut at U+0085, U+2028 or a form feed
    # inside a token, shifting every later line number.
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        fields = line.split()
        if fields and fields[0] == "-DOCSTART-":
            yield from finish(builder)
            builder = _Builder(number, scheme)
            continue
        if builder is None:
            builder = _Builder(number, scheme)
        if not fields:
            builder.end_sentence()
            continue
        if len(fields) < 2:
            raise InputError(str(path), number, f"expected a token and a tag, got {line!r}")
        builder.token(fields[0], fields[-1], number, path)
    yield from finish(builder)


@register("conll", (".conll", ".conll03", ".iob", ".bio"), carries_annotations=True, description="CoNLL-2003 IOB columns")
def read_conll(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    scheme = _Scheme()
    records = list(_records(path, options, scheme))
    scheme.check(path)
    progress(path.stat().st_size)
    yield from assemble(records, path)
