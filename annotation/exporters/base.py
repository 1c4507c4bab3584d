"""The exporter registry and what every export shares: selection, splits, alignment, manifest.

An exporter is registered by name and written as a generator over an ExportContext: it asks
the context for each split's documents (one annotator's layer, fetched in pages), writes its
files through ``ctx.open``/``ctx.path``, counts what it wrote, and yields Progress. The job
(``run_export``) checks there is something to export before any file is created, and removes
what it wrote when the export fails, so a failed export never leaves files that look like success.
Every path goes through an OutputGuard (safety.py): never the project, never through a link,
never over or away another program's file.
"""
from __future__ import annotations

import functools
import gc
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterator

from annotation.errors import GoldspanError
from annotation.exporters.manifest import write_manifest
from annotation.exporters.safety import OutputGuard
from annotation.jobs import CancelToken, Job, Progress
from annotation.model import GOLD, Comment, Relation, Span, StanceLabel
from annotation.store.exporting import ExportDocument

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span as SpacySpan

    from annotation.store import Store

ALIGNMENTS = ("strict", "contract", "expand")
SPLIT_NAMES = ("train", "dev", "test")


class ExportError(GoldspanError):
    """The export cannot be made (nothing to export, unwritable output, misaligned spans)."""


@dataclass
class ExportOptions:
    annotator: str
    include_suggestions: bool = False
    split: tuple[float, ...] | None = None  # train, dev, test fractions
    seed: int = 0
    alignment: str = "expand"  # strict | contract | expand (token-based formats only)


@dataclass
class ExportReport:
    files: list[Path] = field(default_factory=list)
    documents: dict[str, int] = field(default_factory=dict)  # split -> documents
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in ("spans", "relations", "stances", "categories", "units")})
    misaligned: list[str] = field(default_factory=list)  # "doc/unit start-end LABEL 'text'"
    snapped: int = 0
    trimmed: int = 0  # spans written without their leading or trailing whitespace (spaCy, CoNLL)
    dropped: list[str] = field(default_factory=list)  # annotations a format cannot hold, with why
    manifest: Path | None = None
    hints: list[str] = field(default_factory=list)  # what to run next (printed by the CLI)
    warnings: list[str] = field(default_factory=list)  # what makes the result less than it looks (CLI: stderr; dialog: the report)


Writer = Callable[["ExportContext"], Job[None]]


@dataclass(frozen=True)
class ExporterSpec:
    name: str
    write: Writer
    extension: str  # of the main file(s)
    folder: bool  # writes a folder of files rather than one file
    default_split: tuple[float, ...] | None = None
    description: str = ""


EXPORTERS: dict[str, ExporterSpec] = {}


def register(name: str, extension: str, *, folder: bool = False, default_split: tuple[float, ...] | None = None,
             description: str = "") -> Callable[[Writer], Writer]:
    def wrap(write: Writer) -> Writer:
        EXPORTERS[name] = ExporterSpec(name, write, extension, folder, default_split, description)
        return write
    return wrap


# -- units: the texts annotations point into ------------------------------------------------


@dataclass(frozen=True)
class ExportUnit:
    """The body or one comment, with its own annotations (relations only when both ends are in it)."""

    doc: ExportDocument
    comment: Comment | None
    text: str
    spans: tuple[Span, ...]
    relations: tuple[Relation, ...]
    stances: tuple[StanceLabel, ...]

    @property
    def name(self) -> str:
        return "body" if self.comment is None else self.comment.ext_id

    def where(self) -> str:
        return f"{self.doc.document.ext_id}/{self.name}"


def units_of(doc: ExportDocument) -> Iterator[ExportUnit]:
    by_unit: dict[int | None, list[Span]] = {}
    unit_of: dict[int | None, int | None] = {}
    for span in doc.spans:
        by_unit.setdefault(span.comment_id, []).append(span)
        unit_of[span.id] = span.comment_id
    relations: dict[int | None, list[Relation]] = {}
    for rel in doc.relations:
        unit = unit_of.get(rel.head_id, -1)
        if unit == unit_of.get(rel.child_id, -2):
            relations.setdefault(unit, []).append(rel)
    stances: dict[int, list[StanceLabel]] = {}
    for st in doc.stances:
        stances.setdefault(st.comment_id, []).append(st)
    make = _make_unit
    yield make(doc, None, doc.document.text, tuple(by_unit.get(None, ())), tuple(relations.get(None, ())), ())
    for comment in doc.comments:
        cid = comment.id
        yield make(doc, comment, comment.text, tuple(by_unit.get(cid, ())), tuple(relations.get(cid, ())),
                   tuple(stances.get(cid, ())))  # type: ignore[arg-type]


