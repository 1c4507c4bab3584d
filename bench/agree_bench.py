"""Agreement benchmark: 100,000 stance labels and 200,000 spans.

Prints ours next to scikit-learn's cohen_kappa_score / f1_score and the krippendorff package on
the same data in the same run, with the ratio (reference time / our time: above 1 means ours is
faster), and checks that the numbers are equal. With --project it also times the whole
``goldspan agree`` report from a project file holding the same data (loading included).

    uv run python bench/agree_bench.py [--seed 0] [--repeat 3] [--project]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from annotation.agreement import stats  # noqa: E402
from annotation.agreement.spans import compare_spans  # noqa: E402

LABELS = ["favor", "against", "neutral", "unrelated"]
ENTITY_LABELS = ["PERSON", "ORG", "GPE", "DATE", "NORP"]


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def stance_data(rng: random.Random, n_items: int) -> tuple[list[str | None], list[str | None]]:
    a = [rng.choice(LABELS) for _ in range(n_items)]
    b = [x if rng.random() < 0.7 else rng.choice(LABELS) for x in a]
    for column in (a, b):  # about 3% missing on each side
        for i in rng.sample(range(n_items), n_items * 3 // 100):
            column[i] = None
    return a, b


def span_data(rng: random.Random, n_spans: int, n_docs: int) -> tuple[list[tuple], list[tuple]]:
    """Two annotators with n_spans/2 entity spans each; B copies A mostly, moves or relabels some."""
    a, b = [], []
    per_doc = n_spans // 2 // n_docs
    sid = 0
    for doc in range(n_docs):
        position = 0
        for _ in range(per_doc):
            position += rng.randint(3, 30)
            start, end = position, position + rng.randint(2, 20)
            position = end
            unit = -1 if rng.random() < 0.5 else rng.randint(1, 20)
            label = rng.choice(ENTITY_LABELS)
            a.append((doc, unit, start, end, label, "entity", sid))
            sid += 1
            roll = rng.random()
            if roll < 0.75:
                b.append((doc, unit, start, end, label, "entity", sid))
            elif roll < 0.85:
                b.append((doc, unit, start + 1, end, label, "entity", sid))
            elif roll < 0.92:
                b.append((doc, unit, start, end, rng.choice(ENTITY_LABELS), "entity", sid))
            else:
                b.append((doc, unit, end + 2, end + 6, label, "entity", sid))
            sid += 1
    return a, b


def bench_stance(rng: random.Random, repeat: int) -> None:
    from krippendorff import alpha as kripp_alpha
    from sklearn.metrics import cohen_kappa_score

    a, b = stance_data(rng, 51_546)  # 3% missing on each side: 100,000 labels
    print(f"stance: {sum(x is not None for x in a + b):,} labels on 51,546 comments, two annotators")

    def ours_kappa() -> float | None:
        codes, cats = stats.encode([a, b], LABELS)
        return stats.cohen_kappa(codes[0], codes[1], len(cats))

    both = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    ya, yb = [x for x, _ in both], [y for _, y in both]

    def sk_kappa() -> float:
        return float(cohen_kappa_score(ya, yb))

    def ours_alpha() -> float | None:
        codes, cats = stats.encode([a, b], LABELS)
        return stats.krippendorff_alpha_nominal(codes, len(cats))

    matrix = np.array([[np.nan if v is None else LABELS.index(v) for v in row] for row in (a, b)], dtype=float)

    def ref_alpha() -> float:
        return float(kripp_alpha(reliability_data=matrix, level_of_measurement="nominal"))

    report("Cohen's kappa", best(ours_kappa, repeat), best(sk_kappa, repeat), "sklearn cohen_kappa_score (pairs pre-filtered)")
    report("Krippendorff's alpha", best(ours_alpha, repeat), best(ref_alpha, repeat), "krippendorff.alpha (matrix pre-encoded)")
    codes3 = np.vstack([stats.encode([a, b], LABELS)[0], stats.encode([b], LABELS)[0]])
    t, (fk, n) = best(lambda: stats.fleiss_kappa(codes3, len(LABELS)), repeat)  # type: ignore[misc]
    print(f"  Fleiss' kappa, 3 annotators x 51,546: {t * 1000:8.1f} ms (kappa {fk:.4f} over {n:,} complete items; no reference installed)")


def bench_spans(rng: random.Random, repeat: int) -> None:
    from sklearn.metrics import f1_score

    a, b = span_data(rng, 200_000, 2_000)
    print(f"spans: {len(a) + len(b):,} entity spans in 2,000 documents, two annotators")

    def ours() -> float | None:
        return compare_spans(a, b).total().figures()["f1_exact"]  # also computes overlap matching

    def reference() -> float:
        keys_a = {s[:6] for s in a}
        keys_b = {s[:6] for s in b}
        union = list(keys_a | keys_b)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(f1_score([k in keys_a for k in union], [k in keys_b for k in union]))

    report("span F1 (exact + overlap)", best(ours, repeat), best(reference, repeat), "sklearn f1_score over the union (exact only)")


def report(name: str, ours: tuple[float, object], ref: tuple[float, object], ref_name: str) -> None:
    (t_ours, v_ours), (t_ref, v_ref) = ours, ref
    same = v_ours is not None and abs(float(v_ours) - float(v_ref)) < 1e-9  # type: ignore[arg-type]
    print(f"  {name:<26} ours {t_ours * 1000:8.1f} ms | {ref_name}: {t_ref * 1000:8.1f} ms | "
          f"ratio {t_ref / t_ours:5.2f}x | value {float(v_ours):.6f} {'==' if same else '!='} {float(v_ref):.6f}")  # type: ignore[arg-type]
    if not same:
        raise SystemExit(f"{name}: values differ")


def bench_project(rng: random.Random) -> None:
    """The whole report from a project file: 100,000 stance labels and 200,000 spans."""
    from annotation.agreement import compute_agreement
    from annotation.model import Comment, Document, ImportedArticle
    from annotation.store import Store

    folder = Path(tempfile.mkdtemp(prefix="agree-bench-"))
    store = Store.create(folder / "bench.db")
    n_docs, per_doc = 2_000, 25
    with store.transaction():
        articles = [ImportedArticle(Document(None, f"d{d}", f"doc {d}", "x" * 4000 + f" {d}"),
                                    tuple(Comment(None, None, f"c{c}", "y" * 200 + f" {d}-{c}", position=c) for c in range(per_doc)))
                    for d in range(n_docs)]
        store.import_articles(articles, "bench")
        a, b = span_data(rng, 200_000, n_docs)
        comments = {(d, c.position): c.id for d in store.document_ids() for c in store.comments(d)}
        for who, spans in (("alice", a), ("bob", b)):
            store.ensure_annotator(who)
            for doc, unit, start, end, label, layer, _sid in spans:
                comment = None if unit < 0 else comments[(doc + 1, unit)]
                store.insert_span_row(doc + 1, comment, start, min(end, 199 if comment else 3999), label, layer, who, "human", "", "{}", "", "")
        sa, sb = stance_data(rng, n_docs * per_doc)
        for i, (x, y) in enumerate(zip(sa, sb)):
            comment = comments[(i // per_doc + 1, i % per_doc)]
            for who, label in (("alice", x), ("bob", y)):
                if label is not None:
                    store.insert_stance_row(comment, "topic", label, who, "", False, "", "")
    start = time.perf_counter()
    report_dict = compute_agreement(store)
    took = time.perf_counter() - start
    topic = report_dict["stance"]["topic"]
    print(f"whole report from a project file (load + all figures): {took:.2f} s; kappa {topic['cohen_kappa']:.4f}, "
          f"alpha {topic['krippendorff_alpha']:.4f}, entity F1 exact {report_dict['spans_overall']['entity']['f1_exact']:.4f}")
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--project", action="store_true", help="also time the whole report from a project file")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    bench_stance(rng, args.repeat)
    bench_spans(rng, args.repeat)
    if args.project:
        bench_project(rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
