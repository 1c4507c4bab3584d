"""Unseen Australian news for the quotation bench: the Lee corpus (Lee, Pincombe and Welsh, 2005),
350 short stories of the Australian Broadcasting Corporation's news mail service (2001-2002) that
gensim ships as test data (`gensim/test/test_data/lee_background.cor`, 300 stories, and
`lee.cor`, 50 more), one story per line.

Nobody here had read them before issue 12's sixth round. They are broadcast copy, unlike the wire
and the web pages already in the bench: reported speech in the present tense ("the Prime Minister
says"), titles before surnames ("Mr Howard"), organisations that speak ("the Rural Fire Service
says"), one paragraph run into the next. The texts are never copied into the repository: the gold
file (bench/quote_gold_lee.jsonl) holds offsets and a few words at each end, and this module reads
each story from the gensim wheel the same way every time (nothing is installed or imported from it).

Getting the wheel (pip only downloads; nothing runs):

    pip download --no-deps gensim==4.4.0 -d ~/.cache/goldspan-bench/gensim

or point GOLDSPAN_GENSIM_WHEEL at any gensim 4.4.0 wheel. gensim is LGPL-2.1; the stories belong
to the ABC and are read here for evaluation only.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

_FOLDER = Path.home() / ".cache" / "goldspan-bench" / "gensim"
_MEMBERS = {"bg": "gensim/test/test_data/lee_background.cor", "eval": "gensim/test/test_data/lee.cor"}
HOW_TO_GET = (
    "the Lee corpus comes from gensim 4.4.0's wheel: `pip download --no-deps gensim==4.4.0 -d "
    "~/.cache/goldspan-bench/gensim` (or set GOLDSPAN_GENSIM_WHEEL to a gensim 4.4.0 wheel)"
)


def wheel() -> Path | None:
    """A gensim 4.4.0 wheel on this machine, or None."""
    configured = os.environ.get("GOLDSPAN_GENSIM_WHEEL")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    found = sorted(_FOLDER.glob("gensim-4.4.0-*.whl")) if _FOLDER.is_dir() else []
    return found[0] if found else None


def _decode(raw: bytes) -> str:
    # lee_background.cor is UTF-8; lee.cor has one Latin-1 pound sign
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def load() -> dict[str, str]:
    """Every story by id ("lee:bg/17", "lee:eval/3", numbered from 1 by line); empty when the
    wheel is not here."""
    path = wheel()
    if path is None:
        return {}
    stories: dict[str, str] = {}
    with zipfile.ZipFile(path) as archive:
        for part, member in _MEMBERS.items():
            for number, line in enumerate(_decode(archive.read(member)).splitlines(), 1):
                if line.strip():
                    stories[f"lee:{part}/{number}"] = line.strip()
    return stories


if __name__ == "__main__":
    import sys

    texts = load()
    if not texts:
        raise SystemExit(HOW_TO_GET)
    for doc_id in sys.argv[1:] or sorted(texts):
        print(f"== {doc_id}\n{texts[doc_id]}\n")
