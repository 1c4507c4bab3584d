"""A figure that rests on too few items says so beside itself: the core decides (few_items,
thin_figure), the terminal report and the dashboard only show it."""
from __future__ import annotations

from pathlib import Path

from annotation.agreement import FEW_ITEMS, compute_agreement, few_items, figure_sizes, thin_figure
from annotation.store import Store
from tests.annotation.test_merge_fixtures import merged_project


def test_the_threshold_counts_items_and_nothing_is_no_figure() -> None:
    assert FEW_ITEMS == 20
    assert few_items(1) and few_items(19)
    assert not few_items(20) and not few_items(500)
    assert not few_items(0)  # no items: no figure to warn about


def test_each_headline_figure_names_what_it_rests_on(tmp_path: Path) -> None:
    with Store.open(merged_project(tmp_path)) as store:
        report = compute_agreement(store, ["alice", "bob"])
    sizes = figure_sizes(report)
    assert sizes["stance.topic"] == (5, "comment")
    assert sizes["spans.entity"] == (12, "span") and sizes["spans.quote"] == (8, "span")
    assert sizes["quote_sources"] == (2, "matched quotation")
    assert sizes["span_tokens.entity"] == (66, "token")
    assert thin_figure(report, "stance.topic") == "rests on only 5 comments, fewer than 20"
    assert thin_figure(report, "quote_sources") == "rests on only 2 matched quotations, fewer than 20"
    assert thin_figure(report, "span_tokens.entity") is None  # 66 tokens: enough
    assert "quote_sources: rests on 2 matched quotation(s), fewer than 20" in report["warnings"]


def test_agree_text_output_flags_the_thin_figure_on_its_own_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from annotation.cli import main

    assert main(["agree", str(merged_project(tmp_path))]) == 0
    lines = capsys.readouterr().out.splitlines()
    stance = next(line for line in lines if line.startswith("stance topic:"))
    assert "Cohen's kappa 0.500" in stance and stance.endswith("[too few: rests on only 5 comments, fewer than 20]")
    tokens = next(line for line in lines if line.strip().startswith("tokens (66)"))
    assert "too few" not in tokens
