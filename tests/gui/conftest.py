"""GUI test isolation: QSettings and the user data dir live in the test's tmp dir, never $HOME."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_user_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    from PySide6.QtCore import QSettings

    root = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "data"))
    monkeypatch.setenv("GOLDSPAN_DATA_DIR", str(root / "goldspan-data"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(root / "settings"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(root / "settings"))
    return root


@pytest.fixture(autouse=True)
def goldspan_check_after_gui_test(check_projects_after: dict[Path, None]) -> dict[Path, None]:
    """Every GUI test ends by running `goldspan check` on each project it opened or created."""
    return check_projects_after


# Tests that build a damaged project on purpose, with the problems they expect. (Their owners
# can move this into a ``@pytest.mark.goldspan_check(allow=[...])`` on the test itself.)
_EXPECTED_PROBLEMS = {
    "test_markup_is_literal_and_invalid_spans_listed": ["span_outside_text"],
    "test_store_lists_invalid_spans_of_body_and_comments": ["span_outside_text"],
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        allow = _EXPECTED_PROBLEMS.get(getattr(item, "originalname", item.name))
        if allow and item.get_closest_marker("goldspan_check") is None:
            item.add_marker(pytest.mark.goldspan_check(allow=allow))
