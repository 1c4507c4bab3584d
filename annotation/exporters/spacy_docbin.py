"""spaCy DocBin training data: train/dev/test .spacy files and a config.cfg for `spacy train`.

One Doc a unit (the body, then each comment). Entities are ``doc.ents``; QUOTE, SOURCE and CUE
spans are ``doc.spans["quotes"]``; a comment's stance is ``doc.cats`` as ``target:label``
(1.0 for the chosen label, 0.0 for the target's other labels, so unlabelled targets stay
missing rather than negative); document categories from other tools' textcat go in the body's
``doc.cats``. Relations and ids as imported travel in ``doc.user_data["goldspan"]``.
"""
from __future__ import annotations

import contextlib
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from annotation.exporters.base import ExportContext, ExportUnit, register, unit_meta, units_of
from annotation.jobs import Job
from annotation.model import ENTITY, REPLY_TARGET

if TYPE_CHECKING:
    from spacy.tokens import Doc

QUOTES_KEY = "quotes"
USER_KEY = "goldspan"
# Quotes are long: spancat's n-gram suggester can only propose spans up to this many tokens.
MAX_QUOTE_TOKENS = 12


def unit_to_doc(ctx: ExportContext, unit: ExportUnit) -> "Doc":
    doc = ctx.nlp.make_doc(unit.text)
    ents = []
    quotes = []
    placed: dict[int, tuple[int, int]] = {}  # span id -> its offsets in the Doc (after snapping)
    char_span = doc.char_span
    text = unit.text
    for span in unit.spans:
        if span.layer == ENTITY and (text[span.start].isspace() or text[span.end - 1].isspace()):
            # "Jay Z.\n\n": an entity may not begin or end with whitespace (spacy debug data flags
            # it); quote spans keep theirs, spancat takes them as they are
            span = trimmed_span(ctx, text, span, unit.where())
            if span is None:
                continue
        token_span = char_span(span.start, span.end, label=span.label)
        if token_span is None:  # not on token boundaries: --alignment decides, and it is reported
            token_span = ctx.char_span(doc, span, unit.where())
            if token_span is None:
                continue
        (ents if span.layer == ENTITY else quotes).append(token_span)
        placed[span.id] = (token_span.start_char, token_span.end_char)  # type: ignore[index]
    kept = ents
    if ents:
        kept = ents if _disjoint(ents) else _without_overlaps(ctx, ents, unit.where())
        doc.set_ents(kept)
        if kept is not ents:  # an entity left out after snapping takes its relations with it
            left = {(e.start_char, e.end_char, e.label_) for e in kept}
            by_id = _by_id(unit)
            placed = {i: where for i, where in placed.items()
                      if by_id[i].layer != ENTITY or (*where, by_id[i].label) in left}
    if quotes:
        doc.spans[QUOTES_KEY] = quotes
    ctx.report.counts["spans"].update([s.label_ for s in kept] + [s.label_ for s in quotes])
    if unit.comment is not None:
        doc.cats = _stance_cats(ctx, unit)
    elif unit.doc.categories:
        doc.cats = dict(unit.doc.categories)
    meta: dict[str, Any] = unit_meta(unit, ctx.annotator)
    meta["relations"] = []
    if unit.relations:
        # Relations name their ends by the offsets the Doc holds: a snapped span moved, and the
        # importer finds spans by those offsets (pre-snap offsets made our own export unreadable).
        by_id = _by_id(unit)
        for r in unit.relations:
            if r.head_id not in placed or r.child_id not in placed:
                ctx.report.dropped.append(f"{unit.where()}: relation {r.label}: one of its spans is not in the Doc")
                continue
            meta["relations"].append({"head": [*placed[r.head_id], by_id[r.head_id].label],
                                      "child": [*placed[r.child_id], by_id[r.child_id].label], "label": r.label})
            ctx.report.counts["relations"][r.label] += 1
    attrs = [[*placed[s.id], s.label, s.attrs] for s in unit.spans if s.attrs and s.id in placed]  # type: ignore[index]
    if attrs:
        meta["span_attrs"] = attrs
    doc.user_data[USER_KEY] = meta
    return doc


