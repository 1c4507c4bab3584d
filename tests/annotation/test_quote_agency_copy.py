"""Issue 12 on agency copy: a wire dateline says where a story was filed, never who speaks in it;
"the company said" is the company that spoke, by its full name.

Every text here is written for this file (invented companies, people and towns in the style of
wire copy); none is taken from the bench or the gold sets.
"""
from __future__ import annotations

import pytest

from tests.annotation.quote_cases import find as _find, quotes_in as _quotes


# --- which lines are datelines and headlines -------------------------------------------------

@pytest.mark.parametrize("text, dateline", [
    ("BRAXTON, March 2 - Quell Corp said it would cut prices.", "BRAXTON, March 2 - "),
    ("NEW HAVERLY (Reuters) - Shares of Orrin Bank rose sharply.", "NEW HAVERLY (Reuters) - "),
    ("KESTREL BAY (AP) \u2014 Harbour officials said the ferry would resume.", "KESTREL BAY (AP) \u2014 "),
    ("MILLBROOK , N.J., March 2 - Dunmore Inc said it had sold a unit.", "MILLBROOK , N.J., March 2 - "),
    ("FORT ASHBY, British Columbia, Feb. 14 -- Talks between the two mills resumed.",
     "FORT ASHBY, British Columbia, Feb. 14 -- "),
    ("Port Elmer (AP) - A storm closed the harbour on Sunday.", "Port Elmer (AP) - "),
], ids=["city-date", "city-agency", "agency-em-dash", "spaced-comma-region", "region-double-dash", "titlecase-agency"])
def test_a_dateline_ends_after_its_dash(text, dateline):
    from annotation.nlp.datelines import dateline_spans

    assert [text[a:b] for a, b in dateline_spans(text)] == [dateline]


def test_a_dateline_opens_a_paragraph_not_only_the_text():
    from annotation.nlp.datelines import dateline_spans

    text = "TARRANT SEES HIGHER PROFIT\n\nWINSLOW-GATE, March 9 - Tarrant Corp said profit would rise."
    assert [text[a:b] for a, b in dateline_spans(text)] == ["WINSLOW-GATE, March 9 - "]


@pytest.mark.parametrize("text", [
    "The UN - which said - no.",
    "Shares fell on Monday. NEW HAVERLY - traders said the drop was brief.",  # mid-paragraph
    "The council met late - and then, at last, it voted to close the pool.",
    "Monday, March 2, 2026\n\nThe council of Dunmore - which met late - voted to close the pool.",
], ids=["acronym-aside", "caps-mid-paragraph", "dash-mid-sentence", "wikinews-date-line"])
def test_lines_that_are_not_datelines(text):
    from annotation.nlp.datelines import dateline_spans

    assert dateline_spans(text) == []


def test_capitals_lines_are_the_headlines_only():
    from annotation.nlp.datelines import capitals_lines

    text = ("QUILLAN TRUST TO BUY CORVEN MILLS STAKE\n"
            "BRAXTON, March 3 - An investment group led by Quillan Trust said it had bought a stake.\n"
            "US\n"
            "The NATO talks opened on Monday.")
    assert [text[a:b] for a, b in capitals_lines(text)] == ["QUILLAN TRUST TO BUY CORVEN MILLS STAKE"]
    assert capitals_lines("Monday, March 2, 2026\nThe mayor spoke.") == []


def test_initials_leave_out_a_legal_ending():
    from annotation.nlp.mentions import initials

    assert initials("Diagnostic Retrieval Systems Inc") == "DRS"
    assert initials("Halvorsen Marine Transport Corp.") == "HMT"
    assert initials("World Health Organisation") == "WHO"
    assert initials("Acme Co") == "AC"  # two words: the ending may be all there is to abbreviate


# --- datelines are where, not who ------------------------------------------------------------

def test_the_city_of_a_dateline_is_not_the_speaker(nlp):
    text = ("HARTWELL, Ohio, March 2 - Brantley Fasteners Corp said it would close its plant in the city "
            "by the end of the year.\n\n"
            "The company said about 240 workers would be offered jobs at its other sites.")
    quotes = _quotes(nlp, text)
    first = _find(quotes, "close its plant")
    assert first["source"] == "Brantley Fasteners Corp"
    assert first["speaker"] == "Brantley Fasteners Corp"
    assert _find(quotes, "240 workers")["speaker"] == "Brantley Fasteners Corp"


@pytest.mark.parametrize("text, fragment, speaker", [
    ("PELLSTON (Reuters) - Corvale Mining Ltd said it had found copper at its northern site, sending its "
     "shares up 12 pct.", "found copper", "Corvale Mining Ltd"),
    ("KESTREL BAY (AP) \u2014 Harbour officials said Tuesday that the ferry service would resume next week "
     "after repairs.", "ferry service", "Harbour officials"),
], ids=["reuters", "ap-em-dash"])
def test_an_agency_dateline_names_no_speaker(nlp, text, fragment, speaker):
    assert _find(_quotes(nlp, text), fragment)["speaker"] == speaker


def test_a_company_the_tagger_ran_into_the_date_is_an_organisation(nlp):
    text = ("KESTON, March 2 - Bank of Larchmont Co said it had agreed to buy a 20 pct stake in a regional "
            "lender for 35 mln dlrs.\n\n"
            "The bank said the deal needed approval from regulators.")
    quotes = _quotes(nlp, text)
    first = _find(quotes, "20 pct stake")
    assert (first["speaker"], first["label"]) == ("Bank of Larchmont Co", "ORG")
    assert _find(quotes, "approval from regulators")["speaker"] == "Bank of Larchmont Co"


