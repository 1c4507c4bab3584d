"""`goldspan --screenshot OUT.png [PROJECT.db] --screenshot-of NAME`: every window and dialog is
pictured on a copy of the project, which stays byte for byte as it was and passes the check."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.cli.commands.check import check_project
from annotation.store import Store
from gui.app import run_gui
from gui.screenshots import SCREENSHOTS

ROOT = Path(__file__).resolve().parents[2]

# (smallest width, smallest height) a picture of each can have: the main window is laid out at
# 1500 x 900, a dialog is at least its buttons, and a title bar is drawn over every window
PLAUSIBLE = {
    "main": (1400, 800), "arcs": (800, 600), "import": (500, 400), "export": (400, 200),
    "new-project": (400, 150), "labels": (500, 350), "preannotate": (250, 100), "train": (150, 90),
    "review": (900, 600), "dashboard": (800, 600),
}


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo project, built and pre-annotated once for the module (about 7 s)."""
    from annotation.demo import build_demo_project
    from annotation.jobs import run

    return run(build_demo_project(tmp_path_factory.mktemp("demo") / "demo.db", "tester"))


@pytest.fixture
def demo(demo_build: Path, tmp_path: Path) -> Path:
    """This test's own copy of the demo (the built file is closed and checkpointed: one file)."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_build, path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _distinct_colours(png: Path) -> int:
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
    return len({image.pixel(x, y) for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y)})


@pytest.mark.parametrize("name", list(SCREENSHOTS))
def test_each_screenshot_is_a_real_picture_and_the_project_is_untouched(name: str, demo: Path, tmp_path: Path, qapp,  # type: ignore[no-untyped-def]
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from PySide6.QtGui import QImage

    scratch = tmp_path / "scratch"  # where the private copy is made
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = _digest(demo)
    out = tmp_path / f"{name}.png"
    assert run_gui(str(demo), str(out), "tester", screenshot_of=name) == 0
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 3000
    image = QImage(str(out))
    width, height = PLAUSIBLE[name]
    assert image.width() >= width and image.height() >= height, (image.width(), image.height())
    assert _distinct_colours(out) >= 8  # not one flat colour: text, widgets, highlights
    assert _digest(demo) == before  # taken on a private copy: nothing written to the project
    assert check_project(str(demo)) == []
    assert not list(scratch.iterdir())  # the copy is gone with its folder


def test_review_and_dashboard_compare_two_annotators_in_the_copy_only(demo: Path, tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    """The demo has one annotator: the copy gets a made-up colleague, the project does not."""
    import gui.screenshots as screenshots

    seen: list[tuple[str, ...]] = []
    original = screenshots.capture_review

    def spy(window):  # type: ignore[no-untyped-def]
        picture = original(window)
        review = next(w for w in _top_level_windows() if type(w).__name__ == "ReviewWindow")
        seen.append(tuple(review.annotators))
        assert review.items, "the review window shows differences between the two annotators"
        return picture

    screenshots._CAPTURES["review"] = spy
    try:
        assert run_gui(str(demo), str(tmp_path / "review.png"), "tester", screenshot_of="review") == 0
    finally:
        screenshots._CAPTURES["review"] = original
    assert seen == [("ben", "tester")]
    with Store.open(demo, read_only=True) as store:
        assert store.annotators_with_data() == ["tester"]


def _top_level_windows() -> list:  # type: ignore[type-arg]
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_the_arcs_picture_shows_a_document_with_several_quotations(demo: Path, tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    import gui.screenshots as screenshots

    shown: list[tuple[int, int, bool]] = []
    original = screenshots.capture_arcs

    def spy(window):  # type: ignore[no-untyped-def]
        picture = original(window)
        quotes = [p for p in window.article.span_index.in_order() if p.span.label == "QUOTE"]
        shown.append((len(quotes), len(window.article.painted_arcs), window.article.arcs_visible))
        return picture

    screenshots._CAPTURES["arcs"] = spy
    try:
        assert run_gui(str(demo), str(tmp_path / "arcs.png"), "tester", screenshot_of="arcs") == 0
    finally:
        screenshots._CAPTURES["arcs"] = original
    (quotes, arcs, visible), = shown
    assert quotes >= 5 and arcs >= 5 and visible


def _goldspan(*args: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([sys.executable, "-m", "gui.launcher", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}, timeout=300)


def _stderr_lines(result: subprocess.CompletedProcess) -> list[str]:  # type: ignore[type-arg]
    return [line for line in result.stderr.splitlines() if line.strip() and "propagateSizeHints" not in line]


def test_an_unknown_screenshot_is_one_line_listing_the_names_and_exit_2(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    result = _goldspan("--screenshot", str(out), str(demo), "--screenshot-of", "splash")
    lines = _stderr_lines(result)
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "'splash'" in lines[0] and all(name in lines[0] for name in SCREENSHOTS)
    assert not out.exists()
    result = _goldspan("--screenshot-of", "arcs")  # without an output file
    assert result.returncode == 2 and len(_stderr_lines(result)) == 1 and "--screenshot" in result.stderr


def test_the_command_line_takes_a_variant_and_help_lists_them(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.png"
    before = _digest(demo)
    result = _goldspan("--screenshot", str(out), str(demo), "--screenshot-of", "labels")
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 3000 and _digest(demo) == before
    assert subprocess.run([sys.executable, "-m", "annotation.cli", "check", str(demo)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}).returncode == 0
    help_text = _goldspan("--help").stdout
    assert "--screenshot-of NAME" in help_text and all(name in help_text for name in SCREENSHOTS)
