"""Test helpers. ``shared()`` is the one place that finds ../shared (never copied in here)."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def shared(*parts: str) -> Path:
    """A path under ../shared; skips the test (saying why) only when ../shared is absent."""
    root = REPO.parent / "shared"
    if not root.is_dir():
        pytest.skip(f"../shared is absent (looked for {root})")
    return root.joinpath(*parts)


SEED = ("seeds", "000_fdbd5907a520c695.txt")
CORPUS = ("corpus", "wikinews_gum.jsonl")
INTEROP = ("fixtures", "interop")
