"""Issue 12: who said it, and the quotations news writes in less usual ways.

Every text here is written for this file (fictional people); none is from the gold set.
"""
from __future__ import annotations

import pytest

from annotation.nlp.quote_marks import find_quotes


@pytest.fixture(scope="module")
def nlp():
    from annotation.nlp.models import load_model

    return load_model().nlp


def _quotes(nlp, text):
    from annotation.nlp.quotes import detect_quotations

    out = []
    for q in detect_quotations(nlp(text)):
        cut = lambda span: text[span[0]:span[1]] if span else None  # noqa: E731
        out.append({"text": text[q.start:q.end], "source": cut(q.source), "cue": cut(q.cue),
                    "speaker": q.speaker, "direct": q.direct, "floating": q.floating, "layout": q.layout})
    return out


def _find(quotes, fragment):
    hits = [q for q in quotes if fragment in q["text"]]
    assert hits, f"no quotation containing {fragment!r} in {[q['text'] for q in quotes]}"
    return hits[0]


def _none_with(quotes, fragment):
    assert not [q for q in quotes if fragment in q["text"]], quotes


# -- descriptions ------------------------------------------------------------------------


def test_a_description_resolves_to_the_name_it_was_apposed_to(nlp):
    text = ("Karen Holt, the council's spokeswoman, said on Monday that the bridge would close in June. "
            "The spokeswoman told reporters the repairs would take a month.")
    q = _find(_quotes(nlp, text), "repairs would take a month")
    assert q["source"] == "The spokeswoman" and q["speaker"] == "Karen Holt"


def test_a_spokeswoman_for_someone_stays_a_description(nlp):
    text = ("Karen Holt, the council's spokeswoman, said the bridge would close in June. "
            "A spokeswoman for the Rail Union said members had not been told.")
    q = _find(_quotes(nlp, text), "members had not been told")
    assert "spokeswoman" in q["speaker"] and q["speaker"] != "Karen Holt" and "Rail Union" not in q["speaker"]


def test_a_statement_speaks_for_its_named_owner(nlp):
    text = "The Health Ministry's statement read: \"Clinics will stay open over the holiday.\""
    q = _find(_quotes(nlp, text), "Clinics will stay open")
    assert q["cue"] == "read" and q["speaker"] == "Health Ministry" and q["direct"] is True


# -- pronouns --------------------------------------------------------------------------


def test_the_text_says_who_is_a_he(nlp):
    from annotation.nlp.speaker_hints import genders
    from annotation.nlp.mentions import named_mentions as _mentions

    doc = nlp("Nina Park left the firm in 2019. Her former partner, Oscar Lane, sold his shares after he lost "
              "the case. Mr Dale Ford did not comment.")
    found = genders(doc, _mentions(doc, list(doc.ents)))
    assert found.get("Oscar Lane") == "he" and found.get("Dale Ford") == "he"
    assert found.get("Nina Park") != "he"


def test_he_after_a_reporting_clause_is_its_subject_not_the_last_name(nlp):
    text = ("Mayor Ben Ortiz said the new lanes were overdue, and Victor Hale's objections were answered in "
            "committee. He added that the city had waited long enough.")
    q = _find(_quotes(nlp, text), "the city had waited long enough")
    assert q["source"] == "He" and q["speaker"] == "Ben Ortiz"


def test_a_name_inside_the_quote_is_not_who_said_it(nlp):
    text = ("Coach Rita Alves said the squad was ready. \"Leo knows this league better than anyone,\" she said.")
    q = _find(_quotes(nlp, text), "Leo knows this league")
    assert q["speaker"] == "Rita Alves"


def test_they_is_the_group_that_spoke_not_a_study_quoted_in_between(nlp):
    text = ("The report's authors say the problem is growing. The results of the survey revealed that most "
            "schools had no plan. They say the government must act this year.")
    q = _find(_quotes(nlp, text), "the government must act this year")
    assert "authors" in q["speaker"]


# -- follow-on quotes ----------------------------------------------------------------------


def test_a_follow_on_quote_is_not_given_to_the_speaker_before_another_subject(nlp):
    text = ("\"We will appeal,\" said lawyer Dan Cole.\n\n"
            "Judge Mary Voss adjourned the hearing until Friday.\n\n"
            "\"We did not expect this outcome at all.\"")
    q = _find(_quotes(nlp, text), "We did not expect this outcome")
    assert q["floating"] and q["speaker"] != "Dan Cole"


def test_a_follow_on_quote_with_nobody_to_inherit_is_kept_unattributed(nlp):
    text = "The vote was close.\n\n\"We knew it would go down to the last ballot, and we were right.\""
    q = _find(_quotes(nlp, text), "We knew it would go down")
    assert q["floating"] and q["speaker"] == ""


