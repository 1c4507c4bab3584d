"""A project with dense quotations and overlapping spans, as news has them: a SOURCE on the
same words as a PERSON ("said Jane Roe"), entities inside QUOTEs, a CUE over an entity ("told
Reuters"), one SOURCE shared by two QUOTEs, a QUOTE nested in a long one, pronoun SOURCEs
linked by coref to their PERSON (one two paragraphs away, after a blank line), and model
suggestions among the annotator's spans."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotation.commands import NEW_SPAN, AddRelation, AddSpan
from annotation.model import ENTITY, ORIGIN_HUMAN, ORIGIN_MODEL, QUOTE_LAYER, Relation, Span
from annotation.store import Store
from tests.gui.gui_helpers import add_article

TEXT = (
    "\"The bridge will close in May,\" said Jane Roe, the mayor of Springfield, and \"nobody in "
    "Shelbyville will notice,\" she added. \"We disagree,\" Mark Poe told Reuters, \"and we will "
    "fight it.\" According to the council, \"the plan is final.\"\n"
    "Critics were louder. \"It is a scandal,\" said Ann Lee, who leads the opposition in the town "
    "and has campaigned against the closure since the first reports appeared last winter. \"This is "
    "a long quotation that runs over several lines of the article so that its bar and its arcs have "
    "to be drawn from a QUOTE that wraps around the window many times over, as quotes in news do "
    "when a speaker explains at length why the decision was wrong and what should happen next,\" "
    "she told the Gazette on Monday.\n"
    "The council meets again next week.\n"
    "\n"
    "\"We will listen to everyone,\" he said after the meeting."
)
WHO = "tester"


@dataclass
class Dense:
    path: Path
    doc: int
    ids: dict[str, int] = field(default_factory=dict)  # a name for each span of interest


def find(words: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(words, i + 1)
    return i, i + len(words)


def build(path: Path) -> Dense:
    store = Store.create(path)
    try:
        doc = add_article(store, TEXT)
        dense = Dense(path, doc)

        def add(name: str, where: tuple[int, int], label: str, origin: str = ORIGIN_HUMAN,
                quote: str | None = None) -> int:
            layer = QUOTE_LAYER if label in ("QUOTE", "SOURCE", "CUE") else ENTITY
            span = Span(None, doc, None, *where, label, layer, WHO, origin,
                        model="test 1" if origin == ORIGIN_MODEL else "")
            links = () if quote is None else (
                Relation(None, doc, dense.ids[quote], NEW_SPAN, label.lower(), WHO, origin),)
            _, changes = store.apply(AddSpan(span, links), WHO)
            dense.ids[name] = min(changes.spans)
            return dense.ids[name]

        add("jane", find("Jane Roe"), "PERSON")
        add("springfield", find("Springfield"), "GPE")
        add("shelbyville", find("Shelbyville"), "GPE")
        add("mark", find("Mark Poe"), "PERSON")
        add("reuters", find("Reuters"), "ORG", ORIGIN_MODEL)  # under the CUE "told Reuters"
        add("ann", find("Ann Lee"), "PERSON")
        add("gazette", find("the Gazette"), "ORG")
        add("monday", find("Monday"), "DATE", ORIGIN_MODEL)
        add("may", find("May"), "DATE")
        add("q1", find("The bridge will close in May,"), "QUOTE")
        add("q1_cue", find("said"), "CUE", quote="q1")
        add("q1_source", find("Jane Roe"), "SOURCE", quote="q1")  # the same words as the PERSON
        add("q2", find("nobody in Shelbyville will notice,"), "QUOTE")
        add("q2_source", find("she"), "SOURCE", quote="q2")
        add("q2_cue", find("added"), "CUE", quote="q2")
        store.apply(AddRelation(Relation(None, doc, dense.ids["q2_source"], dense.ids["jane"], "coref", WHO)), WHO)
        add("q3", find("We disagree,"), "QUOTE")
        add("q3_source", find("Mark Poe"), "SOURCE", quote="q3")
        add("q3_cue", find("told Reuters"), "CUE", quote="q3")
        add("q3b", find("and we will fight it."), "QUOTE")
        store.apply(AddSpan(Span(None, doc, None, *find("Mark Poe"), "SOURCE", QUOTE_LAYER, WHO),
                            (Relation(None, doc, dense.ids["q3b"], NEW_SPAN, "source", WHO),)), WHO)
        add("q4", find("the plan is final."), "QUOTE", ORIGIN_MODEL)
        add("q4_cue", find("According to"), "CUE", ORIGIN_MODEL, quote="q4")
        add("q4_source", find("the council"), "SOURCE", ORIGIN_MODEL, quote="q4")
        add("q5", find("It is a scandal,"), "QUOTE")
        add("q5_cue", find("said", 1), "CUE", quote="q5")
        add("q5_source", find("Ann Lee"), "SOURCE", quote="q5")
        long_quote = TEXT[TEXT.index("This is a long"):TEXT.index("happen next,") + len("happen next,")]
        add("q6", find(long_quote), "QUOTE")
        add("q7", find("a speaker explains at length why the decision was wrong"), "QUOTE")  # nested in q6
        add("q6_source", find("she", 1), "SOURCE", quote="q6")
        add("q6_cue", find("told", 1), "CUE", quote="q6")
        store.apply(AddRelation(Relation(None, doc, dense.ids["q6_source"], dense.ids["ann"], "coref", WHO)), WHO)
        add("q8", find("We will listen to everyone,"), "QUOTE")
        he = TEXT.index("he said after")
        add("q8_source", (he, he + 2), "SOURCE", quote="q8")
        add("q8_cue", (he + 3, he + 7), "CUE", quote="q8")
        store.apply(AddRelation(Relation(None, doc, dense.ids["q8_source"], dense.ids["mark"], "coref", WHO)), WHO)
    finally:
        store.close()
    return dense
