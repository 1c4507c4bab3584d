"""File ▸ Export…: options in a dialog, a job with progress, then the report with the
`spacy train` command, copyable."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from gui.app import open_window
from gui.dialogs.export_dialog import ExportDialog, start_export
from tests.gui.gui_helpers import make_project


def test_spacy_export_from_the_window(qtbot, tmp_path):
    window = open_window(make_project(tmp_path / "p.db"), "tester")
    assert window is not None
    window.show()
    dialog = ExportDialog(window.store, "tester", window)
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "Choose where" in dialog.problem.text()
    dialog.format.setCurrentIndex(dialog.format.findData("spacy"))
    qtbot.keyClick(dialog.suggestions, Qt.Key.Key_Space)
    assert dialog.suggestions.isChecked()
    out = tmp_path / "spacy-out"
    qtbot.keyClicks(dialog.output, str(out))
    assert ok.isEnabled()
    dialog.train.setValue(70)
    assert not ok.isEnabled() and "100%" in dialog.problem.text()
    dialog.train.setValue(80)
    assert ok.isEnabled()
    options = dialog.options()
    assert options.annotator == "tester" and options.include_suggestions and options.split == (0.8, 0.1, 0.1)
    assert start_export(window, dialog)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60000)
    report = window.last_export_report
    assert report.isVisible()
    assert "spacy train" in report.text.toPlainText()
    qtbot.mouseClick(report.copy_command_button, Qt.MouseButton.LeftButton)
    assert "spacy train" in QApplication.clipboard().text()
    assert any(p.suffix == ".spacy" for p in out.rglob("*"))
    store = window.session.store
    window.close()
    store.close()


def test_the_report_warns_when_dev_is_the_training_document(qtbot, tmp_path):
    """The demo-like project has suggestions on one article only: spaCy's dev set can only be
    that article again, and the report (and the status bar) say so before anything else."""
    window = open_window(make_project(tmp_path / "p.db"), "tester")
    assert window is not None
    window.show()
    dialog = ExportDialog(window.store, "tester", window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.format.setCurrentIndex(dialog.format.findData("spacy"))
    qtbot.keyClick(dialog.suggestions, Qt.Key.Key_Space)
    qtbot.keyClicks(dialog.output, str(tmp_path / "spacy-out"))
    assert start_export(window, dialog)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60000)
    text = window.last_export_report.text.toPlainText()
    assert text.startswith("Warning: 1 document(s) are in both train and dev (“Bridge”)")
    assert "Documents: train 1, dev 1, test 0" in text
    assert window.statusBar().currentMessage() == (
        f"Exported 1 train, 1 dev, 0 test document(s) to {tmp_path / 'spacy-out'} (1 warning: see the report)")
    store = window.session.store
    window.close()
    store.close()
