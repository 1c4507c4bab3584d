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


class _Builder:
    def __init__(self, line: int) -> None:
        self.line = line
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
        if prefix in ("B", "S") or self.open is None or self.open[2] != label:
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


def _records(path: Path, options: ImportOptions) -> Iterator[UnitRecord]:
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

    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if fields and fields[0] == "-DOCSTART-":
            yield from finish(builder)
            builder = _Builder(number)
            continue
        if builder is None:
            builder = _Builder(number)
        if not fields:
            builder.end_sentence()
            continue
        if len(fields) < 2:
            raise InputError(str(path), number, f"expected a token and a tag, got {line!r}")
        builder.token(fields[0], fields[-1], number, path)
    yield from finish(builder)


@register("conll", (".conll", ".conll03", ".iob", ".bio"), carries_annotations=True, description="CoNLL-2003 IOB columns")
def read_conll(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    records = list(_records(path, options))
    progress(path.stat().st_size)
    yield from assemble(records, path)
