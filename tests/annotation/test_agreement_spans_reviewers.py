"""Agreement as reviewers report it: token-level kappa and alpha for span layers (equal to
scikit-learn and krippendorff on the same token matrix), overlap matching as a maximum
bipartite matching (symmetric F1), documented keys with a warning for thin figures, and
annotators with different stance targets compared on the targets they share."""
from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
import spacy
from hypothesis import given, settings, strategies as st
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import cohen_kappa_score

from annotation.agreement import compute_agreement
from annotation.agreement.spans import compare_spans
from annotation.model import Comment, Document, ImportedArticle, ImportedSpan, ImportedStance
from annotation.store import Store

TEXT = "Angela Merkel visited Paris today. Emmanuel Macron met her at the Elysee Palace on Monday."


def _spans(*items: tuple[str, str]) -> tuple[ImportedSpan, ...]:
    out = []
    for n, (needle, label) in enumerate(items):
        start = TEXT.index(needle)
        out.append(ImportedSpan(f"s{n}", start, start + len(needle), label))
    return tuple(out)


ALICE = (("Angela Merkel", "PERSON"), ("Paris", "GPE"), ("Emmanuel Macron", "PERSON"), ("Elysee Palace", "FAC"), ("Monday", "DATE"))
BOB = (("Merkel", "PERSON"), ("Paris today", "GPE"), ("Emmanuel Macron", "PERSON"), ("the Elysee Palace", "ORG"))


