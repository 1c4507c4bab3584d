"""What the importers of other tools' files share: label mapping, span checks, and putting
per-text records (Prodigy tasks, doccano lines, Label Studio tasks, Docs) back into articles.

Records written by Goldspan's exporters carry ``meta`` with the document id as imported and
the unit (``body`` or a comment id): those are regrouped into one article with its thread.
Records from elsewhere have no such meta: each distinct text becomes one document, and
records repeating a text (Prodigy writes one task per span in binary recipes) are merged.

Label decisions:
- ``--label-map THEIRS=OURS`` first; then built-in aliases for common spellings of the
  schema's labels (LOCATION->LOC, ORGANIZATION->ORG, PER->PERSON ...), which the import
  summary lists and which never merge two labels of one file (CITY and COUNTRY, or CITY and
  GPE: refused unless --label-map says so); anything still unknown is refused by the store
  with the project's label list.
- ``source`` and ``cue`` relations drawn from the part to its QUOTE are turned round; the
  store refuses any other ends and any SOURCE or CUE left without its QUOTE, with the line.
- A classification label on a comment written by Goldspan (``target:label``, a choice task
  with ``meta.target``) is a stance label. A classification label on any other text (Prodigy
  textcat, doccano classification, Label Studio choices) is a *document category*: stored per
  annotator in the document's meta (accept 1.0, reject 0.0), exported again as textcat data
  (spaCy doc.cats, Prodigy label+answer, doccano label, Label Studio choices).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from annotation.errors import InputError
from annotation.importers.base import ImportOptions
from annotation.model import (
    Comment, Document, ImportedArticle, ImportedRelation, ImportedSpan, ImportedStance,
)

ALIASES = {
    "LOCATION": "LOC", "ORGANIZATION": "ORG", "ORGANISATION": "ORG", "PER": "PERSON", "PERS": "PERSON",
    "NATIONALITY": "NORP", "COUNTRY": "GPE", "CITY": "GPE",
}


LABEL_SOURCES = "label_sources"  # ImportOptions.extra key: ours -> {theirs: through a built-in alias}


def map_label(label: str, options: ImportOptions) -> str:
    """The project's label for a file's label: --label-map first, then a built-in alias. What
    aliases did is noted in ``options.extra`` (one ImportOptions a file), so the job can say
    which labels were mapped and refuse two labels of one file merged by aliases alone."""
    if label in options.label_map:
        return options.label_map[label]
    target = ALIASES.get(label, label)
    seen = options.extra.setdefault(LABEL_SOURCES, {}).setdefault(target, {})
    if label not in seen:
        seen[label] = target != label
    return target


def aliases_used(path: Path, options: ImportOptions) -> dict[str, str]:
    """The built-in aliases a file's import applied (theirs -> ours). Refuses the file when an
    alias would merge two of its labels into one (CITY and COUNTRY both GPE, or CITY and GPE):
    the distinction was the annotator's; only --label-map may drop it."""
    sources: dict[str, dict[str, bool]] = options.extra.get(LABEL_SOURCES) or {}
    for target, labels in sources.items():
        if len(labels) > 1 and any(labels.values()):
            names = sorted(labels)
            raise InputError(str(path), _first_line_naming(path, [n for n in names if labels[n]][-1]),
                             f"labels {' and '.join(names)} would all become {target} through built-in aliases; "
                             f"merging them is for --label-map to say ({', '.join(f'--label-map {n}={target}' for n in names if labels[n])}), "
                             "or map them to different labels")
    return {label: target for target, labels in sources.items() for label, via in labels.items() if via}


def _first_line_naming(path: Path, label: str) -> int:
    """The line where a label first appears in a text file (0 when it cannot be told)."""
    try:
        with path.open("rb") as fh:
            needle = label.encode("utf-8")
            for number, line in enumerate(fh, 1):
                if needle in line:
                    return number
    except OSError:
        pass
    return 0


