"""A standalone HTML agreement report: tables plus the plots embedded as PNG data URIs.
Every name and title from the project is escaped: text is never interpreted as markup."""
from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import Any

from annotation.agreement.plots import confusion_png, documents_png, label_f1_png


def _num(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else escape(str(value))


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def render_html(report: dict[str, Any]) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Goldspan agreement</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}th:first-child,td:first-child{text-align:left}</style>",
        "</head><body>",
        f"<h1>Agreement: {escape(', '.join(report['annotators']))}</h1>",
        f"<p>Project {escape(report.get('project', ''))}. {escape(report['definitions']['model_suggestions'])}.</p>",
        "<h2>Stance</h2><table><tr><th>target</th><th>items</th><th>Cohen's κ</th><th>Fleiss' κ</th><th>Krippendorff's α</th><th>agreement</th></tr>",
    ]
    blocks = list(report["stance"].items())
    if report.get("stance_overall"):
        blocks.append(("all targets", report["stance_overall"]))
    for target, s in blocks:
        parts.append(f"<tr><td>{escape(target)}</td><td>{s['n_items']}</td><td>{_num(s['cohen_kappa'])}</td>"
                     f"<td>{_num(s['fleiss_kappa'])}</td><td>{_num(s['krippendorff_alpha'])}</td><td>{_num(s['percent_agreement'])}</td></tr>")
    parts.append("</table>")
    parts.append(_img(confusion_png(report), "stance confusion heatmap"))
    parts.append("<h2>Spans</h2><table><tr><th>layer / label</th><th>P exact</th><th>R exact</th><th>F1 exact</th>"
                 "<th>P overlap</th><th>R overlap</th><th>F1 overlap</th><th>spans</th></tr>")
    for layer, per_label in report["spans"].items():
        rows = [(f"{layer} (all)", report["spans_overall"][layer])] + [(f"&nbsp;&nbsp;{escape(k)}", v) for k, v in per_label.items()]
        for name, f in rows:
            parts.append(f"<tr><td>{name if name.startswith('&') else escape(name)}</td><td>{_num(f['precision_exact'])}</td>"
                         f"<td>{_num(f['recall_exact'])}</td><td>{_num(f['f1_exact'])}</td><td>{_num(f['precision_overlap'])}</td>"
                         f"<td>{_num(f['recall_overlap'])}</td><td>{_num(f['f1_overlap'])}</td><td>{f['n_a']} / {f['n_b']}</td></tr>")
    parts.append("</table>")
    tokens, unitized = report.get("span_tokens") or {}, report.get("spans_unitized") or {}
    if tokens or unitized:
        parts.append("<table><tr><th>layer</th><th>tokens</th><th>Cohen's κ (tokens)</th><th>Fleiss' κ (tokens)</th>"
                     "<th>Krippendorff's α (tokens)</th><th>Krippendorff's α<sub>u</sub> (characters)</th></tr>")
        for layer in sorted(set(tokens) | set(unitized)):
            t, u = tokens.get(layer, {}), unitized.get(layer, {})
            parts.append(f"<tr><td>{escape(layer)}</td><td>{_num(t.get('n_items'))}</td><td>{_num(t.get('cohen_kappa'))}</td>"
                         f"<td>{_num(t.get('fleiss_kappa'))}</td><td>{_num(t.get('krippendorff_alpha'))}</td><td>{_num(u.get('alpha_u'))}</td></tr>")
        parts.append("</table>")
    for warning in report.get("warnings") or []:
        parts.append(f"<p><b>Note:</b> {escape(warning)}</p>")
    src = report["quote_sources"]
    parts.append(f"<p>Quote sources: {src['same_source']} of {src['matched_quotes']} matched quotations agree ({_num(src['agreement'])}).</p>")
    parts.append(_img(label_f1_png(report), "per-label F1"))
    parts.append("<h2>Documents, worst first</h2>")
    parts.append(_img(documents_png(report), "per-document scores"))
    parts.append("<table><tr><th>document</th><th>score</th><th>F1 exact</th><th>F1 overlap</th><th>stance agreement</th><th>spans</th><th>stance items</th></tr>")
    for d in report["documents"]:
        name = f"{d['ext_id']} — {d['title']}" if d["title"] else d["ext_id"]
        parts.append(f"<tr><td>{escape(name)}</td><td>{_num(d['score'])}</td><td>{_num(d['f1_exact'])}</td><td>{_num(d['f1_overlap'])}</td>"
                     f"<td>{_num(d['stance_agreement'])}</td><td>{d['n_spans']}</td><td>{d['n_stance_items']}</td></tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts)


def write_html(report: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(render_html(report), encoding="utf-8")
