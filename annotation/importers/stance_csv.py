"""Stance CSV: one row a comment label for articles already in the project (ids as imported).

Needs ``article_id, comment_id, target, label``; the annotator comes from --as-annotator when
given, else from an ``annotator`` column, else the importing user. Rows of one article are
checked and written together; an unknown article or comment id names its line.

Stance corpora ship another shape: one row per (text, target, label), no ids, labels often
numbers. A file without ``article_id`` that has the --text-column is read that way: each
distinct text is a comment, carrying its row's stance toward the --target-column's value
(labels through --label-map, e.g. ``0=against``); --group-by COLUMN makes one document per
value of that column (its text is the value), else the whole file is one document.
"""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import ImportOptions, check_not_binary, decode_utf8_strict, register
from annotation.importers.interop import map_label
from annotation.model import Comment, Document, ImportedArticle, ImportedStance

REQUIRED = ("article_id", "comment_id", "target", "label")


def sniff(path: Path, head: bytes) -> bool:
    # The header is the first line; a blank one is no header (and csv.reader yields nothing for it).
    first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
    if not first or not first[0].strip():
        return False
    try:
        columns = {c.strip().lower() for c in next(csv.reader(io.StringIO(first[0])), [])}
    except csv.Error:
        return False
    return set(REQUIRED) <= columns


@register("stance-csv", (".csv",), sniff=sniff, carries_annotations=True, description="stance labels, one row a comment label")
def read_stance_csv(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    data = path.read_bytes()
    check_not_binary(path, data)
    reader = csv.DictReader(io.StringIO(decode_utf8_strict(path, data), newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    if "article_id" not in columns and options.text_column.strip().lower() in columns:
        progress(len(data))
        yield from _corpus_rows(path, reader, options)
        return
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(str(path), 1, f"missing column(s) {', '.join(missing)} (stance CSV needs {', '.join(REQUIRED)}, "
                         "or --text-column, --target-column and --label-column for a stance corpus's rows)")
    articles: dict[str, tuple[int, list[tuple[str, ImportedStance]]]] = {}
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k}
        for column in REQUIRED:
            if not values.get(column):
                raise InputError(str(path), line, f"empty {column}")
        who = None if options.as_annotator else (values.get("annotator") or None)
        stance = ImportedStance(values["comment_id"], values["target"], map_label(values["label"], options), annotator=who)
        articles.setdefault(values["article_id"], (line, []))[1].append((values["comment_id"], stance))
    progress(len(data))
    for ext_id, (line, items) in articles.items():
        comments = tuple(Comment(None, None, cid, "") for cid in dict.fromkeys(c for c, _ in items))
        yield ImportedArticle(Document(None, ext_id, "", ""), comments, stances=tuple(s for _, s in items),
                              line=line, refers_to_existing=True)


def _corpus_rows(path: Path, reader: csv.DictReader, options: ImportOptions) -> Iterator[ImportedArticle]:  # type: ignore[type-arg]
    """Rows of (text, target, label) as comments of one document (or one a --group-by value)."""
    text_col, target_col, label_col = (c.strip().lower() for c in (options.text_column, options.target_column, options.label_column))
    group_col = options.group_by.strip().lower()
    for name, column in (("--target-column", target_col), ("--label-column", label_col), ("--group-by", group_col)):
        if column and column not in (reader.fieldnames or []):
            raise InputError(str(path), 1, f"no column {column!r} ({name}); the columns are: {', '.join(reader.fieldnames or [])}")
    groups: dict[str, tuple[int, dict[str, Comment], list[ImportedStance]]] = {}
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k}
        text, target, label = row.get(text_col) or "", values.get(target_col, ""), values.get(label_col, "")
        for column, value in ((text_col, text.strip()), (target_col, target), (label_col, label)):
            if not value:
                raise InputError(str(path), line, f"empty {column}")
        group = values.get(group_col, "") if group_col else path.stem
        if not group:
            raise InputError(str(path), line, f"empty {group_col} (--group-by)")
        first, comments, stances = groups.setdefault(group, (line, {}, []))
        # A text's id is its digest: the same text twice is one comment, also on a re-import.
        ext_id = "t" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        comments.setdefault(ext_id, Comment(None, None, ext_id, text, position=len(comments)))
        who = None if options.as_annotator else (values.get("annotator") or None)
        stances.append(ImportedStance(ext_id, target, map_label(label, options), annotator=who))
    for group, (line, comments, stances) in groups.items():
        doc = Document(None, f"{path.stem}:{group}" if group_col else path.stem, group, group)
        yield ImportedArticle(doc, tuple(comments.values()), stances=tuple(stances), line=line)
