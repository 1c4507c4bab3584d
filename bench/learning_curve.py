"""Learning curves for the model in the loop (issue 11), same run, same machine.

    uv run python bench/learning_curve.py [--part stance|ner|all] [--seeds 3] [--split test|dev] [--json OUT]

Stance (ArgKP, ../shared/corpus/argkp): each file is imported into one project as one document
per motion (the motion is the document's stance target, each argument a comment, its pro/con
a favor/against label in a layer per file). For 50, 100, 200, 500, 1,000 and all train
arguments (seeded samples, mean over --seeds) `goldspan train --task stance` runs on the
layer, and the model labels the motions of --split (test: motions it never saw; dev was used
to choose the features and C). Beside it, on the same samples: TF-IDF + logistic regression
(scikit-learn, target + comment) and the majority class of the sample. Accuracy, macro-F1,
training time and peak memory (tracemalloc) per point; then suggestion throughput: the
`preannotate --stance` job (features, model, database writes) against bare predictions of
the same model over the same rows.

NER (Wikinews, ../shared/corpus/wikinews_gum.jsonl): a new label ROLE (job titles and roles:
"President", "foreign minister", "spokesman" ...) is annotated by a rule, since the corpus has
no gold. 4 fixed documents are held out; `train --task ner` runs on 5, 10 and 20 of the rest,
with pseudo-rehearsal of the stock labels, without any protection, and with rehearsal plus the
recognizer's token encoder frozen ("freeze what is not taught"). Reported: ROLE F1 on the held-out
documents against the rule, and stock-label F1 against the base model's own predictions
(1.0 = nothing forgotten), before (the base model) and after.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "corpus"
ARGKP = SHARED / "argkp"
WIKINEWS = SHARED / "wikinews_gum.jsonl"
SIZES = (50, 100, 200, 500, 1000, 0)  # 0: all


def measured(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, seconds, peak MB of Python/NumPy allocations)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = fn()
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return result, seconds, peak


# -- stance ----------------------------------------------------------------------------------

def read_argkp(name: str) -> list[tuple[str, str, str, str]]:
    """(arg_id, motion, argument, favor|against)."""
    with open(ARGKP / f"arguments_{name}.csv", encoding="utf-8", newline="") as fh:
        return [(r["arg_id"], r["topic"], r["argument"], "favor" if r["stance"].strip() == "1" else "against")
                for r in csv.DictReader(fh)]


def import_argkp(store: Any, rows: list[tuple[str, str, str, str]], layer: str, with_comments: bool) -> None:
    """One document per motion (text = the motion); the motion is the stance target."""
    from annotation.model import Comment, Document, ImportedArticle, ImportedStance

    by_motion: dict[str, list[tuple[str, str, str, str]]] = {}
    for row in rows:
        by_motion.setdefault(row[1], []).append(row)
    articles = []
    for motion, items in by_motion.items():
        comments = tuple(Comment(None, None, a, text) for a, _, text, _ in items) if with_comments else ()
        stances = tuple(ImportedStance(a, motion, label) for a, _, _, label in items)
        articles.append(ImportedArticle(Document(None, f"argkp:{motion}", motion, motion), comments, stances=stances,
                                        refers_to_existing=not with_comments))
    with store.transaction():
        store.import_articles(articles, f"argkp-{layer}.csv", annotator=layer)


def baseline_tfidf(train: list[tuple[str, str, str, str]], test: list[tuple[str, str, str, str]]) -> list[str]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    x = vec.fit_transform([f"{m} {t}" for _, m, t, _ in train])
    clf = LogisticRegression(max_iter=1000).fit(x, [l for *_, l in train])
    return list(clf.predict(vec.transform([f"{m} {t}" for _, m, t, _ in test])))


def stance_curve(seeds: int, split: str, workdir: Path) -> dict[str, Any]:
    from annotation.jobs import run
    from annotation.training.report import classification_scores
    from annotation.training.stance import load_heads, train_stance
    from annotation.training.stance_model import target_text

    train_rows, eval_rows = read_argkp("train"), read_argkp(split)
    store = stance_project(workdir, split)
    gold = [l for *_, l in eval_rows]
    eval_model_rows = [(target_text(m, m), t, "") for _, m, t, _ in eval_rows]
    labels = ("favor", "against")
    points = []
    for size in SIZES:
        n = size or len(train_rows)
        runs: dict[str, list[tuple[float, float]]] = {"goldspan": [], "tfidf_lr": [], "majority": []}
        times, peaks = [], []
        for seed in range(seeds if size else 1):
            sample = random.Random(seed).sample(train_rows, n) if size else train_rows
            layer = f"train-{n}-{seed}"
            import_argkp(store, sample, layer, with_comments=False)
            start = time.perf_counter()
            report = run(train_stance(store, layer, workdir / "models", 0.0, seed, register=False))
            times.append(time.perf_counter() - start)
            if seed == 0:  # tracemalloc slows Python down: memory is measured in a second, traced run
                peaks.append(measured(lambda: run(train_stance(store, layer, workdir / "models", 0.0, seed,
                                                               register=False)))[2])
            predicted = [l for l, _ in load_heads(Path(report.path))["stance"].predict(eval_model_rows)]
            for name, pred in (("goldspan", predicted), ("tfidf_lr", baseline_tfidf(sample, eval_rows)),
                               ("majority", [Counter(l for *_, l in sample).most_common(1)[0][0]] * len(gold))):
                scores = classification_scores(gold, pred, labels)
                runs[name].append((scores["accuracy"], scores["macro_f1"]))
        point = {"n": n, "train_seconds": round(sum(times) / len(times), 3), "peak_mb": round(max(peaks), 1)}
        for name, values in runs.items():
            point[name] = {"accuracy": round(sum(a for a, _ in values) / len(values), 4),
                           "macro_f1": round(sum(f for _, f in values) / len(values), 4)}
        points.append(point)
        print(f"stance n={n:>5}: goldspan acc {point['goldspan']['accuracy']:.3f} F1 {point['goldspan']['macro_f1']:.3f} | "
              f"tfidf+LR acc {point['tfidf_lr']['accuracy']:.3f} F1 {point['tfidf_lr']['macro_f1']:.3f} | "
              f"majority acc {point['majority']['accuracy']:.3f} F1 {point['majority']['macro_f1']:.3f} | "
              f"train {point['train_seconds']:.2f} s, peak {point['peak_mb']:.0f} MB", flush=True)
    throughput = stance_throughput(store, workdir, repeats=3)
    store.close()
    return {"split": split, "seeds": seeds, "points": points, "suggestion_throughput": throughput}


def stance_project(workdir: Path, split: str) -> Any:
    """A project with the ArgKP train and ``split`` arguments as comments, labelled in a layer each."""
    from annotation.store import Store

    store = Store.create(workdir / "argkp.db")
    import_argkp(store, read_argkp("train"), "argkp-train", with_comments=True)
    import_argkp(store, read_argkp(split), f"argkp-{split}", with_comments=True)
    return store


def stance_throughput(store: Any, workdir: Path, repeats: int = 5) -> dict[str, Any]:
    """The `preannotate --stance` job (finding the unlabelled pairs, features, model, database
    writes) against bare predictions of the same model over the same rows. Runs alternate bare
    and job (the machine is shared: noise hits both alike); each pair's ratio is reported and
    the median is the figure, beside best against best and the ratio of CPU times (a busy
    machine stretches wall time, much less the process's own CPU time)."""
    from statistics import median

    from annotation.jobs import run
    from annotation.training.stance import load_heads, train_stance
    from annotation.training.stance_model import target_text
    from annotation.training.suggest_stance import suggest_stance

    final = run(train_stance(store, "argkp-train", workdir / "models", 0.0, 0))  # registered: the job uses it
    heads = load_heads(Path(final.path))
    candidates = list(store.stance_candidates("bench", force=True))
    rows = [(target_text(c.target, c.title), c.text, c.parent_text) for c in candidates]
    heads["stance"].predict(rows[:100])  # warm-up: imports, caches
    run(suggest_stance(store, "bench", "latest", force=True))  # first run writes every row; later runs replace them
    bares, jobs, bare_cpu, job_cpu = [], [], [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        heads["stance"].predict(rows)
        bares.append(time.perf_counter() - start)
        bare_cpu.append(time.process_time() - cpu)
        start, cpu = time.perf_counter(), time.process_time()
        report = run(suggest_stance(store, "bench", "latest", force=True))
        jobs.append(time.perf_counter() - start)
        job_cpu.append(time.process_time() - cpu)
    ratios = [b / j for b, j in zip(bares, jobs)]
    cpu_ratios = [b / j for b, j in zip(bare_cpu, job_cpu)]
    result = {"pairs": report.pairs, "bare_seconds": [round(b, 3) for b in bares], "job_seconds": [round(j, 3) for j in jobs],
              "ratios": [round(r, 3) for r in ratios], "ratio": round(median(ratios), 3),
              "cpu_ratios": [round(r, 3) for r in cpu_ratios], "cpu_ratio": round(median(cpu_ratios), 3),
              "best_ratio": round(min(bares) / min(jobs), 3)}
    print(f"stance suggestions: {report.pairs} pairs; bare predict {', '.join(f'{b:.3f}' for b in bares)} s; "
          f"preannotate --stance job {', '.join(f'{j:.3f}' for j in jobs)} s; ratios {', '.join(f'{r:.2f}' for r in ratios)}; "
          f"median throughput ratio {result['ratio']:.2f} (target >= 0.9), best against best {result['best_ratio']:.2f}; on CPU time (less sensitive to a busy "
          f"machine) {', '.join(f'{r:.2f}' for r in cpu_ratios)}, median {result['cpu_ratio']:.2f}", flush=True)
    return result


# -- NER ---------------------------------------------------------------------------------------

ROLE = re.compile(
    r"\b(?:(?:[Pp]rime|[Ff]oreign|[Dd]efen[cs]e|[Ff]inance|[Hh]ealth|[Ii]nterior|[Ee]ducation)\s+[Mm]inister|"
    r"[Cc]hief\s+[Ee]xecutive|[Ss]ecretary\s+of\s+[Ss]tate|[Vv]ice\s+[Pp]resident|"
    r"[Pp]resident|[Mm]inister|[Aa]mbassador|[Ss]enator|[Gg]overnor|[Mm]ayor|[Ss]pokes(?:man|woman|person)|"
    r"[Dd]irector|[Pp]rofessor|[Cc]hairman|[Cc]hairwoman|[Cc]oach|[Cc]aptain|[Jj]udge|[Pp]rosecutor|"
    r"[Ss]ecretary|[Cc]ommissioner|[Oo]fficials?|[Pp]olice\s+[Oo]fficers?|[Cc]hancellor|[Kk]ing|[Qq]ueen)\b")


def role_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "ROLE") for m in ROLE.finditer(text)]