@dataclass
class UnitRecord:
    """One text of a record-per-text file, with the annotations found on it."""

    line: int
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    # key, start, end, label, attrs, line (where the file gives the span, for error messages)
    spans: list[tuple[str, int, int, str, dict[str, Any], int]] = field(default_factory=list)
    relations: list[tuple[str, str, str, int]] = field(default_factory=list)  # head key, child key, label, line
    stances: list[tuple[str, str, str, bool]] = field(default_factory=list)  # target, label, note, unsure
    categories: dict[str, float] = field(default_factory=dict)
    reviewed: bool = False  # an accepted task: the text was annotated in full

    @property
    def goldspan(self) -> bool:
        return isinstance(self.meta.get("document"), str) and isinstance(self.meta.get("unit"), str)

    @property
    def is_comment(self) -> bool:
        return self.goldspan and self.meta["unit"] != "body"

    def add_span(self, path: Path, start: Any, end: Any, label: Any, options: ImportOptions, key: str | None = None,
                 claimed: str | None = None, attrs: dict[str, Any] | None = None) -> str:
        """Check a span against the text (naming the line) and add it; returns its key."""
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            raise InputError(str(path), self.line, f"span offsets must be integers, got {start!r}-{end!r}")
        if not isinstance(label, str) or not label:
            raise InputError(str(path), self.line, f"span {start}-{end} has no label")
        if not 0 <= start < end <= len(self.text):
            raise InputError(str(path), self.line, f"span {start}-{end} ({label}) is beyond the text (length {len(self.text)})")
        if claimed is not None and claimed != self.text[start:end]:
            raise InputError(str(path), self.line, f"span {start}-{end} ({label}): the file says {claimed!r} "
                             f"but the text there is {self.text[start:end]!r}")
        key = key or f"{start}:{end}:{label}"
        self.spans.append((key, start, end, map_label(label, options), attrs or {}, self.line))
        return key

    def add_relation(self, head: str, child: str, label: str, line: int | None = None) -> None:
        """A relation between two span keys of this record (label already mapped)."""
        self.relations.append((head, child, label, self.line if line is None else line))

    def add_stance_or_category(self, target: str | None, label: str, options: ImportOptions, value: float = 1.0) -> None:
        """A classification label: a stance when it is on one of Goldspan's comments, else a document category."""
        if target is None and self.is_comment and ":" in label:
            target, label = label.rsplit(":", 1)
        if target is not None and self.is_comment:
            if value >= 0.5:
                self.stances.append((target, map_label(label, options), "", False))
        else:
            name = label if target is None else f"{target}:{label}"
            self.categories[options.label_map.get(name, name)] = value


def assemble(records: Iterable[UnitRecord], path: Path) -> Iterator[ImportedArticle]:
    """Articles from unit records: Goldspan's regrouped by document, others one a distinct text."""
    current: _Article | None = None
    foreign: dict[str, _Article] = {}
    for record in records:
        if record.goldspan:
            doc_id = record.meta["document"]
            if current is not None and current.ext_id != doc_id:
                yield current.build(path)
                current = None
            if current is None:
                if record.is_comment:
                    raise InputError(str(path), record.line, f"comment {record.meta['unit']!r} of article {doc_id!r} comes before "
                                     "(or without) the article's body record")
                current = _Article(doc_id, record)
            else:
                current.add(record, path)
        else:
            article = foreign.get(record.text)
            if article is None:
                foreign[record.text] = _Article(str(record.meta.get("id") or f"{path.stem}-{record.line}"), record)
            else:
                article.merge_body(record)
    if current is not None:
        yield current.build(path)
    for article in foreign.values():
        yield article.build(path)


