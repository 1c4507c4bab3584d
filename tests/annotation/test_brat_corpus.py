"""brat as real attribution corpora write it: discontinuous spans kept as fragments, fragments
listed out of order, event types mapped with --label-map, repeated roles, notes and attributes.
Such a corpus imports whole and exports back the same annotations (only ids renumbered)."""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from annotation.exporters import ExportOptions, run_export
from annotation.import_job import import_files
from annotation.importers import ImportOptions
from annotation.jobs import run
from annotation.model import Document, ImportedArticle, ImportedSpan
from annotation.store import Store
from tests.annotation.test_export_support import snapshot

TEXT = ('Merkel said on Monday that the talks, which lasted hours, went well. "We will meet again," Macron told '
        'reporters, "in Paris." Officials added that nothing was signed.')


def _at(needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return start, start + len(needle)


def _t(ident: str, label: str, *needles: str) -> str:
    frags = [_at(n) for n in needles]
    return f"{ident}\t{label} {';'.join(f'{s} {e}' for s, e in frags)}\t{' '.join(TEXT[s:e] for s, e in frags)}"


CORPUS = "\n".join([
    _t("T1", "SOURCE", "Merkel"),
    _t("T2", "CUE", "said"),
    _t("T3", "QUOTE", "went well", "the talks"),  # discontinuous, fragments out of order
    _t("T4", "Attribution", "said"),
    "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
    "A1\tIndirect T3",
    _t("T5", "SOURCE", "Macron"),
    _t("T6", "CUE", "told"),
    _t("T7", "QUOTE", '"We will meet again,"'),
    _t("T8", "QUOTE", '"in Paris."'),
    _t("T9", "Attribution", "told"),
    "E2\tAttribution:T9 Content:T7 Content2:T8 Source:T5 Cue:T6",  # a repeated role
    _t("T10", "QUOTE", "nothing was signed"),
    _t("T11", "CUE", "added"),
    _t("T12", "Attribution-no-source", "added"),
    "E3\tAttribution-no-source:T12 Content:T10 Cue:T11",  # another event type
    _t("T13", "PERSON", "Merkel"),
    "#1\tAnnotatorNotes T13\tthe chancellor",
    _t("T14", "PERSON", "Macron"),
    "A2\tCertainty T14 high",
]) + "\n"
MAP = {"Attribution-no-source": "Attribution"}


def canonical(ann: str) -> list[tuple]:  # type: ignore[type-arg]
    """An .ann file's annotations with T ids replaced by what they are (type and fragments)."""
    lines = [line.split("\t") for line in ann.split("\n") if line.strip()]
    what = {f[0]: (f[1].split(" ", 1)[0], f[1].split(" ", 1)[1]) for f in lines if f[0].startswith("T")}
    out = []
    for f in lines:
        kind = f[0][0]
        if kind == "T":
            out.append(("T", *what[f[0]], f[2]))
        elif kind == "E":
            head, *args = f[1].split()
            etype, trigger = head.split(":")
            roles = sorted((re.sub(r"\d+$", "", a.split(":")[0]), what[a.split(":")[1]]) for a in args)
            out.append(("E", etype, what[trigger], tuple(roles)))
        elif kind == "R":
            label, a1, a2 = f[1].split()
            out.append(("R", label, what[a1.split(":")[1]], what[a2.split(":")[1]]))
        elif kind == "A":
            name, target, *value = f[1].split()
            out.append(("A", name, what[target], tuple(value)))
        elif kind == "#":
            out.append(("#", what[f[1].split()[1]], f[2]))
    return sorted(out)


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.txt").write_text(TEXT, encoding="utf-8")
    (folder / "doc.ann").write_text(CORPUS, encoding="utf-8")
    return folder / "doc.ann"


def test_brat_corpus_imports_whole_and_exports_back_the_same(store, tmp_path):
    path = _corpus(tmp_path / "in")
    report = run(import_files(store, [path], ImportOptions(as_annotator="x", label_map=MAP)))
    assert not report.errors, report.errors
    doc_id = store.document_ids()[0]
    spans = {(TEXT[s.start:s.end], s.label) for s in store.spans(doc_id, "x")}
    # the fragments of T3 are two QUOTE pieces: no word the annotator left out is absorbed
    assert ("the talks", "QUOTE") in spans and ("went well", "QUOTE") in spans
    assert not any("which lasted" in text for text, _ in spans)
    labels = {s.id: (TEXT[s.start:s.end], s.label) for s in store.spans(doc_id, "x")}
    rels = {(labels[r.head_id][0], labels[r.child_id][0], r.label) for r in store.relations(doc_id, "x")}
    # repeated Content: both QUOTEs hang from Macron and told; the other event type is an attribution
    assert {('"We will meet again,"', "Macron", "source"), ('"in Paris."', "Macron", "source"),
            ('"in Paris."', "told", "cue"), ("nothing was signed", "added", "cue"), ("went well", "Merkel", "source")} <= rels
    out = tmp_path / "out"
    run(run_export(store, out, "brat", ExportOptions("x")))
    assert canonical((out / "doc.ann").read_text(encoding="utf-8")) == canonical(CORPUS)
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "Attribution-no-source\tContent+:QUOTE" in conf and "Certainty\tArg:<ENTITY>, Value:high" in conf


def test_unmapped_event_type_is_refused_with_its_line_once(store, tmp_path):
    path = _corpus(tmp_path / "in")
    report = run(import_files(store, [tmp_path / "in"], ImportOptions(as_annotator="x")))  # the folder: .txt and .ann
    assert report.errors == [f"{path}:16: event type 'Attribution-no-source' is not one Goldspan reads (Attribution); "
                             "map it with --label-map Attribution-no-source=Attribution if it is an attribution"]
    assert report.files_ok == []  # the .txt of the refused article is not reported as imported either


def test_every_relation_type_used_is_declared(store, tmp_path):
    text = "Merkel said it. She meant it."
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    ann = ("T1\tSOURCE 0 6\tMerkel\nT2\tQUOTE 12 14\tit\nT3\tCUE 7 11\tsaid\nR1\tsource Arg1:T2 Arg2:T1\n"
           "R2\tcue Arg1:T2 Arg2:T3\nT4\tPERSON 16 19\tShe\nT5\tPERSON 0 6\tMerkel\nR3\tcoref Arg1:T4 Arg2:T5\n")
    (tmp_path / "d.ann").write_text(ann, encoding="utf-8")
    assert not run(import_files(store, [tmp_path / "d.ann"], ImportOptions(as_annotator="x"))).errors
    out = tmp_path / "out"
    run(run_export(store, out, "brat", ExportOptions("x")))
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    declared = {line.split("\t")[0] for line in conf.split("[relations]")[1].split("[events]")[0].splitlines() if line}
    used = {line.split("\t")[1].split()[0] for line in (out / "d.ann").read_text().splitlines() if line.startswith("R")}
    assert used and used <= declared


SEPARATED = ["\t", "\u0085", "\u2028", "\x0c", "\n", "\r\n", "\u2029", "\x0b"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["Jay", "Z.", "😀", "café", "x"]), st.sampled_from([" ", *SEPARATED])),
                min_size=2, max_size=6))
