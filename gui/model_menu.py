"""The Model menu (issue 11): train from this project, choose the entity model, suggest stance.

Every action runs a core job on the window's JobRunner (progress with live scores, Cancel).
Cancelling training keeps the best epoch so far: the job sees the cancel itself and finishes,
instead of being stopped between two progress reports.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QMenuBar, QMessageBox

from annotation.jobs import CancelToken, Job
from annotation.model import GOLD

if TYPE_CHECKING:
    from gui.main_window import MainWindow

TASKS = {"Stance of comments": "stance", "Entities (NER)": "ner"}
STOCK = "the installed spaCy pipeline"
UNCERTAIN_FIRST_KEY = "model/uncertain_first"
ENTITY_MODEL_KEY = "entity_model"  # project meta: the folder "Use model…" chose ('' = stock)


def install(window: "MainWindow", bar: QMenuBar) -> QMenu:
    """Add the Model menu to ``window``'s menu bar; returns it (tests drive its actions)."""
    menu = bar.addMenu("&Model")
    actions = ModelActions(window)
    window.model_actions = actions  # type: ignore[attr-defined]
    for text, slot in (("&Train…", actions.train_dialog), ("&Use model…", actions.use_model_dialog),
                       ("&Pre-annotate entities with the chosen model", actions.preannotate_entities),
                       (None, None),
                       ("Suggest stance for this &document", lambda: actions.suggest_stance(current_only=True)),
                       ("Suggest stance for the &project", lambda: actions.suggest_stance(current_only=False))):
        if text is None:
            menu.addSeparator()
            continue
        action = QAction(text, window)
        action.triggered.connect(lambda _=False, slot=slot: slot())
        action.setEnabled(not window.store.read_only)
        menu.addAction(action)
    menu.addSeparator()
    uncertain = QAction("&N: next unlabelled where the model is least sure", window)
    uncertain.setCheckable(True)
    uncertain.toggled.connect(actions.set_uncertain_first)
    uncertain.setChecked(QSettings().value(UNCERTAIN_FIRST_KEY, False, type=bool))
    actions.set_uncertain_first(uncertain.isChecked())
    menu.addAction(uncertain)
    window.uncertain_first_action = uncertain  # type: ignore[attr-defined]
    return menu


def keep_best_on_cancel(job: Job[Any], token: CancelToken) -> Job[Any]:
    """Pass ``job``'s progress on, but never report once ``token`` is cancelled: the runner stops
    a job right after a report, and training must instead see the cancel itself (between
    batches), keep its best epoch and finish."""
    while True:
        try:
            progress = next(job)
        except StopIteration as stop:
            return stop.value
        if token.cancelled:
            while True:  # the job winds down by itself: save the best so far, then return
                try:
                    next(job)
                except StopIteration as stop:
                    return stop.value
        yield progress