class _Article:
    def __init__(self, ext_id: str, body: UnitRecord) -> None:
        self.ext_id = ext_id
        self.body = body
        self.units: dict[str, UnitRecord] = {}
        self.records = [body]

    def merge_body(self, record: UnitRecord) -> None:
        self.records.append(record)

    def add(self, record: UnitRecord, path: Path) -> None:
        unit = record.meta["unit"]
        if unit == "body":
            if record.text != self.body.text:
                raise InputError(str(path), record.line, f"article {self.ext_id!r}: a second body with a different text")
        else:
            first = self.units.setdefault(unit, record)
            if first.text != record.text:
                raise InputError(str(path), record.line, f"comment {unit!r} of {self.ext_id!r}: two records with different texts")
        self.records.append(record)

    def build(self, path: Path) -> ImportedArticle:
        meta = self.body.meta
        goldspan = self.body.goldspan
        title = str(meta.get("title") or "") if goldspan else ""
        doc_meta = {} if goldspan else {k: v for k, v in meta.items() if k != "categories"}
        doc = Document(None, self.ext_id, title or _title_from(self.body.text), self.body.text,
                       url=str(meta.get("url") or "") if goldspan else "", published=str(meta.get("published") or "") if goldspan else "",
                       meta=doc_meta, source_file=path.name)
        comments = tuple(
            Comment(None, None, unit, rec.text, parent_ext_id=_text_or_none(rec.meta.get("parent")),
                    author=str(rec.meta.get("author") or ""), time=str(rec.meta.get("time") or ""), position=i)
            for i, (unit, rec) in enumerate(self.units.items())
        )
        spans: dict[tuple[str | None, int, int, str], ImportedSpan] = {}
        keys: dict[str, str] = {}
        relations: list[ImportedRelation] = []
        stances: list[ImportedStance] = []
        categories: dict[str, float] = {}
        label_of: dict[str, str] = {}
        for n, rec in enumerate(self.records):
            unit = rec.meta["unit"] if rec.is_comment else None
            for key, start, end, label, attrs, line in rec.spans:
                ident = (unit, start, end, label)
                if ident not in spans:
                    spans[ident] = ImportedSpan(f"{n}:{key}", start, end, label, comment_ext_id=unit, attrs=attrs, line=line)
                    label_of[spans[ident].key] = label
                keys[f"{n}:{key}"] = spans[ident].key
            for head, child, label, line in rec.relations:
                relations.append(_oriented(ImportedRelation(keys[f"{n}:{head}"], keys[f"{n}:{child}"], label, line), label_of))
            for target, label, note, unsure in rec.stances:
                stances.append(ImportedStance(unit or "", target, label, note=note, unsure=unsure))
            categories.update(rec.categories)
        return ImportedArticle(doc, comments, tuple(spans.values()), tuple(dict.fromkeys(relations)), tuple(stances),
                               line=self.body.line, categories=categories, reviewed=any(r.reviewed for r in self.records),
                               unit_lines={unit: rec.line for unit, rec in self.units.items()})


# A quotation's part hangs from its QUOTE: ``source`` goes QUOTE -> SOURCE, ``cue`` QUOTE -> CUE.
_PART_OF_RELATION = {"source": "SOURCE", "cue": "CUE"}


def _oriented(rel: ImportedRelation, label_of: dict[str, str]) -> ImportedRelation:
    """Tools draw the arrow either way (brat R lines, Label Studio, Prodigy): a ``source`` or
    ``cue`` relation from the part to its QUOTE means the same link, so it is turned around
    rather than refused; any other pair of ends is left for the store to refuse, with the line."""
    part = _PART_OF_RELATION.get(rel.label)
    if part and label_of.get(rel.head) == part and label_of.get(rel.child) == "QUOTE":
        return ImportedRelation(rel.child, rel.head, rel.label, rel.line)
    return rel


def _text_or_none(value: Any) -> str | None:
    """An id from another tool's meta as text (a number is fine; a list or object is not an id)."""
    if value is None or value == "" or isinstance(value, (dict, list, bool)):
        return None
    return str(value)


def _title_from(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "…"