def test_the_source_after_a_dateline_does_not_begin_with_its_date(nlp):
    text = ("DELWYN, Feb 26 - Farrow Lane Hotels Inc said its quarterly profit fell 18 pct on weaker bookings.\n\n"
            "The company said it expected demand to recover by the summer.")
    q = _find(_quotes(nlp, text), "profit fell")
    assert q["source"] == "Farrow Lane Hotels Inc" and q["speaker"] == "Farrow Lane Hotels Inc"


def test_a_name_guessed_in_a_capitals_headline_is_no_antecedent(nlp):
    text = ("INVESTMENT GROUP RAISES STAKE IN PELHAM TOOL\n"
            "PELHAM, N.H., March 3 - A group of Boston investors said it had raised its stake in Pelham Tool Co "
            "to 11.4 pct and might seek control.\n\n"
            "The group said it had no plans to sell its shares.")
    quotes = _quotes(nlp, text)
    first, second = _find(quotes, "raised its stake"), _find(quotes, "no plans to sell")
    assert "INVESTMENT GROUP" not in second["speaker"] and "PELHAM" not in first["speaker"]
    assert second["speaker"] == first["speaker"]


# --- "the company said" and a company's short names ------------------------------------------

def test_the_company_is_the_organisation_that_spoke_before_the_analyst(nlp):
    text = ("Halloway Freight Corp said on Tuesday that its fourth quarter profit doubled.\n\n"
            "Analyst Tom Greaves of Mercer Securities said the results beat forecasts. "
            "\"They had a very strong winter,\" he said.\n\n"
            "The company said it would raise its dividend in April.")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "very strong winter")["speaker"] == "Tom Greaves"
    assert _find(quotes, "raise its dividend")["speaker"] == "Halloway Freight Corp"


def test_an_agency_story_gives_the_company_its_full_name_throughout(nlp):
    text = ("TANNERSVILLE, Pa., March 5 - Dravenport Oil Co said it had raised its posted crude prices by "
            "50 cts a barrel.\n\n"
            "Dravenport said the increase took effect on Thursday. Analyst Gail Merriman said other refiners "
            "would follow. \"It is the first move of the spring,\" she said.\n\n"
            "The company said it would review prices again next month.")
    quotes = _quotes(nlp, text)
    for fragment in ("raised its posted", "took effect", "review prices"):
        assert _find(quotes, fragment)["speaker"] == "Dravenport Oil Co", fragment
    assert _find(quotes, "first move of the spring")["speaker"] == "Gail Merriman"


def test_one_word_that_begins_a_company_name_is_that_company_unless_a_surname(nlp):
    text = ("Marrick Packaging Systems Inc said it had agreed to buy Tessler Industries Corp for 40 mln dlrs. "
            "Paul Tessler, who founded the seller, said he would stay on as an adviser.\n\n"
            "Marrick said the deal would close in June. Tessler said his staff would keep their jobs.")
    quotes = _quotes(nlp, text)
    marrick = _find(quotes, "close in June")
    assert (marrick["speaker"], marrick["label"]) == ("Marrick Packaging Systems Inc", "ORG")
    assert _find(quotes, "keep their jobs")["speaker"] == "Paul Tessler"  # the founder, not his old company


def test_an_acronym_names_the_company_without_its_legal_ending(nlp):
    text = ("Kelbrook Data Services Inc said it had agreed to merge with a smaller rival for 18 mln dlrs in "
            "stock.\n\n"
            "KDS said the merged company would keep its headquarters in Ashford.")
    q = _find(_quotes(nlp, text), "keep its headquarters")
    assert q["speaker"] == "Kelbrook Data Services Inc"


# --- a role described by whose it is ---------------------------------------------------------

@pytest.mark.parametrize("text, fragment, person", [
    ("Mayor Jon Pettibone said the port would stay open through the strike.\n\n"
     "The regional manager for one of the largest shipping lines, who spoke on condition of anonymity, said "
     "cargo was already being sent to other ports.\n\n"
     "The mayor said he would meet union leaders on Friday.", "other ports", "Jon Pettibone"),
    ("Mayor Jon Pettibone said the port would stay open through the strike.\n\n"
     "The operations director of one of the largest shipping lines said cargo was already being sent to "
     "other ports.", "other ports", "Jon Pettibone"),
    ("Fire Chief Ruth Okafor said the blaze was under control by midnight.\n\n"
     "The site manager who called in the alarm said the fire began in a storage shed.",
     "storage shed", "Ruth Okafor"),
], ids=["for-and-who", "of", "relative-clause"])
def test_a_role_described_by_its_affiliation_is_someone_new(nlp, text, fragment, person):
    quotes = _quotes(nlp, text)
    q = _find(quotes, fragment)
    assert q["speaker"] != person
    assert q["speaker"] and q["speaker"] in q["source"]  # the description itself: "regional manager"
    if "The mayor said" in text:  # a bare role is still the person named before
        assert _find(quotes, "union leaders")["speaker"] == person


def test_a_company_name_the_tagger_called_a_person_is_still_the_company(nlp):
    # the small model tags "Quarry Hill Bancorp" PERSON; its last word says it is a company
    text = ("LANSFORD, Pa., March 4 - Quarry Hill Bancorp said it agreed to buy the Elm Street branch of a rival "
            "bank for 4 mln dlrs.\n\nThe company said the purchase would close in June.")
    quotes = _quotes(nlp, text)
    first = _find(quotes, "agreed to buy")
    assert (first["speaker"], first["label"]) == ("Quarry Hill Bancorp", "ORG")
    assert _find(quotes, "close in June")["speaker"] == "Quarry Hill Bancorp"
