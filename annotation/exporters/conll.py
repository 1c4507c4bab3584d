"""CoNLL-2003-style IOB2 for entities: ``token _ _ TAG`` a line, a blank line between
sentences (line breaks in the text), ``-DOCSTART- -X- O O`` before each text (the body,
then each comment), exactly as CoNLL-2003 writes it: spaCy's ``spacy convert -c ner`` starts
a new Doc only at that line (``-X- -X- O`` made a whole export one Doc). Tokens come from spaCy's tokenizer; --alignment decides about spans
that do not fall on token boundaries. Only entities fit in this format: the manifest says
how many quote spans, relations and stance labels were left out.
"""
from __future__ import annotations

from collections import Counter

from annotation.exporters.base import ExportContext, ExportUnit, register, units_of
from annotation.exporters.spacy_docbin import trimmed_span
from annotation.jobs import Job
from annotation.model import ENTITY

DOCSTART = "-DOCSTART- -X- O O"


def unit_lines(ctx: ExportContext, unit: ExportUnit) -> list[str]:
    doc = ctx.nlp.make_doc(unit.text)
    tags = ["O"] * len(doc)
    taken = [False] * len(doc)
    for span in unit.spans:
        if span.layer != ENTITY:
            continue
        if unit.text[span.start].isspace() or unit.text[span.end - 1].isspace():
            span = trimmed_span(ctx, unit.text, span, unit.where())
            if span is None:
                continue
        token_span = ctx.char_span(doc, span, unit.where())
        if token_span is None:
            continue
        if any(taken[token_span.start:token_span.end]):
            ctx.report.dropped.append(f"{unit.where()} {span.start}-{span.end} {span.label}: overlaps another entity after snapping")
            continue
        for i in range(token_span.start, token_span.end):
            tags[i] = ("B-" if i == token_span.start else "I-") + span.label
            taken[i] = True
        ctx.count("spans", span.label)
    lines = [DOCSTART, ""]
    sentence_open = False
    for token, tag in zip(doc, tags):
        if token.is_space:
            # A line break ends the sentence, except inside an entity (which must stay whole).
            inside = token.i + 1 < len(doc) and tags[token.i + 1].startswith("I-")
            if "\n" in token.text and sentence_open and not inside:
                lines.append("")
                sentence_open = False
            continue
        lines.append(f"{token.text} _ _ {tag}")
        sentence_open = True
    if sentence_open:
        lines.append("")
    return lines


@register("conll", ".conll", description="CoNLL-2003 IOB2 (entities only)")
def write_conll(ctx: ExportContext) -> Job[None]:
    left_out: Counter[str] = Counter()
    pieces: Counter[str] = Counter()  # pieces of discontinuous entities (brat fragments)
    for split in ctx.splits:
        with ctx.open(ctx.path(split)) as fh:
            for exdoc in ctx.documents(split):
                for unit in units_of(exdoc):
                    ctx.report.counts["units"]["body" if unit.comment is None else "comment"] += 1
                    fh.write("\n".join(unit_lines(ctx, unit)) + "\n")
                    left_out["quote spans"] += sum(1 for s in unit.spans if s.layer != ENTITY)
                    left_out["relations"] += len(unit.relations)
                    left_out["stance labels"] += len(unit.stances)
                    pieces["n"] += sum(1 for sp in unit.spans if sp.layer == ENTITY and len(sp.attrs.get("fragments") or ()) > 1)
                if ctx.done % 200 == 0:
                    yield ctx.progress()
    if pieces["n"]:
        ctx.report.dropped.append(f"{pieces['n']} piece(s) of discontinuous entities written as separate entities "
                                  "(CoNLL has no fragments; brat, Prodigy, doccano, Label Studio and spaCy exports keep them)")
    if sum(left_out.values()):
        ctx.report.dropped.append("conll holds entities only; not written: " + ", ".join(f"{n} {k}" for k, n in left_out.items() if n))
    yield ctx.progress()
