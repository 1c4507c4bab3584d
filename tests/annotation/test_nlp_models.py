"""Loading spaCy pipelines offline, and cutting long texts into pieces the parser accepts."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotation.nlp.models import CHUNK_CHARS, ModelNotFound, chunks, default_model_name, installed_pipelines, load_model


def test_default_model_is_installed_and_recorded_with_its_version():
    model = load_model()
    assert model.name == default_model_name() in installed_pipelines()
    assert model.label == f"{model.name} {model.nlp.meta['version']}"
    assert {"parser", "ner", "tagger"} <= set(model.nlp.pipe_names)
    assert "senter" not in model.nlp.pipe_names  # switched off: the parser finds sentences


def test_a_pipeline_folder_loads_by_path_under_its_package_name():
    import importlib

    package = importlib.import_module(default_model_name())
    folder = next(p for p in Path(package.__file__).parent.iterdir() if (p / "meta.json").is_file())
    model = load_model(str(folder))
    assert model.name == default_model_name()
    assert model.nlp("Angela Merkel spoke.").ents


@pytest.mark.parametrize("name", ["xx_no_such_model", "./no/such/folder"])
def test_missing_model_names_what_is_installed(name):
    with pytest.raises(ModelNotFound) as info:
        load_model(name)
    assert name in str(info.value) and default_model_name() in str(info.value)


def test_a_folder_that_is_not_a_pipeline(tmp_path):
    with pytest.raises(ModelNotFound):
        load_model(str(tmp_path))


def test_paragraph_breaks_end_sentences():
    doc = load_model().nlp("He said the plan would work\n\nThe council said it would not")
    assert [s.text.strip() for s in doc.sents] == ["He said the plan would work", "The council said it would not"]


@pytest.mark.parametrize("text", [
    "",
    "short text",
    ("A paragraph of ordinary words. " * 40 + "\n\n") * 300,
    "x" * (CHUNK_CHARS * 2 + 17),  # no space anywhere: cut hard
    ("word " * 30_000),
])
def test_chunks_cover_the_text_exactly_and_respect_the_limit(text):
    pieces = list(chunks(text))
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= CHUNK_CHARS for _, piece in pieces)
    assert [offset for offset, _ in pieces] == [sum(len(p) for _, p in pieces[:n]) for n in range(len(pieces))]
    if "\n\n" in text and len(pieces) > 1:
        assert all(piece.endswith("\n\n") for _, piece in pieces[:-1])  # cut at paragraph breaks
