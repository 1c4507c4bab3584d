"""Stance as CSV, one row a comment label, ids as imported (``@parent`` is the reply target).

Columns: article_id, comment_id, parent_id, target, label, annotator, time (when the label was
last set), comment_text, article_title. Spans and relations are not in this format.
With --include-suggestions, the annotator's stance suggestions (where they have no label) are
rows too, and two columns say which is which: origin (human/model) and probability.
"""
from __future__ import annotations

import csv

from annotation.exporters.base import ExportContext, register
from annotation.jobs import Job

COLUMNS = ("article_id", "comment_id", "parent_id", "target", "label", "annotator", "time", "comment_text", "article_title")
SUGGESTION_COLUMNS = ("origin", "probability")


@register("stance-csv", ".csv", description="stance labels, one row a comment label")
def write_stance_csv(ctx: ExportContext) -> Job[None]:
    for split in ctx.splits:
        with ctx.open(ctx.path(split)) as fh:
            writer = csv.writer(fh)
            suggestions = ctx.options.include_suggestions
            writer.writerow(COLUMNS + (SUGGESTION_COLUMNS if suggestions else ()))
            for exdoc in ctx.documents(split):
                comments = exdoc.comment_by_id()
                extra: tuple[str, ...] = ("human", "") if suggestions else ()
                for st in exdoc.stances:
                    c = comments[st.comment_id]
                    writer.writerow((exdoc.document.ext_id, c.ext_id, c.parent_ext_id or "", st.target, st.label,
                                     st.annotator, st.updated, c.text, exdoc.document.title) + extra)
                    ctx.count("stances", f"{st.target}:{st.label}")
                if suggestions and exdoc.document.id is not None:
                    for sg in ctx.store.stance_suggestions(exdoc.document.id, ctx.annotator):
                        c = comments[sg.comment_id]
                        writer.writerow((exdoc.document.ext_id, c.ext_id, c.parent_ext_id or "", sg.target, sg.label,
                                         sg.annotator, sg.created, c.text, exdoc.document.title, "model",
                                         f"{sg.probability:.4f}"))
                        ctx.count("stances", f"{sg.target}:{sg.label} (suggested)")
                if ctx.done % 200 == 0:
                    yield ctx.progress()
    if not sum(ctx.report.counts["stances"].values()):
        from annotation.exporters.base import ExportError

        raise ExportError(f"annotator {ctx.annotator!r} has no stance labels: nothing to write as stance-csv")
    yield ctx.progress()
