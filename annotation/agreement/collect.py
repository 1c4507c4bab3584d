"""What each annotator said, loaded once in bulk: spans, quote sources, stance labels.

Model suggestions (origin ``model``) count for an annotator only in documents that annotator
marked done: leaving a suggestion in a finished document is accepting it, while in an
unfinished one nobody has looked at it yet, and counting it would measure the model instead
of the people.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from annotation.errors import GoldspanError
from annotation.model import GOLD, ORIGIN_MODEL

# One span as agreement needs it: (document_id, comment_id or -1, start, end, label, layer, span_id)
SpanKey = tuple[int, int, int, int, str, str, int]


class AgreementError(GoldspanError):
    """Agreement cannot be computed: too few annotators, an unknown name, nothing in common."""


@dataclass
class AnnotatorData:
    name: str
    spans: dict[int, list[SpanKey]] = field(default_factory=lambda: defaultdict(list))  # by document
    # quote span id -> places (document, comment, start, end) of its SOURCE and what that corefers to
    sources: dict[int, list[tuple[int, int, int, int]]] = field(default_factory=dict)
    stances: dict[tuple[int, str], str] = field(default_factory=dict)  # (comment_id, target) -> label
    stance_documents: dict[int, int] = field(default_factory=dict)  # comment_id -> document_id
    documents: set[int] = field(default_factory=set)  # documents this annotator worked on
    # documents whose spans count: with a span, or marked done (an annotator who only labelled
    # stance in a document has not said "there are no entities here")
    span_documents: set[int] = field(default_factory=set)
    done: set[int] = field(default_factory=set)


@dataclass
class AgreementData:
    annotators: list[AnnotatorData]
    titles: dict[int, tuple[str, str]]  # document id -> (ext_id, title)

    def by_name(self) -> dict[str, AnnotatorData]:
        return {a.name: a for a in self.annotators}


def choose_annotators(store, requested: Sequence[str] | None) -> list[str]:  # type: ignore[no-untyped-def]
    """The annotators to compare: those asked for (each must exist), else everyone with
    annotations except the gold layer. Raises AgreementError with one clear line."""
    having = store.annotators_with_data()
    where = str(store.path or "the project")
    if requested:
        names = list(dict.fromkeys(requested))
        unknown = [n for n in names if n not in having]
        if unknown:
            known = ", ".join(having) or "none"
            raise AgreementError(f"{where}: no annotations by {', '.join(repr(n) for n in unknown)} (annotators with annotations: {known})")
    else:
        names = [n for n in having if n != GOLD]
    if len(names) < 2:
        known = ", ".join(having) or "none"
        raise AgreementError(f"{where}: agreement needs at least two annotators; annotators with annotations: {known}")
    return names


def load(store, names: Sequence[str]) -> AgreementData:  # type: ignore[no-untyped-def]
    data = {n: AnnotatorData(n) for n in names}
    for document_id, annotator, status, _note, _updated in store.status_rows(names):
        if status == "done":
            data[annotator].done.add(document_id)
            data[annotator].documents.add(document_id)
            data[annotator].span_documents.add(document_id)
    coref: dict[int, list[int]] = defaultdict(list)
    source_of: dict[int, list[int]] = defaultdict(list)
    for _id, _doc, head, child, label, _annotator, _origin, _created in store.relation_rows(names):
        if label == "source":
            source_of[head].append(child)
        elif label == "coref":
            coref[head].append(child)
    # only spans that take part in an attribution need their place and owner kept
    linked = set(source_of) | {c for cs in source_of.values() for c in cs} | {c for cs in coref.values() for c in cs}
    units: dict[int, tuple[int, int, int, int]] = {}
    owner: dict[int, str] = {}
    for span_id, document_id, comment_id, start, end, label, layer, annotator, origin, *_rest in store.span_rows(names):
        unit = -1 if comment_id is None else comment_id
        if span_id in linked:
            units[span_id] = (document_id, unit, start, end)
            owner[span_id] = annotator
        who = data[annotator]
        if origin == ORIGIN_MODEL and document_id not in who.done:
            continue
        who.spans[document_id].append((document_id, unit, start, end, label, layer, span_id))
        who.documents.add(document_id)
        who.span_documents.add(document_id)
    for quote_id, children in source_of.items():
        places = []
        for child in children:
            places += [units[c] for c in [child, *coref.get(child, [])] if c in units]
        if quote_id in owner:
            data[owner[quote_id]].sources[quote_id] = places
    for _id, document_id, comment_id, target, label, annotator, *_rest in store.stance_rows(names):
        who = data[annotator]
        who.stances[(comment_id, target)] = label
        who.stance_documents[comment_id] = document_id
        who.documents.add(document_id)
    titles = {i: (ext, title) for i, ext, _h, title in store.document_identities()}
    return AgreementData([data[n] for n in names], titles)

