"""Issue 12 on wire copy: which clauses report speech and who speaks (fc733cb, 8b110b0, 93d4d98).

A condition inside a reported clause is no question; "has said before that ..." reports its
clause; estimate/forecast report a figure, not speech; "he added" after an unnamed role, "they
said" after a plural of people, "the companies said" after several companies and a person the
tagger called an ORG keep the right speaker; a straight double mark used as an apostrophe opens
no quotation; a quotation in an all-capitals wire headline is left out.

Every text here is written for this file (invented companies, people, countries and towns in the
style of wire copy); none is taken from the bench or the gold sets. Tests whose docstring starts
with "Guard:" pin behaviour that must not change (they pass on the code before these commits too).
"""
from __future__ import annotations

import pytest

from tests.annotation.quote_cases import find as _find, quotes_in as _quotes


# --- which clauses report speech (fc733cb) ---------------------------------------------------

def test_a_condition_inside_the_reported_clause_is_no_question(nlp):
    text = ("Harlan Voss, an analyst at Pemberton Securities, said if the company sold its stake in the "
            "refinery, its shares might rise sharply.")
    q = _find(_quotes(nlp, text), "its shares might rise sharply")
    assert q["text"].startswith("if the company sold its stake")
    assert q["source"] == "Harlan Voss" and q["speaker"] == "Harlan Voss"


@pytest.mark.parametrize("text", [
    "Reporters asked if the company would sell its stake in the refinery.",
    "Shareholders asked if the board would consider a higher offer from Delmont Group.",
    "Investors wondered whether the bank would raise its dividend.",
], ids=["asked-if", "asked-if-offer", "wondered-whether"])
def test_guard_a_yes_no_question_still_reports_no_statement(nlp, text):
    """Guard: "asked if ..." / "wondered whether ..." is a question, not a quotation (unchanged)."""
    assert _quotes(nlp, text) == []


def test_has_said_before_that_reports_its_that_clause(nlp):
    text = "The cartel's president has said before that prices would stay firm through the winter."
    q = _find(_quotes(nlp, text), "prices would stay firm")
    assert q["text"] == "prices would stay firm through the winter"
    assert q["source"] == "The cartel's president"


@pytest.mark.parametrize("text", [
    "The chairman has explained the terms again so that shareholders understand the offer.",
    "The mayor repeated the warning so that residents would leave before the storm.",
], ids=["explained-so-that", "repeated-so-that"])
def test_guard_a_so_that_clause_is_a_purpose_not_a_report(nlp, text):
    """Guard: a "so that" clause on a reporting verb says why, not what was said (unchanged)."""
    assert _quotes(nlp, text) == []


def test_the_group_after_an_opening_filing_phrase_is_the_source(nlp):
    text = ("Brenmoor Inc shares rose 3 dlrs.\n\n"
            "In a filing with the Securities and Exchange Commission, the group, led by Tallis Capital Corp, "
            "said it sold 200,000 shares of Brenmoor Inc.\n\n"
            "The group said it might sell more.")
    q = _find(_quotes(nlp, text), "sold 200,000 shares")
    assert q["source"] == "the group"
    assert "Commission" not in q["speaker"]  # the regulator received the filing; it did not speak


@pytest.mark.parametrize("text", [
    "Traders estimate output from the northern fields is up 8 pct this month.",
    "Analysts forecast that the company's earnings would fall 10 pct in the second quarter.",
    "Dealers estimated that the cartel was pumping about 17 mln barrels a day in March.",
], ids=["estimate", "forecast-that", "estimated-that"])
def test_an_estimate_or_forecast_is_a_figure_not_speech(nlp, text):
    assert _quotes(nlp, text) == []


@pytest.mark.parametrize("text, fragment, source", [
    ("Several dealers speculated that the central bank would cut rates next week.",
     "central bank would cut rates", "Several dealers"),
    ("Dr Anika Ferro theorized that the fish had left the bay because the water was too warm.",
     "the fish had left the bay", "Anika Ferro"),
    ("Marta Quell, a trader at Foxley Commodities, disagreed that prices had peaked.",
     "prices had peaked", "Marta Quell"),
    ("Corvin Oil Co reaffirmed that it would keep its dividend at 30 cts a share.",
     "keep its dividend", "Corvin Oil Co"),
    ("The minister restated that the government would not raise fuel taxes this year.",
     "would not raise fuel taxes", "The minister"),
], ids=["speculate", "theorize", "disagree", "reaffirm", "restate"])
def test_new_reporting_verbs_report_their_clause(nlp, text, fragment, source):
    q = _find(_quotes(nlp, text), fragment)
    assert q["source"] == source and not q["direct"]


# --- who speaks (8b110b0) --------------------------------------------------------------------

