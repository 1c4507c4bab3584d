"""The pre-annotation job: suggestions in the store, resumable, and never over human work."""
from __future__ import annotations

import subprocess
import sys

import pytest

from annotation.commands import AddSpan, DeleteSpan, UpdateSpan
from annotation.jobs import CancelToken, Cancelled, run
from annotation.model import Comment, Document, ImportedArticle, Span
from tests.helpers import REPO, SEED, shared

ANN = "ann"


@pytest.fixture(scope="module", autouse=True)
def model():
    from annotation.nlp.models import load_model

    return load_model()  # once per session: load_model caches per process


def _import(store, *texts, comments=()):
    arts = [ImportedArticle(Document(None, f"d{n}", f"T{n}", t), tuple(
        Comment(None, None, f"c{n}-{k}", c) for k, c in enumerate(comments))) for n, t in enumerate(texts)]
    with store.transaction():
        return store.import_articles(arts, "test").document_ids


def _preannotate(store, **kw):
    from annotation.nlp.preannotate import preannotate

    return run(preannotate(store, ANN, **kw))


def _by_text(store, doc, label):
    text = store.unit_text(store.units(doc)[0])
    return {text[s.start:s.end]: s for s in store.spans(doc, ANN, comment_id=None) if s.label == label}


def _links(store, span_id, label):
    return [store.span(r.child_id) for r in store.relations_of_span(span_id) if r.head_id == span_id and r.label == label]


def test_seed_article_done_when(store):
    text = shared(*SEED).read_text(encoding="utf-8")
    (doc,) = _import(store, text)
    report = _preannotate(store)
    assert report.units_done == 1 and report.spans_added > 0
    people = _by_text(store, doc, "PERSON")
    for name in ("Vladimir Putin", "Donald Trump", "Yuri Ushakov", "Sergey Lavrov", "Thomas Shannon"):
        assert name in people and people[name].origin == "model"
        assert people[name].model.startswith("en_core_web_sm")  # "name version"
    quotes = _by_text(store, doc, "QUOTE")
    agreed = next(s for t, s in quotes.items() if "We agreed on July 7" in t)
    assert [text[s.start:s.end] for s in _links(store, agreed.id, "source")] == ["Yuri Ushakov"]
    assert [text[s.start:s.end] for s in _links(store, agreed.id, "cue")] == ["said"]
    assert agreed.attrs["direct"] is True
    states = next(s for t, s in quotes.items() if t.endswith("in the United States"))
    (he,) = _links(store, states.id, "source")
    assert text[he.start:he.end] == "he"
    assert [text[s.start:s.end] for s in _links(store, he.id, "coref")] == ["Sergey Lavrov"]
    lavrov = next(s for t, s in quotes.items() if "“prospects for cooperation”" in t)
    assert "Lavrov" in text[_links(store, lavrov.id, "source")[0].start:_links(store, lavrov.id, "source")[0].end]
    assert lavrov.attrs["direct"] is False
    agenda = next(s for t, s in quotes.items() if "“formal agenda”" in t)
    (wh,) = _links(store, agenda.id, "source")
    assert text[wh.start:wh.end] == "The White House"


def test_comments_are_units_too(store):
    (doc,) = _import(store, "Prime Minister Jacinda Ardern visited Paris.",
                     comments=("Angela Merkel said the deal was fair.", ""))
    _preannotate(store)
    comment_id = store.comments(doc)[0].id
    labels = {s.label for s in store.spans(doc, ANN, comment_id=comment_id)}
    assert {"PERSON", "QUOTE", "SOURCE", "CUE"} <= labels


def test_resumable_and_cancel_keeps_committed_batches(store):
    docs = _import(store, *[f"Officer Sam Hill{n} said the road was closed on day {n}." for n in range(5)])
    from annotation.nlp.preannotate import preannotate

    token = CancelToken()
    job = preannotate(store, ANN, batch_size=2, cancel=token)
    with pytest.raises(Cancelled):
        for progress in job:
            if progress.done > 0:
                token.cancel()
    done_first = sum(1 for d in docs if store.spans(d, ANN))
    assert 0 < done_first < 5
    report = _preannotate(store, batch_size=2)
    assert report.units_done == 5 - done_first and report.units_skipped == done_first
    assert all(store.spans(d, ANN) for d in docs)
    again = _preannotate(store)
    assert again.units_done == 0 and again.spans_added == 0


