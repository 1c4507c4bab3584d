"""The importer registry and the careful reading of input files.

An importer is registered by name with the extensions it reads; ``goldspan import`` picks one
by ``--format`` or by extension (and, where formats share one, by sniffing the first records,
each read whole however long it is: a Prodigy task with 10,000 spans is one line of megabytes).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from annotation.errors import InputError
from annotation.model import ImportedArticle

MAX_SNIFF_BYTES = 64 * 1024  # read at least this much, and then on to the end of the line
SNIFF_RECORDS = 5  # sniffers see up to this many whole records
MAX_HEAD_BYTES = 256 << 20  # a first line longer than this is sniffed from its start only
FORCED = "format_forced"  # ImportOptions.extra key: the user chose the format with --format
# Keys that carry annotations in Prodigy, doccano, Label Studio or spaCy's JSON. An importer that
# meets one it cannot place refuses the record rather than drop what it holds.
ANNOTATION_KEYS = frozenset({
    "spans", "label", "labels", "entities", "relations", "annotations", "predictions", "result", "tokens",
    "accept", "answer", "options", "cats", "ents", "_input_hash", "_task_hash", "_view_id",
})


def refuse_unplaced(record: dict[str, Any], placed: set[str] | frozenset[str], path: Path, line: int, fmt: str) -> None:
    """One line when a record carries annotation keys this format's importer does not read."""
    unplaced = ANNOTATION_KEYS.intersection(record).difference(placed)
    if unplaced:
        raise InputError(str(path), line, f"the record carries {', '.join(sorted(unplaced))}, which the {fmt} importer "
                         "cannot place; refused rather than dropped (is it another tool's file? --format chooses)")


@dataclass
class ImportOptions:
    """Everything an importer may be told from the command line or the GUI."""

    text_column: str = "text"
    title_column: str = "title"
    id_column: str = "id"
    label_column: str = "label"  # doccano's configurable column names
    target_column: str = "target"  # stance CSV of a stance corpus: the target of each row
    group_by: str = ""  # stance CSV of a stance corpus: one document per value of this column
    label_map: dict[str, str] = field(default_factory=dict)  # other tool's label -> ours
    as_annotator: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# A reader yields articles and reports how far it got (bytes) through ``progress``.
Reader = Callable[[Path, ImportOptions, Callable[[int], None]], Iterator[ImportedArticle]]


@dataclass(frozen=True)
class ImporterSpec:
    name: str
    extensions: tuple[str, ...]
    read: Reader
    sniff: Callable[[Path, bytes], bool] | None = None  # claims a file among those sharing an extension
    carries_annotations: bool = False
    description: str = ""
    # For formats that spread one article over several files (brat: .txt, .ann, a comment's
    # .c<n>.ann): the file that names the article. The job reads each article once, however
    # many of its files a folder lists (reading it per file made a 1,000-comment article quadratic).
    article_of: Callable[[Path], Path] | None = None


IMPORTERS: dict[str, ImporterSpec] = {}


def register(name: str, extensions: tuple[str, ...], *, sniff: Callable[[Path, bytes], bool] | None = None,
             carries_annotations: bool = False, description: str = "",
             article_of: Callable[[Path], Path] | None = None) -> Callable[[Reader], Reader]:
    def wrap(read: Reader) -> Reader:
        IMPORTERS[name] = ImporterSpec(name, extensions, read, sniff, carries_annotations, description, article_of)
        return read
    return wrap


def choose_importer(path: Path, forced: str | None = None) -> ImporterSpec:
    if forced:
        if forced not in IMPORTERS:
            raise InputError(str(path), 0, f"unknown format {forced!r} (known: {', '.join(sorted(IMPORTERS))})")
        return IMPORTERS[forced]
    suffix = "".join(path.suffixes[-1:]).lower()
    candidates = [spec for spec in IMPORTERS.values() if suffix in spec.extensions]
    if not candidates:
        known = sorted({e for spec in IMPORTERS.values() for e in spec.extensions})
        raise InputError(str(path), 0, f"unknown file type {suffix or '(no extension)'!r}; Goldspan imports {', '.join(known)} (or use --format)")
    if len(candidates) > 1:
        head = read_head(path)
        for spec in candidates:
            if spec.sniff is not None and spec.sniff(path, head):
                return spec
        plain = [spec for spec in candidates if spec.sniff is None]
        if plain:
            return plain[0]
    return candidates[0]