def test_he_added_stays_with_the_unnamed_manager_just_quoted(nlp):
    text = ("Ostrander Steel Co and Pellam Metals Inc cut their list prices for sheet steel on Monday. "
            "Lars Ekdahl, president of Ostrander, said the cut was overdue.\n\n"
            "\"Buyers are holding back until prices settle,\" said the regional manager for one of the "
            "companies. \"We expect orders to pick up by April,\" he added.")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "cut was overdue")["speaker"] == "Lars Ekdahl"
    manager = _find(quotes, "holding back")["speaker"]
    assert manager == "regional manager"
    added = _find(quotes, "pick up by April")
    assert added["source"] == "he" and added["speaker"] == manager


def test_they_said_is_the_plural_of_people_that_was_the_subject(nlp):
    text = ("Rafiq Amsel, Delmora's oil minister, said on Tuesday that his country was keeping to its quota.\n\n"
            "Oil traders and shipping brokers have watched tanker traffic in the gulf closely this month. "
            "They named Qarvan and Delmora as the largest overproducers. Qarvan, they said, was pumping "
            "well above its ceiling.")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "keeping to its quota")["speaker"] == "Rafiq Amsel"
    q = _find(quotes, "well above its ceiling")
    assert q["source"] == "they" and q["speaker"] == "Oil traders and shipping brokers"


def test_the_companies_are_the_last_source_that_named_several(nlp):
    text = ("Pellan Co and Marlow Investment Partners said they had offered 42 dlrs a share for Quinlan "
            "Systems Inc.\n\n"
            "Quinlan's chairman, Edwin Garrow, said the board would study the offer. "
            "The companies said the offer would expire on March 30.")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "board would study")["speaker"] == "Edwin Garrow"
    q = _find(quotes, "expire on March 30")
    assert q["source"] == "The companies"
    assert q["speaker"] == "Pellan Co and Marlow Investment Partners"


def test_a_name_tagged_as_a_company_before_of_an_employer_is_a_person(nlp):
    text = ("Castlebury Foods Inc said on Monday its profit would fall 20 pct this year. Finance director "
            "Tom Avery said sales of frozen meals had slumped.\n\n"
            "Morgan Lindell of Keystone Analytical said investors had expected the warning. He said the "
            "stock could fall further this week.")
    quotes = _quotes(nlp, text)
    analyst = _find(quotes, "expected the warning")
    assert (analyst["speaker"], analyst["label"]) == ("Morgan Lindell", "PERSON")
    he = _find(quotes, "fall further this week")
    assert he["source"] == "He" and he["speaker"] == "Morgan Lindell"  # not Tom Avery, named before


# --- quote marks and headlines (93d4d98) -----------------------------------------------------

def test_a_straight_double_mark_inside_a_word_is_an_apostrophe(nlp):
    text = ("Merovia\"s oil minister said output would rise next month. \"We don\"t plan to flood the "
            "market,\" he said. Dealers said they\"re not convinced.")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "output would rise")["source"] == "Merovia\"s oil minister"
    direct = _find(quotes, "flood the market")
    assert direct["text"] == "We don\"t plan to flood the market" and direct["direct"]
    assert direct["speaker"] == "Merovia\"s oil minister"
    assert _find(quotes, "not convinced")["text"] == "they\"re not convinced"


def test_a_quotation_in_a_capitals_wire_headline_is_left_out(nlp):
    text = ("MEROVIA SAYS OUTPUT POLICY WILL NOT CHANGE\n"
            "KESTOWN, March 3 - Merovia's oil minister said output policy would not change this year.")
    quotes = _quotes(nlp, text)
    assert [q["text"] for q in quotes] == ["output policy would not change this year"]
    assert quotes[0]["source"] == "Merovia's oil minister"


def test_the_filing_group_is_not_the_regulator_in_a_first_sentence(nlp):
    # with no sentence before it, "the group" used to be resolved to the one organisation of its
    # sentence, the regulator that only received the filing
    text = ("In a filing with the Securities and Exchange Commission, the group, led by Tallis Capital Corp, "
            "said it sold 200,000 shares of Brenmoor Inc.")
    q = _find(_quotes(nlp, text), "sold 200,000 shares")
    assert q["source"] == "the group"
    assert "Commission" not in q["speaker"]


def test_the_companies_are_two_names_the_tagger_kept_apart(nlp):
    text = ("Halbrook Inc and Drayton Partners said they had agreed to form a joint venture to build a gas "
            "pipeline in western Carrow.\n\n"
            "Analyst Ivy Renner said the project made sense. The companies said the venture would cost "
            "about 300 mln dlrs.")
    q = _find(_quotes(nlp, text), "about 300 mln dlrs")
    assert q["source"] == "The companies"
    assert q["speaker"] == "Halbrook Inc and Drayton Partners"
