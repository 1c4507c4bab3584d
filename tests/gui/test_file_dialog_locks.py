"""A file dialog shown on the project's folder must not cost an edit.

Qt's own file dialogs read every listed file to guess its type, the open project's .db, -wal
and -shm included; closing those descriptors drops SQLite's POSIX locks for the process, so an
outside `sqlite3` that then opens and closes the project deletes the WAL under Goldspan. Here a
child opens the window, opens File ▸ Import / File ▸ Open / File ▸ Merge (or a save dialog) on
the project's folder, waits until the dialog has listed and typed every file, lets another
process open and close the project, applies an edit and reports it; the parent SIGKILLs it.
"""
from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from annotation.model import Document, ImportedArticle
from annotation.store import Store
from tests.annotation.test_lock_safety import OUTSIDE_READER, run_and_kill

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent('''
    import os, subprocess, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel
    from annotation.commands import SetStatus
    from gui.app import open_window

    path, step, doc_id, reader = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    app = QApplication([])
    window = open_window(path, "ann", interactive=False)
    store = window.session.store
    names = {os.path.basename(path) + s for s in ("", "-wal", "-shm")}

    def listed_and_typed(dialog):
        """Every project file is listed and its type known: the dialog has looked at it."""
        model = dialog.findChild(QFileSystemModel)
        root = model.index(model.rootPath())
        seen = {}
        for row in range(model.rowCount(root)):
            index = model.index(row, 0, root)
            model.data(index, 1)  # DecorationRole: asks for the icon as a view would
            if model.fileName(index) in names:
                seen[model.fileName(index)] = model.type(index)
        return set(seen) == names and all(seen.values())

    def when_shown():
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()), None)
        if dialog is None:
            from gui.dialogs.import_dialog import ImportDialog
            chooser = next((w for w in QApplication.topLevelWidgets() if isinstance(w, ImportDialog) and w.isVisible()), None)
            if chooser is not None and not getattr(chooser, "_asked", False):
                chooser._asked = True  # File > Import… first shows its options: "Add files…" opens the file dialog
                QTimer.singleShot(0, chooser.choose_files)
            QTimer.singleShot(20, when_shown)
            return
        if "All files (*)" in dialog.nameFilters():
            dialog.selectNameFilter("All files (*)")  # as a researcher looking for a file would
        if not listed_and_typed(dialog):
            QTimer.singleShot(20, when_shown)
            return
        for _ in range(20):  # let icon and type requests already queued finish
            app.processEvents()
            time.sleep(0.01)
        subprocess.run([sys.executable, "-c", reader, path], check=True)
        store.apply(SetStatus(doc_id, "ann", "done"), "ann")
        print("committed", flush=True)
        time.sleep(600)

    QTimer.singleShot(0, when_shown)
    if step == "import":
        window.import_files_dialog()
    elif step == "open":
        window.open_project_dialog()
    elif step == "merge":
        from gui.review.merging import merge_file_dialog
        merge_file_dialog(window.session, window.jobs, window)
    elif step == "save":
        from gui import file_dialogs
        file_dialogs.get_save_file_name(window, "Save agreement report", "agreement.html", "HTML (*.html);;All files (*)")
    else:
        from gui import file_dialogs
        dialog = file_dialogs.file_dialog(window, "Import articles", os.path.dirname(path))
        dialog.show()
        app.exec()
''')


@pytest.mark.parametrize("step", ["import", "open", "merge", "save", "builder"])
def test_an_edit_survives_a_kill_with_a_file_dialog_on_the_project_folder(tmp_path, step):
    path = tmp_path / "p.db"
    with Store.create(path) as store:
        doc_id = store.import_articles([ImportedArticle(Document(None, "d1", "Title", "Some text."))], "t").document_ids[0]
    (tmp_path / "notes.txt").write_text("an article to import\n")
    env = {"PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    # The dialogs start in the current folder: the researcher started Goldspan beside the project.
    run_and_kill([sys.executable, "-c", CHILD, str(path), step, str(doc_id), OUTSIDE_READER], env=env, cwd=tmp_path)
    with Store.open(path) as store:
        status = store.status(doc_id, "ann")
        assert status is not None and status.status == "done", f"the edit made with the {step} dialog open was lost"
        store.check_integrity()
