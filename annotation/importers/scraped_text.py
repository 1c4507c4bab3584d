"""A scraped article saved as .txt: the body, then numbered reader comments with bulleted replies.

Layout seen in the wild (see the seed article): body paragraphs; then "1. …" items, each
possibly followed by continuation lines; "• …" (or "-", "*") items under an item are replies,
nested deeper by indentation; the comment form's boilerplate around it, which is dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from annotation.errors import InputError
from annotation.importers.base import ImportOptions, read_text_any_encoding, register
from annotation.model import Comment, Document, ImportedArticle

_NUMBERED = re.compile(r"^(\s*)(\d{1,4})[.)]\s+(\S.*)$")
_BULLET = re.compile(r"^(\s*)[•·◦▪‣\-*–]\s+(\S.*)$")

# Comment-form and comment-system boilerplate (WordPress, Disqus, Jetpack, generic themes).
_BOILERPLATE = [re.compile(p, re.IGNORECASE) for p in (
    r"^leave a (reply|comment)( to .{1,80}?)?( cancel reply)?$",
    r"^cancel reply$",
    r"^please enter (your|a) (comment|name|e-?mail( address)?|valid e-?mail( address)?)( here)?!?\.?$",
    r"^you have entered an incorrect e-?mail address!?$",
    r"^save my name,? e-?mail,? and website in this browser.*$",
    r"^your e-?mail address will not be published\.?( required fields are marked \*?\.?)?$",
    r"^required fields are marked \*?\.?$",
    r"^notify me of (follow-up comments|new posts|new comments).*$",
    r"^(post|submit|add) (a )?comment\.?$",
    r"^(comment|name|e-?mail|website)\s*\*?:?$",
    r"^log ?in to reply\.?$",
    r"^reply( ↓)?$",
    r"^\d+\s+(comments?|responses?|replies|thoughts on .*)$",
    r"^(comments|responses|discussion)\s*(\(\d+\))?:?$",
    r"^(disqus comments|comments powered by disqus\.?|please enable javascript to view the comments powered by disqus\.?)$",
    r"^(join the discussion…?|start the discussion…?|log in with|or sign up with disqus\s*\??|recommend|share ›?)$",
    r"^sort by (best|newest|oldest|top)$",
    r"^this site uses akismet to reduce spam\..*$",
)]


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    return any(p.match(stripped) for p in _BOILERPLATE)


@dataclass
class _Item:
    ext_id: str
    indent: int
    parent: str | None
    lines: list[str] = field(default_factory=list)


def _comment_start(lines: list[str]) -> int | None:
    """Index of the line starting the comment section: the last "1." that begins a numbered run."""
    start = None
    for index, line in enumerate(lines):
        match = _NUMBERED.match(line)
        if match and match.group(2) == "1":
            start = index
    return start


def split_article(text: str) -> tuple[str, list[Comment]]:
    lines = [line.rstrip() for line in text.split("\n")]
    lines = [line for line in lines if not is_boilerplate(line)]
    start = _comment_start(lines)
    body_lines = lines if start is None else lines[:start]
    comment_lines = [] if start is None else lines[start:]
    body = _paragraphs(body_lines)
    items: list[_Item] = []
    top_number = 0
    stack: list[_Item] = []  # open replies, by indentation
    replies: dict[str, int] = {}  # replies so far per parent (counting them again was quadratic)
    current: _Item | None = None
    for line in comment_lines:
        if not line.strip():
            continue
        numbered = _NUMBERED.match(line)
        bullet = _BULLET.match(line)
        if numbered and int(numbered.group(2)) == top_number + 1:
            top_number += 1
            current = _Item(str(top_number), len(numbered.group(1)), None, [numbered.group(3).strip()])
            items.append(current)
            stack = [current]
        elif bullet and items:
            indent = len(bullet.group(1))
            while len(stack) > 1 and stack[-1].indent >= indent:
                stack.pop()
            parent = stack[-1]
            reply_number = replies[parent.ext_id] = replies.get(parent.ext_id, 0) + 1
            current = _Item(f"{parent.ext_id}.{reply_number}", indent, parent.ext_id, [bullet.group(2).strip()])
            items.append(current)
            stack.append(current)
        elif current is not None:
            current.lines.append(line.strip())
    comments = [
        Comment(id=None, document_id=None, ext_id=item.ext_id, text="\n".join(item.lines),
                parent_ext_id=item.parent, position=position)
        for position, item in enumerate(items)
    ]
    return body, comments


def _paragraphs(lines: list[str]) -> str:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


@register("txt", (".txt",), description="scraped article text with numbered comments and bulleted replies")
def read_scraped_text(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    text, encoding = read_text_any_encoding(path)
    body, comments = split_article(text)
    if not body.strip():
        raise InputError(str(path), 1, "no article text found (only comments or boilerplate)")
    first = body.split("\n", 1)[0]
    title = first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "…"
    meta = {"encoding": encoding} if encoding != "utf-8" else {}
    doc = Document(id=None, ext_id=path.stem, title=title, text=body, meta=meta, source_file=path.name)
    progress(path.stat().st_size)
    yield ImportedArticle(doc, tuple(comments), line=1)