def test_progress_counts_texts_beside_characters(store):
    """The bar runs on characters (texts differ in size); the dialog shows texts done of all."""
    _import(store, *[f"Officer Sam Hill{n} said the road was closed on day {n}." for n in range(5)])
    from annotation.nlp.preannotate import preannotate

    seen: list = []
    run(preannotate(store, ANN, batch_size=2), seen.append)
    counted = [p.items for p in seen if p.items is not None]
    assert counted[:2] == [(2, 5), (4, 5)] and counted[-1] == (5, 5)


def test_force_replaces_only_untouched_suggestions(store):
    (doc,) = _import(store, "Senator Maria Lopez said the bill would pass. “It is a good day,” she said.")
    _preannotate(store)
    before = sorted((s.start, s.end, s.label) for s in store.spans(doc, ANN))
    n_relations = len(store.relations(doc, ANN))
    report = _preannotate(store, force=True)
    after = sorted((s.start, s.end, s.label) for s in store.spans(doc, ANN))
    assert after == before and len(store.relations(doc, ANN)) == n_relations  # replaced, not duplicated
    assert report.spans_replaced == len(before)


def test_human_edits_survive_a_forced_rerun(store):
    text = "Senator Maria Lopez said the bill would pass in Boston. “It is a good day,” she said."
    (doc,) = _import(store, text)
    _preannotate(store)
    people = _by_text(store, doc, "PERSON")
    lopez = people["Maria Lopez"]
    store.apply(UpdateSpan(lopez.id, start=lopez.start - len("Senator ")), ANN)  # a human resize
    boston = _by_text(store, doc, "GPE")["Boston"]
    store.apply(DeleteSpan(boston.id), ANN)  # a human rejection
    quote = next(s for t, s in _by_text(store, doc, "QUOTE").items() if "good day" in t)
    store.apply(UpdateSpan(quote.id, attrs={"direct": True, "checked": True}), ANN)
    _preannotate(store, force=True)
    spans = store.spans(doc, ANN)
    resized = [s for s in spans if s.label == "PERSON" and "Lopez" in text[s.start:s.end]]
    assert [(text[s.start:s.end], s.id) for s in resized] == [("Senator Maria Lopez", lopez.id)]
    assert not [s for s in spans if text[s.start:s.end] == "Boston"]
    good_day = [s for s in spans if s.label == "QUOTE" and "good day" in text[s.start:s.end]]
    assert [s.id for s in good_day] == [quote.id] and good_day[0].attrs["checked"]


def test_model_entity_overlapping_a_human_entity_is_not_added(store):
    text = "Yesterday Donald Trump met Vladimir Putin in Helsinki."
    (doc,) = _import(store, text)
    start = text.index("Donald")
    store.apply(AddSpan(Span(None, doc, None, start, start + len("Donald"), "ORG", "entity", ANN)), ANN)
    report = _preannotate(store)
    entities = [(text[s.start:s.end], s.label, s.origin) for s in store.spans(doc, ANN, layer="entity")]
    assert ("Donald", "ORG", "human") in entities
    assert not [e for e in entities if e[0] == "Donald Trump"]
    assert ("Vladimir Putin", "PERSON", "model") in entities
    assert report.spans_kept_human >= 1


def test_human_quote_blocks_a_duplicate_model_quote(store):
    text = "“We will win,” said coach Ana Silva."
    (doc,) = _import(store, text)
    store.apply(AddSpan(Span(None, doc, None, 1, 12, "QUOTE", "quote", ANN)), ANN)
    _preannotate(store)
    quotes = [s for s in store.spans(doc, ANN, layer="quote") if s.label == "QUOTE"]
    assert len(quotes) == 1 and quotes[0].origin == "human"
    assert not [s for s in store.spans(doc, ANN, layer="quote") if s.label in ("SOURCE", "CUE")]