def role_schema() -> Any:
    from annotation.schema import DEFAULT_SCHEMA_PATH, parse_schema

    text = DEFAULT_SCHEMA_PATH.read_text(encoding="utf-8").replace(
        "[quote]", 'ROLE = { color = "#336699", key = "x", description = "job titles and roles" }\n\n[quote]', 1)
    return parse_schema(text, "news + ROLE")


def ner_curve(workdir: Path, epochs: int) -> dict[str, Any]:
    import spacy

    from annotation.commands import AddSpan
    from annotation.errors import CommandError
    from annotation.jobs import run
    from annotation.model import ENTITY, Document, ImportedArticle, Span
    from annotation.nlp.models import default_model_name
    from annotation.store import Store
    from annotation.training.ner import train_ner
    from annotation.training.report import span_scores

    articles = [json.loads(line) for line in WIKINEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    order = list(range(len(articles)))
    random.Random(0).shuffle(order)
    held, pool = [articles[i] for i in order[:4]], [articles[i] for i in order[4:]]
    base_name = default_model_name()
    base = spacy.load(base_name)
    held_texts = [a["text"] for a in held]
    base_held = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in base.pipe(held_texts)]
    stock = sorted(base.get_pipe("ner").labels)

    def evaluate(nlp: Any) -> dict[str, float]:
        pred = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(held_texts)]
        role = span_scores([{(n, *s) for s in role_spans(t)} for n, t in enumerate(held_texts)],
                           [{(n, *e) for e in p if e[2] == "ROLE"} for n, p in enumerate(pred)], ["ROLE"])
        # Stock entities overlapping a ROLE are left out on both sides: there the base model's
        # answer is rightly replaced ("Prime Minister's Office"), which is not forgetting.
        roles = [role_spans(t) for t in held_texts]
        away = lambda e, n: e[2] in stock and not any(e[0] < r[1] and r[0] < e[1] for r in roles[n])  # noqa: E731
        kept = span_scores([{(n, *e) for e in b if away(e, n)} for n, b in enumerate(base_held)],
                           [{(n, *e) for e in p if away(e, n)} for n, p in enumerate(pred)], stock)
        return {"role_f1": role["micro"]["f"], "role_p": role["micro"]["p"], "role_r": role["micro"]["r"],
                "stock_f1": kept["micro"]["f"]}

    before = evaluate(base)
    print(f"NER before (base {base_name}): ROLE F1 {before['role_f1']:.3f}, stock F1 {before['stock_f1']:.3f}", flush=True)
    points = []
    points_paths: list[str] = []  # models trained with rehearsal, by size
    for n in (5, 10, 20):
        for rehearsal, freeze in ((True, False), (False, False), (True, True)):
            project = workdir / f"ner-{n}-{int(rehearsal)}{int(freeze)}.db"
            with Store.create(project, role_schema()) as store:
                docs = [ImportedArticle(Document(None, a["id"], a["title"], a["text"])) for a in pool[:n]]
                with store.transaction():
                    ids = store.import_articles(docs, "wikinews.jsonl").document_ids
                spans = 0
                for doc_id, article in zip(ids, pool[:n]):
                    for start, end, label in role_spans(article["text"]):
                        try:
                            store.apply(AddSpan(Span(None, doc_id, None, start, end, label, ENTITY, "gold")))
                            spans += 1
                        except CommandError:
                            pass
                start = time.perf_counter()
                report = run(train_ner(store, "gold", workdir / "models", 0.0, 0, epochs=epochs, base=base_name,
                                       rehearsal=rehearsal, freeze=freeze))
                seconds = time.perf_counter() - start
                # spaCy allocates mostly outside Python's allocator: the process high-water mark
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            after = evaluate(spacy.load(report.path))
            if rehearsal and not freeze:
                points_paths.append(report.path)  # the rehearsal models: the last one is timed below
            point = {"docs": n, "rehearsal": rehearsal, "frozen_encoder": freeze, "role_spans": spans, **after,
                     "train_seconds": round(seconds, 1), "peak_mb": round(peak, 1)}
            points.append(point)
            way = "rehearsal + frozen encoder" if freeze else ("rehearsal" if rehearsal else "no protection")
            print(f"NER {n:>2} docs ({spans} ROLE spans), {way}: "
                  f"ROLE F1 {after['role_f1']:.3f} (P {after['role_p']:.3f} R {after['role_r']:.3f}), "
                  f"stock F1 {after['stock_f1']:.3f} | train {seconds:.1f} s, process peak RSS {peak:.0f} MB", flush=True)
    throughput = entity_throughput(workdir / "ner-20-10.db", points_paths[-1] if points_paths else "")
    return {"base": base_name, "held_out_docs": [a["id"] for a in held], "epochs": epochs, "before": before,
            "points": points, "suggestion_throughput": throughput}


