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


# -- `goldspan check` after tests ------------------------------------------------------------
# Every project a test opens or creates is recorded; ``check_projects_after`` then runs the same
# check as `goldspan check` on each, so the test fails when it left the project inconsistent.
# A test that builds a bad project on purpose says which problems it expects:
#     @pytest.mark.goldspan_check(allow=["span_outside_text"])   (or allow=["*"] for any)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "goldspan_check(allow): problem kinds the end-of-test project check tolerates ('*': all)"
    )


@pytest.fixture
def check_projects_after(request: pytest.FixtureRequest):
    """Record the paths of projects opened or created during the test; check them afterwards."""
    from annotation.store import Store

    seen: dict[Path, None] = {}
    original_open = Store.open.__func__  # type: ignore[attr-defined]
    original_create = Store.create.__func__  # type: ignore[attr-defined]

    def record(store: object, path: object) -> None:
        if str(path) != ":memory:":
            seen.setdefault(Path(path).resolve(), None)  # type: ignore[arg-type]

    def open_(cls, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        store = original_open(cls, path, *args, **kwargs)
        record(store, path)
        return store

    def create(cls, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        store = original_create(cls, path, *args, **kwargs)
        record(store, path)
        return store

    patch = pytest.MonkeyPatch()  # its own, so undoing it leaves the test's patches alone
    patch.setattr(Store, "open", classmethod(open_))
    patch.setattr(Store, "create", classmethod(create))
    try:
        yield seen
    finally:
        patch.undo()  # the check's own opens are not recorded
    if not _passed(request):
        return  # the test's own failure says more; do not bury it under a check report
    marker = request.node.get_closest_marker("goldspan_check")
    allowed = set(marker.kwargs.get("allow", ())) if marker else set()
    report = []
    for path in seen:
        for line in _problems(path, allowed):
            report.append(f"{path.name}: {line}")
    if report:
        pytest.fail("goldspan check found problems in the test's project:\n" + "\n".join(report), pytrace=False)


def _problems(path: Path, allowed: set[str]) -> list[str]:
    from annotation.cli.commands.check import check_project
    from annotation.errors import GoldspanError

    if not path.is_file():
        return []  # removed by the test (a temporary copy, a failed create)
    try:
        problems = check_project(str(path))
    except GoldspanError as exc:
        return [] if {"*", "unreadable"} & allowed else [f"unreadable: {exc}"]
    return [p.line() for p in problems if "*" not in allowed and p.kind not in allowed]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[type-arg]
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed


_CALL_FAILED = pytest.StashKey[bool]()


def _passed(request: pytest.FixtureRequest) -> bool:
    return not request.node.stash.get(_CALL_FAILED, True)


@pytest.fixture(autouse=True)
def _check_all_projects_when_asked(request: pytest.FixtureRequest):
    """GUI tests always end with the project check (tests/gui/conftest.py); core tests do when
    GOLDSPAN_CHECK_ALL=1, since many of them build broken projects on purpose to test refusals."""
    if os.environ.get("GOLDSPAN_CHECK_ALL") == "1" and "check_projects_after" not in request.fixturenames:
        request.getfixturevalue("check_projects_after")
    yield
