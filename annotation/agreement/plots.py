"""Agreement plots as PNG bytes (matplotlib, Agg backend: no display, no Qt), shared by the
HTML report and the GUI dashboard."""
from __future__ import annotations

import io
from typing import Any


def _figure(width: float, height: float):  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure  # a bare Figure never touches pyplot's global backend

    return Figure(figsize=(width, height), dpi=100, layout="tight")


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def label_f1_png(report: dict[str, Any]) -> bytes:
    """Per-label F1 bars, exact and overlap, entities then quotations."""
    labels, exact, overlap = [], [], []
    for layer, per_label in report["spans"].items():
        for label, f in per_label.items():
            labels.append(f"{label}")
            exact.append(f["f1_exact"] or 0.0)
            overlap.append(f["f1_overlap"] or 0.0)
    fig = _figure(max(4.0, 0.45 * len(labels) + 1.5), 3.2)
    ax = fig.add_subplot()
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], exact, width=0.4, label="exact", color="#2a9d8f")
    ax.bar([x + 0.2 for x in xs], overlap, width=0.4, label="overlap", color="#e9c46a")
    ax.set_xticks(list(xs), labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("F1")
    ax.set_title("Span agreement per label")
    ax.legend(fontsize=8)
    if not labels:
        ax.text(0.5, 0.5, "no spans to compare", ha="center", va="center", transform=ax.transAxes)
    return _png(fig)


def confusion_png(report: dict[str, Any], target: str | None = None) -> bytes:
    """Stance confusion heatmap for one target (the overall pool by default)."""
    block = report["stance"].get(target) if target else report.get("stance_overall")
    fig = _figure(4.2, 3.6)
    ax = fig.add_subplot()
    confusion = (block or {}).get("confusion") or ((block or {}).get("pairwise") or [{}])[0].get("confusion")
    if not confusion:
        ax.text(0.5, 0.5, "no stance labels to compare", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return _png(fig)
    matrix, labels = confusion["matrix"], confusion["labels"]
    ax.imshow(matrix, cmap="Blues")
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel(confusion["columns"])
    ax.set_ylabel(confusion["rows"])
    ax.set_title(f"Stance confusion ({target or 'all targets'})")
    return _png(fig)


def documents_png(report: dict[str, Any], limit: int = 20) -> bytes:
    """The worst documents as horizontal bars of their score."""
    rows = [d for d in report["documents"] if d["score"] is not None][:limit]
    fig = _figure(5.5, max(2.0, 0.28 * len(rows) + 1.0))
    ax = fig.add_subplot()
    names = [(d["ext_id"] or str(d["document_id"]))[:30] for d in rows]
    ax.barh(range(len(rows)), [d["score"] for d in rows], color="#e76f51")
    ax.set_yticks(range(len(rows)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("score (mean of span F1 and stance agreement)")
    ax.set_title("Documents, worst first")
    return _png(fig)


def report_and_plots_job(store, annotators=None, cancel=None):  # type: ignore[no-untyped-def]
    """The agreement report and every plot the dashboard shows, as one job (the dashboard runs
    it in a child process: neither the figures nor the imports and drawing, which hold the GIL
    for up to ~0.2 s at a time, stall the window). Returns (report, plots): plots["f1"],
    plots["documents"], plots["confusion"][target or None]. ``cancel``: a CancelToken checked
    between steps."""
    from annotation.agreement.report import STEPS, agreement_job
    from annotation.jobs import Progress

    job = agreement_job(store, annotators)
    try:
        while True:
            progress = next(job)
            yield Progress(progress.done, STEPS + 3, progress.message)
            if cancel is not None:
                cancel.check()
    except StopIteration as stop:
        report = stop.value
    targets = [None, *report["stance"]]
    total = STEPS + 2 + len(targets)
    yield Progress(STEPS, total, "drawing the plots")
    plots: dict[str, Any] = {"f1": label_f1_png(report), "confusion": {}}
    yield Progress(STEPS + 1, total, "drawing the plots")
    plots["documents"] = documents_png(report)
    for step, target in enumerate(targets, STEPS + 2):
        yield Progress(step, total, "drawing the plots")
        if cancel is not None:
            cancel.check()
        plots["confusion"][target] = confusion_png(report, target)
    return report, plots