def entity_throughput(project: Path, model_path: str) -> dict[str, Any]:
    """`preannotate --model <trained>` (pipe + quotation rules + writes) against bare nlp.pipe of
    the same pipeline over the same texts; best of two each, after a warm-up."""
    from annotation.jobs import run
    from annotation.nlp.component import with_suggestions
    from annotation.nlp.models import load_model
    from annotation.nlp.preannotate import preannotate
    from annotation.store import Store

    nlp = with_suggestions(load_model(model_path).nlp)
    with Store.open(project) as store:
        units = [p.unit for p in store.pending_units("bench", "-", force=True)]
        texts = [t for _, t in store.iter_unit_texts(units)]
        list(nlp.pipe(texts[:2]))
        bare = ours = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            for _doc in nlp.pipe(texts, batch_size=64):
                pass
            bare = min(bare, time.perf_counter() - start)
            start = time.perf_counter()
            run(preannotate(store, "bench", model_path, force=True))
            ours = min(ours, time.perf_counter() - start)
    result = {"units": len(texts), "bare_seconds": round(bare, 2), "job_seconds": round(ours, 2), "ratio": round(bare / ours, 3)}
    print(f"entity suggestions with the trained model: {len(texts)} units, bare nlp.pipe {bare:.2f} s, "
          f"preannotate {ours:.2f} s, throughput ratio {result['ratio']:.2f} (target >= 0.9)", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("stance", "ner", "all", "throughput"), default="all",
                        help="throughput: only the stance-suggestion throughput against bare prediction")
    parser.add_argument("--repeats", type=int, default=5, help="throughput: alternating runs (median reported)")
    parser.add_argument("--seeds", type=int, default=3, help="stance: samples per size (default: 3)")
    parser.add_argument("--split", choices=("test", "dev"), default="test", help="stance: where to score (default: test)")
    parser.add_argument("--epochs", type=int, default=10, help="NER epochs (default: 10)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="goldspan-curve-") as tmp:
        work = Path(tmp)
        if args.part == "throughput":
            store = stance_project(work, args.split)
            out["stance_throughput"] = stance_throughput(store, work, args.repeats)
            store.close()
        if args.part in ("stance", "all"):
            out["stance"] = stance_curve(args.seeds, args.split, work)
        if args.part in ("ner", "all"):
            out["ner"] = ner_curve(work, args.epochs)
    out["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(f"process peak RSS {out['max_rss_mb']:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
