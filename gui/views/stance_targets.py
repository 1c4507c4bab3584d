""""Stance target" on a text view: right-click a span (or press Ctrl+T with one selected) and it
becomes a stance target of its document, so comments can be labelled toward it.

Works on any view with ``selected_span()`` (the article view and each comment's text view); the
menu is the view's own context menu with one action added, so nothing in the view changes.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QPlainTextEdit

from annotation.model import Span

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
