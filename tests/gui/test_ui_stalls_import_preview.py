"""File ▸ Import… reads a large selection's preview on a worker: the dialog stays live while
the importers read (a few tenths of a second for 200 articles), Import waits for the preview,
and an answer for files or options changed since is dropped."""
from __future__ import annotations

import json
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialogButtonBox

import gui.dialogs.import_dialog as import_dialog
from annotation.store import Store
from gui.app import open_window
from gui.dialogs.import_dialog import ImportDialog


def _doccano(path, label="GPE"):  # type: ignore[no-untyped-def]
    rows = [{"text": "Maria Öberg visited Springfield on Monday.", "label": [[20, 31, label]]}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_a_large_selection_is_previewed_while_the_dialog_stays_live(qtbot, tmp_path, monkeypatch):
    project = tmp_path / "p.db"
    Store.create(project).close()
    window = open_window(project, "tester")
    assert window is not None
    window.show()
    dialog = ImportDialog(window.store.schema, "tester", window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    monkeypatch.setattr(import_dialog, "PREVIEW_AT_ONCE_BYTES", 0)  # every file counts as large here
    real_preview = import_dialog.preview
    release = threading.Event()
    readers: list[str] = []

    def slow_preview(*args, **kwargs):  # type: ignore[no-untyped-def]
        readers.append(threading.current_thread().name)
        release.wait(10)  # the importers reading a large file
        return real_preview(*args, **kwargs)

    monkeypatch.setattr(import_dialog, "preview", slow_preview)
    ticks: list[bool] = []
    QTimer.singleShot(0, lambda: ticks.append(True))
    dialog.add_paths([str(_doccano(tmp_path / "a.jsonl"))])
    qtbot.waitUntil(lambda: bool(ticks))  # the event loop ran while the file was being read
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.previewing and "Reading 1 file" in dialog.summary.toPlainText() and not ok.isEnabled()
    assert readers and readers[0] != threading.main_thread().name
    # another file before the first answer: only the newest preview is shown
    dialog.add_paths([str(_doccano(tmp_path / "b.jsonl", "WHO"))])
    release.set()
    qtbot.waitUntil(lambda: not dialog.previewing, timeout=10000)
    qtbot.wait(100)  # the older answer, if any, arrives too: it must not overwrite the newer one
    text = dialog.summary.toPlainText()
    assert "2 file(s): 2 documents" in text and "WHO (1)" in text, text
    assert ok.isEnabled()
    assert [dialog.mapping.item(r, 0).text() for r in range(dialog.mapping.rowCount())] == ["WHO"]
    dialog.reject()
    store = window.session.store
    window.close()
    store.close()


def test_a_large_selection_is_read_in_a_child_process_with_the_same_answer(qtbot, tmp_path, monkeypatch):
    """The real preview of a large selection is read by a child process (on a worker thread the
    importers held the GIL and stalled the dialog): the dialog shows what reading here shows."""
    import gui.dialogs.preview_child as preview_child
    from annotation.importers import ImportOptions
    from gui.dialogs.import_dialog import describe, preview

    project = tmp_path / "p.db"
    Store.create(project).close()
    window = open_window(project, "tester")
    assert window is not None
    dialog = ImportDialog(window.store.schema, "tester", window)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    monkeypatch.setattr(import_dialog, "PREVIEW_AT_ONCE_BYTES", 0)
    calls: list[str] = []
    real = preview_child.preview_in_child

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(preview_child, "preview_in_child", spy)
    paths = [str(_doccano(tmp_path / "a.jsonl")), str(_doccano(tmp_path / "b.jsonl", "WHO")), str(project)]
    dialog.add_paths(paths)
    qtbot.waitUntil(lambda: not dialog.previewing, timeout=30000)
    assert calls and calls[-1] != threading.main_thread().name
    here = preview(paths, window.store.schema, ImportOptions(), "doccano", window.store.path)
    assert dialog.last_preview == here
    assert dialog.summary.toPlainText() == describe(here)
    assert "open project" in dialog.summary.toPlainText()
    dialog.reject()
    store = window.session.store
    window.close()
    store.close()
