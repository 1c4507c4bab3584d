"""Issue 12 on web news: quotation rules from c1f7aa6, fe54a86, 083d7c7, 628d1a4, e940f9b, 024e742,
4ea68c7 and ed3cb16.

An interview printed as a transcript gives one block quotation per answer of a person the article
names; a speech act named by a noun with a possessor reports its that-clause; one reported clause
the parser split at a relative clause is one quotation; "when asked what was next" is a question
put to the speaker; a cue word inside a coined compound is none; "One of the bill's sponsors,
<name>, said" is the named person; a person noun before an ORG-tagged name makes it a person's;
"the woman said" after "A resident who ... said" is that resident; a document's author from "by X"
or from an acronym before it; a "but" clause hung on the reporting verb goes on the report; a
direct quote's cue may open a long next sentence.

Every text here is written for this file (invented people, companies, places and publications in
the style of web news); none is taken from the bench, its gold sets or its corpora. Tests whose
docstring starts with "Guard:" pin behaviour that must not change (they pass on the code before
these commits too).
"""
from __future__ import annotations

import pytest

from tests.annotation.quote_cases import find as _find, quotes_in as _quotes


# --- an interview printed as a transcript (c1f7aa6) --------------------------------------------

_INTERVIEW = (
    "Novelist Marta Quillfeather spoke to Bookwire about her new book.\n\n"
    "Bookwire: What brought you back to the lighthouse story?\n\n"
    "Quillfeather: My sister and I spent every summer on that coast, and I always knew I would write "
    "about it one day.\n\n"
    "Bookwire: Was it hard to finish?\n\n"
    "Quillfeather: My editor said, \"Take another year,\" and I told her I could not wait that long."
)


def test_interview_answers_are_block_quotations_of_the_named_person(nlp):
    quotes = _quotes(nlp, _INTERVIEW)
    first = _find(quotes, "My sister and I spent every summer")
    assert first["text"] == ("My sister and I spent every summer on that coast, and I always knew I would write "
                             "about it one day.")
    assert first["source"] == "Quillfeather" and first["speaker"] == "Marta Quillfeather"
    assert first["layout"] == "block" and first["direct"]
    # the interviewer's lines name no person: no quotation
    assert not any("lighthouse story" in q["text"] or "hard to finish" in q["text"] for q in quotes)


def test_speech_reported_inside_an_interview_answer_stays_part_of_it(nlp):
    quotes = _quotes(nlp, _INTERVIEW)
    answer = _find(quotes, "Take another year")
    assert answer["text"] == "My editor said, \"Take another year,\" and I told her I could not wait that long."
    assert answer["speaker"] == "Marta Quillfeather" and answer["layout"] == "block"
    assert len([q for q in quotes if "Take another year" in q["text"]]) == 1
    assert len(quotes) == 2


# --- a speech act named by a noun (fe54a86) ----------------------------------------------------

@pytest.mark.parametrize("text, content, cue, speaker", [
    ("Commuters were angered by the mayor's announcement that the Wexcombe bridge will close for a year.",
     "the Wexcombe bridge will close for a year", "announcement", "mayor"),
    ("Councillor Bram Ostrowe's claim that the new depot would cost twice the budget was rejected by the "
     "finance office.", "the new depot would cost twice the budget", "claim", "Councillor Bram Ostrowe"),
], ids=["mayors-announcement", "councillors-claim"])
def test_a_speech_noun_with_its_speaker_as_possessor_reports_its_that_clause(nlp, text, content, cue, speaker):
    q = _find(_quotes(nlp, text), content)
    assert q["text"] == content
    assert q["cue"] == cue and q["speaker"] == speaker and not q["direct"]


@pytest.mark.parametrize("text", [
    "The revelation that the Wexcombe bridge was unsafe angered commuters on Tuesday.",
    "Commuters were angered by the announcement that the Wexcombe bridge will close for a year.",
], ids=["revelation", "announcement-no-possessor"])
def test_guard_a_speech_noun_without_a_possessor_reports_nothing(nlp, text):
    """Guard: with no possessor ("the announcement that ..."), nobody said the clause."""
    assert _quotes(nlp, text) == []


# --- one clause split at a relative clause; "when asked"; a cue inside a compound (083d7c7) ---