def test_a_quote_line_with_the_name_alone_below(nlp):
    text = "The club confirmed the signing on Friday.\n\n\"I owe this town everything.\"\nMarco Silva"
    q = _find(_quotes(nlp, text), "I owe this town everything")
    assert q["speaker"] == "Marco Silva" and not q["floating"]


# -- constructions that were missed ------------------------------------------------------


def test_a_cue_inside_the_sentence_makes_one_quotation(nlp):
    text = "Too often, he says, the drivers ignore the signal."
    q = _find(_quotes(nlp, text), "Too often")
    assert "ignore the signal" in q["text"] and q["cue"] == "says" and q["direct"] is False


def test_according_to_in_mid_sentence(nlp):
    text = "The new line, according to the transport ministry, will open in 2027."
    q = _find(_quotes(nlp, text), "will open in 2027")
    assert q["text"].startswith("The new line") and q["cue"] == "according to"
    assert "transport ministry" in q["speaker"]


def test_according_to_a_title_then_the_name(nlp):
    text = "According to the club's coach, Anna Berg, the team scored two points in the first round."
    q = _find(_quotes(nlp, text), "the team scored two points")
    assert q["speaker"] == "Anna Berg" and "Anna Berg" not in q["text"]


def test_a_name_the_parser_left_without_a_verb(nlp):
    text = ("Speaking for the defence, Tom Avery, QC, said that the evidence against his client was thin.")
    q = _find(_quotes(nlp, text), "the evidence against his client was thin")
    assert q["speaker"] == "Tom Avery"


def test_short_fragments_after_a_reporting_verb_are_quotations(nlp):
    text = ("Mayor Ann Fox called the proposal \"a disgrace\" on Tuesday. "
            "The minister expressed \"deep concern\" about the delays. "
            "Prosecutor Lena Ortiz described the fire as \"entirely avoidable\".")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "a disgrace")["speaker"] == "Ann Fox"
    assert _find(quotes, "deep concern")["cue"] == "expressed"
    q = _find(quotes, "entirely avoidable")
    assert q["speaker"] == "Lena Ortiz" and q["direct"] is False


def test_scare_quotes_and_hypothetical_naming_stay_out(nlp):
    text = ("The so-called \"experts\" stayed home. Critics called the plan ‘a bit rich’. "
            "Some would call them \"useful idiots\" if they were asked.")
    assert _quotes(nlp, text) == []


def test_described_as_without_marks(nlp):
    text = "The magazine Horizon described the ruling as historic."
    q = _find(_quotes(nlp, text), "as historic")
    assert q["cue"] == "described" and "Horizon" in q["speaker"]


def test_in_her_words(nlp):
    text = "Ruth Ndlovu, the chief engineer, was pleased. In her words, the wall \"did exactly what it was built to do.\""
    q = _find(_quotes(nlp, text), "did exactly what it was built to do")
    assert q["speaker"] == "Ruth Ndlovu"


def test_a_colon_after_the_reporting_clause(nlp):
    text = "Finance minister Carla Diaz told the radio station: \"We will not raise taxes this year.\""
    q = _find(_quotes(nlp, text), "We will not raise taxes")
    assert q["speaker"] == "Carla Diaz" and q["direct"] is True


def test_asked_to_and_pleaded_with_are_requests(nlp):
    text = "His sister pleaded with him to see a doctor."
    q = _find(_quotes(nlp, text), "to see a doctor")
    assert q["cue"] == "pleaded" and q["direct"] is False


def test_two_apostrophes_close_and_open_a_quote(nlp):
    text = "\"The street would have flooded,'' said engineer Ruth Ndlovu. ''Don't ask me why,'' she added."
    assert [text[r.start:r.end] for r in find_quotes(text)] == ["The street would have flooded", "Don't ask me why"]
    q = _find(_quotes(nlp, text), "The street would have flooded")
    assert q["speaker"] == "Ruth Ndlovu" and q["direct"] is True


def test_content_never_runs_past_its_closing_mark(nlp):
    text = "The club's statement read: \"We are thrilled” about the deal, which runs until June."
    q = _find(_quotes(nlp, text), "We are thrilled")
    assert q["text"] == "We are thrilled"


def test_a_misspelt_surname_is_the_person_named_before(nlp):
    text = ("Lydia Buchtmann, a spokeswoman for the agency, said the rules would change. "
            "\"We need more time to get this right,\" Ms Bauchtman said.")
    q = _find(_quotes(nlp, text), "We need more time")
    assert q["speaker"] == "Lydia Buchtmann"


# -- do not mark -------------------------------------------------------------------------


def test_navigation_captions_negated_speech_and_first_person_are_left_out(nlp):
    text = ("READ MORE: Minister says \"taxes will rise\" next year\n\n"
            "WATCH: The mayor says \"we are ready\" for the storm\n\n"
            "The mayor says \"we are ready for anything\" at the harbour. Photo: Lena Marsh / Gazette\n\n"
            "The president has not said whether he would veto the bill.\n\n"
            "I visited the festival on Saturday and said to myself that it was too crowded.")
    assert _quotes(nlp, text) == []