def read_head(path: Path) -> bytes:
    """The start of a file for sniffing, in whole lines: at least MAX_SNIFF_BYTES (or up to
    SNIFF_RECORDS non-blank lines), and always the first non-blank line complete, however long.
    A cut-off first record would parse as nothing and let a plain format claim the file."""
    chunks: list[bytes] = []
    size = complete = 0
    with path.open("rb") as fh:
        while True:
            wanted = MAX_SNIFF_BYTES if not chunks else 1 << 20
            chunk = fh.read(wanted)
            chunks.append(chunk)
            size += len(chunk)
            if len(chunk) < wanted:  # the end of the file: all of it, last line unfinished or not
                return b"".join(chunks)
            if b"\x00" in chunks[0] or size >= MAX_HEAD_BYTES:
                return b"".join(chunks)  # binary (the importer says so), or enough to decide on
            if b"\n" in chunk:
                head = b"".join(chunks)
                lines = head.split(b"\n")[:-1]  # the last piece is not finished
                # A lone "[" (our JSON exports put one task a line after it) is no record to sniff:
                # a first task longer than the head was cut off and the file went unrecognised.
                complete = sum(1 for line in lines if line.strip() not in (b"", b"[", b"{"))
                if complete >= SNIFF_RECORDS or (complete and size >= MAX_SNIFF_BYTES):
                    return head[: head.rfind(b"\n") + 1]
                chunks = [head]


def loads(text: str | bytes) -> Any:
    """json.loads that raises ValueError (never RecursionError) for JSON nested too deeply."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def json_records(head: bytes, limit: int = SNIFF_RECORDS) -> list[Any]:
    """The first ``limit`` JSON lines of a JSONL head that parse (used by sniffers)."""
    out: list[Any] = []
    for line in head.splitlines():
        line = line.strip()
        if line:
            try:
                out.append(loads(line))
            except ValueError:
                break
            if len(out) >= limit:
                break
    return out


def first_json_record(head: bytes) -> Any:
    """The first JSON line of a JSONL head, or None (used by sniffers)."""
    records = json_records(head, 1)
    return records[0] if records else None


# A \ud800-\udfff escape: only then can parsed JSON hold a lone surrogate (not valid Unicode).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def check_no_surrogates(path: Path, line: int, raw: str, parsed: Any) -> None:
    """Refuse a lone surrogate escape (``\\ud800``): no UTF-8 text, and so no project, can hold one."""
    if _SURROGATE_ESCAPE.search(raw) is None:
        return
    stack = [parsed]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            strings = [item]
        elif isinstance(item, dict):
            strings = [k for k in item if isinstance(k, str)]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        for text in strings:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                where = line + raw[: _SURROGATE_ESCAPE.search(raw).start()].count("\n")  # type: ignore[union-attr]
                raise InputError(str(path), where, f"a lone surrogate {text[exc.start]!r} in a JSON string is not "
                                 "valid Unicode text") from None


def check_not_binary(path: Path, data: bytes) -> None:
    if not data.strip():
        raise InputError(str(path), 0, "the file is empty")
    nul = data.find(b"\x00")
    if nul != -1 and not (data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff")):
        raise InputError(str(path), data[:nul].count(b"\n") + 1, f"binary file (NUL byte at offset {nul}), not text", offset=nul)


def decode_utf8_strict(path: Path, data: bytes, line_base: int = 0) -> str:
    """JSON must be UTF-8: say where it is not."""
    try:
        return data.decode("utf-8-sig" if line_base == 0 else "utf-8")
    except UnicodeDecodeError as exc:
        line = line_base + data[: exc.start].count(b"\n") + 1
        raise InputError(str(path), line, f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", offset=exc.start) from None


def read_text_any_encoding(path: Path) -> tuple[str, str]:
    """Whole-text formats (.txt, .csv, .html): UTF-8, else the encoding charset-normalizer finds.

    Returns (text, encoding). Newlines are normalised to "\\n" so offsets do not depend on the OS.
    """
    data = path.read_bytes()
    check_not_binary(path, data)
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        best = _best_guess(from_bytes(data))
        if best is None or best.encoding in {"utf_8", "utf_8_sig"} or best.chaos > 0.2:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(str(path), line, f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) and no other encoding fits", offset=exc.start) from None
        text, encoding = str(best), best.encoding
    nul = text.find("\x00")
    if nul != -1:  # UTF-16/32 and guessed encodings get past check_not_binary: NUL is not text either
        raise InputError(str(path), text.count("\n", 0, nul) + 1, f"a NUL character (character {nul}) in the decoded text; "
                         "not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


# Among equally clean guesses, the Western encodings news is most often saved in win the tie
# (charset-normalizer alone may pick cp1250 for French text, turning "è" into "č").
_PREFERRED = ("cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251")


def _best_guess(matches):  # type: ignore[no-untyped-def]
    candidates = list(matches)
    if not candidates:
        return None
    least = min(m.chaos for m in candidates)
    clean = [m for m in candidates if m.chaos <= least + 0.01]
    for name in _PREFERRED:
        for match in clean:
            if match.encoding == name:
                return match
    return clean[0]


def read_json_items(path: Path) -> tuple[list[Any], int]:
    """A whole .json file as a list of items (one object or a list of them), and its size in
    bytes. Not UTF-8, binary or broken JSON gets file, line and reason."""
    data = path.read_bytes()
    check_not_binary(path, data)
    text = decode_utf8_strict(path, data)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), exc.lineno, f"broken JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(str(path), 1, "broken JSON: nested too deeply") from None
    check_no_surrogates(path, 1, text, parsed)
    return (parsed if isinstance(parsed, list) else [parsed]), len(data)
