"""Issue 12, dialogue and wire copy: quotation rules from 666e172, 7263cc9 and d4d1306.

A quote set off by a comma with its cue right after is dialogue however short and however
capitalised; a verb that needs a clause ("continued") still cues a quote it introduces with a
colon; a transcript line "<name>: “...”" is the quotation of the person named before; any
capitalised agency in brackets after a place in capitals makes a dateline, only known agencies
after a place in title case; "Partnership", "Bancorp", "Bancshares", "Industries", "Enterprises"
and "Holding" end a company's name; the person got to speak ("got X to confirm that ...") is the
speaker; "rejoin" reports speech; a short line without a sentence's punctuation is a heading whose
words in marks are nobody's, while a line with a finished sentence and a name after it stays a
pull quote.

Every text here is written for this file (invented people, companies, places and agencies in the
style of news and wire copy); none is taken from the bench, its gold sets or its corpora. Tests
whose docstring starts with "Guard:" pin behaviour that must not change (they pass on the code
before these commits too).
"""
from __future__ import annotations

import pytest

from tests.annotation.quote_cases import find as _find, quotes_in as _quotes


# --- dialogue: a short quote set off by a comma, its cue right after (666e172) ------------------

def test_a_one_word_opener_and_the_rest_of_the_line_are_two_quotations(nlp):
    text = ("Judge Corvin Hartigan leaned toward the lectern. \u201cWell,\u201d Hartigan remarked, "
            "\u201cI suppose the county never asked the tenants at all.\u201d")
    quotes = _quotes(nlp, text)
    assert [q["text"] for q in quotes] == ["Well", "I suppose the county never asked the tenants at all."]
    for q in quotes:
        assert q["direct"] and not q["floating"]
        assert (q["source"], q["cue"], q["speaker"]) == ("Hartigan", "remarked", "Corvin Hartigan")


@pytest.mark.parametrize("text, content, source, speaker", [
    ("\u201cFinished,\u201d Orlena Vasquez said, and put down her pen.", "Finished", "Orlena Vasquez",
     "Orlena Vasquez"),
    ("Mayor Selma Ostby called the vote after midnight. \u201cAgreed,\u201d Ostby said.", "Agreed", "Ostby",
     "Selma Ostby"),
], ids=["finished", "agreed"])
def test_a_single_capitalised_word_before_its_cue_is_speech_not_a_title(nlp, text, content, source, speaker):
    q = _find(_quotes(nlp, text), content)
    assert q["text"] == content and q["direct"]
    assert (q["source"], q["cue"], q["speaker"]) == (source, "said", speaker)


def test_continued_with_a_colon_cues_the_quote_it_introduces(nlp):
    text = ("Judge Corvin Hartigan questioned the lawyer for the county. Hartigan continued: "
            "\u201cWhat is your strongest example of harm to the tenants?\u201d")
    q = _find(_quotes(nlp, text), "strongest example")
    assert q["text"] == "What is your strongest example of harm to the tenants?"
    assert (q["source"], q["cue"], q["speaker"]) == ("Hartigan", "continued", "Corvin Hartigan")
    assert not q["floating"]


def test_a_transcript_line_in_marks_is_the_named_persons_quotation(nlp):
    text = ("Justice Mirela Okonkwo pressed the state's lawyer, Dorian Feltham, on the point.\n\n"
            "Feltham: \u201cI can\u2019t think of anything else the statute would cover.\u201d")
    q = _find(_quotes(nlp, text), "anything else the statute")
    assert q["text"] == "I can\u2019t think of anything else the statute would cover."
    assert (q["source"], q["speaker"], q["layout"]) == ("Feltham", "Dorian Feltham", "block")
    assert q["direct"] and not q["floating"]


def test_guard_a_label_before_a_colon_that_names_no_one_gives_no_speaker(nlp):
    """Guard: "Orchard:" names nobody the article introduced: the quote keeps no speaker."""
    text = ("The hearing ran late into the evening.\n\n"
            "Orchard: \u201cI can\u2019t think of anything else the statute would cover.\u201d")
    q = _find(_quotes(nlp, text), "anything else the statute")
    assert q["source"] is None and q["speaker"] == "" and q["layout"] != "block"


