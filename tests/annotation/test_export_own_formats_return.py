"""Our own exports come back: the spaCy export after snapping re-imports (relations follow the
snapped spans), `spacy convert` reads our CoNLL as one Doc a text, and `spacy train` weighs
only the scores of components the config has."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from annotation.exporters import ExportOptions, run_export
from annotation.exporters.base import blank_english
from annotation.import_job import import_files
from annotation.importers import ImportOptions
from annotation.jobs import run
from annotation.model import Document, ImportedArticle, ImportedRelation, ImportedSpan
from annotation.store import Store
from tests.annotation.test_export_support import make_project

WORDS = ["Merkel", "said", "talks", "went", "well", "😀", "café", "Putin", "“quoted”", "x"]


@st.composite
def snapped_quotes(draw):  # type: ignore[no-untyped-def]
    """A text, a QUOTE that starts and ends inside words, and its SOURCE (a whole word)."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=4, max_size=12))
    text = " ".join(words)
    tokens = [t for t in blank_english().make_doc(text) if not t.is_space]
    a = draw(st.integers(0, len(tokens) - 2))
    b = draw(st.integers(a + 1, len(tokens) - 1))
    start = tokens[a].idx + draw(st.integers(0, len(tokens[a]) - 1))
    end = tokens[b].idx + draw(st.integers(1, len(tokens[b])))
    s = draw(st.sampled_from([t for t in tokens if not (start < t.idx + len(t) and t.idx < end)] or [None]))
    spans = [ImportedSpan("q", start, end, "QUOTE", "quote")]
    relations = []
    if s is not None:
        spans.append(ImportedSpan("s", s.idx, s.idx + len(s), "SOURCE", "quote"))
        relations.append(ImportedRelation("q", "s", "source"))
    return ImportedArticle(Document(None, "d", "t", text), (), tuple(spans), tuple(relations))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapped_quotes())
def test_spacy_export_after_snapping_reimports_with_its_relations(article: ImportedArticle) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        with Store.create(":memory:") as src:
            with src.transaction():
                src.import_articles([article], "gen", "ann")
            report = run(run_export(src, out, "spacy", ExportOptions("ann", split=(1.0,))))
        with Store.create(":memory:") as dst:
            imported = run(import_files(dst, [out / "train.spacy"], ImportOptions(as_annotator="ann")))
            assert not imported.errors, imported.errors
            doc_id = dst.document_ids()[0]
            text = dst.document(doc_id).text
            spans = {s.id: s for s in dst.spans(doc_id, "ann")}
            rels = {(spans[r.head_id].label, spans[r.child_id].label, r.label) for r in dst.relations(doc_id, "ann")}
    assert rels == {("QUOTE", "SOURCE", "source") for _ in article.relations}
    quote = next(s for s in spans.values() if s.label == "QUOTE")
    # expanded to whole tokens: it covers what the annotator marked
    original = article.spans[0]
    assert quote.start <= original.start and quote.end >= original.end and text[quote.start:quote.end].strip()
    assert report.snapped >= 1 or (quote.start, quote.end) == (original.start, original.end)


def test_spacy_convert_reads_one_doc_per_text(tmp_path):
    project = make_project(tmp_path / "p.db", n=3)
    out = tmp_path / "out.conll"
    with Store.open(project) as store:
        run(run_export(store, out, "conll", ExportOptions("ann")))
        texts = sum(1 + len(store.comments(d)) for d in store.document_ids())
    assert out.read_text(encoding="utf-8").startswith("-DOCSTART- -X- O O\n")
    converted = tmp_path / "converted"
    converted.mkdir()
    done = subprocess.run([sys.executable, "-m", "spacy", "convert", str(out), str(converted), "-c", "ner"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(next(converted.glob("*.spacy"))).get_docs(blank_english().vocab))
    assert len(docs) == texts == 9
    assert {e.text for d in docs for e in d.ents} >= {"Vladimir Putin", "Donald Trump", "Hamburg"}


def test_config_weighs_only_scores_the_pipeline_makes(tmp_path):
    project = make_project(tmp_path / "p.db", n=3)
    out = tmp_path / "out"
    with Store.open(project) as store:
        run(run_export(store, out, "spacy", ExportOptions("ann")))
    from spacy import util

    config = util.load_config(out / "config.cfg")
    nlp = util.load_model_from_config(config, auto_fill=True, validate=False)
    weights = nlp.config["training"]["score_weights"]
    assert not weights.get("spans_sc_f")  # spancat's default key: always 0 for our "quotes" spans
    assert weights["spans_quotes_f"] and weights["ents_f"]
    assert abs(sum(v for v in weights.values() if v) - 1.0) < 0.02


def test_entity_ending_in_whitespace_is_trimmed_for_spacy_and_said(tmp_path):
    import json

    from spacy.tokens import DocBin

    text = "Jay Z.\n\nHe said hi."
    with Store.create(tmp_path / "p.db") as store:
        with store.transaction():
            store.import_articles([ImportedArticle(Document(None, "d", "t", text), (), (ImportedSpan("p", 0, 8, "PERSON"),))], "g", "x")
        run(run_export(store, tmp_path / "out", "spacy", ExportOptions("x", split=(1.0,))))
        run(run_export(store, tmp_path / "o.conll", "conll", ExportOptions("x")))
    (doc,) = DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(blank_english().vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("Jay Z.", "PERSON")]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["alignment"]["trimmed"] == 1
    assert json.loads((tmp_path / "o.manifest.json").read_text(encoding="utf-8"))["alignment"]["trimmed"] == 1
