"""A saved article page (.html, .htm): the body through trafilatura, the comments from the markup.

Comments are found in the page's own markup so their thread survives: WordPress's
``ol.commentlist``/``ol.comment-list`` of ``li.comment`` items with replies in a nested
``ol.children``; otherwise any element whose class names it a comment (``comment``,
``c-comment``, ``comment-item``, ``itemtype=…/Comment``), nested comments being replies. The
comment section and the comment form are cut out of the page before trafilatura sees it, so
the body never holds comments or form boilerplate. All text is plain text: markup is parsed
away and text that merely looks like markup (``&lt;b&gt;``) stays literal.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Callable, Iterator

import lxml.html
from lxml import etree

from annotation.errors import InputError
from annotation.importers.base import ImportOptions, read_text_any_encoding, register
from annotation.importers.scraped_text import is_boilerplate
from annotation.model import Comment, Document, ImportedArticle

_BLOCK = {"p", "div", "li", "ol", "ul", "blockquote", "section", "article", "header", "footer", "h1", "h2",
          "h3", "h4", "h5", "h6", "pre", "table", "tr", "dl", "dd", "dt", "figure", "aside"}
_SKIP = {"script", "style", "noscript", "form", "button", "template", "svg", "iframe", "input", "textarea", "select"}
# Classes naming a part of a comment or the comment section, not one comment.
_PART = re.compile(r"comments?[-_]*(body|content|text|author|meta|metadata|date|time|reply|form|respond|list|"
                   r"count|section|area|wrap|wrapper|title|header|footer|navigation|nav|avatar|link|actions|"
                   r"permalink|edit|awaiting|votes?|likes?|tools|info|thread|s)$|^comments$", re.IGNORECASE)
# One comment: "comment", "c-comment", "userComment", "comment-item", "comment_entry" ...
_COMMENT_CLASS = re.compile(r"^([a-z0-9]+[-_]*)?comment([-_]*(item|entry|single|node))?$", re.IGNORECASE)
# Most specific first: WordPress's "comment-body" wraps the byline too, "comment-content" only the text.
_CONTENT_CLASSES = [re.compile(rf"(comment[-_]*{word}|^{word})$", re.IGNORECASE) for word in ("content", "text", "message", "body")]
_AUTHOR_CLASS = re.compile(r"^(fn|comment-author-name|author-name|username|user-name|commenter|author)$", re.IGNORECASE)
_FORM_ID = re.compile(r"^(respond|commentform|comment-form|reply-title|disqus_thread)$", re.IGNORECASE)


def _classes(el: etree._Element) -> list[str]:
    return (el.get("class") or "").split()


def _is_wordpress_comment(el: etree._Element) -> bool:
    return el.tag == "li" and "comment" in _classes(el)


def _is_generic_comment(el: etree._Element) -> bool:
    if "schema.org/Comment" in (el.get("itemtype") or ""):
        return True
    if el.tag in _SKIP or el.tag in {"ol", "ul", "section", "html", "body"}:
        return False
    classes = _classes(el)
    return any(_COMMENT_CLASS.match(c) for c in classes) and not any(_PART.search(c) for c in classes)


def _find_comments(root: etree._Element) -> list[etree._Element]:
    wordpress = [el for el in root.iter("li") if _is_wordpress_comment(el)]
    if wordpress:
        return wordpress
    return [el for el in root.iter() if isinstance(el.tag, str) and _is_generic_comment(el)]


def plain_text(el: etree._Element, skip: set[etree._Element] | frozenset = frozenset()) -> str:  # type: ignore[type-arg]
    """Text of an element as paragraphs, skipping scripts, forms and the given sub-elements."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node in skip or node.tag in _SKIP:
            return
        block = node.tag in _BLOCK
        if block:
            parts.append("\n\n")
        elif node.tag == "br":
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n\n")

    walk(el)
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", "".join(parts)):
        lines = [" ".join(line.split()) for line in chunk.split("\n")]
        lines = [line for line in lines if line and not is_boilerplate(line)]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _first(el: etree._Element, test: Callable[[etree._Element], bool], stop: set) -> etree._Element | None:  # type: ignore[type-arg]
    """First descendant (document order) passing ``test``, not looking inside nested comments."""
    stack = [child for child in reversed(el)]
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str) or node in stop:
            continue
        if test(node):
            return node
        stack.extend(reversed(node))
    return None


def _comment_fields(el: etree._Element, nested: set) -> tuple[str, str, str]:  # type: ignore[type-arg]
    """(author, time, text) of one comment element, ignoring the replies nested in it."""
    author_el = _first(el, lambda n: any(_AUTHOR_CLASS.match(c) for c in _classes(n)), nested)
    author = " ".join(author_el.text_content().split()) if author_el is not None else ""
    time_el = _first(el, lambda n: n.tag == "time", nested)
    time = ""
    if time_el is not None:
        time = time_el.get("datetime") or " ".join(time_el.text_content().split())
    content = None
    for pattern in _CONTENT_CLASSES:
        content = _first(el, lambda n: any(pattern.search(c) for c in _classes(n)), nested)
        if content is not None:
            break
    if content is not None:
        text = plain_text(content, nested)
    else:
        # No content element: everything but the replies and the byline parts.
        skip = set(nested)
        for part in el.iterdescendants():
            if isinstance(part.tag, str) and (part is author_el or part is time_el or part.tag == "footer"
                                              or any(re.search(r"meta|author|reply|avatar", c, re.I) for c in _classes(part))):
                skip.add(part)
        text = plain_text(el, skip)
    return author, time, text