def _make_unit(*values: Any) -> ExportUnit:
    """ExportUnit without the frozen __init__'s per-field object.__setattr__ (two a document)."""
    unit = object.__new__(ExportUnit)
    unit.__dict__.update(zip(_UNIT_FIELDS, values))
    return unit


_UNIT_FIELDS = ("doc", "comment", "text", "spans", "relations", "stances")


def unit_meta(unit: ExportUnit, annotator: str) -> dict[str, Any]:
    """What lets an importer put a unit back where it came from: ids as imported, never internal ids."""
    d = unit.doc.document
    meta: dict[str, Any] = {"document": d.ext_id, "title": d.title, "unit": unit.name, "annotator": annotator}
    if unit.comment is None:
        meta.update({k: v for k, v in (("url", d.url), ("published", d.published)) if v})
    else:
        c = unit.comment
        meta.update({k: v for k, v in (("parent", c.parent_ext_id), ("author", c.author), ("time", c.time)) if v})
    return meta


# -- the context an exporter writes through ---------------------------------------------------


class ExportContext:
    def __init__(self, store: "Store", spec: ExporterSpec, out: Path, options: ExportOptions,
                 splits: dict[str, list[int]], report: ExportReport, cancel: CancelToken | None,
                 guard: OutputGuard) -> None:
        self.store = store
        self.guard = guard
        self.opened: set[Path] = set()  # files this export has written into (removed if it fails)
        self._tracked: set[Path] = set()
        self._folders: set[Path] = set()
        self.spec = spec
        self.out = out
        self.options = options
        self.splits = splits
        self.report = report
        self.cancel = cancel
        self.schema = store.schema
        self._nlp: "Language | None" = None
        self._misaligned_seen: set[str] = set()
        self.total = sum(len(v) for v in splits.values())
        self.done = 0

    @property
    def annotator(self) -> str:
        return self.options.annotator

    @property
    def nlp(self) -> "Language":
        """A blank English pipeline: its tokenizer is the one the trained config uses."""
        if self._nlp is None:
            self._nlp = blank_english()
        return self._nlp

    def documents(self, split: str) -> Iterator[ExportDocument]:
        ids = self.splits[split]
        self.report.documents[split] = len(ids)
        for n, doc in enumerate(self.store.iter_export_documents(ids, self.annotator, self.options.include_suggestions)):
            if n % 200 == 0 and self.cancel is not None:
                self.cancel.check()
            self.done += 1
            yield doc

    def progress(self, message: str = "") -> Progress:
        return Progress(self.done, self.total, message or f"exporting {self.spec.name}")

    def path(self, split: str, extension: str | None = None, suffix: str = "") -> Path:
        """Where a split's file goes: OUT itself, OUT.<split>.ext beside it, or OUT/<split>.ext in a folder."""
        ext = extension or self.spec.extension
        single = list(self.splits) == ["all"]
        if self.spec.folder or not self.out.suffix:
            name = (self.spec.name if single else split) + suffix + ext
            path = self.out / name
        elif single and not suffix and ext == self.spec.extension:
            path = self.out
        else:
            stem = self.out.name[: -len(self.out.suffix)]
            path = self.out.with_name(stem + ("" if single else f".{split}") + suffix + ext)
        return self.track(path)

    def side_path(self, suffix: str) -> Path:
        """An extra file that belongs to the whole export (a labeling config, annotation.conf)."""
        if self.spec.folder or not self.out.suffix:
            return self.track(self.out / (self.spec.name + suffix))
        return self.track(self.out.with_name(self.out.name[: -len(self.out.suffix)] + suffix))

    def track(self, path: Path) -> Path:
        """A file the export will write: checked by the guard (it raises before anything is written)."""
        if path not in self._tracked:  # a set: brat tracks three files a text, a list would be quadratic
            self.guard.claim(path)
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            self._tracked.add(path)
            self.report.files.append(path)
        return path

    def open(self, path: Path) -> IO[str]:
        if path in self.opened:  # two names that collide would silently lose the first file's data
            raise ExportError(f"{path}: the {self.spec.name} export would write this file twice (two ids give one name)")
        self.track(path)
        self.opened.add(path)
        return self.guard.open_text(path)

    def count(self, kind: str, label: str, n: int = 1) -> None:
        self.report.counts[kind][label] += n

    def count_unit(self, unit: ExportUnit) -> None:
        self.report.counts["units"]["body" if unit.comment is None else "comment"] += 1
        for span in unit.spans:
            self.count("spans", span.label)
        for rel in unit.relations:
            self.count("relations", rel.label)
        for st in unit.stances:
            self.count("stances", f"{st.target}:{st.label}")
        if unit.comment is None:
            for name, value in unit.doc.categories.items():
                self.count("categories", f"{name}={value:g}")

    def note_cross_unit(self, doc: ExportDocument) -> None:
        """A per-unit format cannot hold a relation between two texts: say so rather than lose it quietly."""
        unit_of = {s.id: s.comment_id for s in doc.spans}
        for rel in doc.relations:
            if unit_of.get(rel.head_id) != unit_of.get(rel.child_id):
                self.report.dropped.append(f"{doc.document.ext_id}: relation {rel.label} joins two texts; {self.spec.name} keeps one text a record")

    # -- token alignment (spaCy, CoNLL) --

    def char_span(self, doc: "Doc", span: Span, where: str) -> "SpacySpan | None":
        """The token span for ``span`` under --alignment; misalignments are counted and listed."""
        exact = doc.char_span(span.start, span.end, label=span.label)
        if exact is not None:
            return exact
        text = doc.text[span.start:span.end]
        entry = f"{where} {span.start}-{span.end} {span.label} {text[:40]!r}"
        if entry not in self._misaligned_seen:  # an article shared by train and dev is reported once
            self._misaligned_seen.add(entry)
            self.report.misaligned.append(entry)
        if self.options.alignment == "strict":
            return None
        snapped = doc.char_span(span.start, span.end, label=span.label, alignment_mode=self.options.alignment)
        if snapped is None or not snapped.text.strip():
            self.report.dropped.append(f"{where} {span.start}-{span.end} {span.label}: no token inside it ({self.options.alignment})")
            return None
        self.report.snapped += 1
        return snapped


