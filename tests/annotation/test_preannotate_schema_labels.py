"""A project whose schema keeps fewer entity labels than the stock model knows gets no
suggestions of the others: they would be spans of unknown labels (`goldspan check` finds them)."""
from __future__ import annotations

from pathlib import Path

from annotation.cli import main
from annotation.jobs import run
from annotation.model import Document, ImportedArticle
from annotation.nlp.preannotate import preannotate
from annotation.schema import DEFAULT_SCHEMA_PATH, parse_schema
from annotation.store import Store

TEXT = "Angela Merkel met Emmanuel Macron in Paris and Berlin on Monday."


def _without_gpe() -> object:
    text = DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("GPE")]
    assert len(lines) == len(text.splitlines()) - 1
    return parse_schema("\n".join(lines) + "\n", "no GPE")


def test_labels_the_schema_lacks_are_left_out_and_counted(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.db"
    with Store.create(path, schema=_without_gpe()) as store:
        with store.transaction():
            store.import_articles([ImportedArticle(Document(None, "a", "A", TEXT), ())], "t")
        report = run(preannotate(store, "ann"))
        labels = {s.label for d in store.document_ids() for s in store.spans(d, "ann")}
    assert "PERSON" in labels and "GPE" not in labels
    assert report.unknown_labels.get("GPE", 0) >= 2
    assert "left out, as the project's schema lacks their labels:" in report.summary()
    assert main(["check", str(path)]) == 0, capsys.readouterr()
