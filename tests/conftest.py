from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GOLDSPAN_ANNOTATOR", "tester")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh, empty project file with the default schema."""
    from annotation.store import Store

    path = tmp_path / "project.db"
    Store.create(path).close()
    return path


@pytest.fixture
def store(project: Path):
    from annotation.store import Store

    s = Store.open(project)
    yield s
    s.close()
