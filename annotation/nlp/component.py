"""The spaCy component that turns a parsed Doc into plain suggestion data.

It runs inside ``nlp.pipe``, so with ``n_process > 1`` the quotation rules run in the worker
processes too, and only small lists (not our objects) cross back: they ride in
``doc.user_data``, which spaCy serialises with the Doc.
"""
from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from annotation.nlp.quotes import Quotation, detect_quotations

COMPONENT = "goldspan_suggest"
KEY = "goldspan"


@Language.component(COMPONENT)
def suggest(doc: Doc) -> Doc:
    all_ents = list(doc.ents)
    try:
        quotes = [q.to_data() for q in detect_quotations(doc, all_ents)]
    except Exception as exc:  # noqa: BLE001 - one odd text must never stop a corpus-wide job
        quotes = []
        doc.user_data[KEY + "_error"] = f"{type(exc).__name__}: {exc}"
    ents = [trimmed for e in all_ents if (trimmed := _without_edge_space(e.text, e.start_char, e.label_))]
    doc.user_data[KEY] = {"ents": ents, "quotes": quotes}
    return doc


def _without_edge_space(text: str, start: int, label: str) -> list[Any] | None:
    """The small model sometimes takes a whitespace token into an entity ("May\n\n" before a
    paragraph break): a span never starts or ends in space, and one that is only space is dropped."""
    core = text.strip()
    if not core:
        return None
    begin = start + (len(text) - len(text.lstrip()))
    return [begin, begin + len(core), label]


def with_suggestions(nlp: Language) -> Language:
    """Add the component (once) at the end of ``nlp``."""
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True)
    return nlp


def rule_error(doc: Doc) -> str | None:
    """Why the quotation rules gave up on this Doc (its entities are still suggested)."""
    return doc.user_data.get(KEY + "_error")


def suggestions_of(doc: Doc) -> tuple[list[tuple[int, int, str]], list[Quotation]]:
    data: dict[str, Any] = doc.user_data.get(KEY) or {"ents": [], "quotes": []}
    ents = [(int(s), int(e), str(label)) for s, e, label in data["ents"]]
    return ents, [Quotation.from_data(list(q)) for q in data["quotes"]]
