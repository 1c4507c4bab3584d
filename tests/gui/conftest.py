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
