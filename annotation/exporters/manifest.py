"""The manifest every export writes beside its files: what, from where, how, what was left out,
and Goldspan's marker listing exactly the files written (see safety.py), so that a later
export into the same place can replace them and nothing else."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from annotation.exporters.safety import MARKER
from annotation.model import GOLD

if TYPE_CHECKING:
    from annotation.exporters.base import ExportContext


def write_manifest(ctx: "ExportContext", path: Path) -> Path:
    """What was exported, from where, how, and (the marker) exactly which files, for the next export here."""
    models = ctx.store.suggestion_models(ctx.annotator) if ctx.options.include_suggestions else []
    schema = ctx.schema
    report = ctx.report
    manifest = {
        "project": str(ctx.store.path) if ctx.store.path else ":memory:",
        "format": ctx.spec.name,
        "annotator": ctx.annotator,
        "gold": ctx.annotator == GOLD,
        "include_suggestions": ctx.options.include_suggestions,
        "suggestion_models": models,
        "schema": {"name": schema.name, "entity": list(schema.label_names("entity")), "quote": list(schema.label_names("quote")),
                   "relation": list(schema.label_names("relation")), "stance_targets": list(schema.stance_targets),
                   "stance_labels": [d.name for d in schema.stance_labels], "reply_labels": [d.name for d in schema.reply_labels]},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "split": {"fractions": list(ctx.options.split or ctx.spec.default_split or ()), "seed": ctx.options.seed,
                  "documents": report.documents},
        "counts": {kind: dict(sorted(c.items())) for kind, c in report.counts.items()},
        "alignment": {"mode": ctx.options.alignment, "misaligned": len(report.misaligned), "snapped": report.snapped,
                      "trimmed": report.trimmed, "examples": report.misaligned[:20]},
        "dropped": report.dropped[:200],
        "warnings": list(report.warnings),  # the same lines the command line printed on stderr
        "files": [ctx.guard.relative_name(p) for p in report.files],
        # What lets the next export here remove exactly these files, unchanged, and nothing else.
        MARKER: ctx.guard.marker(report.files),
    }
    with ctx.open(path) as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    report.files.remove(path)  # the manifest describes the files; it is not one of them
    return path
