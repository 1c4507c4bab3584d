"""Ctrl-C while the command line is still starting (importing its commands' modules) is one
line and exit 130, not a traceback."""
from __future__ import annotations

import pytest

import annotation.cli as cli


def test_ctrl_c_while_the_commands_load_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(extend=None):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert cli.main(["stats", "p.db"]) == 130
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["goldspan: error: interrupted before the command began: nothing was done"]
