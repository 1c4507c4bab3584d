"""A document's comment thread as a lazy Qt tree: replies under their parents.

The model holds comment ids and a light row per comment (author, time, a one-line preview),
never the full texts: a 20,000-character comment costs one preview here and its text is read
from the store only when it is opened. Child rows are handed to the view in pages through
canFetchMore/fetchMore, so a document with thousands of comments opens and scrolls at once.
Stance edits arrive as a ``Changes`` record and become dataChanged on the rows they touch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from annotation.model import REPLY_TARGET, Changes, Comment, StanceLabel
from annotation.store import Store
from annotation.store.stance_suggestions import StanceSuggestion

ROOT = 0  # internalId of top-level rows' parent; comment ids start at 1
PAGE = 200  # rows handed to the view per fetchMore
PREVIEW = 160  # characters of a comment shown in its tree row

COMMENT_COLUMN, STANCE_COLUMN, REPLY_COLUMN = 0, 1, 2

CommentIdRole = Qt.ItemDataRole.UserRole + 1
AuthorRole = CommentIdRole + 1
TimeRole = CommentIdRole + 2
TextRole = CommentIdRole + 3  # the full text, read from the store on demand
StanceRole = CommentIdRole + 4  # {target: label} for this annotator, reply stance under REPLY_TARGET
CurrentStanceRole = CommentIdRole + 5  # label for the current target, or ""
ReplyStanceRole = CommentIdRole + 6  # label toward the parent, or ""
UnlabelledRole = CommentIdRole + 7  # True when no target has a label (as store.stance_progress counts)
CompleteRole = CommentIdRole + 8  # current target labelled, and the reply stance too for a reply
ParentMissingRole = CommentIdRole + 9
IsReplyRole = CommentIdRole + 10
SuggestionRole = CommentIdRole + 11  # (label, probability) a model suggests for the current target, or None


@dataclass(frozen=True)
class CommentRow:
    id: int
    author: str
    time: str
    preview: str
    is_reply: bool  # has a parent present in this document (so it can take a reply stance)
    parent_missing: bool
    parent_ext_id: str | None

    @staticmethod
    def of(comment: Comment, is_reply: bool) -> "CommentRow":
        head = comment.text[: PREVIEW + 40]  # a 20,000-character comment costs only its start
        text = " ".join(head.split())
        if len(text) > PREVIEW or len(comment.text) > len(head):
            text = text[:PREVIEW].rstrip() + "…"
        assert comment.id is not None
        return CommentRow(comment.id, comment.author, comment.time, text, is_reply,
                          comment.parent_missing, comment.parent_ext_id)


class ThreadModel(QAbstractItemModel):
    def __init__(self, store: Store, annotator: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._annotator = annotator
        self.document_id: int | None = None
        self._rows: dict[int, CommentRow] = {}
        self._children: dict[int, list[int]] = {ROOT: []}
        self._parent_of: dict[int, int] = {}
        self._row_of: dict[int, int] = {}
        self._fetched: dict[int, int] = {ROOT: 0}
        self._order: list[int] = []  # every comment in reading order (parents before replies)
        self._stances: dict[int, dict[str, StanceLabel]] = {}
        self._targets: list[str] = []
        # Stance suggestions (issue 11) where the annotator has no label: shown, never counted.
        self._suggested: dict[int, dict[str, StanceSuggestion]] = {}
        self.current_target = ""
        # A reply is complete with its stance toward the target alone when this is False (the
        # "reply stance optional" setting): auto-advance and N then do not wait for it.
        self.reply_stance_required = True

    # -- loading ------------------------------------------------------------------------

    def set_document(self, document_id: int | None) -> None:
        """Load a document's thread skeleton (one query) and its stance labels (one query)."""
        self.beginResetModel()
        self.document_id = document_id
        self._rows, self._children, self._parent_of, self._row_of = {}, {ROOT: []}, {}, {}
        self._fetched, self._order, self._stances, self._targets = {ROOT: 0}, [], {}, []
        self._suggested = {}
        if document_id is not None:
            self._build(self._store.comments(document_id))
            for label in self._store.stances(document_id, self._annotator):
                self._stances.setdefault(label.comment_id, {})[label.target] = label
            self._targets = self._store.targets(document_id)
            for suggestion in self._store.stance_suggestions(document_id, self._annotator):
                self._suggested.setdefault(suggestion.comment_id, {})[suggestion.target] = suggestion
        if self.current_target not in self._targets:
            self.current_target = self._targets[0] if self._targets else ""
        self.endResetModel()

    def _build(self, comments: list[Comment]) -> None:
        ids = {c.id for c in comments}
        declared = {c.id: c.parent_id for c in comments if c.id is not None}
        for comment in comments:
            assert comment.id is not None
            parent = declared[comment.id] if declared[comment.id] in ids else None
            # Import refuses cycles; an older or hand-edited file could still hold one, and a
            # cycle would hang the tree, so a comment whose chain loops is shown at top level.
            if parent is not None and _in_cycle(comment.id, declared):
                parent = None
            self._rows[comment.id] = CommentRow.of(comment, parent is not None)
            self._parent_of[comment.id] = parent or ROOT
        for comment in comments:  # position order, so siblings keep the imported order
            key = self._parent_of[comment.id]  # type: ignore[index]
            self._children.setdefault(key, [])
            self._row_of[comment.id] = len(self._children[key])  # type: ignore[index]
            self._children[key].append(comment.id)  # type: ignore[arg-type]
            self._fetched.setdefault(comment.id, 0)  # type: ignore[arg-type]
        stack = list(reversed(self._children[ROOT]))
        while stack:
            node = stack.pop()
            self._order.append(node)
            stack.extend(reversed(self._children.get(node, [])))

    # -- what the panel asks ---------------------------------------------------------------

    @property
    def targets(self) -> list[str]:
        return list(self._targets)

    def comment_ids(self) -> list[int]:
        """Every comment of the document in reading order (parents before their replies)."""
        return list(self._order)

    def row(self, comment_id: int) -> CommentRow:
        return self._rows[comment_id]

    def parent_id(self, comment_id: int) -> int | None:
        parent = self._parent_of.get(comment_id, ROOT)
        return None if parent == ROOT else parent

    def stance_of(self, comment_id: int, target: str) -> StanceLabel | None:
        return self._stances.get(comment_id, {}).get(target)

    def suggestion_of(self, comment_id: int, target: str) -> StanceSuggestion | None:
        """The model's suggestion for a pair the annotator has not labelled, else None."""
        if target in self._stances.get(comment_id, {}):
            return None
        return self._suggested.get(comment_id, {}).get(target)

    def is_unlabelled(self, comment_id: int) -> bool:
        return not any(t != REPLY_TARGET for t in self._stances.get(comment_id, {}))

    def is_complete(self, comment_id: int, target: str | None = None) -> bool:
        """Labelled for ``target`` (default: the current one), and toward its parent if a reply
        (unless the reply stance is optional)."""
        labels = self._stances.get(comment_id, {})
        if (target or self.current_target) not in labels:
            return False
        return not (self.reply_stance_required and self._rows[comment_id].is_reply) or REPLY_TARGET in labels

    def needs_reply_stance(self, comment_id: int) -> bool:
        """A reply labelled toward the current target that still waits for its stance toward its
        parent before it counts as complete."""
        labels = self._stances.get(comment_id, {})
        return (self.reply_stance_required and self._rows[comment_id].is_reply
                and self.current_target in labels and REPLY_TARGET not in labels)

    def set_reply_stance_required(self, required: bool) -> None:
        if required != self.reply_stance_required:
            self.reply_stance_required = required
            self._emit_all(COMMENT_COLUMN, REPLY_COLUMN)  # CompleteRole changes for labelled replies

    def index_of(self, comment_id: int, column: int = 0) -> QModelIndex:
        """The index of a comment, fetching its parents' pages first if the view has not yet."""
        if comment_id not in self._rows:
            return QModelIndex()
        parent_id = self._parent_of[comment_id]
        parent = QModelIndex() if parent_id == ROOT else self.index_of(parent_id)
        row = self._row_of[comment_id]
        while self._fetched[parent_id] <= row:
            self.fetchMore(parent)
        return self.createIndex(row, column, comment_id)

    def set_current_target(self, target: str) -> None:
        if target == self.current_target or target not in self._targets:
            return
        self.current_target = target
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, STANCE_COLUMN, STANCE_COLUMN)
        self._emit_all(COMMENT_COLUMN, STANCE_COLUMN)

    # -- updates ------------------------------------------------------------------------

    def apply_changes(self, changes: Changes) -> None:
        """Refresh only what ``changes`` touched; a bulk change reloads the document."""
        if self.document_id is None:
            return
        if changes.everything:
            self.set_document(self.document_id)
            return
        if self.document_id in changes.targets:
            self._targets = self._store.targets(self.document_id)
            if self.current_target not in self._targets:
                self.current_target = self._targets[0] if self._targets else ""
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, STANCE_COLUMN, STANCE_COLUMN)
            self._emit_all(COMMENT_COLUMN, REPLY_COLUMN)
        for comment_id in changes.stances:
            if comment_id not in self._rows:
                continue
            labels = {}
            for target in self._targets + [REPLY_TARGET]:
                label = self._store.stance(comment_id, target, self._annotator)
                if label is not None:
                    labels[target] = label
            self._stances[comment_id] = labels
            suggested = {}
            for target in self._targets + [REPLY_TARGET]:
                suggestion = self._store.stance_suggestion(comment_id, target, self._annotator)
                if suggestion is not None:
                    suggested[target] = suggestion
            self._suggested[comment_id] = suggested
            if self._is_fetched(comment_id):
                first = self.createIndex(self._row_of[comment_id], COMMENT_COLUMN, comment_id)
                last = self.createIndex(self._row_of[comment_id], REPLY_COLUMN, comment_id)
                self.dataChanged.emit(first, last)

    def _is_fetched(self, comment_id: int) -> bool:
        parent = self._parent_of[comment_id]
        if self._row_of[comment_id] >= self._fetched[parent]:
            return False
        return parent == ROOT or self._is_fetched(parent)

    def _emit_all(self, first_column: int, last_column: int) -> None:
        """dataChanged over every fetched row, one range per parent (edits never reset)."""
        for parent_id, count in self._fetched.items():
            if count == 0 or (parent_id != ROOT and not self._is_fetched(parent_id)):
                continue
            first = self.createIndex(0, first_column, self._children[parent_id][0])
            last = self.createIndex(count - 1, last_column, self._children[parent_id][count - 1])
            self.dataChanged.emit(first, last)

    # -- QAbstractItemModel ---------------------------------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        key = parent.internalId() if parent.isValid() else ROOT
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        if not (0 <= row < self._fetched.get(key, 0) and 0 <= column < 3):
            return QModelIndex()
        return self.createIndex(row, column, self._children[key][row])

    def parent(self, child: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not child.isValid():
            return QModelIndex()
        parent_id = self._parent_of.get(child.internalId(), ROOT)
        if parent_id == ROOT:
            return QModelIndex()
        return self.createIndex(self._row_of[parent_id], 0, parent_id)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return self._fetched.get(parent.internalId() if parent.isValid() else ROOT, 0)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 3

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        return bool(self._children.get(parent.internalId() if parent.isValid() else ROOT))

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        key = parent.internalId() if parent.isValid() else ROOT
        return self._fetched.get(key, 0) < len(self._children.get(key, ()))

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if not self.canFetchMore(parent):
            return
        key = parent.internalId() if parent.isValid() else ROOT
        start = self._fetched[key]
        end = min(start + PAGE, len(self._children[key]))
        self.beginInsertRows(QModelIndex(parent) if parent.isValid() else QModelIndex(), start, end - 1)
        self._fetched[key] = end
        self.endInsertRows()

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {COMMENT_COLUMN: "Comment", STANCE_COLUMN: self.current_target or "Stance",
                REPLY_COLUMN: "↩ parent"}.get(section)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        comment_id = index.internalId()
        row = self._rows.get(comment_id)
        if row is None:
            return None
        column = index.column()
        labels = self._stances.get(comment_id, {})
        current = labels.get(self.current_target)
        reply = labels.get(REPLY_TARGET)
        if column in (STANCE_COLUMN, REPLY_COLUMN) and role in _SUGGESTION_ROLES:
            suggestion = self.suggestion_of(comment_id, self.current_target if column == STANCE_COLUMN else REPLY_TARGET)
            if suggestion is not None and (column == STANCE_COLUMN or row.is_reply):
                return self._suggestion_data(role, suggestion)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COMMENT_COLUMN:
                return _display(row)
            if column == STANCE_COLUMN:
                return (current.label + (" ?" if current.unsure else "")) if current else "unlabelled"
            if column == REPLY_COLUMN:
                if not row.is_reply:
                    return ""
                return (reply.label + (" ?" if reply.unsure else "")) if reply else "—"
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, labels)
        if role == Qt.ItemDataRole.BackgroundRole and column in (STANCE_COLUMN, REPLY_COLUMN):
            label = current if column == STANCE_COLUMN else reply
            color = self._color(label.label) if label else None
            return _brush(color.name()) if color else None
        if role == Qt.ItemDataRole.ForegroundRole and column in (STANCE_COLUMN, REPLY_COLUMN):
            label = current if column == STANCE_COLUMN else reply
            color = self._color(label.label) if label else None
            if color is not None:
                return _brush("#111111" if color.lightnessF() > 0.55 else "#ffffff")
            return None
        if role == Qt.ItemDataRole.FontRole:
            if column == COMMENT_COLUMN and self.is_unlabelled(comment_id):
                return _font("bold")  # unlabelled comments stand out as still to do
            if column in (STANCE_COLUMN, REPLY_COLUMN) and not (current if column == STANCE_COLUMN else reply):
                return _font("italic")
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column != COMMENT_COLUMN:
            return int(Qt.AlignmentFlag.AlignCenter)
        return self._custom(role, comment_id, row, labels)

    def _suggestion_data(self, role: int, suggestion: StanceSuggestion) -> Any:
        """A suggestion looks unlike a label: "favor? 83%" in italics on a pale tint of the
        label's colour, dashed in spirit like a span suggestion; Enter accepts it."""
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{suggestion.label}? {suggestion.probability:.0%}"
        if role == Qt.ItemDataRole.FontRole:
            return _font("italic")
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"<qt>suggested by {_escape(suggestion.model)}: <b>{_escape(suggestion.label)}</b> "
                    f"({suggestion.probability:.0%}); Enter accepts, a label key chooses another</qt>")
        color = self._color(suggestion.label)
        if role == Qt.ItemDataRole.BackgroundRole and color is not None:
            return _brush(color.lighter(170).name())
        if role == Qt.ItemDataRole.ForegroundRole:
            return _brush("#333333")
        return None

    def _custom(self, role: int, comment_id: int, row: CommentRow, labels: dict[str, StanceLabel]) -> Any:
        if role == SuggestionRole:
            suggestion = self.suggestion_of(comment_id, self.current_target)
            return (suggestion.label, suggestion.probability) if suggestion else None
        if role == CommentIdRole:
            return comment_id
        if role == AuthorRole:
            return row.author
        if role == TimeRole:
            return row.time
        if role == TextRole:
            return self._store.comment(comment_id).text
        if role == StanceRole:
            return {target: label.label for target, label in labels.items()}
        if role == CurrentStanceRole:
            label = labels.get(self.current_target)
            return label.label if label else ""
        if role == ReplyStanceRole:
            label = labels.get(REPLY_TARGET)
            return label.label if label else ""
        if role == UnlabelledRole:
            return self.is_unlabelled(comment_id)
        if role == CompleteRole:
            return self.is_complete(comment_id)
        if role == ParentMissingRole:
            return row.parent_missing
        if role == IsReplyRole:
            return row.is_reply
        return None

    def _color(self, label: str) -> QColor | None:
        definition = self._store.schema.label(label)
        return QColor(definition.color) if definition else None

    def _tooltip(self, row: CommentRow, labels: dict[str, StanceLabel]) -> str:
        # Tooltips are rich text when they look like it, so comment text is escaped: markup in
        # a comment is always shown literally.
        lines = [_escape(row.preview)]
        if row.parent_missing:
            lines.append(f"<i>replies to comment {_escape(row.parent_ext_id or '?')}, which is not in this document</i>")
        for target in self._targets + ([REPLY_TARGET] if row.is_reply else []):
            label = labels.get(target)
            name = "toward parent" if target == REPLY_TARGET else target
            text = "—" if label is None else label.label + (" (unsure)" if label.unsure else "")
            note = f" — {_escape(label.note)}" if label is not None and label.note else ""
            lines.append(f"<b>{_escape(name)}</b>: {_escape(text)}{note}")
        return "<qt>" + "<br>".join(lines) + "</qt>"


_SUGGESTION_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole,
                     Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole)

# data() runs for every visible cell on every paint: share one font and brush per style rather
# than building new ones each call.
_FONTS: dict[str, QFont] = {}
_BRUSHES: dict[str, QBrush] = {}


def _font(style: str) -> QFont:
    if style not in _FONTS:
        font = QFont()
        font.setBold(style == "bold")
        font.setItalic(style == "italic")
        _FONTS[style] = font
    return _FONTS[style]


def _brush(color: str) -> QBrush:
    if color not in _BRUSHES:
        _BRUSHES[color] = QBrush(QColor(color))
    return _BRUSHES[color]


def _display(row: CommentRow) -> str:
    who = row.author or "anonymous"
    head = f"{who} · {row.time}" if row.time else who
    marker = f"⚠ parent {row.parent_ext_id} missing · " if row.parent_missing else ""
    return f"{marker}{head} — {row.preview}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _in_cycle(start: int, parents: dict[int, int | None]) -> bool:
    """Whether ``start`` lies on a loop (a reply to a looped comment is not itself looped)."""
    seen = {start}
    node = parents.get(start)
    while node is not None:
        if node == start:
            return True
        if node in seen:
            return False
        seen.add(node)
        node = parents.get(node)
    return False
