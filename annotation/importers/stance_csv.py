"""Stance CSV: one row a comment label for articles already in the project (ids as imported).

Needs ``article_id, comment_id, target, label``; the annotator comes from --as-annotator when
given, else from an ``annotator`` column, else the importing user. Rows of one article are
checked and written together; an unknown article or comment id names its line.
"""
from __future__ import annotations

import csv
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
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(str(path), 1, f"missing column(s) {', '.join(missing)} (stance CSV needs {', '.join(REQUIRED)})")
    reader.fieldnames = columns
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
