"""Issue 12, text whose paragraph breaks were lost (broadcast copy, feeds, spreadsheet cells): a
quote left open at a paragraph's end in news style ('... the town. "We start tomorrow," she said.')
must not pair its opening mark with the next paragraph's, which turned the second paragraph's
words into the gap between two quotes and the cue into a quotation.

Every text here is written for this file (invented people, places and bodies in the style of
broadcast news); none is taken from the bench, its gold sets or its corpora. Tests whose docstring
starts with "Guard:" pin behaviour that must not change (they pass on the code before too).
"""
from __future__ import annotations

import pytest

from annotation.nlp.quote_marks import find_quotes
from tests.annotation.quote_cases import find as _find, quotes_in as _quotes

RUN_TOGETHER = (
    'Harbour master Ilse Vantongeren says the channel will reopen on Monday. "The dredge has finished '
    'the northern reach and the buoys are back in place. "If the swell stays down we will let the first '
    'ships through at dawn," Ms Vantongeren said.'
)


def test_marks_pair_paragraph_by_paragraph_when_the_breaks_are_lost():
    text = RUN_TOGETHER
    regions = [text[r.start:r.end] for r in find_quotes(text)]
    assert regions == [
        "The dredge has finished the northern reach and the buoys are back in place.",
        "If the swell stays down we will let the first ships through at dawn",
    ]


def test_the_quote_before_the_cue_is_direct_and_the_cue_is_not_a_quotation(nlp):
    quotes = _quotes(nlp, RUN_TOGETHER)
    last = _find(quotes, "If the swell stays down")
    assert last["direct"] and last["cue"] == "said" and last["speaker"] == "Ilse Vantongeren"
    assert last["text"].endswith("at dawn")
    first = _find(quotes, "The dredge has finished")
    assert first["direct"] and first["text"].endswith("back in place.")
    assert first["speaker"] == "Ilse Vantongeren"
    assert not any("Vantongeren said" in q["text"] for q in quotes)


@pytest.mark.parametrize("text, quoted", [
    # three paragraphs run together, the cue at the end
    ('Chief inspector Rafe Dunmore says the bridge is safe. "We checked every bolt. "We checked every '
     'weld. "Nobody needs to worry about crossing it," Mr Dunmore said.',
     ["We checked every bolt.", "We checked every weld.", "Nobody needs to worry about crossing it"]),
    # a question ends the first paragraph
    ('The council says it has heard the residents. "Why would we close the library? "It is the busiest '
     'room in town," the mayor, Tove Granlund, said.',
     ["Why would we close the library?", "It is the busiest room in town"]),
])
def test_each_run_together_paragraph_is_its_own_quote(text, quoted):
    assert [text[r.start:r.end] for r in find_quotes(text)] == quoted


@pytest.mark.parametrize("text, quoted", [
    ('"The road is shut," she said. "It will stay shut."', ["The road is shut", "It will stay shut."]),
    ('He called the plan "bold. " Others did not.', ["bold."]),
    ('They wrote "Keep out" and "No entry" on the gate.', ["Keep out", "No entry"]),
    ('"We are ready.\n\n"We have been ready for weeks," she said.',
     ["We are ready.\n\n\"We have been ready for weeks"]),
])
def test_guard_marks_that_close_still_close(text, quoted):
    """Guard: a closing mark after a word, a mark before a space, and a real paragraph break
    (news style across paragraphs) pair as before."""
    assert [text[r.start:r.end] for r in find_quotes(text)] == quoted
