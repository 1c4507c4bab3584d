""""Stance target" on a text view, and the thread panel's handling of targets.

On a text view: right-click a span (or press Ctrl+T with one selected) and it
becomes a stance target of its document, so comments can be labelled toward it.

Works on any view with ``selected_span()`` (the article view and each comment's text view); the
menu is the view's own context menu with one action added, so nothing in the view changes.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QComboBox, QInputDialog, QMenu, QPlainTextEdit, QTreeView

from annotation.commands import AddTarget, Command
from annotation.model import Span
from annotation.store import Store
from gui.models.thread_model import ThreadModel

TARGET_SHORTCUT = "Ctrl+T"


class _ContextMenu(QObject):
    """Adds the action to the view's standard context menu, for the span under the mouse if any."""

    def __init__(self, view: QPlainTextEdit, action: QAction, span_at: Callable[[QPoint], Span | None]) -> None:
        super().__init__(view)
        self._view = view
        self._action = action
        self._span_at = span_at
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._view or event.type() != QEvent.Type.ContextMenu:
            return False
        assert isinstance(event, QContextMenuEvent)
        menu: QMenu = self._view.createStandardContextMenu(event.pos())
        span = self._span_at(event.pos())
        self._action.setData(span)
        self._action.setEnabled(span is not None)
        menu.addSeparator()
        menu.addAction(self._action)
        menu.exec(event.globalPos())
        menu.deleteLater()
        self._action.setData(None)
        return True


def install_target_action(view: QPlainTextEdit, make_target: Callable[[Span], object]) -> QAction:
    """Give ``view`` a "Stance target" action (context menu and Ctrl+T) calling ``make_target``."""
    action = QAction("Stance target", view)
    action.setShortcut(QKeySequence(TARGET_SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # only while this view has focus
    action.setToolTip("Make this span a stance target for the comments")

    def selected() -> Span | None:
        getter = getattr(view, "selected_span", None)
        return getter() if callable(getter) else None

    def span_at(pos: QPoint) -> Span | None:
        # The entity under the mouse first (a target is usually a person or a group), then any
        # span there, then the selected one. The index counts UTF-16 units, as the cursor does.
        index = getattr(view, "span_index", None)
        if index is not None and callable(getattr(index, "at", None)):
            placed = index.at(view.cursorForPosition(pos).position())
            spans = [p.span for p in placed]
            entities = [s for s in spans if s.layer == "entity"]
            if entities or spans:
                return (entities or spans)[0]
        return selected()

    def trigger() -> None:
        span = action.data() if isinstance(action.data(), Span) else selected()
        if span is not None:
            make_target(span)

    action.triggered.connect(trigger)
    view.addAction(action)
    _ContextMenu(view, action, span_at)
    return action


class TargetsMixin:
    """The thread panel's targets: add one by name or from a span, and keep the chooser in step.
    Every addition is an AddTarget command, so it is undone like any edit."""

    model: ThreadModel
    store: Store
    document_id: int | None
    target_box: QComboBox
    tree: QTreeView

    if TYPE_CHECKING:  # provided by the panel
        current_target: str

        def set_target(self, target: str) -> None: ...
        def set_document(self, document_id: int | None) -> None: ...
        def _push(self, command: Command) -> bool: ...

    def add_target(self, name: str, span_id: int | None = None) -> bool:
        if self.document_id is None:
            return False
        name = " ".join(name.split())
        if name in self.model.targets:  # already one: labelling it is what the user wants
            self.set_target(name)
            return True
        if self._push(AddTarget(self.document_id, name, span_id)):
            self.set_target(name)
            return True
        return False

    def add_target_from_span(self, span: Span) -> bool:
        """Make an entity (any span) a stance target of its document and switch to it."""
        if span.document_id != self.document_id:
            self.set_document(span.document_id)
        text = self.store.unit_text(span.unit)[span.start:span.end]
        return self.add_target(text, span.id)

    def add_target_dialog(self) -> None:
        name, ok = QInputDialog.getText(self,  # type: ignore[arg-type]
                                        "Add stance target", "A person, group or claim comments can take a stance on:")
        if ok and name.strip():
            self.add_target(name)
        self.tree.setFocus()

    def _reload_targets(self) -> None:
        self.target_box.blockSignals(True)
        self.target_box.clear()
        self.target_box.addItems(self.model.targets)
        self.target_box.setCurrentText(self.current_target)
        self.target_box.blockSignals(False)

    def _on_target_chosen(self, target: str) -> None:
        if target and target != self.current_target:
            self.set_target(target)
            self.tree.setFocus()