def test_a_pull_quote_ending_in_a_name_the_tagger_missed(nlp):
    from annotation.nlp.quotes import detect_quotations

    text = ("The ferry company denied the claims.\n\n"
            "I was told to keep quiet about the engines or lose my job. Marta Lisbon\n\n"
            "The inquiry opens in May.")
    quotes = detect_quotations(nlp(text))
    pulls = [q for q in quotes if q.layout == "pull"]
    assert [text[q.start:q.end] for q in pulls] == ["I was told to keep quiet about the engines or lose my job."]
    assert "Lisbon" in pulls[0].speaker


def test_a_fronted_clause_is_not_content_when_the_verb_reports_what_follows(nlp):
    text = ("With the new terminal almost finished, the airport announced on Friday that flights would resume "
            "in March.")
    quotes = _quotes(nlp, text)
    assert [q["text"] for q in quotes] == ["flights would resume in March"]


@pytest.mark.parametrize("text, fragment, speaker", [
    # the tagger missed the woman's name; "she" is still the subject just before, not the man
    ("Ana Ruiz met Tom Bell on Monday. She said the talks went well.", "talks went well", "Ana Ruiz"),
    # "his" inside her own apposition is about someone else: it does not make her a "he"
    ("Tom Bell said the talks went well. Ana Ruiz, his deputy, was less sure. \"We need more time,\" she said.",
     "We need more time", "Ana Ruiz"),
    # an age or a nationality standing for the person just described
    ("Dr Helen Cho, a virologist at the institute, said the strain was mild. "
     "\"There is no reason to panic,\" the 52-year-old told the BBC.", "no reason to panic", "Helen Cho"),
    ("Former champion Lars Berg, 61, watched from the stands. The Swede said the young players had impressed him.",
     "young players had impressed", "Lars Berg"),
    # two people sharing a surname stay two people; "his wife" makes her a "she"
    ("John Mills told the court he had been at home. His wife, Carol Mills, said he had gone out. "
     "She said she was sure of it.", "she was sure of it", "Carol Mills"),
    # someone killed in the attack did not say the follow-on quote
    ("\"It is a sad day,\" said Nadia Perez. Her brother, Luis Perez, was killed in the attack. "
     "\"He was the kindest man I knew.\"", "kindest man I knew", "Nadia Perez"),
])
def test_pronouns_and_descriptions_in_context(nlp, text, fragment, speaker):
    assert _find(_quotes(nlp, text), fragment)["speaker"] == speaker


def test_a_participle_report_belongs_to_the_reporting_verb_above_it(nlp):
    text = "The senator warned that the deal would collapse, saying the votes were not there."
    q = _find(_quotes(nlp, text), "the votes were not there")
    assert q["speaker"] == "senator" and q["cue"] == "saying"


def test_a_short_sentence_in_quotes_after_a_colon_is_not_a_title(nlp):
    text = "In a tweet, the club wrote: \"Thank you for everything, Leo.\""
    q = _find(_quotes(nlp, text), "Thank you for everything")
    assert q["cue"] == "wrote" and q["direct"] is True


def test_him_is_a_man_and_a_bare_surname_is_the_full_name(nlp):
    text = ("The hospital's chief executive, David Marsh, said the demands would cost £4 million. "
            "Nurse Joy Lane said she had worked three double shifts.\n\n"
            "Marsh disagreed with the union's figures. According to him, pay was above the regional average.")
    q = _find(_quotes(nlp, text), "above the regional average")
    assert q["speaker"] == "David Marsh"


def test_she_after_a_passive_sentence_about_her(nlp):
    text = ("Union representative Grace Obi said the nurses had been patient. "
            "\"The numbers are simply wrong,\" a hospital spokesman said.\n\n"
            "Obi was unmoved. She described the offer as \"an insult to every nurse\".")
    q = _find(_quotes(nlp, text), "an insult to every nurse")
    assert q["speaker"] == "Grace Obi"


def test_short_answers_and_short_sentences_in_quotes(nlp):
    text = ("Asked if he would resign, Hart replied: \"Absolutely not.\" "
            "\"The figures speak for themselves,\" said Dr. Anne Weber of the Institute. \"Emissions are rising.\"")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "Absolutely not")["cue"] == "replied"
    q = _find(quotes, "Emissions are rising")
    assert q["floating"] and q["speaker"] == "Anne Weber"


def test_went_on_and_echoed(nlp):
    text = ("Hughes went on: \"We will not stop until the town is safe.\" "
            "Another resident echoed that view, saying the council had acted too late. The talks went on for hours.")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "We will not stop")["speaker"] == "Hughes"
    assert "resident" in _find(quotes, "the council had acted too late")["speaker"]
    assert len(quotes) == 2


