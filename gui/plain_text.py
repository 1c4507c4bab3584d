"""Tooltips that show text from articles, comments and the schema exactly as written.

Qt renders a tooltip as rich text whenever it *looks* like HTML (``Qt.mightBeRichText``), so a
title such as ``<img src=file:///…>`` would be interpreted, and even load a local file. Every
tooltip built from user data goes through ``plain_tooltip``: escaped and wrapped so Qt always
takes the escaped form, which displays the characters literally.
"""
from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally, line breaks kept."""
    lines = (html.escape(line, quote=False) for line in text.split("\n"))
    return "<qt>" + "<br>".join(lines) + "</qt>"