def test_spans_holding_tabs_and_line_separators_come_back(tmp_path_factory, parts):  # type: ignore[no-untyped-def]
    """Spans around TAB, U+0085, U+2028, form feeds and CRLF: exported and read back unchanged."""
    text = "".join(w + s for w, s in parts) + "end"
    last_word = len(text) - 3 - len(parts[-1][1])
    span = ImportedSpan("p", 0, last_word, "PERSON")
    folder = tmp_path_factory.mktemp("b")
    with Store.create(":memory:") as src:
        with src.transaction():
            src.import_articles([ImportedArticle(Document(None, "d", "t", text), (), (span,))], "gen", "ann")
        before = snapshot(src, "ann")
        run(run_export(src, folder / "out", "brat", ExportOptions("ann")))
    with Store.create(":memory:") as dst:
        report = run(import_files(dst, [folder / "out" / "d.ann"], ImportOptions(as_annotator="ann")))
        assert not report.errors, report.errors
        assert snapshot(dst, "ann") == before


def test_span_ending_in_line_breaks_is_trimmed_and_said_in_the_manifest(store, tmp_path):
    import json

    text = "Jay Z.\n\nHe said hi."
    with store.transaction():
        store.import_articles([ImportedArticle(Document(None, "d", "t", text), (), (ImportedSpan("p", 0, 8, "PERSON"),))], "g", "x")
    out = tmp_path / "out"
    run(run_export(store, out, "brat", ExportOptions("x")))
    assert (out / "d.ann").read_text(encoding="utf-8") == "T1\tPERSON 0 6\tJay Z.\n"
    dropped = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["dropped"]
    assert any("begin or end with a line break or tab: trimmed" in line for line in dropped)


