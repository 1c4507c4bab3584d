"""Entity suggestions never start or end in whitespace: the small model sometimes takes a
paragraph break into an entity ("May\n\n"), which then shows as a boundary difference in review."""
from __future__ import annotations

import spacy
from spacy.tokens import Doc, Span

from annotation.nlp.component import suggest, suggestions_of


def test_whitespace_tokens_at_an_entity_edge_are_left_out() -> None:
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["Bridge", "to", "reopen", "by", "May", "\n\n", "Springfield", "votes", "\n"],
              spaces=[True, True, True, True, False, False, True, False, False])
    assert doc.text == "Bridge to reopen by May\n\nSpringfield votes\n"
    doc.ents = [Span(doc, 4, 6, "DATE"), Span(doc, 6, 7, "GPE"), Span(doc, 8, 9, "CARDINAL")]
    ents, _ = suggestions_of(suggest(doc))
    assert [(doc.text[s:e], label) for s, e, label in ents] == [("May", "DATE"), ("Springfield", "GPE")]