def test_guard_a_scare_quote_and_a_film_title_without_a_cue_stay_unmarked(nlp):
    """Guard: a one-word scare quote with no cue, and a title in marks followed by a comma but no
    cue, are no quotations."""
    assert _quotes(nlp, "The new caf\u00e9 is, in a word, \u201ccosy\u201d and it fills up early.") == []
    assert _quotes(nlp, "After \u201cHarbour Lights,\u201d the director made two more films in Norway.") == []


# --- datelines and company names (7263cc9) -----------------------------------------------------

@pytest.mark.parametrize("text, dateline", [
    ("HALVERD, Aug. 20 (Norpress) -- Police said on Tuesday that two ferries had collided near the harbour.",
     "HALVERD, Aug. 20 (Norpress) -- "),
    ("PORT ELMER   (AP) - Harbour officials said the ferry would resume next week.", "PORT ELMER   (AP) - "),
    ("Port Elmer (Yonhap) - A storm closed the harbour on Sunday.", "Port Elmer (Yonhap) - "),
], ids=["any-agency-after-capitals", "spaces-before-agency", "yonhap-after-title-case"])
def test_an_agency_in_brackets_makes_a_dateline(text, dateline):
    from annotation.nlp.datelines import dateline_spans

    assert [text[a:b] for a, b in dateline_spans(text)] == [dateline]


@pytest.mark.parametrize("text", [
    "The Fund (IMF) - its staff say - expects growth to slow next year.",
    "Port Elmer (Norpress) - A storm closed the harbour on Sunday.",
], ids=["body-and-acronym", "unknown-agency-after-title-case"])
def test_guard_brackets_after_a_title_case_name_are_no_dateline_unless_a_known_agency(text):
    """Guard: after a place (or a body) in title case only a known agency in brackets makes a dateline."""
    from annotation.nlp.datelines import dateline_spans

    assert dateline_spans(text) == []


@pytest.mark.parametrize("text, company", [
    ("TARLOW, Ore., Feb 26 - Brisk Harbor Inns Limited Partnership said its occupancy fell in the quarter.\n\n"
     "The company said bookings had recovered in February.", "Brisk Harbor Inns Limited Partnership"),
    ("LANSFORD, Pa., March 4 - First Keystone Bancorp said its quarterly profit rose 9 pct.\n\n"
     "The company said loan demand had been strong.", "First Keystone Bancorp"),
    ("GRANBY, Mass., March 4 - Millrace Bancshares said its quarterly profit rose 12 pct.\n\n"
     "The company said loan demand had been strong.", "Millrace Bancshares"),
    ("GRANBY, Mass., March 4 - Corliss Industries said it would close its foundry in the town.\n\n"
     "The company said 120 workers would lose their jobs.", "Corliss Industries"),
    ("GRANBY, Mass., March 4 - Tovey Enterprises said it had agreed to buy a rival printer.\n\n"
     "The company said the deal would close in June.", "Tovey Enterprises"),
    ("DENHOLM, Feb 26 - Greystone Marine Holding said it would sell two of its tankers.\n\n"
     "The company said the sale would raise 30 mln dlrs.", "Greystone Marine Holding"),
], ids=["partnership", "bancorp", "bancshares", "industries", "enterprises", "holding"])
def test_the_company_after_a_dateline_is_the_one_named_with_its_legal_ending(nlp, text, company):
    first, second = _quotes(nlp, text)
    assert (first["source"], first["speaker"], first["label"]) == (company, company, "ORG")
    assert second["source"] == "The company"
    assert (second["speaker"], second["label"]) == (company, "ORG")


# --- the caused speaker; "rejoin" (7263cc9) ----------------------------------------------------

