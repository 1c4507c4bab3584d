"""Plain data for the whole core: frozen dataclasses, no SQL and no Qt.

Offsets are Python string indices (code points), end exclusive. A *unit* is one text an
annotation points into: the article body (``comment_id is None``) or one comment.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

ENTITY = "entity"
QUOTE_LAYER = "quote"
LAYERS = (ENTITY, QUOTE_LAYER)

ORIGIN_MODEL = "model"
ORIGIN_HUMAN = "human"
ORIGIN_IMPORT = "import"  # brought in from another tool's file

GOLD = "gold"  # the adjudicated annotator layer
REPLY_TARGET = "@parent"  # stance target of a reply toward the comment it answers

STATUSES = ("new", "done", "skip", "flag")


def text_hash(text: str) -> str:
    """Identity of a text unit: texts are immutable after import, so the hash never changes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Unit:
    """Address of one text: the body of a document or one of its comments."""

    document_id: int
    comment_id: int | None = None

    @property
    def is_body(self) -> bool:
        return self.comment_id is None

    def key(self) -> str:
        return f"{self.document_id}:{'body' if self.comment_id is None else self.comment_id}"


@dataclass(frozen=True)
class Comment:
    id: int | None
    document_id: int | None
    ext_id: str
    text: str
    parent_id: int | None = None  # internal id of the parent comment
    parent_ext_id: str | None = None  # as imported; kept when the parent is missing
    author: str = ""
    time: str = ""
    position: int = 0
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def parent_missing(self) -> bool:
        return self.parent_ext_id is not None and self.parent_id is None


@dataclass(frozen=True)
class Document:
    id: int | None
    ext_id: str
    title: str
    text: str
    url: str = ""
    published: str = ""
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    text_hash: str = ""
    source_file: str = ""


@dataclass(frozen=True)
class ImportedArticle:
    """What an importer yields: one article with its thread, before it has ids."""

    document: Document
    comments: tuple[Comment, ...] = ()
    # Annotations carried by other tools' files (Prodigy, doccano, brat ...), keyed by unit:
    # None for the body, else the comment's ext_id.
    spans: tuple["ImportedSpan", ...] = ()
    relations: tuple["ImportedRelation", ...] = ()
    stances: tuple["ImportedStance", ...] = ()
    line: int = 0  # line (or record) in the source file, for error messages
    # Document-level categories from other tools' text classification (label -> 1.0 accept / 0.0 reject),
    # kept per annotator in the document's meta under "categories".
    categories: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    # True when the article names a document already in the project by its ext_id (and its comments
    # by theirs) instead of carrying the text: files with labels but no texts, like stance CSV.
    refers_to_existing: bool = False
    # The other tool says the text was fully annotated (a Prodigy task answered "accept"): marked
    # done for the annotator, so a text with no entity still exports as a true negative.
    reviewed: bool = False
    # Line (or record) where each comment's own record starts (by ext_id), so an error about one
    # comment names its line rather than the article's first one.
    unit_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # The file each comment's annotations come from (by ext_id), where that is not the file
    # imported (brat keeps a comment in its own .ann): errors name that file with their line.
    unit_files: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class ImportedSpan:
    key: str  # importer-local id used by relations
    start: int
    end: int
    label: str
    layer: str = ENTITY
    comment_ext_id: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    line: int = field(default=0, compare=False, hash=False)  # where the file gives it (0: the article's line)


@dataclass(frozen=True)
class ImportedRelation:
    head: str
    child: str
    label: str
    line: int = field(default=0, compare=False, hash=False)  # where the file gives it (0: the article's line)


@dataclass(frozen=True)
class ImportedStance:
    comment_ext_id: str
    target: str
    label: str
    annotator: str | None = None
    note: str = ""
    unsure: bool = False


@dataclass(frozen=True)
class Span:
    id: int | None
    document_id: int
    comment_id: int | None
    start: int
    end: int
    label: str
    layer: str
    annotator: str
    origin: str = ORIGIN_HUMAN
    model: str = ""  # "name version" for model suggestions
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    created: str = ""
    updated: str = ""

    @property
    def unit(self) -> Unit:
        return Unit(self.document_id, self.comment_id)

    @property
    def is_suggestion(self) -> bool:
        return self.origin == ORIGIN_MODEL


@dataclass(frozen=True)
class Relation:
    id: int | None
    document_id: int
    head_id: int
    child_id: int
    label: str  # source | cue | coref
    annotator: str
    origin: str = ORIGIN_HUMAN
    created: str = ""


@dataclass(frozen=True)
class StanceLabel:
    id: int | None
    comment_id: int
    target: str
    label: str
    annotator: str
    note: str = ""
    unsure: bool = False
    created: str = ""
    updated: str = ""


@dataclass(frozen=True)
class Target:
    """A stance target added for one document (schema targets apply to every document)."""

    id: int | None
    document_id: int
    name: str
    span_id: int | None = None


@dataclass(frozen=True)
class DocStatus:
    document_id: int
    annotator: str
    status: str = "new"
    note: str = ""
    updated: str = ""


@dataclass(frozen=True)
class Changes:
    """What one operation changed, so each view refreshes only that (Anki's OpChanges)."""

    documents: frozenset[int] = frozenset()
    units: frozenset[Unit] = frozenset()
    spans: frozenset[int] = frozenset()
    relations: frozenset[int] = frozenset()
    stances: frozenset[int] = frozenset()  # comment ids whose stance changed
    targets: frozenset[int] = frozenset()  # document ids whose targets changed
    statuses: frozenset[int] = frozenset()  # document ids whose status changed
    schema: bool = False
    everything: bool = False  # bulk jobs: import, pre-annotation, merge
    # Spans whose origin alone changed (accept-all and its undo), as (span ids, new origin, their
    # new ``updated`` stamp) in the order applied; each id is in ``spans`` too. A view holding
    # these spans sets the two fields in place instead of reading thousands of rows again.
    origins: tuple[tuple[frozenset[int], str, str], ...] = ()

    def __or__(self, other: "Changes") -> "Changes":
        return Changes(
            self.documents | other.documents,
            self.units | other.units,
            self.spans | other.spans,
            self.relations | other.relations,
            self.stances | other.stances,
            self.targets | other.targets,
            self.statuses | other.statuses,
            self.schema or other.schema,
            self.everything or other.everything,
            _merged_origins(self, other),
        )

    def origin_only_spans(self) -> frozenset[int]:
        """The ids in ``origins``: spans nothing but the origin (and its stamp) changed for."""
        return frozenset().union(*(ids for ids, _origin, _stamp in self.origins))

    @property
    def empty(self) -> bool:
        return not (
            self.documents or self.units or self.spans or self.relations or self.stances
            or self.targets or self.statuses or self.schema or self.everything
        )


def _merged_origins(first: Changes, then: Changes) -> tuple[tuple[frozenset[int], str, str], ...]:
    """``origins`` of two changes one after the other. A span changed in another way on either
    side is no longer an origin-only change: then none is kept, and a view reads ``spans`` again."""
    if not (first.origins or then.origins):
        return ()
    first_only, then_only = first.origin_only_spans(), then.origin_only_spans()
    if (first.spans - first_only) & then_only or (then.spans - then_only) & first_only:
        return ()
    return first.origins + then.origins
