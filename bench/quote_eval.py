"""Quotation detector on the hand-annotated dev set (tests/quote_gold.jsonl).

    uv run python bench/quote_eval.py [--verbose]

A gold quote is found when a predicted QUOTE content span covers at least 30% of it (each
prediction matches one gold quote at most). Prints precision, recall, F1, recall by kind, and
speaker accuracy: of the found quotes, the share whose resolved speaker names the gold
speaker (same name, or same last word, or one name inside the other: "Lavrov" = "Sergey Lavrov").
Texts are read from ../shared by id, never copied into the repository.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
GOLD = REPO / "tests" / "quote_gold.jsonl"
SHARED = REPO.parent / "shared"
COVER = 0.3


def load_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        texts[f"seed:{path.stem}"] = path.read_text(encoding="utf-8")
    corpus = SHARED / "corpus" / "wikinews_gum.jsonl"
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            texts[f"wikinews:{record['id']}"] = record["text"]
    demo = REPO / "resources" / "demo"  # the invented demo corpus ships with the repository
    for path in sorted(demo.glob("*.jsonl")) if demo.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                texts[f"demo:{record['id']}"] = record["text"]
    return texts


def load_gold(texts: dict[str, str], split: str = "all") -> dict[str, list[dict]]:  # type: ignore[type-arg]
    gold: dict[str, list[dict]] = defaultdict(list)  # type: ignore[type-arg]
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "doc" not in row or (split != "all" and row.get("split", "dev") != split):
            continue
        text = texts[row["doc"]]
        if not text[row["start"]:row["end"]].startswith(row["begins"]) or not text[row["start"]:row["end"]].endswith(row["ends"]):
            raise SystemExit(f"gold drifted from the text: {row['doc']} {row['start']}-{row['end']}")
        gold[row["doc"]].append(row)
    return gold


def _norm(name: str | None) -> str:
    name = (name or "").lower().replace("’", "'").strip()
    for prefix in ("the ",):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name.removesuffix("'s").strip()


def same_speaker(predicted: str | None, gold: str | None) -> bool:
    p, g = _norm(predicted), _norm(gold)
    if not p or not g:
        return p == g
    return p == g or p in g or g in p or p.split()[-1] == g.split()[-1] or _acronym(p) == g or _acronym(g) == p


def _acronym(name: str) -> str:
    """ "korean central news agency" -> "kcna" (a gold "KCNA" names the same speaker)."""
    return "".join(w[0] for w in name.split() if w not in ("of", "the", "and", "for"))


def match(gold: list[dict], predicted: list) -> list[tuple[dict, object | None]]:  # type: ignore[type-arg]
    used: set[int] = set()
    pairs = []
    for g in gold:
        best, best_overlap = None, 0
        for n, p in enumerate(predicted):
            if n in used:
                continue
            overlap = min(g["end"], p.end) - max(g["start"], p.start)
            if overlap >= COVER * (g["end"] - g["start"]) and overlap > best_overlap:
                best, best_overlap = n, overlap
        if best is not None:
            used.add(best)
        pairs.append((g, predicted[best] if best is not None else None))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses, false alarms and wrong speakers")
    parser.add_argument("--model", default=None)
    parser.add_argument("--split", choices=("dev", "test", "all", "each"), default="each",
                        help="dev: the articles the rules were developed on; test: held out (annotated after); "
                        "each (default): both, one after the other")
    args = parser.parse_args()
    for split in (("dev", "test") if args.split == "each" else (args.split,)):
        print(f"== {split}")
        evaluate(split, args.verbose, args.model)
    return 0


def evaluate(split: str, verbose: bool, model: str | None) -> None:
    from annotation.nlp.models import load_model
    from annotation.nlp.quotes import detect_quotations

    texts = load_texts()
    gold = load_gold(texts, split)
    nlp = load_model(model).nlp
    n_gold = n_pred = n_found = n_speaker = 0
    by_kind: Counter[str] = Counter()
    found_kind: Counter[str] = Counter()
    for doc_id, rows in sorted(gold.items()):
        text = texts[doc_id]
        predicted = detect_quotations(nlp(text))
        pairs = match(rows, predicted)
        n_gold += len(rows)
        n_pred += len(predicted)
        matched_ids = set()
        for g, p in pairs:
            by_kind[g["kind"]] += 1
            if p is None:
                if verbose:
                    print(f"MISS  {doc_id} [{g['kind']}] {text[g['start']:g['end']][:70]!r} ({g['speaker']})")
                continue
            matched_ids.add(id(p))
            n_found += 1
            found_kind[g["kind"]] += 1
            if same_speaker(p.speaker, g["speaker"]):  # type: ignore[attr-defined]
                n_speaker += 1
            elif verbose:
                print(f"WHO   {doc_id} {text[g['start']:g['end']][:50]!r}: {p.speaker!r} should be {g['speaker']!r}")  # type: ignore[attr-defined]
        if verbose:
            for p in predicted:
                if id(p) not in matched_ids:
                    print(f"EXTRA {doc_id} {text[p.start:p.end][:70]!r} ({p.speaker})")
    precision = n_found / n_pred if n_pred else 0.0
    recall = n_found / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"documents {len(gold)}  gold quotes {n_gold}  predicted {n_pred}  found {n_found}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  (found = predicted content covers >= {COVER:.0%} of gold)")
    print(f"speaker accuracy {n_speaker / n_found if n_found else 0.0:.3f}  ({n_speaker} of {n_found} found quotes)")
    print("recall by kind: " + ", ".join(f"{k} {found_kind[k]}/{v}" for k, v in sorted(by_kind.items())))


if __name__ == "__main__":
    sys.exit(main())
