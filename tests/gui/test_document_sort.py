"""The document list sorted by "most to learn" (issue 11): chosen beside the filters, remembered,
lazy, with the mean uncertainty shown, and steady while the user labels."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotation.commands import SetStance
from annotation.store import DocFilter, Store
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


# -- big projects: the list is read on a worker ------------------------------------------------

def _worker_panel(qtbot, store: Store):
    """A panel whose model reads every filtered or sorted list on its worker, as it does on a
    project over ``sync_limit`` documents (building 10,000 documents here would only be slow)."""
    panel = _panel(qtbot, store)
    panel.model.sync_limit = 0
    return panel


def _wait_listed(qtbot, panel) -> None:
    qtbot.waitUntil(lambda: not panel.model.loading, timeout=10000)


class _Gate:
    """Holds Store.document_ids on worker threads until released: a read that takes long."""

    def __init__(self, monkeypatch) -> None:
        import threading

        self.release = threading.Event()
        self.entered = threading.Event()
        self.held = True
        original = Store.document_ids
        main = threading.main_thread()

        def gated(store, flt=None, annotator=""):  # type: ignore[no-untyped-def]
            if self.held and threading.current_thread() is not main:
                self.entered.set()
                self.release.wait(10)
            return original(store, flt, annotator)

        monkeypatch.setattr(Store, "document_ids", gated)


def test_the_order_is_read_on_a_worker_while_the_list_stays_usable(qtbot, project: Path, monkeypatch):
    with Store.open(project) as store:
        ids = store.document_ids()
        panel = _worker_panel(qtbot, store)
        gate = _Gate(monkeypatch)
        activated: list[int] = []
        panel.document_activated.connect(activated.append)
        _choose(qtbot, panel.sort, "Most to learn")
        assert gate.entered.wait(10) and panel.model.loading
        # Meanwhile: the previous rows are listed and answer, a click opens a document, the
        # count line says what is going on, and the Unsure column waits for its figures.
        assert _listed(panel) == ids and panel.table.isColumnHidden(UNSURE_COLUMN)
        assert "sorting" in panel.count.text()
        rect = panel.table.visualRect(panel.model.index(2, TITLE_COLUMN))
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert activated == [ids[2]]
        panel.session.open_document(ids[2])
        gate.release.set()
        _wait_listed(qtbot, panel)
        assert _listed(panel) == [ids[1], ids[2], ids[0], ids[3]]
        assert not panel.table.isColumnHidden(UNSURE_COLUMN)
        assert panel.count.text() == "4 documents"
        assert panel.table.currentIndex().row() == 1  # the open document, selected again in the new order
        assert activated == [ids[2]]  # re-selecting it opened nothing


def test_a_search_typed_meanwhile_wins_over_the_stale_order(qtbot, project: Path, monkeypatch):
    with Store.open(project) as store:
        ids = store.document_ids()
        fireworks = store.document_ids(DocFilter(search="fireworks"))
        assert fireworks == [ids[1]]
        panel = _worker_panel(qtbot, store)
        gate = _Gate(monkeypatch)
        _choose(qtbot, panel.sort, "Most to learn")
        assert gate.entered.wait(10)
        stale_generation = panel.model._generation
        gate.held = False  # the next read answers at once; the first is still held
        panel.search.setFocus()
        qtbot.keyClicks(panel.search, "fireworks")
        qtbot.waitUntil(lambda: _listed(panel) == fireworks and not panel.model.loading, timeout=10000)
        gate.release.set()  # the first read ends now: its answer must not replace the search's
        qtbot.wait(200)
        assert _listed(panel) == fireworks and panel.model.current_filter.search == "fireworks"
        # An answer that arrives for an older request is dropped even if it was sent.
        panel.model._read_done(stale_generation, list(reversed(ids)))
        assert _listed(panel) == fireworks


def test_enter_in_the_search_opens_the_first_match_once_its_list_arrives(qtbot, project: Path, monkeypatch):
    with Store.open(project) as store:
        ids = store.document_ids()
        panel = _worker_panel(qtbot, store)
        _choose(qtbot, panel.sort, "Most to learn")
        _wait_listed(qtbot, panel)
        gate = _Gate(monkeypatch)
        activated: list[int] = []
        panel.document_activated.connect(activated.append)
        panel.document_activated.connect(panel.session.open_document)  # as the window does
        panel.search.setFocus()
        qtbot.keyClicks(panel.search, "we should")  # every motion: the first in this order is ids[1]
        qtbot.keyClick(panel.search, Qt.Key.Key_Return)
        assert gate.entered.wait(10) and activated == []  # not the first row of the list being replaced
        gate.release.set()
        qtbot.waitUntil(lambda: bool(activated), timeout=10000)
        assert activated == [ids[1]], (activated, ids)


def test_refresh_and_labelling_on_the_worker_path(qtbot, project: Path):
    with Store.open(project) as store:
        ids = store.document_ids()
        panel = _worker_panel(qtbot, store)
        _choose(qtbot, panel.sort, "Most to learn")
        _wait_listed(qtbot, panel)
        assert _listed(panel) == [ids[1], ids[2], ids[0], ids[3]]
        panel.session.open_document(ids[2])
        panel.select_document(ids[2], emit=False)
        resets: list[int] = []
        panel.model.modelReset.connect(lambda: resets.append(1))

        # A refresh that moves nothing keeps the view as it is (no reset, same selection).
        panel.session.refresh_all()
        _wait_listed(qtbot, panel)
        assert resets == [] and panel.table.currentIndex().row() == 1

        # Labelling updates the row's Unsure figure in place; the row does not move.
        unsure_doc = ids[1]
        target = store.targets(unsure_doc)[-1]
        first = store.comments(unsure_doc)[0]
        panel.session.push(SetStance(first.id, target, ME, "against"))
        assert _listed(panel) == [ids[1], ids[2], ids[0], ids[3]] and resets == []
        assert panel.model.index(0, UNSURE_COLUMN).data() == "0.39"  # only its 0.61 is open now

        # A suggestion run (bulk work) reads the order again, off the UI thread.
        store.write_stance_suggestions([(store.comments(ids[3])[0].id, store.targets(ids[3])[-1], "favor", 0.1)],
                                       ME, "m 2")
        panel.session.refresh_all()
        assert panel.model.loading
        _wait_listed(qtbot, panel)
        assert _listed(panel) == [ids[3], ids[1], ids[2], ids[0]]
        assert panel.table.currentIndex().row() == 2  # the open document, found in the new order


def test_filters_on_the_worker_path_and_back_to_document_order(qtbot, qtmodeltester, project: Path):
    from annotation.commands import SetStatus

    with Store.open(project) as store:
        ids = store.document_ids()
        panel = _worker_panel(qtbot, store)
        panel.session.push(SetStatus(ids[0], ME, "done"))
        panel.status.setCurrentIndex(panel.status.findData("done"))
        assert panel.model.loading
        _wait_listed(qtbot, panel)
        assert _listed(panel) == [ids[0]] and panel.count.text() == "1 of 4 documents"
        from gui.models.document_list import DocumentListModel

        model = DocumentListModel(store, ME)
        model.sync_limit = 0
        model.set_filter(DocFilter(sort=SORT_MOST_TO_LEARN))
        qtbot.waitUntil(lambda: not model.loading, timeout=10000)
        assert model.rowCount() == 4
        qtmodeltester.check(model, force_py=True)
        panel.status.setCurrentIndex(0)  # unfiltered document order: on the spot, no worker
        assert not panel.model.loading and _listed(panel) == ids
        assert panel.model.find_row(ids[3]) == 3


def test_document_order_pages_by_id_agree_with_the_ids_however_they_are_reached(qtbot, tmp_path: Path, monkeypatch):
    """Unfiltered document order is paged by id next to a fetched page, at the end and around a
    document found by find_row (no OFFSET walk); every way must give the same rows."""
    import gui.models.document_list as module
    from annotation.model import Document, ImportedArticle
    from gui.models.document_list import DocumentListModel

    monkeypatch.setattr(module, "PAGE", 7)
    with Store.create(tmp_path / "pages.db") as store:
        with store.transaction():
            store.import_articles([ImportedArticle(Document(None, f"d{i}", f"T{i}", f"text number {i}")) for i in range(40)],
                                  "many.jsonl")
        with store.transaction():  # gaps in the ids, as deletions leave them
            for doc in store.document_ids()[5:9] + store.document_ids()[20:21]:
                store.conn.execute("DELETE FROM documents WHERE id = ?", (doc,))
        ids = store.document_ids()
        assert len(ids) == 35

        def rows(model: DocumentListModel, order: list[int]) -> list[int | None]:
            got = {r: model.document_id(r) for r in order}
            return [got[r] for r in range(model.rowCount())]

        forward = list(range(35))
        for order in (forward, forward[::-1], [20, 34, 3, 27, 13, 0, 6] + forward):
            model = DocumentListModel(store, ME)
            assert rows(model, order) == ids, order
        for target in (ids[17], ids[34], ids[0], ids[8]):
            model = DocumentListModel(store, ME)
            row = model.find_row(target)
            assert row == ids.index(target)
            assert model.document_id(row) == target  # its page fetched around it
            assert rows(model, [row] + forward[::-1]) == ids
            for near in (row - 8, row + 8, row - 15, row + 15, row - 22, row + 22):  # pages near it, first
                if 0 <= near < 35:
                    model = DocumentListModel(store, ME)
                    assert model.find_row(target) == row
                    assert rows(model, [near] + forward) == ids, (target, near)