@pytest.mark.parametrize("text", [
    "😀🎉👍🔥😀🎉👍🔥",
    "Bundeskanzlerin Angela Merkel sagte am Montag in Berlin: „Wir schaffen das.“",
    "北京市政府周一表示，新的规定将于明年生效。",
    "\u200b\u200b",
])
def test_odd_texts_are_processed_without_error(store, text):
    (doc,) = _import(store, text, comments=("", " ", "🙂"))
    report = _preannotate(store)
    assert report.units_done == 4
    for span in store.spans(doc, ANN):
        assert 0 <= span.start < span.end <= len(store.unit_text(span.unit))


def test_a_200000_character_article(store):
    paragraph = ("“The river rose faster than anyone expected,” said Mayor Anna Berg. Officials said the "
                 "dam held. " * 3).strip()
    text = "\n\n".join([paragraph] * (200_000 // (len(paragraph) + 2) + 1))[:200_000]
    (doc,) = _import(store, text)
    report = _preannotate(store)
    assert report.units_done == 1
    quotes = [s for s in store.spans(doc, ANN) if s.label == "QUOTE"]
    assert len(quotes) > 500
    assert max(s.end for s in quotes) > 190_000  # the pieces after the first chunk are there too


def test_unknown_model_lists_installed_pipelines(store):
    from annotation.nlp.models import ModelNotFound, installed_pipelines

    _import(store, "Text.")
    with pytest.raises(ModelNotFound) as info:
        _preannotate(store, model="xx_no_such_model")
    message = str(info.value)
    assert "xx_no_such_model" in message and installed_pipelines()[0] in message


def test_cli_bad_model_is_one_line_and_nonzero(project, capsys):
    from annotation.cli import main

    code = main(["preannotate", str(project), "--model", "xx_no_such_model", "--annotator", ANN])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and "xx_no_such_model" in err[0]


def test_cli_locked_project_is_one_line_and_nonzero(project):
    from annotation.store import Store

    with Store.open(project):  # this process holds the writer lock
        result = subprocess.run(
            [sys.executable, "-m", "annotation.cli", "preannotate", str(project)],
            capture_output=True, text=True, cwd=REPO, timeout=120,
        )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "another Goldspan process" in lines[0]


def test_cli_preannotate_reports_and_resumes(project, capsys):
    from annotation.cli import main
    from annotation.store import Store

    with Store.open(project) as store:
        _import(store, "“Prices will fall,” said economist Lea Roth.")
    assert main(["preannotate", str(project), "--annotator", ANN]) == 0
    assert "1 units pre-annotated" in capsys.readouterr().out
    assert main(["preannotate", str(project), "--annotator", ANN]) == 0
    assert "0 units pre-annotated" in capsys.readouterr().out


def test_two_processes_give_the_same_suggestions(store):
    texts = [f"“Case {n} is closed,” said Judge Ruth Adams. Lawyers said they would appeal." for n in range(4)]
    docs = _import(store, *texts)
    _preannotate(store, n_process=2, batch_size=2)
    for doc in docs:
        labels = sorted(s.label for s in store.spans(doc, ANN))
        assert labels.count("QUOTE") == 2 and "PERSON" in labels


def test_a_failing_quote_rule_is_reported_and_entities_still_come(store, monkeypatch):
    import annotation.nlp.component as component

    def broken(doc, ents=None):
        raise RuntimeError("rule exploded")

    monkeypatch.setattr(component, "detect_quotations", broken)
    (doc,) = _import(store, "Angela Merkel met Emmanuel Macron in Paris.")
    report = _preannotate(store)
    assert report.units_done == 1 and "rule exploded" in report.rule_errors[0]
    assert "rule exploded" in report.summary()
    assert {s.label for s in store.spans(doc, ANN)} >= {"PERSON"}


def test_each_annotator_gets_their_own_layer(store):
    from annotation.nlp.preannotate import preannotate

    (doc,) = _import(store, "“Prices will fall,” said economist Lea Roth.")
    _preannotate(store)
    mine = sorted((s.id, s.start, s.end, s.label) for s in store.spans(doc, ANN))
    report = run(preannotate(store, "bob"))
    assert report.units_done == 1  # done for "ann" is not done for "bob"
    assert sorted((s.id, s.start, s.end, s.label) for s in store.spans(doc, ANN)) == mine
    assert sorted((s.start, s.end, s.label) for s in store.spans(doc, "bob")) == sorted(m[1:] for m in mine)
