"""Issue 12: quotations written in less usual ways that the rules used to miss.

Every text here is written for this file (fictional people and places); none is from the gold set.
"""
from __future__ import annotations

import pytest

from tests.annotation.quote_cases import find as _find, quotes_in as _quotes


def test_an_unclosed_quote_opening_a_sentence_keeps_its_inner_cue(nlp):
    text = ("The harbour master, Jonas Eklund, said the fog had been the worst in a decade. "
            "\"We are ready, he said, to review the radar rules.\n\nThe tribunal rose at noon.")
    q = _find(_quotes(nlp, text), "We are ready")
    assert "review the radar rules" in q["text"] and q["direct"] and q["speaker"] == "Jonas Eklund"


def test_a_post_read_tagged_as_a_noun_still_cues_its_quote(nlp):
    text = ("The Finance Ministry promised lower taxes for families. Union leader Greta Lund told listeners: "
            "pensions would fall. The ministry's post on social media read: \"This budget protects pensions.\"")
    q = _find(_quotes(nlp, text), "This budget protects")
    assert q["cue"] == "read" and q["speaker"] == "Finance Ministry"


def test_calls_it_with_an_unquoted_judgement_is_a_quote(nlp):
    quotes = _quotes(nlp, "Opposition leader Carla Novak calls it a gift to the banks.")
    q = _find(quotes, "a gift to the banks")
    assert q["speaker"] == "Carla Novak" and q["cue"] == "calls" and not q["direct"]


@pytest.mark.parametrize("text", [
    "Fans call him a legend.",
    "She called it a day at noon.",
    "Critics call him the Iron Chancellor.",
])
def test_names_and_reputations_after_call_are_not_quotes(nlp, text):
    assert _quotes(nlp, text) == []


def test_a_paragraph_carrying_on_without_a_reopening_mark_is_its_own_follow_on_quote(nlp):
    text = ("After the match, Lisbon coach Rui Duarte said, \"I think we learned a lot today.\n\n"
            "It was a very emotional day for all of us. The players gave everything they had.\"\n\n"
            "The next match is on Friday.")
    quotes = _quotes(nlp, text)
    first, second = _find(quotes, "learned a lot"), _find(quotes, "very emotional day")
    assert first is not second and "emotional" not in first["text"]
    assert first["speaker"] == second["speaker"] == "Rui Duarte" and second["floating"]


def test_a_follow_on_quote_takes_no_cue_from_the_next_paragraph(nlp):
    text = ("Demir's colleague, Anna Rusk, went further. She said the company had made record profits. "
            "\"Where did the money go?\"\n\nBusiness Secretary Joan Hartley urged both sides to return to talks.")
    q = _find(_quotes(nlp, text), "Where did the money go")
    assert q["speaker"] == "Anna Rusk"


def test_a_modal_reporting_verb_inside_a_report_reports_nothing(nlp):
    text = ("Space policy researcher Dr Hana Sato warned about space debris. Sato said the university should "
            "explain how the satellite would be brought down at the end of its mission.")
    q = _find(_quotes(nlp, text), "brought down")
    assert q["speaker"] == "Hana Sato" and q["text"].startswith("the university should explain")


def test_a_request_inside_a_report_does_not_take_the_report_over(nlp):
    text = ("Adebayo had asked him to review the new report, Wrobel said, but he had not been shown "
            "the photographs.")
    q = _find(_quotes(nlp, text), "review the new report")
    assert q["speaker"] == "Wrobel" and q["text"].startswith("Adebayo had asked")


@pytest.mark.parametrize("verb", ["reassured drivers", "underlined"])
def test_reporting_verbs_news_uses_beyond_say(nlp, verb):
    text = f"County leader Peter Marsh spoke on Monday. He {verb} that a temporary footbridge would open within a week."
    q = _find(_quotes(nlp, text), "temporary footbridge")
    assert q["speaker"] == "Peter Marsh"


def test_an_attribution_trailing_the_clause_the_parser_hung_on_a_noun(nlp):
    text = ("The primary school in Glen Farrow will close in July, the county education board announced on "
            "Thursday, citing falling pupil numbers.")
    q = _find(_quotes(nlp, text), "will close in July")
    assert q["cue"] == "announced" and "education board" in q["speaker"]


def test_said_in_a_statement_that(nlp):
    text = ("The county education board met on Thursday. The board said in a statement that only eleven "
            "children were enrolled this year, down from forty a decade ago.")
    q = _find(_quotes(nlp, text), "only eleven children")
    assert q["cue"] == "said"


def test_a_few_verbless_quoted_words_keep_their_clause_as_a_mixed_quote(nlp):
    text = ("Its chairman, Captain Erik Lund, told a news conference that pilots were \"exhausted and angry\".")
    q = _find(_quotes(nlp, text), "pilots were")
    assert q["speaker"] == "Erik Lund" and not q["direct"]


def test_in_his_view_attributes_the_opinion(nlp):
    text = ("Aviation analyst Peter Kim of Nordic Markets said the strike could cost the airline ten million "
            "euros a day. In his view, the dispute would end \"only when passengers start booking elsewhere\".")
    q = _find(_quotes(nlp, text), "the dispute would end")
    assert q["speaker"] == "Peter Kim" and q["cue"] == "In his view"