def _comment_id(el: etree._Element, fallback: str) -> str:
    for attr in ("data-comment-id", "data-id", "id"):
        value = (el.get(attr) or "").strip()
        if value:
            return re.sub(r"^(li-)?comment-", "", value) or value
    return fallback


def extract_comments(root: etree._Element) -> list[Comment]:
    elements = _find_comments(root)
    index = set(elements)
    kept: dict[etree._Element, str] = {}
    comments: list[Comment] = []
    for el in elements:  # document order: a parent comes before its replies
        nested = {d for d in el.iterdescendants() if d in index}
        author, time, text = _comment_fields(el, nested)
        if not text:
            continue  # a deleted or empty comment: its replies attach to the nearest kept ancestor
        parent = next((kept[a] for a in el.iterancestors() if a in kept), None)
        ext_id = _comment_id(el, str(len(comments) + 1))
        if ext_id in kept.values():
            ext_id = f"{ext_id}-{len(comments) + 1}"
        kept[el] = ext_id
        comments.append(Comment(id=None, document_id=None, ext_id=ext_id, text=text, parent_ext_id=parent,
                                author=author, time=time, position=len(comments)))
    return comments


def _strip_comment_section(root: etree._Element) -> None:
    """Remove comments, comment lists and forms so the body extractor cannot pick them up."""
    doomed = set(_find_comments(root))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        classes = _classes(el)
        if (_FORM_ID.match(el.get("id") or "") or el.tag == "form"
                or any(re.match(r"^(commentlist|comment-list|comments|comments-area|comment-respond|comments-section)$", c, re.I) for c in classes)):
            doomed.add(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None and not any(a in doomed for a in el.iterancestors()):
            # Keep the tail text: it belongs to the parent, not to the removed element.
            if el.tail and el.tail.strip():
                prev = el.getprevious()
                if prev is not None:
                    prev.tail = (prev.tail or "") + el.tail
                else:
                    parent.text = (parent.text or "") + el.tail
            parent.remove(el)


def _meta_content(root: etree._Element, *names: str) -> str:
    for name in names:
        for el in root.iter("meta"):
            if name in (el.get("property"), el.get("name"), el.get("itemprop")) and (el.get("content") or "").strip():
                return el.get("content").strip()
    return ""


def _body(page: etree._Element, path: Path) -> str:
    import trafilatura

    html = lxml.html.tostring(page, encoding="unicode")
    text = trafilatura.extract(html, include_comments=False, include_tables=True, include_formatting=False,
                               include_links=False, include_images=False, favor_recall=True, deduplicate=False)
    if not text or not text.strip():
        # Short pages fall below trafilatura's thresholds: take the main element as it stands.
        main = next((el for tag in ("article", "main", "body") for el in page.iter(tag)), page)
        text = plain_text(main)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n+", text or "")]
    return "\n\n".join(p for p in paragraphs if p and not is_boilerplate(p))


@register("html", (".html", ".htm", ".xhtml"), description="a saved article page with its comment thread")
def read_html(path: Path, options: ImportOptions, progress: Callable[[int], None]) -> Iterator[ImportedArticle]:
    source, encoding = read_text_any_encoding(path)
    # lxml refuses str input that still carries an XML encoding declaration.
    source = re.sub(r"^\s*<\?xml[^>]*\?>", "", source)
    try:
        root = lxml.html.document_fromstring(source)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(str(path), 1, f"not an HTML page: {exc}") from None
    comments = extract_comments(root)
    page = copy.deepcopy(root)
    _strip_comment_section(page)
    body = _body(page, path)
    if not body:
        raise InputError(str(path), 1, "no article text found in the page")
    heading = next((" ".join(h.text_content().split()) for h in root.iter("h1")), "")
    title_el = next(iter(root.iter("title")), None)
    title = (_meta_content(root, "og:title", "headline") or heading
             or (" ".join(title_el.text_content().split()) if title_el is not None else "") or body.split("\n", 1)[0][:90])
    canonical = next((el.get("href", "") for el in root.iter("link") if el.get("rel") == "canonical"), "")
    published = _meta_content(root, "article:published_time", "datePublished", "date")
    if not published:
        time_el = next((t for t in page.iter("time") if t.get("datetime")), None)
        published = time_el.get("datetime", "") if time_el is not None else ""
    meta = {"encoding": encoding} if encoding != "utf-8" else {}
    doc = Document(id=None, ext_id=path.stem, title=title, text=body, url=canonical or _meta_content(root, "og:url"),
                   published=published, meta=meta, source_file=path.name)
    progress(path.stat().st_size)
    yield ImportedArticle(doc, tuple(comments), line=1)