@functools.lru_cache(maxsize=1)
def blank_english() -> "Language":
    """Loaded once a process: building the tokenizer costs more than tokenizing a short export."""
    import spacy

    return spacy.blank("en")


# -- splits, the job, the manifest ------------------------------------------------------------


def parse_split(text: str) -> tuple[float, ...]:
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        raise ExportError(f"--split wants fractions like 0.8,0.1,0.1, got {text!r}") from None
    if not 1 <= len(parts) <= 3 or any(p < 0 for p in parts) or abs(sum(parts) - 1.0) > 1e-6:
        raise ExportError(f"--split wants up to three fractions (train,dev,test) that add up to 1, got {text!r}")
    return parts


def split_documents(ids: list[int], fractions: tuple[float, ...] | None, seed: int, need_dev: bool = False) -> dict[str, list[int]]:
    """Whole articles go to one split, so an article's comments never straddle two. Same seed, same split."""
    if not fractions:
        return {"all": list(ids)}
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    n = len(order)
    cuts: list[int] = []
    acc = 0.0
    for fraction in fractions[:-1]:
        acc += fraction
        cuts.append(round(acc * n))
    bounds = [0, *cuts, n]
    out = {name: sorted(order[bounds[i]:bounds[i + 1]]) for i, name in enumerate(SPLIT_NAMES[: len(fractions)])}
    if need_dev and "dev" in out and not out["dev"] and out["train"]:
        # spacy train needs a dev set: with very few articles give it one (or share the only one).
        out["dev"] = [out["train"].pop()] if len(out["train"]) > 1 else list(out["train"])
    return out