def trimmed_span(ctx: ExportContext, text: str, span: Any, where: str) -> Any:
    """The span without its leading and trailing whitespace (counted, and said in the manifest),
    or None when it is only whitespace. spaCy's training data must not begin or end an entity
    with whitespace, and a span that was snapped would take the whitespace token with it."""
    import dataclasses

    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        ctx.report.dropped.append(f"{where} {span.start}-{span.end} {span.label}: only whitespace")
        return None
    ctx.report.trimmed += 1
    return dataclasses.replace(span, start=start, end=end)


def _by_id(unit: ExportUnit) -> dict[int, Any]:
    return {s.id: s for s in unit.spans}  # type: ignore[misc]


def _disjoint(ents: list) -> bool:  # type: ignore[type-arg]
    """Entities in order that share no token: the usual case, checked without sorting."""
    return all(a.end <= b.start for a, b in zip(ents, ents[1:]))


def _without_overlaps(ctx: ExportContext, ents: list, where: str) -> list:  # type: ignore[type-arg]
    """Snapping can make two entities share a token; doc.ents cannot hold both: keep the first."""
    kept: list = []  # type: ignore[type-arg]
    last_end = -1
    for ent in sorted(ents, key=lambda e: (e.start, -e.end)):
        if ent.start < last_end:
            ctx.report.dropped.append(f"{where} {ent.start_char}-{ent.end_char} {ent.label_}: overlaps another entity after snapping")
            continue
        last_end = ent.end
        kept.append(ent)
    return kept


def _stance_cats(ctx: ExportContext, unit: ExportUnit) -> dict[str, float]:
    cats: dict[str, float] = {}
    stance_names = [d.name for d in ctx.schema.stance_labels]
    reply_names = [d.name for d in ctx.schema.reply_labels]
    for st in unit.stances:
        names = reply_names if st.target == REPLY_TARGET else stance_names
        for name in names if st.label in names else [*names, st.label]:
            cats[f"{st.target}:{name}"] = 1.0 if name == st.label else 0.0
        ctx.count("stances", f"{st.target}:{st.label}")
    return cats


@contextlib.contextmanager
def cached_msgpack_registries() -> Iterator[None]:
    """DocBin.add packs each Doc's user_data with srsly, whose msgpack asks catalogue for its
    encoders every time: a scan of all installed entry points and of spaCy's whole registry,
    about 3 ms a Doc, more than tokenizing it. Nothing registers encoders during an export, so
    answer from one lookup while it runs (the same dict), and restore the lookup afterwards."""
    try:
        from srsly import msgpack as srsly_msgpack
    except ImportError:  # pragma: no cover
        yield
        return
    registries = [r for r in (getattr(srsly_msgpack, "msgpack_encoders", None), getattr(srsly_msgpack, "msgpack_decoders", None)) if r]
    saved = []
    for registry in registries:
        found = registry.get_all()
        saved.append((registry, registry.__dict__.get("get_all")))
        registry.get_all = lambda found=found: dict(found)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for registry, original in saved:
            if original is None:
                del registry.get_all
            else:
                registry.get_all = original


@register("spacy", ".spacy", folder=True, default_split=(0.8, 0.1, 0.1), description="spaCy DocBin + config.cfg")
def write_spacy(ctx: ExportContext) -> Job[None]:
    with cached_msgpack_registries():
        yield from _write_docbins(ctx)