@pytest.mark.parametrize("text, fragment, speaker", [
    ("Peter Lund denies the charges. His lawyer said the evidence was weak.", "evidence was weak", "His lawyer"),
    ("Kim Yoo-jin, a former soldier, defected in 2019. The defector told reporters she had walked for three days.",
     "walked for three days", "Kim Yoo-jin"),
    ("Acme Corp cut 300 jobs on Monday. The company said demand had collapsed.", "demand had collapsed", "Acme Corp"),
])
def test_descriptions_someone_else_or_the_one_just_named(nlp, text, fragment, speaker):
    assert _find(_quotes(nlp, text), fragment)["speaker"] == speaker


def test_a_cue_inside_unbalanced_marks(nlp):
    text = ("Flood waters reached the high street on Sunday.\n\n"
            "\"The water came up so fast, said resident Ruth Ndlovu. We had no time to move the car.\"\n\n"
            "\"When I said no, they laughed at me and walked away from the table.\"")
    quotes = _quotes(nlp, text)
    q = _find(quotes, "The water came up so fast")
    assert q["speaker"] == "Ruth Ndlovu" and q["cue"] == "said" and not q["floating"]
    assert _find(quotes, "When I said no")["cue"] is None  # the speaker's own "I said" is no cue


def test_a_match_report(nlp):
    text = ("Rovers manager Helen Drake praised her players. Substitute Kofi Mensah, 19, scored twice.\n\n"
            "The teenager said he had dreamed of a day like this since he was a boy.\n\n"
            "Athletic coach Jorge Ramos blamed the referee. He said the second goal should have been ruled out "
            "for offside, and called the decision \"a scandal\".")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "dreamed of a day like this")["speaker"] == "Kofi Mensah"
    ruled = _find(quotes, "should have been ruled out")
    assert "scandal" not in ruled["text"] and ruled["speaker"] == "Jorge Ramos"
    assert _find(quotes, "a scandal")["speaker"] == "Jorge Ramos"


def test_a_name_given_with_called_is_not_a_quotation(nlp):
    text = "Residents formed a group called \"Save Our Green Fields\" last year. The team named its robot \"Big Blue\"."
    assert _quotes(nlp, text) == []


@pytest.mark.parametrize("text", [
    "He left the party early, according to",
    "\"We are ready for anything the winter brings now, said",
    "’READ MORE: \n\n“”\": she :\n\n' I ‘ the minister  according to Maria. \"a\"  he \n\n in her words  in her words "
    "''' she  the post read:  told  \"a\" '' in her words “Photo: Y“ \"a\" \n\n“ his wife, Ann Lee,  said  not  said ",
    "In her words",
    "''",
    "She called it \"",
])
def test_odd_endings_never_crash_and_spans_stay_inside(nlp, text):
    from annotation.nlp.quotes import detect_quotations

    for q in detect_quotations(nlp(text)):
        assert 0 <= q.start < q.end <= len(text)


def test_a_lead_in_then_the_cue_then_the_quote_is_direct(nlp):
    text = ("Prime Minister Tom Kerr backed the vote. Of the public process, he said, \"In the end I will have "
            "one vote in each referendum like everyone else\".")
    q = _find(_quotes(nlp, text), "In the end I will have one vote")
    assert q["direct"] is True and q["cue"] == "said" and q["speaker"] == "Tom Kerr"
    assert not q["text"].startswith("Of the public process")


@pytest.mark.parametrize("text, fragment, speaker", [
    ("The state news agency said the test was a success. \"The enemy will tremble,\" it added.",
     "enemy will tremble", "state news agency"),
    ("Greenpeace said the spill was the worst in a decade. It called on the government to act.", "to act",
     "Greenpeace"),
    ("Barcelona confirmed the signing on Monday. In a statement, the club said the player had passed a medical.",
     "passed a medical", "Barcelona"),
    ("Mary Okoro and her husband Ben said they had lost everything. \"We have nowhere to go,\" they said.",
     "We have nowhere to go", "Mary Okoro"),
])
def test_organisations_and_couples_keep_speaking(nlp, text, fragment, speaker):
    assert _find(_quotes(nlp, text), fragment)["speaker"] == speaker


def test_she_keeps_the_topic_through_a_sentence_that_is_about_her(nlp):
    text = ("Mayor Lisa Grant thanked the firefighters. She met Chief Omar Diaz at the station.\n\n"
            "\"They saved this town,\" she said.\n\n\"I will never forget what they did.\"")
    quotes = _quotes(nlp, text)
    assert _find(quotes, "They saved this town")["speaker"] == "Lisa Grant"
    assert _find(quotes, "never forget what they did")["speaker"] == "Lisa Grant"
