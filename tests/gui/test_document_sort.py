"""The document list sorted by "most to learn" (issue 11): chosen beside the filters, remembered,
lazy, with the mean uncertainty shown, and steady while the user labels."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotation.commands import SetStance
from annotation.store import Store
from annotation.store.reading import SORT_DOCUMENT_ORDER, SORT_MOST_TO_LEARN
from gui.models.document_list import DOCUMENT_ID_ROLE, TITLE_COLUMN, UNSURE_COLUMN
from tests.annotation.train_helpers import add_stance_project

ME = "tester"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Four motions; ME has suggestions on the first three: sure, unsure, in between; none on the last."""
    path = tmp_path / "sort.db"
    with Store.create(path) as store:
        ids = add_stance_project(store, annotator="gold", per_motion=4)
        for doc, probabilities in {ids[0]: (0.9, 0.94), ids[1]: (0.55, 0.61), ids[2]: (0.7, 0.8)}.items():
            target = store.targets(doc)[-1]
            store.write_stance_suggestions([(c.id, target, "favor", p) for c, p in zip(store.comments(doc), probabilities)],
                                           ME, "m 1")
    return path


def _panel(qtbot, store: Store):
    from gui.session import Session
    from gui.views.document_list import DocumentListPanel

    panel = DocumentListPanel(Session(store, ME))
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _listed(panel) -> list[int]:
    model = panel.model
    return [model.index(r, TITLE_COLUMN).data(DOCUMENT_ID_ROLE) for r in range(model.rowCount())]


def _choose(qtbot, combo, text: str) -> None:
    """Pick an entry of a combo box with the keyboard, as a user does."""
    combo.setFocus()
    target = combo.findText(text)
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def test_most_to_learn_orders_the_list_shows_the_uncertainty_and_is_remembered(qtbot, qtmodeltester, project: Path):
    with Store.open(project) as store:
        ids = store.document_ids()
        panel = _panel(qtbot, store)
        assert panel.sort.currentData() == SORT_DOCUMENT_ORDER and _listed(panel) == ids
        assert panel.table.isColumnHidden(UNSURE_COLUMN)
        _choose(qtbot, panel.sort, "Most to learn")
        assert _listed(panel) == [ids[1], ids[2], ids[0], ids[3]]  # means 0.42, 0.25, 0.08, none
        assert not panel.table.isColumnHidden(UNSURE_COLUMN)
        unsure = [panel.model.index(r, UNSURE_COLUMN).data() for r in range(4)]
        assert unsure == ["0.42", "0.25", "0.08", ""]
        tip = panel.model.index(0, TITLE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
        assert "unsure: 0.42" in tip and "2 open suggestions" in tip
        from annotation.store import DocFilter
        from gui.models.document_list import DocumentListModel

        model = DocumentListModel(store, ME)
        model.set_filter(DocFilter(sort=SORT_MOST_TO_LEARN))
        qtmodeltester.check(model, force_py=True)

        # Labelling does not move rows under the user; the next reload takes it into account.
        unsure_doc = ids[1]
        target = store.targets(unsure_doc)[-1]
        for comment in store.comments(unsure_doc)[:2]:
            panel.session.push(SetStance(comment.id, target, ME, "against"))
        assert _listed(panel) == [ids[1], ids[2], ids[0], ids[3]]
        panel.session.refresh_all()  # bulk work (a new suggestion run) re-reads the order
        assert _listed(panel) == [ids[2], ids[0], ids[1], ids[3]]  # ids[1] has no open suggestion left

        # A document jumped to that was never fetched is still found in this order.
        panel.select_document(ids[3], emit=False)
        assert panel.table.currentIndex().row() == 3

        # The choice is kept for the next time the list is built (a new window, a restart).
        panel.close()
        again = _panel(qtbot, store)
        assert again.sort.currentData() == SORT_MOST_TO_LEARN
        assert _listed(again) == [ids[2], ids[0], ids[1], ids[3]]
        _choose(qtbot, again.sort, "Document order")
        assert _listed(again) == ids and again.table.isColumnHidden(UNSURE_COLUMN)
        again.close()
        assert _panel(qtbot, store).sort.currentData() == SORT_DOCUMENT_ORDER


def test_the_sort_combines_with_the_status_filter(qtbot, project: Path):
    from annotation.commands import SetStatus

    with Store.open(project) as store:
        ids = store.document_ids()
        panel = _panel(qtbot, store)
        panel.session.push(SetStatus(ids[1], ME, "done"))
        _choose(qtbot, panel.sort, "Most to learn")
        panel.status.setCurrentIndex(panel.status.findData("new"))
        assert _listed(panel) == [ids[2], ids[0], ids[3]]
        assert panel.count.text() == "3 of 4 documents"