@pytest.mark.parametrize("text, content, source", [
    ("Penhallow added that the bill Governor Marsh signed into law last month may not have ended the dispute "
     "over water rights.",
     "the bill Governor Marsh signed into law last month may not have ended the dispute over water rights",
     "Penhallow"),
    ("She added that the pipeline Torvald Energy built across the valley may not have been inspected for years.",
     "the pipeline Torvald Energy built across the valley may not have been inspected for years", "She"),
], ids=["bill-signed-into-law", "pipeline-built"])
def test_one_reported_clause_split_at_a_relative_clause_is_one_quotation(nlp, text, content, source):
    quotes = _quotes(nlp, text)
    assert len(quotes) == 1, [q["text"] for q in quotes]
    assert quotes[0]["text"] == content
    assert quotes[0]["source"] == source and quotes[0]["cue"] == "added"


def test_when_asked_is_a_question_put_to_the_speaker_not_a_report(nlp):
    text = "When asked what was next for the bakery, the founder said she planned to open a second shop in Carrow."
    quotes = _quotes(nlp, text)
    assert len(quotes) == 1, [q["text"] for q in quotes]
    assert quotes[0]["text"] == "she planned to open a second shop in Carrow"
    assert quotes[0]["cue"] == "said" and quotes[0]["source"] == "the founder"


def test_a_cue_word_inside_a_coined_compound_is_no_cue(nlp):
    text = "Neighbours traded high fives and told-you-sos that the factory would never reopen."
    assert _quotes(nlp, text) == []


# --- speakers: "one of ...", a titled ORG name, "the woman" (628d1a4) --------------------------

def test_one_of_the_sponsors_named_in_apposition_is_the_source(nlp):
    text = ("The bill passed the state senate on Thursday. One of the bill's sponsors, Democratic Sen. Delia "
            "Marchetti, said the measure would save the state millions.")
    q = _find(_quotes(nlp, text), "the measure would save the state millions")
    assert q["source"] == "Delia Marchetti" and q["speaker"] == "Delia Marchetti"
    assert q["label"] == "PERSON"


def test_a_person_noun_before_an_org_tagged_name_makes_it_a_person(nlp):
    text = ("Agriculture minister Alan Whitcombe visited the valley on Monday.\n\n"
            "Tomato farmer Wendell Pratchley lost half his crop to the floods. "
            "\"We have never seen water like this,\" he said.")
    doc = nlp(text)
    assert any(e.text == "Wendell Pratchley" and e.label_ == "ORG" for e in doc.ents), "the premise: tagged ORG"
    q = _find(_quotes(nlp, text), "We have never seen water like this")
    assert q["source"] == "he" and q["speaker"] == "Wendell Pratchley" and q["label"] == "PERSON"


def test_the_woman_after_an_unnamed_resident_is_that_resident(nlp):
    text = ("Police named the driver as Colin Frayne, 41, of Eastleigh.\n\n"
            "A resident who did not want to be identified said the car had been parked outside her house for days.\n\n"
            "\"It never moved once,\" the woman said.")
    quotes = _quotes(nlp, text)
    resident = _find(quotes, "the car had been parked outside her house")
    q = _find(quotes, "It never moved once")
    assert q["source"] == "the woman"
    assert q["speaker"] == resident["speaker"] and "resident" in q["speaker"]
    assert q["speaker"] != "Colin Frayne"


# --- a document's author (e940f9b) --------------------------------------------------------------

def test_a_study_released_by_an_institute_speaks_for_the_institute(nlp):
    text = "A study released last month by the Carrowfield Institute reported that rents in the city rose 12 percent last year."
    q = _find(_quotes(nlp, text), "rents in the city rose 12 percent")
    assert q["source"] == "A study" and q["cue"] == "reported"
    assert q["speaker"] == "Carrowfield Institute" and q["label"] == "ORG"


@pytest.mark.parametrize("second", [
    "The CHA survey concluded that one home in ten stands empty.",
    "According to the CHA estimates, one home in ten stands empty.",
], ids=["survey-concluded", "according-to-estimates"])
def test_an_acronym_before_a_document_is_its_author_expanded(nlp, second):
    text = "The Coastal Housing Alliance counts empty homes every spring. " + second
    q = _find(_quotes(nlp, text), "one home in ten stands empty")
    assert q["text"] == "one home in ten stands empty"
    assert q["speaker"] == "Coastal Housing Alliance" and q["label"] == "ORG"


def test_guard_an_acronym_before_a_spokeswoman_is_not_the_speaker(nlp):
    """Guard: "a PMRA spokeswoman" is the unnamed spokeswoman, not the authority she speaks for."""
    text = ("The Port Maritime Regulatory Authority fined the ferry operator on Monday. "
            "A PMRA spokeswoman said the agency was reviewing the case.")
    q = _find(_quotes(nlp, text), "the agency was reviewing the case")
    assert q["source"] == "A PMRA spokeswoman" and q["speaker"] == "A PMRA spokeswoman"