def test_brat_corpus_survives_every_other_format(store, tmp_path):
    """brat -> Goldspan -> each of our formats -> Goldspan -> brat: the same .ann (fragments,
    repeated roles and the corpus's event type travel in span attributes)."""
    path = _corpus(tmp_path / "in")
    assert not run(import_files(store, [path], ImportOptions(as_annotator="x", label_map=MAP))).errors
    for fmt, out_name, import_name in (("prodigy", "o.jsonl", "o.jsonl"), ("doccano", "o.jsonl", "o.jsonl"),
                                       ("labelstudio", "o.json", "o.json"), ("spacy", "o", "o/train.spacy")):
        folder = tmp_path / fmt
        kw = {"split": (1.0,)} if fmt == "spacy" else {}
        run(run_export(store, folder / out_name, fmt, ExportOptions("x", **kw)))
        with Store.create(tmp_path / f"{fmt}.db") as other:
            report = run(import_files(other, [folder / import_name], ImportOptions(as_annotator="x")))
            assert not report.errors, (fmt, report.errors)
            run(run_export(other, folder / "brat", "brat", ExportOptions("x")))
        assert canonical((folder / "brat" / "doc.ann").read_text(encoding="utf-8")) == canonical(CORPUS), fmt


def test_error_found_by_the_store_names_the_ann_file_and_its_line_when_the_txt_is_named(store, tmp_path):
    (tmp_path / "d.txt").write_text("Merkel said so.", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tPERSON 0 6\tMerkel\nT2\tCUE 7 11\tsaid\n", encoding="utf-8")
    report = run(import_files(store, [tmp_path / "d.txt"], ImportOptions(as_annotator="x")))
    assert len(report.errors) == 1 and report.errors[0].startswith(f"{tmp_path / 'd.ann'}:2: CUE 7-11 'said' belongs to no QUOTE")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["Merkel", "said", "talks", "😀", "café", "x", "went", "well"]), min_size=6, max_size=14),
       st.data())
def test_discontinuous_spans_in_any_fragment_order_round_trip(tmp_path_factory, words, data):  # type: ignore[no-untyped-def]
    """Random discontinuous spans (fragments listed in a random order, words left out between
    them) come back from Goldspan's brat export exactly as written."""
    text = " ".join(words)
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    word = [(s, s + len(w)) for s, w in zip(starts, words)]
    lines, used, n = [], set(), 0
    for _ in range(data.draw(st.integers(1, 3))):
        picks = sorted(data.draw(st.sets(st.integers(0, len(words) - 1), min_size=1, max_size=3)))
        # no two picked words next to each other (only whitespace between: one span, not fragments)
        if any(b - a < 2 for a, b in zip(picks, picks[1:])) or used & set(picks):
            continue
        used |= set(picks)
        frags = [word[i] for i in picks]
        order = data.draw(st.permutations(frags))
        n += 1
        lines.append(f"T{n}\tPERSON {';'.join(f'{s} {e}' for s, e in order)}\t{' '.join(text[s:e] for s, e in order)}")
    if not lines:
        return
    folder = tmp_path_factory.mktemp("frag")
    (folder / "d.txt").write_text(text, encoding="utf-8")
    (folder / "d.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.create(":memory:") as store:
        report = run(import_files(store, [folder / "d.ann"], ImportOptions(as_annotator="x")))
        assert not report.errors, report.errors
        run(run_export(store, folder / "out", "brat", ExportOptions("x")))
    assert canonical((folder / "out" / "d.ann").read_text(encoding="utf-8")) == canonical("\n".join(lines))


def test_error_in_a_comments_ann_names_that_file_and_line(tmp_path):
    """A brat export's comment lives in its own .ann: an error about it names that file."""
    from tests.annotation.test_export_support import make_project

    project = make_project(tmp_path / "p.db", n=1)
    out = tmp_path / "out"
    with Store.open(project) as store:
        run(run_export(store, out, "brat", ExportOptions("ann")))
    comment_ann = out / "a0.c1.ann"
    text = (out / "a0.c1.txt").read_text(encoding="utf-8")
    lines = comment_ann.read_text(encoding="utf-8").splitlines()
    lines.append(f"T99\tCUE 0 5\t{text[0:5]}")  # a CUE with no QUOTE, on the comment's last line
    comment_ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.create(tmp_path / "q.db") as other:
        report = run(import_files(other, [out], ImportOptions(as_annotator="x")))
    assert len(report.errors) == 1 and report.errors[0].startswith(f"{comment_ann}:{len(lines)}: CUE 0-5"), report.errors