def run_export(store: "Store", out: str | Path, fmt: str, options: ExportOptions,
               cancel: CancelToken | None = None) -> Job[ExportReport]:
    """Export one layer in format ``fmt`` to ``out``; yields progress over documents."""
    import annotation.exporters  # noqa: F401  (registers every format)

    if fmt not in EXPORTERS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(sorted(EXPORTERS))})")
    if options.alignment not in ALIGNMENTS:
        raise ExportError(f"--alignment must be one of {', '.join(ALIGNMENTS)}")
    spec = EXPORTERS[fmt]
    out = Path(out)
    # Before anything else: OUT must not be the project (or a link to it) nor replace a foreign manifest.
    guard = OutputGuard(store.path, _root_of(out, spec), out, _manifest_path(out, spec))
    guard.check_before_start()
    where = store.path.name if store.path else "the project"
    if store.document_count() == 0:
        raise ExportError(f"{where} has no documents: nothing to export (import articles first)")
    ids = store.annotated_document_ids(options.annotator, options.include_suggestions)
    if not ids:
        others = [a for a in store.layers_with_annotations() if a != options.annotator]
        hint = f"; layers with annotations: {', '.join(others)}" if others else "; no one has annotated anything yet"
        if not options.include_suggestions and store.export_summary(options.annotator, True).spans:
            hint = "; it has only model suggestions (add --include-suggestions)"
        raise ExportError(f"{where}: {_layer_name(options.annotator)} has nothing to export{hint}")
    _check_writable(out, spec)
    splits = split_documents(ids, options.split or spec.default_split, options.seed, need_dev=spec.name == "spacy")
    report = ExportReport()
    ctx = ExportContext(store, spec, out, options, splits, report, cancel, guard)
    # An export makes a dozen short-lived objects a document and keeps large DocBins alive: the
    # cyclic collector would rescan that growing heap again and again (about 10% of the time on
    # 20,000 documents) for objects that form no cycles. It is back on as soon as the export ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield Progress(0, ctx.total, f"exporting {fmt}")
        yield from spec.write(ctx)
        if options.alignment == "strict" and report.misaligned:
            raise ExportError(
                f"{len(report.misaligned)} span(s) do not align with spaCy tokens, e.g. {'; '.join(report.misaligned[:5])}; "
                "re-export with --alignment expand (or contract) to snap them")
        if not options.include_suggestions:
            left, in_docs = store.suggestions_left_in_done(options.annotator)
            if left:
                report.warnings.append(
                    f"{left} model suggestion(s) left untouched in {in_docs} document(s) marked done are not exported "
                    "(review and agreement count them as accepted): accept them (Enter / Accept all) or include "
                    "suggestions in the export (--include-suggestions)")
        report.manifest = write_manifest(ctx, _manifest_path(out, spec))
        # A re-export into the same place replaces the previous one: files it wrote that this one
        # did not (documents no longer in the layer, another split) would look like current data.
        # Only files the previous manifest's marker lists, unchanged since, are removed.
        guard.remove_stale({guard.resolved(p) for p in [*report.files, report.manifest]})
    except BaseException as exc:
        for path in report.files:
            if path in ctx.opened or guard.resolved(path) in guard.created:
                guard.remove(path)
        if isinstance(exc, OSError):  # a full disk, a folder gone read-only: one line, not a traceback
            where = exc.filename or out
            raise ExportError(f"{where}: cannot write the export: {exc.strerror or exc}; nothing of it was kept") from None
        raise
    finally:
        if collecting:
            gc.enable()
    yield Progress(ctx.total, ctx.total, "done")
    return report


def _root_of(out: Path, spec: ExporterSpec) -> Path:
    """The folder every file of this export stays inside."""
    return out if (spec.folder or not out.suffix) else out.parent


def _manifest_path(out: Path, spec: ExporterSpec) -> Path:
    if spec.folder or not out.suffix:
        return out / "manifest.json"
    return out.with_name(out.name[: -len(out.suffix)] + ".manifest.json")


def _layer_name(annotator: str) -> str:
    return "the gold layer" if annotator == GOLD else f"annotator {annotator!r}"


def _check_writable(out: Path, spec: ExporterSpec) -> None:
    folder = out if (spec.folder or not out.suffix) else out.parent
    if out.exists() and not out.is_dir() and (spec.folder or not out.suffix):
        raise ExportError(f"{out}: exists and is a file; {spec.name} export writes a folder")
    if out.suffix and not spec.folder and out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name or a folder without an extension")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # A random name: never truncate (or remove) a file of that name that is not this probe.
        probe = folder / f".goldspan-write-test-{secrets.token_hex(8)}"
        if not probe.exists() and not probe.is_symlink():
            probe.write_bytes(b"")
            probe.unlink()
    except OSError as exc:
        raise ExportError(f"{folder}: cannot write the export there: {exc.strerror or exc}") from None
