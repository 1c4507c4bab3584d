"""spaCy DocBin (.spacy): ``doc.ents`` and every span group as spans, relations and ids from
``doc.user_data["goldspan"]`` (written by Goldspan's exporter), ``doc.cats``: on Goldspan's
comment Docs ``target:label`` at 1.0 is a stance label; elsewhere each category is a document
category (its score kept).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import ImportOptions, register
from annotation.importers.interop import UnitRecord, assemble, map_label
from annotation.model import ImportedArticle

USER_KEY = "goldspan"


def doc_record(doc: Any, number: int, path: Path, options: ImportOptions) -> UnitRecord:
    meta = doc.user_data.get(USER_KEY) if isinstance(doc.user_data.get(USER_KEY), dict) else {}
    record = UnitRecord(number, doc.text, {k: v for k, v in meta.items() if k not in ("relations", "span_attrs")})
    attrs = {(a[0], a[1], a[2]): a[3] for a in meta.get("span_attrs") or [] if len(a) == 4}
    keys: dict[tuple[int, int, str], str] = {}
    spans = [("ents", s) for s in doc.ents] + [(name, s) for name, group in doc.spans.items() for s in group]
    for group, span in spans:
        ident = (span.start_char, span.end_char, span.label_)
        if ident not in keys:
            keys[ident] = record.add_span(path, span.start_char, span.end_char, span.label_, options,
                                          key=f"{group}:{span.start_char}:{span.end_char}:{span.label_}", attrs=attrs.get(ident))
    for rel in meta.get("relations") or []:
        try:
            head, child = keys[tuple(rel["head"])], keys[tuple(rel["child"])]  # type: ignore[index]
        except (KeyError, TypeError):
            raise InputError(str(path), number, f"Doc {number}: relation {rel!r} refers to a span that is not in the Doc") from None
        record.add_relation(head, child, map_label(str(rel["label"]), options))
    for name, score in doc.cats.items():
        if record.is_comment and ":" in name:
            record.add_stance_or_category(None, name, options, float(score))
        else:
            record.categories[options.label_map.get(name, name)] = float(score)
    return record


@register("spacy", (".spacy",), carries_annotations=True, description="spaCy DocBin")
def read_docbin(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    from spacy.tokens import DocBin

    from annotation.exporters.base import blank_english

    data = path.read_bytes()
    if not data:
        raise InputError(str(path), 0, "the file is empty")
    try:
        docbin = DocBin(store_user_data=True).from_bytes(data)
    except Exception as exc:  # spaCy raises ValueError, zlib and msgpack errors for a damaged file
        raise InputError(str(path), 0, f"not a spaCy DocBin: {type(exc).__name__}: {exc}") from None
    vocab = blank_english().vocab
    progress(len(data))
    records = (doc_record(doc, n + 1, path, options) for n, doc in enumerate(docbin.get_docs(vocab)))
    yield from assemble(records, path)