# --- a "but" clause on the reporting verb (024e742, 4ea68c7) ------------------------------------

@pytest.mark.parametrize("text, content", [
    ("Tessaly Labs said the app is ready to launch, but the company must wait until regulators approve it.",
     "the app is ready to launch, but the company must wait until regulators approve it"),
    ("The club said the stadium will open in May, but there will be no parking for the first month.",
     "the stadium will open in May, but there will be no parking for the first month"),
], ids=["but-the-company-must-wait", "but-there-will-be"])
def test_a_but_clause_hung_on_the_reporting_verb_is_the_rest_of_the_report(nlp, text, content):
    quotes = _quotes(nlp, text)
    assert len(quotes) == 1, [q["text"] for q in quotes]
    assert quotes[0]["text"] == content and quotes[0]["cue"] == "said"


def test_guard_a_but_clause_with_its_own_report_is_a_second_quotation(nlp):
    """Guard: "A said X, but B said Y" stays two quotations with two speakers."""
    text = "Mayor Ruth Okonjo said the road would reopen on Friday, but engineers said it needed more work."
    quotes = _quotes(nlp, text)
    assert [q["text"] for q in quotes] == ["the road would reopen on Friday", "it needed more work"]
    assert [q["source"] for q in quotes] == ["Ruth Okonjo", "engineers"]


# --- a direct quote's cue opening a long next sentence (4ea68c7, ed3cb16) -----------------------

@pytest.mark.parametrize("text, content, cue", [
    ("Democrats hold a slim majority.\n\n"
     "“We told them this in March. Nobody listened.’’ said Tom Ferris of the liberal Committee for a Fair "
     "Ballot, which follows the races in the swing districts closely.",
     "We told them this in March. Nobody listened.", "said"),
    ("The committee released its numbers on Tuesday. “Turnout is everything.’’ says Tom Ferris of the liberal "
     "Committee for a Fair Ballot, which follows the races in the swing districts closely.",
     "Turnout is everything.", "says"),
], ids=["said-after-two-sentences", "says-after-one"])
def test_a_direct_quotes_cue_may_open_a_long_next_sentence(nlp, text, content, cue):
    doc = nlp(text)
    assert any(s.text.startswith(cue) for s in doc.sents), "the premise: the cue opens its own sentence"
    q = _find(_quotes(nlp, text), content)
    assert q["text"] == content and q["direct"]
    assert q["cue"] == cue and q["source"] == "Tom Ferris" and q["speaker"] == "Tom Ferris"


def test_guard_a_long_next_sentence_not_opened_by_the_cue_leaves_the_cue_before_the_quote(nlp):
    """Guard: '"..." Another resident echoed that view, saying ...' keeps the cue before the quote."""
    text = ("Marisol Tandy went on: “We will rebuild the hall before the winter comes.’’ Another resident echoed "
            "that view, saying the council should pay for the repairs and for a new roof before the first snow.")
    quotes = _quotes(nlp, text)
    q = _find(quotes, "We will rebuild the hall")
    assert q["cue"] == "went" and q["speaker"] == "Marisol Tandy"
    other = _find(quotes, "the council should pay for the repairs")
    assert other["source"] == "Another resident" and other["cue"] == "saying"
    assert len(quotes) == 2


def test_an_interviewer_named_like_a_person_asks_and_is_not_quoted(nlp):
    # the tagger may take the outlet for a person; its lines, all questions, are the interviewer's
    text = ("Dana Kirsh spoke to the Ledgerline Review about her new book.\n\n"
            "Ledgerline: Why did you write it?\n\n"
            "Kirsh: I had no choice. The story had to be told by someone who was there.\n\n"
            "Ledgerline: What comes next?\n\n"
            "Kirsh: Another year of work, and then a long rest by the sea.")
    quotes = _quotes(nlp, text)
    assert [q["speaker"] for q in quotes] == ["Dana Kirsh", "Dana Kirsh"]
    assert not any("?" in q["text"] for q in quotes)


def test_she_prefers_the_subject_the_text_already_calls_she(nlp):
    text = ("Sheep farmer Hollis Fernley lost a third of her flock in the storm, while her neighbour Alan "
            "Whitcombe lost none. \"We have never seen snow like this,\" she said.")
    assert _find(_quotes(nlp, text), "never seen snow")["speaker"] == "Hollis Fernley"
