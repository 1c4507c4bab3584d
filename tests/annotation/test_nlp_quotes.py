"""The quotation detector on real text: the seed article, hand-made cases, broken quote marks."""
from __future__ import annotations

import pytest

from annotation.nlp.quote_marks import find_quotes
from tests.helpers import SEED, shared


@pytest.fixture(scope="module")
def nlp():
    from annotation.nlp.models import load_model

    return load_model().nlp  # cached per process: the model loads once per test session


def _quotes(nlp, text):
    from annotation.nlp.quotes import detect_quotations

    doc = nlp(text)
    out = []
    for q in detect_quotations(doc):
        cut = lambda span: text[span[0]:span[1]] if span else None  # noqa: E731
        out.append({"text": text[q.start:q.end], "source": cut(q.source), "cue": cut(q.cue), "coref": cut(q.coref),
                    "speaker": q.speaker, "direct": q.direct, "floating": q.floating})
    return out


def _find(quotes, fragment):
    hits = [q for q in quotes if fragment in q["text"]]
    assert hits, f"no quotation containing {fragment!r} in {[q['text'] for q in quotes]}"
    return hits[0]


@pytest.fixture(scope="module")
def seed(nlp):
    text = shared(*SEED).read_text(encoding="utf-8")
    return text, nlp(text), _quotes(nlp, text)


def test_seed_people_are_person_entities(seed):
    _, doc, _ = seed
    people = {e.text for e in doc.ents if e.label_ == "PERSON"}
    for name in ("Vladimir Putin", "Donald Trump", "Yuri Ushakov", "Sergey Lavrov", "Thomas Shannon"):
        assert name in people


def test_seed_direct_quote_with_source_and_cue(seed):
    _, _, quotes = seed
    q = _find(quotes, "We agreed on July 7")
    assert (q["source"], q["cue"], q["direct"]) == ("Yuri Ushakov", "said", True)


def test_seed_pronoun_source_is_linked_to_lavrov(seed):
    _, _, quotes = seed
    q = _find(quotes, "in the United States")
    assert q["source"] == "he" and q["cue"] == "said"
    assert q["coref"] == "Sergey Lavrov" and q["speaker"] == "Sergey Lavrov"


def test_seed_partial_quotes_are_attributed(seed):
    _, _, quotes = seed
    q = _find(quotes, "“prospects for cooperation”")
    assert "Lavrov" in q["speaker"] and q["direct"] is False
    q = _find(quotes, "“formal agenda”")
    assert q["speaker"] == "White House" and q["cue"] == "said"


def test_seed_scare_quote_in_a_comment_is_left_out(seed):
    _, _, quotes = seed
    assert not [q for q in quotes if "useful idiots" in q["text"]]


def test_indirect_speech_patterns(nlp):
    text = ("According to the Interior Ministry, at least 40 people were arrested overnight. "
            "Police chief Maria Lopez told reporters that the protests had been peaceful. "
            "The company has said it will appeal the ruling.")
    quotes = _quotes(nlp, text)
    q = _find(quotes, "40 people were arrested")
    assert q["cue"] == "According to" and "Interior Ministry" in q["source"] and q["direct"] is False
    q = _find(quotes, "the protests had been peaceful")
    assert q["source"] == "Maria Lopez" and q["cue"] == "told" and not q["text"].startswith("that")
    q = _find(quotes, "it will appeal the ruling")
    assert q["cue"] == "said" and q["direct"] is False


def test_floating_quote_inherits_the_last_speaker(nlp):
    text = ("“The bridge will reopen in May,” said Mayor Anna Berg.\n\n"
            "“We have learned from the delays and we will not repeat them.”\n\n"
            "The council meets on Friday.")
    quotes = _quotes(nlp, text)
    q = _find(quotes, "learned from the delays")
    assert q["floating"] and q["speaker"] == "Anna Berg"


def test_news_style_quote_across_paragraphs(nlp):
    text = ("Coach Tom Reyes said: “We trained hard all winter and it showed today.\n\n"
            "“Next week is a different game, and we know it.”\n\nThe season ends in June.")
    quotes = _quotes(nlp, text)
    q = _find(quotes, "trained hard")
    assert "Next week is a different game" in q["text"] and q["speaker"] == "Tom Reyes"


def test_she_is_not_resolved_to_a_man_called_he(nlp):
    text = ("Health minister John Park said the clinics would stay open. “We are hiring,” he said. "
            "Nurse Laura Chen disagreed. “Nobody has asked us,” she said.")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "We are hiring")["speaker"] == "John Park"
    assert _find(quotes, "Nobody has asked us")["speaker"] == "Laura Chen"


def test_titles_and_scare_quotes_are_not_quotations(nlp):
    text = ("She starred in “The Long Goodbye” last year. Critics called the plan ‘a bit rich’ and "
            "the so-called \"experts\" stayed away.")
    assert _quotes(nlp, text) == []


@pytest.mark.parametrize("text", [
    "",
    "   \n\n  ",
    "\"",
    "“ ” “",
    "He said \"this never closes. And more text follows here, with no marks at all.",
    "''''''\"\"\"\"‘’‘’“”",
    "😀😀🎉🎉",
    "Der Minister sagte: „Wir werden das Gesetz ändern.“",
])
def test_odd_input_never_crashes(nlp, text):
    _quotes(nlp, text)


def test_a_stray_mark_does_not_drop_the_rest(nlp):
    text = ("The sign read \"closed. Nobody knew why.\n\n"
            "“We will reopen next month,” said manager Paul Weiss.")
    q = _find(_quotes(nlp, text), "We will reopen next month")
    assert q["speaker"] == "Paul Weiss"


def test_quote_marks_pairing():
    text = "“One,” he said. ‘Two’ isn't it? The countries’ leaders said \"three\"."
    found = [text[r.start:r.end] for r in find_quotes(text)]
    assert found == ["One", "Two", "three"]


def test_quote_marks_news_continuation_and_unclosed():
    text = "He said: “First part.\n\n“Second part,” he added.\n\nA stray “ mark."
    regions = find_quotes(text)
    assert [text[r.start:r.end] for r in regions] == ["First part.\n\n“Second part"]
    assert regions[0].paragraphs == 2


def test_a_commenters_own_opinion_is_not_reported_speech(nlp):
    assert _quotes(nlp, "As I said before, I think the council is wasting our money.") == []


def test_declining_to_comment_is_not_a_cue(nlp):
    text = "The striker posted “Thank you, boss” on Sunday. The club declined to comment on the matter."
    q = _find(_quotes(nlp, text), "Thank you, boss")
    assert q["cue"] != "comment"


def test_a_report_chain_credits_the_person_not_the_newspaper(nlp):
    text = "According to the Herald, Professor John Burrows said the flag had never been open to public choice."
    q = _find(_quotes(nlp, text), "never been open to public choice")
    assert q["speaker"] == "John Burrows" and q["cue"] == "said"
