"""`goldspan export`: selection, splits, manifest, suggestions, alignment and every refusal."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.cli import main
from annotation.exporters import ExportError, ExportOptions, run_export
from annotation.exporters.base import split_documents
from annotation.jobs import run
from annotation.model import GOLD, Document, ImportedArticle, ImportedSpan
from annotation.store import Store
from tests.annotation.test_export_support import article, make_project
from tests.helpers import REPO


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_empty_project_is_refused_and_writes_nothing(project, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", str(project), str(out), "--format", "spacy", "--annotator", "me", "--quiet"]) == 1
    assert "has no documents" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_annotator_with_nothing_is_refused_naming_who_has(tmp_path, capsys):
    project = make_project(tmp_path / "p.db", 2)
    out = tmp_path / "x.jsonl"
    assert main(["export", str(project), str(out), "--format", "prodigy", "--annotator", "nobody", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "annotator 'nobody' has nothing to export" in err and "ann" in err
    assert not out.exists() and not (tmp_path / "x.manifest.json").exists()
    assert main(["export", str(project), str(out), "--format", "prodigy", "--gold", "--quiet"]) == 1
    assert "the gold layer has nothing to export" in capsys.readouterr().err


def test_unwritable_output_is_a_clear_error(tmp_path, capsys):
    project = make_project(tmp_path / "p.db", 1)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["export", str(project), str(blocker / "out"), "--format", "spacy", "--annotator", "ann", "--quiet"]) == 1
    assert "cannot write the export there" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.manifest.json"))


def test_read_only_output_folder_is_a_clear_error(tmp_path, capsys, monkeypatch):
    project = make_project(tmp_path / "p.db", 1)
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    # CI runs as root, which writes through permission bits: there, refuse writes into the
    # folder the way the kernel does for a normal user, so the test runs everywhere.
    real_write_bytes = Path.write_bytes

    def refuse_in_locked(self: Path, data: bytes) -> int:
        if self.parent == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", refuse_in_locked)
    try:
        assert main(["export", str(project), str(locked / "x.jsonl"), "--format", "prodigy", "--annotator", "ann"]) == 1
        assert "cannot write the export there: Permission denied" in capsys.readouterr().err
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_prodigy_export_with_and_without_suggestions(tmp_path):
    project = make_project(tmp_path / "p.db", 2, suggestions=True)
    with Store.open(project, read_only=True) as store:
        run(run_export(store, tmp_path / "h.jsonl", "prodigy", ExportOptions("ann")))
        run(run_export(store, tmp_path / "s.jsonl", "prodigy", ExportOptions("ann", include_suggestions=True)))
    human = _jsonl(tmp_path / "h.jsonl")
    both = _jsonl(tmp_path / "s.jsonl")
    labels = lambda tasks: [s["label"] for t in tasks for s in t.get("spans", [])]  # noqa: E731
    assert "NORP" not in labels(human) and labels(both).count("NORP") == 1
    body = next(t for t in both if t["meta"]["unit"] == "body")
    assert body["meta"] == {"document": "a0", "title": "Title a0", "unit": "body", "annotator": "ann"}
    assert body["answer"] == "accept" and body["_annotator_id"] == "ann" and isinstance(body["_task_hash"], int)
    for span in body["spans"]:  # token_end is inclusive and the tokens cover the characters
        assert body["tokens"][span["token_start"]]["start"] == span["start"]
        assert body["tokens"][span["token_end"]]["end"] == span["end"]
    (rel,) = [r for r in body["relations"] if r["label"] == "source"]
    text = body["text"]
    assert text[rel["head_span"]["start"]:rel["head_span"]["end"]] == '"We agreed on July 7,"'
    assert text[rel["child_span"]["start"]:rel["child_span"]["end"]] == "Yuri Ushakov"
    comment = next(t for t in both if t["meta"]["unit"] == "c2" and t.get("_view_id") == "choice" and t["meta"]["target"] == "@parent")
    assert comment["accept"] == ["disagree"] and {o["id"] for o in comment["options"]} >= {"agree", "disagree"}
    assert comment["meta"]["parent"] == "c1"
    manifest = json.loads((tmp_path / "s.manifest.json").read_text())
    assert manifest["include_suggestions"] is True and manifest["counts"]["spans"]["NORP"] == 1


def test_split_is_by_article_and_deterministic():
    ids = list(range(1, 101))
    a = split_documents(ids, (0.8, 0.1, 0.1), seed=7)
    assert a == split_documents(ids, (0.8, 0.1, 0.1), seed=7)
    assert a != split_documents(ids, (0.8, 0.1, 0.1), seed=8)
    assert [len(a[k]) for k in ("train", "dev", "test")] == [80, 10, 10]
    assert sorted(a["train"] + a["dev"] + a["test"]) == ids


def test_spacy_split_keeps_each_articles_comments_together(tmp_path):
    from spacy.tokens import DocBin

    from annotation.exporters.base import blank_english

    project = make_project(tmp_path / "p.db", 10)
    out = tmp_path / "out"
    assert main(["export", str(project), str(out), "--format", "spacy", "--annotator", "ann", "--split", "0.6,0.2,0.2",
                 "--seed", "1", "--quiet"]) == 0
    seen: dict[str, str] = {}
    for split in ("train", "dev", "test"):
        docs = list(DocBin().from_disk(out / f"{split}.spacy").get_docs(blank_english().vocab))
        for doc in docs:
            meta = doc.user_data["goldspan"]
            assert seen.setdefault(meta["document"], split) == split
            if meta["unit"] == "c1":
                assert doc.cats["topic:favor"] == 1.0 and doc.cats["topic:against"] == 0.0
                assert [e.text for e in doc.ents] == ["Putin"]
            if meta["unit"] == "body":
                assert [(s.text, s.label_) for s in doc.spans["quotes"]][0] == ('"We agreed on July 7,"', "QUOTE")
                assert {r["label"] for r in meta["relations"]} == {"source", "cue"}
    assert len(seen) == 10
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["split"] == {"fractions": [0.6, 0.2, 0.2], "seed": 1, "documents": {"train": 6, "dev": 2, "test": 2}}
    assert manifest["annotator"] == "ann" and manifest["gold"] is False and manifest["schema"]["name"] == "news"
    assert manifest["counts"]["spans"]["PERSON"] == 30 and manifest["date"]


def _misaligned_project(path: Path) -> Path:
    body = "Mr. Putinova met them in Hamburg today."
    with Store.create(path) as store, store.transaction():
        start = body.index("Putin")
        store.import_articles([ImportedArticle(Document(None, "m1", "t", body), (),
                                               (ImportedSpan("a", start, start + 5, "PERSON"),
                                                ImportedSpan("b", body.index("Hamburg"), body.index("Hamburg") + 7, "GPE")))],
                              "t", GOLD)
    return path


def test_strict_alignment_refuses_and_lists_where(tmp_path, capsys):
    project = _misaligned_project(tmp_path / "p.db")
    out = tmp_path / "out"
    assert main(["export", str(project), str(out), "--format", "spacy", "--gold", "--alignment", "strict", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "1 span(s) do not align with spaCy tokens" in err and "m1/body" in err and "'Putin'" in err
    assert not any(p.suffix == ".spacy" for p in out.glob("*"))  # nothing that looks like success


def test_expand_and_contract_alignment_report_and_snap(tmp_path, capsys):
    from spacy.tokens import DocBin

    from annotation.exporters.base import blank_english

    project = _misaligned_project(tmp_path / "p.db")
    assert main(["export", str(project), str(tmp_path / "e"), "--format", "spacy", "--gold", "--quiet"]) == 0
    assert "1 span(s) did not align" in capsys.readouterr().err
    (doc,) = [d for s in ("train", "dev") for d in DocBin().from_disk(tmp_path / "e" / f"{s}.spacy").get_docs(blank_english().vocab)][:1]
    assert [(e.text, e.label_) for e in doc.ents] == [("Putinova", "PERSON"), ("Hamburg", "GPE")]
    assert main(["export", str(project), str(tmp_path / "c.conll"), "--format", "conll", "--gold", "--alignment", "contract", "--quiet"]) == 0
    manifest = json.loads((tmp_path / "c.manifest.json").read_text())
    assert manifest["alignment"]["misaligned"] == 1 and "no token inside it" in manifest["dropped"][0]
    assert "Putinova _ _ O" in (tmp_path / "c.conll").read_text()


def test_labelstudio_offsets_are_utf16(tmp_path):
    body = "😀😀 Vladimir Putin 👩‍💻 met Trump."
    with Store.create(tmp_path / "p.db") as store:
        with store.transaction():
            s = body.index("Putin")
            store.import_articles([ImportedArticle(Document(None, "e1", "t", body), (), (ImportedSpan("a", s, s + 5, "PERSON"),))], "t", "ann")
        run(run_export(store, tmp_path / "ls.json", "labelstudio", ExportOptions("ann")))
    (task,) = json.loads((tmp_path / "ls.json").read_text())
    (result,) = task["annotations"][0]["result"]
    utf16 = body.encode("utf-16-le")
    assert utf16[result["value"]["start"] * 2:result["value"]["end"] * 2].decode("utf-16-le") == "Putin"
    assert result["value"]["start"] == s + 2  # two emoji before it, two UTF-16 units each
    assert (tmp_path / "ls.config.xml").read_text().count('<Label value="PERSON"') == 1


def test_brat_writes_attribution_events_and_stance_attributes(tmp_path):
    project = make_project(tmp_path / "p.db", 1)
    with Store.open(project, read_only=True) as store:
        run(run_export(store, tmp_path / "b", "brat", ExportOptions("ann")))
    ann = (tmp_path / "b" / "a0.ann").read_text()
    assert "\tAttribution:T" in ann and " Content:T" in ann and " Source:T" in ann and " Cue:T" in ann
    comment = (tmp_path / "b" / "a0.c2.ann").read_text()
    assert "\tStance_topic T" in comment and "against" in comment and "\tReply T" in comment
    conf = (tmp_path / "b" / "annotation.conf").read_text()
    assert "[events]" in conf and "Stance_topic\tArg:Comment, Value:favor|against|neutral|unrelated" in conf


def test_run_export_refuses_unknown_format(tmp_path):
    project = make_project(tmp_path / "p.db", 1)
    with Store.open(project, read_only=True) as store, pytest.raises(ExportError, match="unknown export format"):
        run(run_export(store, tmp_path / "x", "nope", ExportOptions("ann")))


def test_spacy_train_and_debug_data_accept_the_export(tmp_path):
    """The printed command trains (two steps) on the export as it is, and debug data reads it."""
    project = make_project(tmp_path / "p.db", 6)
    result = subprocess.run([sys.executable, "-m", "annotation.cli", "export", str(project), str(tmp_path / "out"),
                             "--format", "spacy", "--annotator", "ann", "--quiet"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    command = result.stdout.split("train with:\n", 1)[1].strip()
    train = subprocess.run(command + " --training.max_steps 2 --training.eval_frequency 1 --nlp.batch_size 8",
                           shell=True, capture_output=True, text=True, cwd=tmp_path)
    assert train.returncode == 0, train.stdout[-2000:] + train.stderr[-2000:]
    assert (tmp_path / "out" / "model" / "model-last" / "config.cfg").exists()
    debug = subprocess.run([sys.executable, "-m", "spacy", "debug", "data", str(tmp_path / "out" / "config.cfg")],
                           capture_output=True, text=True, cwd=tmp_path)
    text = debug.stdout + debug.stderr
    assert "Named Entity Recognition" in text and "Text Classification" in text
    errors = [line for line in text.splitlines() if "✘" in line and not line.rstrip("\x1b[0m").endswith(" error")]
    assert all("Low number of examples" in line for line in errors), errors


def test_an_export_folder_imports_back_whole_manifest_and_all(tmp_path):
    project = make_project(tmp_path / "p.db", 2)
    out = tmp_path / "brat"
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 0
    assert (out / "manifest.json").exists()
    fresh = tmp_path / "fresh.db"
    assert main(["init", str(fresh)]) == 0
    assert main(["import", str(fresh), str(out), "--as-annotator", "ann"]) == 0
    with Store.open(project, read_only=True) as a, Store.open(fresh, read_only=True) as b:
        assert a.stats()["spans_by_label"] == b.stats()["spans_by_label"]
        assert b.stats()["documents"] == a.stats()["documents"]


def test_a_re_export_into_the_same_folder_replaces_the_previous_one(tmp_path):
    project = make_project(tmp_path / "p.db", 3)
    with Store.open(project) as store, store.transaction():  # bob annotated only the first article
        first = store.document(store.document_ids()[0])
        store.import_articles([article(first.ext_id, first.text)], "test", "bob")
    out = tmp_path / "brat"
    keep = out / "notes.txt.keep"
    out.mkdir()
    keep.write_text("mine")  # not Goldspan's: never touched
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "ann", "--quiet"]) == 0
    assert len(list(out.glob("*.ann"))) >= 3
    assert main(["export", str(project), str(out), "--format", "brat", "--annotator", "bob", "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    listed = set(manifest["files"]) | {"manifest.json"}
    present = {p.name for p in out.iterdir()} - {keep.name}
    assert present == listed and manifest["annotator"] == "bob"
    assert keep.read_text() == "mine"