def _project(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "p.db"
    with Store.create(path) as store, store.transaction():
        doc = Document(None, "d1", "t", TEXT)
        store.import_articles([ImportedArticle(doc, (), _spans(*ALICE))], "t", "alice")
        store.import_articles([ImportedArticle(doc, (), _spans(*BOB))], "t", "bob")
    return path


def _token_labels(items: tuple[tuple[str, str], ...]) -> list[str]:
    doc = spacy.blank("en")(TEXT)
    labels = []
    for token in doc:
        if token.is_space:
            continue
        label = "O"
        for needle, lab in items:
            start = TEXT.index(needle)
            if token.idx < start + len(needle) and start < token.idx + len(token):
                label = lab
        labels.append(label)
    return labels


def test_token_kappa_and_alpha_for_spans_equal_sklearn_and_krippendorff(tmp_path):
    with Store.open(_project(tmp_path), read_only=True) as store:
        report = compute_agreement(store)
    entity = report["span_tokens"]["entity"]
    a, b = _token_labels(ALICE), _token_labels(BOB)
    assert entity["n_items"] == len(a) == 17
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert entity["cohen_kappa"] == pytest.approx(cohen_kappa_score(a, b))
    categories = sorted(set(a) | set(b))
    matrix = np.array([[categories.index(x) for x in row] for row in (a, b)], dtype=float)
    assert entity["krippendorff_alpha"] == pytest.approx(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
    assert entity["labels"][0] == "O" and set(entity["labels"]) == set(categories)
    # thin figures are said: 17 tokens, 9 spans
    assert any(w.startswith("span_tokens.entity: rests on 17 token(s)") for w in report["warnings"])
    for key in ("n_a", "n_b", "matched_overlap", "f1_overlap", "documents[].n_spans", "span_tokens.<layer>", "warnings"):
        assert key in report["definitions"]


def test_overlap_matching_is_maximum_not_greedy():
    # greedy (largest overlap first) takes a1-b1 (5 characters) and strands the rest: one pair
    a = [(1, -1, 0, 10, "QUOTE", "quote", 1), (1, -1, 8, 12, "QUOTE", "quote", 2)]
    b = [(1, -1, 5, 10, "QUOTE", "quote", 3), (1, -1, 0, 4, "QUOTE", "quote", 4)]
    assert compare_spans(a, b).labels["quote"]["QUOTE"].overlap == 2
    assert compare_spans(b, a).labels["quote"]["QUOTE"].overlap == 2


span_lists = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=14)


@settings(max_examples=200, deadline=None)
@given(span_lists, span_lists)
def test_overlap_matches_equal_a_maximum_matching_and_are_symmetric(a, b):  # type: ignore[no-untyped-def]
    sa = [(1, -1, s, s + n, "X", "entity", i) for i, (s, n) in enumerate(a)]
    sb = [(1, -1, s, s + n, "X", "entity", 100 + i) for i, (s, n) in enumerate(b)]
    got = compare_spans(sa, sb).labels["entity"]["X"].overlap if sa and sb else 0
    overlaps = np.array([[1.0 if x[2] < y[3] and y[2] < x[3] else 0.0 for y in sb] for x in sa]).reshape(len(sa), len(sb))
    rows, cols = linear_sum_assignment(overlaps, maximize=True) if sa and sb else ([], [])
    assert got == int(sum(overlaps[i, j] for i, j in zip(rows, cols)))
    back = compare_spans(sb, sa).labels["entity"]["X"].overlap if sa and sb else 0
    assert back == got


def test_different_stance_targets_report_the_common_ones(tmp_path):
    path = tmp_path / "p.db"
    with Store.create(path) as store, store.transaction():
        doc = Document(None, "d1", "t", "An article about taxes.")
        comments = (Comment(None, None, "c1", "Taxes are good."), Comment(None, None, "c2", "No, bad.", parent_ext_id="c1"))
        store.import_articles([ImportedArticle(doc, comments, stances=(ImportedStance("c1", "topic", "favor"),
                                                                        ImportedStance("c2", "taxes", "against")))], "t", "alice")
        store.import_articles([ImportedArticle(doc, comments, stances=(ImportedStance("c1", "taxes", "favor"),
                                                                        ImportedStance("c2", "taxes", "against")))], "t", "bob")
    with Store.open(path, read_only=True) as store:
        report = compute_agreement(store)
    assert report["stance_targets"] == {"common": ["taxes"], "by_annotator": {"alice": ["taxes", "topic"], "bob": ["taxes"]}}
    assert report["stance"]["taxes"]["n_items"] == 1
    assert any("not in common" in w and "alice: topic" in w for w in report["warnings"])
    with Store.create(tmp_path / "q.db") as store, store.transaction():
        doc = Document(None, "d1", "t", "An article about taxes.")
        comments = (Comment(None, None, "c1", "Taxes are good."),)
        store.import_articles([ImportedArticle(doc, comments, stances=(ImportedStance("c1", "topic", "favor"),))], "t", "alice")
        store.import_articles([ImportedArticle(doc, comments, stances=(ImportedStance("c1", "taxes", "favor"),))], "t", "bob")
    with Store.open(tmp_path / "q.db", read_only=True) as store:
        report = compute_agreement(store)  # no target in common: said, not "no document in common"
    assert report["stance_targets"]["common"] == [] and any("common: none" in w for w in report["warnings"])


def test_unitizing_alpha_equals_krippendorffs_worked_example():
    """Krippendorff (2004), Content Analysis, p. 254: two observers on a continuum of 300 from
    150, categories c and k. Published: alpha_u = 0.8591 (from rounded intermediates), and per
    category D_o(c) = 0.0144, D_e(c) = 0.0532, alpha_u(c) = 0.7286, alpha_u(k) = 1."""
    from annotation.agreement.unitizing import alpha_u

    units = [(0, 225, 295, "c"), (0, 370, 400, "c"), (1, 220, 300, "c"), (1, 355, 375, "c"), (1, 400, 420, "c"),
             (0, 180, 240, "k"), (0, 300, 350, "k"), (1, 180, 240, "k"), (1, 300, 350, "k")]
    result = alpha_u(units, 2, 150, 300)
    c, k = result["labels"]["c"], result["labels"]["k"]
    assert c["observed"] == pytest.approx(0.0144, abs=1e-4) and c["expected"] == pytest.approx(0.0532, abs=1e-4)
    assert c["alpha_u"] == pytest.approx(0.7286, abs=1e-4)
    assert k["observed"] == 0 and k["expected"] == pytest.approx(0.0490, abs=1e-4) and k["alpha_u"] == 1.0
    assert result["alpha_u"] == pytest.approx(0.8591, abs=5e-4)
    # the same units listed the other way round (observers swapped): the same figures
    swapped = alpha_u([(1 - who, s, e, cat) for who, s, e, cat in units], 2, 150, 300)
    assert swapped["alpha_u"] == pytest.approx(result["alpha_u"])


def test_report_gives_unitizing_alpha_per_layer(tmp_path):
    with Store.open(_project(tmp_path), read_only=True) as store:
        report = compute_agreement(store)
    entity = report["spans_unitized"]["entity"]
    assert entity["length"] == len(TEXT) and entity["n_documents"] == 1
    assert 0 < entity["alpha_u"] < 1 and entity["labels"]["PERSON"]["alpha_u"] < 1
    from annotation.agreement.html import render_html

    page = render_html(report)
    assert "α<sub>u</sub>" in page and "Cohen's κ (tokens)" in page and "fewer than 20" in page


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 90), st.integers(1, 10), st.sampled_from("ab")), min_size=1, max_size=12))
def test_unitizing_alpha_does_not_depend_on_annotator_order(items):  # type: ignore[no-untyped-def]
    from annotation.agreement.unitizing import alpha_u

    units = [(who, s, s + n, cat) for who, s, n, cat in items]
    here = alpha_u(units, 2, 0, 100)
    there = alpha_u([(1 - who, s, e, cat) for who, s, e, cat in units], 2, 0, 100)
    assert here["alpha_u"] == pytest.approx(there["alpha_u"]) if here["alpha_u"] is not None else there["alpha_u"] is None
    same = alpha_u([(w, s, e, c) for _, s, e, c in units for w in (0, 1)], 2, 0, 100)
    assert all(v["observed"] == 0 for v in same["labels"].values())


def test_agree_text_output_says_what_the_json_says(tmp_path, capsys) -> None:
    """The terminal report carries the span kappas, αu and the small-sample warnings too."""
    from annotation.cli import main
    from tests.annotation.test_merge_fixtures import merged_project

    path = merged_project(tmp_path)
    assert main(["agree", str(path), "--annotators", "alice", "bob"]) == 0
    out = capsys.readouterr().out
    assert "tokens (66): Cohen's kappa 0.743" in out
    assert "unitizing alpha (characters): 0.865" in out
    assert "warning: spans.entity: rests on 12 span(s), fewer than 20" in out


def test_output_piped_into_head_is_no_traceback(tmp_path) -> None:
    import subprocess
    import sys

    from tests.annotation.test_merge_fixtures import merged_project

    path = merged_project(tmp_path)
    for command in (["agree", str(path)], ["check", str(path)], ["stats", str(path)]):
        # The reader is gone before the command writes a byte: every write meets EPIPE.
        proc = subprocess.Popen([sys.executable, "-m", "annotation.cli", *command],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        proc.stdout.close()
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err and "BrokenPipe" not in err, err
        assert proc.returncode in (0, 1), (command, proc.returncode, err)