def test_the_person_got_to_confirm_is_the_speaker_not_the_one_who_asked(nlp):
    text = ("Moderator Lena Brightwater got Senator Amos Okafor to confirm that he voted against the "
            "bridge bill.")
    q = _find(_quotes(nlp, text), "voted against the bridge bill")
    assert q["text"] == "he voted against the bridge bill"
    assert (q["source"], q["cue"], q["speaker"]) == ("Amos Okafor", "confirm", "Amos Okafor")


def test_rejoined_cues_the_answer(nlp):
    text = ("\u201cThen why did you sign it?\u201d Delmar Voss asked. "
            "\u201cBecause I was told to,\u201d he rejoined.")
    q = _find(_quotes(nlp, text), "Because I was told to")
    assert q["text"] == "Because I was told to"
    assert (q["source"], q["cue"], q["speaker"]) == ("he", "rejoined", "Delmar Voss")
    assert not q["floating"]


# --- headings and pull quotes (7263cc9, d4d1306) -----------------------------------------------

def test_words_in_marks_in_a_heading_are_no_quotation(nlp):
    text = ("Housing policy and \u2018the city we were promised\u2019\n\n"
            "The council published its plan for Wexcombe on Monday. \u201cNobody asked us about any of it,\u201d "
            "said Tova Brannigan, who has rented in the old town for 30 years.")
    quotes = _quotes(nlp, text)
    assert not any("the city we were promised" in q["text"] for q in quotes)
    assert [q["text"] for q in quotes] == ["Nobody asked us about any of it"]
    assert quotes[0]["speaker"] == "Tova Brannigan"


def test_guard_a_pull_quote_with_the_name_after_it_is_no_heading(nlp):
    """Guard: a short line with a finished sentence and a name after it stays a pull quote."""
    text = ("The ferry company denied the claims.\n\n"
            "I would rather close the shop than raise my prices again. Delia Fontaine\n\n"
            "The inquiry opens in May.")
    pulls = [q for q in _quotes(nlp, text) if q["layout"] == "pull"]
    assert [q["text"] for q in pulls] == ["I would rather close the shop than raise my prices again."]
    assert pulls[0]["speaker"] == "Delia Fontaine"


def test_a_one_word_answer_before_a_title_and_a_full_name_is_speech(nlp):
    # the cue is six tokens after the quote's last word: a title and a full name in between
    text = "The council voted at midnight. “Agreed,” Mayor Selma Ostby said."
    q = _find(_quotes(nlp, text), "Agreed")
    assert q["speaker"] == "Selma Ostby" and q["cue"] == "said"


def test_the_x_of_a_cleft_sentence_is_who_spoke(nlp):
    text = "It was a baker in Orrin who first told me that the mill was alive and well and working in the hills, under a new owner."
    q = _find(_quotes(nlp, text), "the mill was alive")
    assert q["speaker"] == "a baker"  # not the relative pronoun "who"


def test_he_in_the_next_paragraph_is_the_spokesperson_just_quoted(nlp):
    text = ("“We are tired of waiting,” union leader Jo Brannick said.\n\n"
            "But a spokesperson for the Harbour Employers’ Association said its members had raised pay twice.\n\n"
            "“We have worked with the unions for years to settle this,” he said.")
    q = _find(_quotes(nlp, text), "worked with the unions")
    assert "spokesperson" in q["speaker"]  # not Jo Brannick, named before


def test_when_it_was_said_is_not_part_of_the_second_half(nlp):
    """ "“For industry,” Varga had said as she closed her argument, “diversity is essential ...”":
    the time of the saying opens the parse of the reported clause; the second half is a direct
    quote of its own, not a mixed one beginning at "as"."""
    text = ("\u201cFor industry,\u201d Varga had said as she closed her argument in the case, \u201cdiversity is "
            "essential to good products. For hospitals and researchers, diversity is part of better care.\u201d")
    quotes = _quotes(nlp, text)
    second = _find(quotes, "diversity is essential")
    assert second["text"].startswith("diversity is essential") and second["direct"]
    assert second["speaker"] == "Varga"
    assert not any(q["text"].startswith("as she closed") for q in quotes)
