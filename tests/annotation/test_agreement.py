"""Agreement figures equal scikit-learn's and the krippendorff package's on the same data."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.metrics import cohen_kappa_score, f1_score

from annotation.agreement import AgreementError, compute_agreement
from annotation.agreement import stats
from annotation.agreement.spans import compare_spans
from annotation.cli import main
from annotation.commands import AddSpan, SetStatus
from annotation.model import ORIGIN_MODEL, Span
from annotation.store import Store
from tests.annotation.test_merge_fixtures import merged_project, new_project, write_articles

LABELS = ["favor", "against", "neutral", "unrelated"]


def _sk_kappa(a: list[str], b: list[str]) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(a, b)
    return None if np.isnan(value) else float(value)


def _kripp(rows: list[list[str | None]]) -> float | None:
    codes = np.array([[np.nan if v is None else LABELS.index(v) for v in row] for row in rows], dtype=float)
    try:
        return float(krippendorff.alpha(reliability_data=codes, level_of_measurement="nominal"))
    except ValueError:  # "more than one value in the domain" / "no unit with two coders"
        return None


def _stance_rows(store: Store, names: list[str]) -> list[list[str | None]]:
    keys = sorted({(s.comment_id, s.target) for s in store.stances() if s.annotator in names and s.target == "topic"})
    labels = {(s.comment_id, s.target, s.annotator): s.label for s in store.stances()}
    return [[labels.get((c, t, n)) for c, t in keys] for n in names]


def test_agree_json_matches_the_reference_libraries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = merged_project(tmp_path)
    assert main(["agree", str(project), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "goldspan-agreement" and report["annotators"] == ["alice", "bob"]
    with Store.open(project, read_only=True) as store:
        alice, bob = _stance_rows(store, ["alice", "bob"])
    topic = report["stance"]["topic"]
    assert topic["n_items"] == 5
    assert topic["cohen_kappa"] == pytest.approx(_sk_kappa(alice, bob))  # type: ignore[arg-type]
    assert topic["krippendorff_alpha"] == pytest.approx(_kripp([alice, bob]))  # type: ignore[arg-type]
    assert topic["confusion"]["matrix"] == [[1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 0, 1], [0, 0, 0, 1]]
    entity = report["spans"]["entity"]
    assert entity["PERSON"]["f1_exact"] == 1.0
    assert entity["GPE"]["precision_exact"] == 1.0 and entity["GPE"]["recall_exact"] == 0.5
    assert entity["DATE"]["f1_exact"] == 0.0 and entity["DATE"]["f1_overlap"] == 1.0
    assert report["spans_overall"]["entity"]["f1_exact"] == pytest.approx(0.5)
    assert report["spans"]["quote"]["QUOTE"]["f1_exact"] == 1.0
    assert report["quote_sources"] == {"matched_quotes": 2, "same_source": 1, "agreement": 0.5}
    docs = report["documents"]
    assert [d["ext_id"] for d in docs] == ["a1", "a2"]
    assert docs[0]["score"] <= docs[1]["score"]
    # exact span F1 is F1 over "is this span present" on the union of both annotators' spans
    with Store.open(project, read_only=True) as store:
        keys = {n: {(s.document_id, s.comment_id, s.start, s.end, s.label) for d in store.document_ids()
                    for s in store.spans(d, n, layer="entity")} for n in ("alice", "bob")}
    union = sorted(keys["alice"] | keys["bob"], key=repr)
    expected = f1_score([k in keys["alice"] for k in union], [k in keys["bob"] for k in union])
    assert report["spans_overall"]["entity"]["f1_exact"] == pytest.approx(expected)


def test_text_and_html_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = merged_project(tmp_path)
    out = tmp_path / "report.html"
    assert main(["agree", str(project), "--html", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Cohen's kappa 0.500" in text and "worst documents: a1" in text
    html = out.read_text()
    assert html.count("data:image/png;base64,") == 3 and "Minister defends budget" in html
    assert "<script" not in html


def test_bad_input_is_refused_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = merged_project(tmp_path)
    assert main(["agree", str(project), "--annotators", "alice", "zoe"]) == 1
    err = capsys.readouterr().err
    assert "no annotations by 'zoe'" in err and "alice, bob" in err and err.count("\n") == 1
    assert main(["agree", str(project), "--annotators", "alice"]) == 1
    assert "at least two annotators" in capsys.readouterr().err
    lonely = new_project(tmp_path / "lonely.db", write_articles(tmp_path / "x.jsonl"))
    lonely.apply(SetStatus(1, "alice", "done"))
    lonely.apply(SetStatus(2, "bob", "done"))
    with pytest.raises(AgreementError, match="no document in common"):
        compute_agreement(lonely)
    lonely.close()
    assert main(["agree", str(tmp_path / "lonely.db")]) == 1
    assert "no document in common" in capsys.readouterr().err


def test_model_suggestions_count_only_in_documents_marked_done(tmp_path: Path) -> None:
    store = new_project(tmp_path / "p.db", write_articles(tmp_path / "a.jsonl"))
    for who in ("alice", "bob"):
        store.apply(AddSpan(Span(None, 1, None, 17, 26, "PERSON", "entity", who)))
        store.apply(AddSpan(Span(None, 2, None, 12, 18, "GPE", "entity", who, origin=ORIGIN_MODEL, model="sm 3.8")))
        store.apply(AddSpan(Span(None, 1, None, 62, 66, "GPE", "entity", who, origin=ORIGIN_MODEL, model="sm 3.8")))
    store.apply(SetStatus(2, "alice", "done"))
    store.apply(SetStatus(2, "bob", "done"))
    report = compute_agreement(store)
    assert report["spans"]["entity"]["GPE"]["n_a"] == 1  # only the suggestion in the finished document
    assert report["spans"]["entity"]["PERSON"]["n_a"] == 1
    store.close()


labels_or_missing = st.one_of(st.none(), st.sampled_from(LABELS))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)), min_size=1, max_size=60))
def test_cohen_kappa_equals_sklearn(pairs: list[tuple[str, str]]) -> None:
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    codes, _ = stats.encode([a, b], LABELS)
    ours = stats.cohen_kappa(codes[0], codes[1], len(LABELS))
    reference = _sk_kappa(a, b)
    if reference is None:
        assert ours is None
    else:
        assert ours == pytest.approx(reference, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 5).flatmap(lambda n: st.lists(st.lists(labels_or_missing, min_size=n, max_size=n), min_size=1, max_size=40)))
def test_krippendorff_alpha_equals_the_package_with_missing_labels(items: list[list[str | None]]) -> None:
    rows = [list(r) for r in zip(*items)]  # annotators x items
    codes, _ = stats.encode(rows, LABELS)
    ours = stats.krippendorff_alpha_nominal(codes, len(LABELS))
    reference = _kripp(rows)
    if reference is None or np.isnan(reference):
        assert ours is None
    else:
        assert ours == pytest.approx(reference, abs=1e-9)


def test_fleiss_kappa_on_the_textbook_example() -> None:
    # Fleiss (1971) as reproduced on Wikipedia: 10 items, 14 raters, 5 categories, kappa 0.210
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    codes = np.array([[j for j, k in enumerate(row) for _ in range(k)] for row in table]).T
    kappa, n = stats.fleiss_kappa(codes, 5)
    assert n == 10 and kappa == pytest.approx(0.2099, abs=1e-4)


spans_strategy = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 6), st.sampled_from(["PER", "ORG"])), max_size=25)


@settings(max_examples=100, deadline=None)
@given(spans_strategy, spans_strategy)
def test_exact_span_f1_equals_sklearn_f1_over_the_union(a: list, b: list) -> None:
    sa = {(1, -1, s, s + n, lab, "entity") for s, n, lab in a}
    sb = {(1, -1, s, s + n, lab, "entity") for s, n, lab in b}
    result = compare_spans([(*k, i) for i, k in enumerate(sa)], [(*k, i) for i, k in enumerate(sb)])
    union = sorted(sa | sb)
    figures = result.total().figures()
    if not union:
        assert figures["f1_exact"] is None
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = f1_score([k in sa for k in union], [k in sb for k in union], zero_division=0.0)
    assert figures["f1_exact"] == pytest.approx(expected)
    assert figures["matched_overlap"] >= figures["matched_exact"]


def test_three_annotators_fleiss_alpha_and_pairwise_cohen(tmp_path: Path) -> None:
    from tests.annotation.test_merge_fixtures import stance

    project = merged_project(tmp_path)
    with Store.open(project) as store:
        for doc, comment, label in (("a1", "c1", "favor"), ("a1", "c2", "neutral"), ("a1", "c3", "unrelated"), ("a2", "d1", "unrelated")):
            stance(store, "carol", doc, comment, label)
        report = compute_agreement(store, ["alice", "bob", "carol"])
        rows = _stance_rows(store, ["alice", "bob", "carol"])
    topic = report["stance"]["topic"]
    assert topic["cohen_kappa"] is None and topic["confusion"] is None
    assert topic["krippendorff_alpha"] == pytest.approx(_kripp(rows))  # type: ignore[arg-type]
    assert topic["fleiss_n_items"] == 4  # carol left d2 out: Fleiss needs every rater on an item
    for pair in topic["pairwise"]:
        i, j = (["alice", "bob", "carol"].index(pair["a"]), ["alice", "bob", "carol"].index(pair["b"]))
        both = [(x, y) for x, y in zip(rows[i], rows[j]) if x is not None and y is not None]
        assert pair["n_items"] == len(both)
        assert pair["cohen_kappa"] == pytest.approx(_sk_kappa([x for x, _ in both], [y for _, y in both]))  # type: ignore[arg-type]
    # Fleiss by hand over the four complete items: (favor,favor,favor) (against,against,neutral)
    # (neutral,unrelated,unrelated) (unrelated,unrelated,unrelated)
    p_items = [1.0, 1 / 3, 1 / 3, 1.0]
    shares = np.array([3, 2, 2, 5]) / 12
    p_e = float((shares ** 2).sum())
    assert topic["fleiss_kappa"] == pytest.approx((np.mean(p_items) - p_e) / (1 - p_e))
    assert [p["documents"] for p in report["pairs"]] == [2, 0, 0]  # carol labelled stance only: no span figures


@settings(max_examples=150, deadline=None)
@given(spans_strategy, spans_strategy)
def test_overlap_matching_equals_the_plain_one_to_one_search(a: list, b: list) -> None:
    """compare_spans takes exact pairs out first; the result must equal the plain greedy search
    over all spans (duplicates included, as quotations may repeat)."""
    from annotation.agreement.spans import overlap_pairs

    sa = [(1, -1, s, s + n, lab, "quote", i) for i, (s, n, lab) in enumerate(a)]
    sb = [(1, -1, s, s + n, lab, "quote", 100 + i) for i, (s, n, lab) in enumerate(b)]
    result = compare_spans(sa, sb)
    for label in ("PER", "ORG"):
        ga, gb = [s for s in sa if s[4] == label], [s for s in sb if s[4] == label]
        counts = result.labels["quote"][label]
        assert counts.overlap == len(overlap_pairs(ga, gb))
        left = [s[2:4] for s in ga]
        exact = 0
        for s in gb:
            if s[2:4] in left:
                left.remove(s[2:4])
                exact += 1
        assert counts.exact == exact and (counts.n_a, counts.n_b) == (len(ga), len(gb))


def test_json_shape_is_stable(tmp_path: Path) -> None:
    """Scripts read this: renaming or dropping a key is a breaking change (bump "version")."""
    with Store.open(merged_project(tmp_path), read_only=True) as store:
        report = compute_agreement(store)
    assert report["version"] == 1
    assert set(report) == {"format", "version", "project", "annotators", "definitions", "stance", "stance_overall",
                           "spans", "spans_overall", "quote_sources", "pairs", "documents", "span_tokens",
                           "spans_unitized", "stance_targets", "warnings"}
    assert set(report["span_tokens"]) == {"entity", "quote"}
    assert set(report["span_tokens"]["entity"]) == {"n_items", "labels", "cohen_kappa", "fleiss_kappa", "fleiss_n_items",
                                                    "krippendorff_alpha", "pairwise"}
    assert set(report["stance"]["topic"]) == {"n_items", "labels", "cohen_kappa", "fleiss_kappa", "fleiss_n_items",
                                              "krippendorff_alpha", "percent_agreement", "confusion", "pairwise"}
    assert set(report["stance"]["topic"]["confusion"]) == {"rows", "columns", "labels", "matrix"}
    assert set(report["spans"]) == {"entity", "quote"} and set(report["spans_overall"]) == {"entity", "quote", "all"}
    assert set(report["spans"]["entity"]["PERSON"]) == {"precision_exact", "recall_exact", "f1_exact", "precision_overlap",
                                                        "recall_overlap", "f1_overlap", "n_a", "n_b", "matched_exact", "matched_overlap"}
    assert set(report["quote_sources"]) == {"matched_quotes", "same_source", "agreement"}
    assert set(report["pairs"][0]) == {"a", "b", "documents", "spans_overall", "quote_sources"}
    assert set(report["documents"][0]) == {"document_id", "ext_id", "title", "f1_exact", "f1_overlap", "n_spans",
                                           "quote_source_agreement", "stance_agreement", "n_stance_items", "score"}
    json.dumps(report, allow_nan=False)  # strict JSON: undefined figures are null, never NaN
