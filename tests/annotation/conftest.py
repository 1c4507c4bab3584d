"""Fixtures of the core tests."""
from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def nlp() -> Any:
    """The English pipeline, loaded once per module (a module may define its own)."""
    from annotation.nlp.models import load_model

    return load_model().nlp