def _write_docbins(ctx: ExportContext) -> Job[None]:
    from spacy.tokens import DocBin

    present = {"ner": False, "spancat": False, "textcat_multilabel": False}
    for split in ctx.splits:
        docbin = DocBin(store_user_data=True)
        for exdoc in ctx.documents(split):
            for unit in units_of(exdoc):
                doc = unit_to_doc(ctx, unit)
                ctx.report.counts["units"]["body" if unit.comment is None else "comment"] += 1
                if split in ("train", "all") and not all(present.values()):
                    # (doc.ents builds Span objects: ask only until every component is known to be needed)
                    present["ner"] = present["ner"] or bool(doc.ents)
                    present["spancat"] = present["spancat"] or QUOTES_KEY in doc.spans
                    present["textcat_multilabel"] = present["textcat_multilabel"] or bool(doc.cats)
                docbin.add(doc)
            if ctx.done % 500 == 0:
                yield ctx.progress()
        docbin.to_disk(ctx.path(split))
        yield ctx.progress(f"wrote {split}")
    pipeline = [name for name, has in present.items() if has]
    if pipeline:
        config = ctx.track(ctx.out / "config.cfg")
        train = ctx.path("train" if "train" in ctx.splits else "all")
        dev = ctx.path("dev") if "dev" in ctx.splits else train
        write_config(config, pipeline, train, dev)
        ctx.report.hints.append(train_command(config, train, dev))
    else:
        ctx.report.dropped.append("no training config: the train split has no entities, quotes or categories")
    ctx.report.warnings.extend(dev_set_warnings(ctx))


def dev_set_warnings(ctx: ExportContext) -> list[str]:
    """`spacy train` needs a dev set; with one article (or no dev split) the export gives it the
    training documents themselves. Its scores then measure recall of seen text, not accuracy:
    say so, naming the documents, rather than let a perfect score pass for a good model."""
    train = ctx.splits.get("train", ctx.splits.get("all", []))
    if "dev" not in ctx.splits:
        return [f"no dev split: config.cfg evaluates on the {len(train)} training document(s) themselves, so spacy "
                "train's scores are on text it has seen (export with a train/dev split for a real evaluation)"]
    shared = sorted(set(train) & set(ctx.splits["dev"]))
    if not shared:
        return []
    names = ", ".join(_title(ctx, i) for i in shared[:3]) + (f" and {len(shared) - 3} more" if len(shared) > 3 else "")
    return [f"{len(shared)} document(s) are in both train and dev ({names}): the layer has too few annotated "
            "articles for a separate dev set, so spacy train's scores are on text it has seen; annotate more "
            "articles for a real evaluation"]


def _title(ctx: ExportContext, document_id: int) -> str:
    document = ctx.store.document(document_id)
    return f"“{document.title or document.ext_id}”"


def write_config(path: Path, pipeline: list[str], train: Path, dev: Path) -> None:
    """A config from spaCy's own `init config` templates (offline), for a blank English pipeline."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=pipeline, optimize="efficiency", gpu=False)
    config["paths"]["train"] = str(train.resolve())
    config["paths"]["dev"] = str(dev.resolve())
    if "spancat" in pipeline:
        config["components"]["spancat"]["spans_key"] = QUOTES_KEY
        config["components"]["spancat"]["suggester"] = {
            "@misc": "spacy.ngram_range_suggester.v1", "min_size": 1, "max_size": MAX_QUOTE_TOKENS,
        }
        weights = config["training"]["score_weights"]
        for suffix in ("f", "p", "r"):
            weights[f"spans_{QUOTES_KEY}_{suffix}"] = weights.pop(f"spans_sc_{suffix}", 0.0)
            # spancat's factory brings back its default weights for the "sc" key when spaCy loads
            # the config, on a score that is always 0 here (our spans are under "quotes"): a None
            # override keeps it out of the sum, or `spacy train` reports half the real score.
            weights[f"spans_sc_{suffix}"] = None
    config.to_disk(path)


def train_command(config: Path, train: Path, dev: Path) -> str:
    q = shlex.quote
    return (f"{q(sys.executable)} -m spacy train {q(str(config.resolve()))} --output {q(str(config.resolve().parent / 'model'))} "
            f"--paths.train {q(str(train.resolve()))} --paths.dev {q(str(dev.resolve()))}")