class ModelActions:
    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self.last_report: Any = None

    @property
    def store(self) -> Any:
        return self.window.store

    def set_uncertain_first(self, on: bool) -> None:
        self.window.thread.uncertain_first = on
        QSettings().setValue(UNCERTAIN_FIRST_KEY, on)

    # -- training --------------------------------------------------------------------------

    def train_dialog(self) -> None:
        task_name, ok = QInputDialog.getItem(self.window, "Train a model", "What to learn:", list(TASKS), 0, False)
        if not ok:
            return
        layers = [GOLD] + [a for a in self.store.annotators() if a != GOLD]
        # The researcher's own layer first: a new project has no gold yet, and training on an
        # empty layer only ends in "needs at least 5 examples".
        mine = self.window.session.annotator
        first = layers.index(mine) if mine in layers else 0
        layer, ok = QInputDialog.getItem(self.window, "Train a model", "From the annotations of:", layers, first, False)
        if ok:
            self.train(TASKS[task_name], layer)

    def train(self, task: str, layer: str, epochs: int = 10) -> bool:
        from annotation.training import registry

        out = registry.default_out_dir(self.store.path)

        def factory(store: Any, token: CancelToken) -> Job[Any]:
            if task == "stance":
                from annotation.training.stance import train_stance

                job = train_stance(store, layer, out, cancel=token)
            else:
                from annotation.training.ner import train_ner

                job = train_ner(store, layer, out, epochs=epochs, cancel=token)
            return keep_best_on_cancel(job, token)

        return self.window.jobs.start(f"Training the {task} model", self.store, factory, on_done=self._trained)

    def _trained(self, report: Any) -> None:
        """Show the new scores beside the old with a plain verdict; offer to keep the old model."""
        self.last_report = report
        box = QMessageBox(QMessageBox.Icon.Information, "Training finished", report.verdict().capitalize(), parent=self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDetailedText(report.summary())
        box.setInformativeText(report.table())
        keep_new = box.addButton("Use the new model", QMessageBox.ButtonRole.AcceptRole)
        # With no earlier model (stance compared with the majority label) there is nothing to go
        # back to: the choice is to use this one or to discard it.
        other = "Keep the old model" if report.has_previous_model else "Discard the new model"
        keep_old = box.addButton(other, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep_new)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._choose(report, button is keep_old))
        box.open()
        self.window.last_notice = box  # type: ignore[attr-defined]
        self.window.show_message(f"Trained {report.task} model {report.name}: {report.verdict()}")

    def _choose(self, report: Any, keep_old: bool) -> None:
        if not keep_old:
            self.window.show_message(f"Using the new {report.task} model {report.name}")
        elif report.model_id is not None:
            self.store.unregister_model(report.model_id)  # the folder stays; "latest" is the old one again
            if report.has_previous_model:
                self.window.show_message(f"Kept the previous {report.task} model")
            else:
                self.window.show_message(f"Discarded the new {report.task} model: Model ▸ Train… makes another")

    # -- using models ----------------------------------------------------------------------

    def use_model_dialog(self) -> None:
        from pathlib import Path

        models = self.store.registered_models("ner")
        names = [STOCK] + [f"#{m.id} {m.name} ({m.created[:16]})" + ("" if Path(m.path).is_dir() else " (folder gone)")
                           for m in reversed(models)]
        choice, ok = QInputDialog.getItem(self.window, "Use model", "Pre-annotate entities with:", names, 0, False)
        if ok:
            path = "" if choice == STOCK else next(m.path for m in models if choice.startswith(f"#{m.id} "))
            self.use_entity_model(path)

    def use_entity_model(self, path: str) -> bool:
        if path and not self._usable_entity_model(path, "Use model"):
            return False
        self.store.set_meta_value(ENTITY_MODEL_KEY, path)
        self.window.show_message(f"Entity suggestions will come from {path or STOCK}")
        return True

    def _usable_entity_model(self, path: str, title: str) -> bool:
        """A chosen folder that is gone, no entity pipeline, or made for labels the schema lacks is
        refused with one plain message before any job starts."""
        from pathlib import Path

        from annotation.training import registry
        from annotation.training.report import TrainingError

        try:
            if not Path(path).exists():
                raise TrainingError(f"the entity model {path} was deleted or moved; choose another with "
                                    "Model ▸ Use model… or train one with Model ▸ Train…")
            registry.require_task(Path(path), "ner")
            registry.require_schema_labels(self.store, Path(path), "ner")
        except TrainingError as exc:
            self._refuse(title, str(exc))
            return False
        return True

    def _refuse(self, title: str, message: str) -> None:
        self.window.show_message(f"{title}: {message}", error=True)
        self.window.notify(title, message)

    def preannotate_entities(self) -> bool:
        model = self.store.meta_value(ENTITY_MODEL_KEY) or None
        if model and not self._usable_entity_model(model, "Pre-annotating"):
            return False
        return self.window.preannotate_with(model)  # the same job as File ▸ Pre-annotate: snapshot, one undo step

    def suggest_stance(self, current_only: bool) -> bool:
        from annotation.training.suggest_stance import suggest_stance

        document = self.window.session.current_document
        if current_only and document is None:
            self.window.show_message("Open a document first", error=True)
            return False
        latest = self.store.latest_model("stance")
        if latest is None:
            self.window.show_message("No stance model yet: Model ▸ Train… learns one from your labelled comments", error=True)
            return False
        from pathlib import Path

        if not Path(latest.path).exists():
            self._refuse("Suggesting stance", f"the stance model {latest.name} (#{latest.id}) was deleted or moved from "
                         f"{latest.path}; Model ▸ Train… makes a new one")
            return False
        annotator = self.window.session.annotator
        ids = [document] if current_only else None
        return self.window.jobs.start(
            "Suggesting stance", self.store,
            lambda store, token: suggest_stance(store, annotator, "latest", document_ids=ids, cancel=token),
            on_done=self._suggested)

    def _suggested(self, report: Any) -> None:
        self.window.session.refresh_all()
        self.window.show_message(report.summary() + " (Enter accepts one in the thread)")
