"""What the quotation tests share: the quotations of a text as plain dicts (the text of each
span, not offsets) and one quotation found by a fragment. The pipeline is conftest's ``nlp``."""
from __future__ import annotations

from typing import Any


def quotes_in(nlp: Any, text: str) -> list[dict[str, Any]]:
    from annotation.nlp.quotes import detect_quotations

    cut = lambda span: text[span[0]:span[1]] if span else None  # noqa: E731
    return [{"text": text[q.start:q.end], "source": cut(q.source), "cue": cut(q.cue), "speaker": q.speaker,
             "label": q.speaker_label, "direct": q.direct, "floating": q.floating, "layout": q.layout}
            for q in detect_quotations(nlp(text))]


def find(quotes: list[dict[str, Any]], fragment: str) -> dict[str, Any]:
    hits = [q for q in quotes if fragment in q["text"]]
    assert hits, f"no quotation containing {fragment!r} in {[q['text'] for q in quotes]}"
    return hits[0]
