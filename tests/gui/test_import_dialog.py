"""File ▸ Import…: preview of what comes in and what would be refused, a label mapping that
makes a refused file importable, annotations imported as the chosen annotator, then an offer
to pre-annotate."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from annotation.store import Store
from gui.app import open_window
from gui.dialogs.import_dialog import ImportDialog, run_import_dialog


def _doccano(path):  # type: ignore[no-untyped-def]
    rows = [
        {"text": "Maria Öberg visited Springfield on Monday.", "label": [[0, 11, "WHO"], [20, 31, "GPE"]]},
        {"text": "The council met in Shelbyville.", "label": [[19, 30, "GPE"]]},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_preview_mapping_import_and_offer(qtbot, tmp_path, monkeypatch):
    project = tmp_path / "p.db"
    Store.create(project).close()
    window = open_window(project, "tester")
    assert window is not None
    window.show()
    dialog = ImportDialog(window.store.schema, "tester", window)
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    source = _doccano(tmp_path / "ann.jsonl")
    dialog.add_paths([str(source), str(tmp_path / "missing.csv")])
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    text = dialog.summary.toPlainText()
    assert "2 documents" in text and "GPE 2" in text
    assert "WHO (1)" in text and "refused unless you map" in text  # unknown label, named
    assert "missing.csv" in text  # and the file that would not import
    # map WHO -> PERSON with the mapping row's chooser
    row = next(r for r in range(dialog.mapping.rowCount()) if dialog.mapping.item(r, 0).text() == "WHO")
    chooser = dialog.mapping.cellWidget(row, 1)
    chooser.setCurrentIndex(chooser.findText("PERSON"))
    assert "PERSON 1" in dialog.summary.toPlainText() and "refused" not in dialog.summary.toPlainText()
    dialog.annotator.clear()
    qtbot.keyClicks(dialog.annotator, "ben")
    assert dialog.options().label_map == {"WHO": "PERSON"} and dialog.options().as_annotator == "ben"
    dialog.files.takeItem(1)  # drop the missing file
    started: list[bool] = []
    monkeypatch.setattr(window, "preannotate", lambda: started.append(True))
    assert run_import_dialog(window, dialog)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30000)
    store = window.session.store
    doc = store.document_ids()[0]
    assert {(s.label, s.annotator) for s in store.spans(doc)} == {("PERSON", "ben"), ("GPE", "ben")}
    offer = window.preannotate_offer
    qtbot.waitUntil(offer.isVisible)
    assert "2 documents were imported" in offer.text()
    yes = next(b for b in offer.buttons() if "now" in b.text())
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    assert started == [True]
    window.close()
    store.close()


def test_preview_never_reads_the_open_project(qtbot, tmp_path, monkeypatch):
    """Adding the project itself (or a link to it) to the list: named as such, never opened."""
    from annotation import importers
    from annotation.importers import ImportOptions
    from annotation.schema import default_schema
    from annotation.store import Store
    from gui.dialogs.import_dialog import preview

    project = tmp_path / "p.db"
    Store.create(project).close()
    link = tmp_path / "link.db"
    link.symlink_to(project)
    opened: list[str] = []
    real = importers.choose_importer

    def spy(path, fmt=None):  # type: ignore[no-untyped-def]
        opened.append(str(path))
        return real(path, fmt)

    monkeypatch.setattr(importers, "choose_importer", spy)
    result = preview([str(project), str(link)], default_schema(), ImportOptions(), None, project)
    assert opened == []
    assert len(result.problems) == 2 and all("open project" in p for p in result.problems)


def test_the_preview_read_in_a_child_process_equals_the_one_read_here(tmp_path):
    """Large selections are previewed in a child process (the importers hold the GIL): its
    answer is the in-process preview, counts, unknown labels, problems with file:line and all."""
    from annotation.importers import ImportOptions
    from annotation.schema import default_schema
    from gui.dialogs.import_dialog import _without_map, preview
    from gui.dialogs.preview_child import preview_in_child

    project = tmp_path / "p.db"
    Store.create(project).close()
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "a1", "text": "Maria Öberg spoke.", "comments": [
        {"id": "c1", "text": "Agreed."}, {"id": "c2", "text": "No.", "parent": "c1"}]}) + "\n", encoding="utf-8")
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps({"text": "Fine.", "label": []}) + "\n{not json\n", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le ministre a déclaré à Genève que l'été serait chaud.\n".encode("latin-1"))
    paths = [str(_doccano(tmp_path / "a.jsonl")), str(articles), str(broken), str(latin), str(project),
             str(tmp_path / "missing.jsonl")]
    schema = default_schema()
    for options, fmt in ((ImportOptions(), None), (ImportOptions(label_map={"WHO": "PERSON"}), None),
                         (ImportOptions(), "doccano")):
        here = preview(paths, schema, options, fmt, project)
        raw_here = preview(paths, schema, _without_map(options), fmt, project)
        mapped = bool(options.label_map)
        there, raw_there = preview_in_child(paths, schema, options, fmt, project, mapped)
        assert there == here
        assert raw_there == (raw_here if mapped else here)
    assert here.problems and any("open project" in p for p in here.problems)
    assert any(f"{broken}:2" in p for p in preview(paths, schema, ImportOptions(), None, project).problems)


def test_a_preview_process_that_ends_without_an_answer_is_named(tmp_path, monkeypatch):
    import sys

    import pytest

    from annotation.importers import ImportOptions
    from annotation.schema import default_schema
    from gui.dialogs.preview_child import PreviewChildFailed, preview_in_child

    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(PreviewChildFailed, match="preview's process failed"):
        preview_in_child([str(_doccano(tmp_path / "a.jsonl"))], default_schema(), ImportOptions(), None, None, False)
