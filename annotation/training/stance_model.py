"""The stance classifier: logistic regression over features of (target, comment, parent).

Why not a bag of words alone: stance toward an unseen target is the common case (a new
article, a new motion), and words about one topic say nothing about the next. What carries
over is *how* a comment evaluates the thing the target is about, read against the target's
direction: "X is harmful" is for "we should ban X" and against "we should subsidize X". So
besides the comment's words and bigrams, every word also appears *signed* by the target's
direction (-1 when the target proposes acting against its subject: ban, abolish, end ...),
and the classifier learns evaluative words once for all targets. Echoes of the target in the
comment, with or without a negation near them, are features too. For a reply the parent's
words are features (prefixed), so a second model can learn agree/disagree.

Saved as plain JSON + NumPy arrays (never pickle: loading a model folder runs no code).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
NEGATIONS = frozenset({"not", "no", "never", "n't", "shouldn't", "don't", "doesn't", "isn't", "aren't", "cannot",
                       "can't", "won't", "nothing", "nor", "without"})
# Words of a target that propose acting *against* its subject. A general list of restrictive
# verbs and nouns, fixed before any scoring on held-out motions.
AGAINST_WORDS = frozenset({
    "ban", "banned", "banning", "bans", "prohibit", "prohibited", "prohibition", "abolish", "abolished",
    "abolition", "abandon", "abandoned", "end", "ended", "stop", "fight", "close", "closed", "outlaw",
    "outlawed", "criminalize", "criminalise", "criminal", "offence", "offense", "illegal", "restrict",
    "restricted", "limit", "limited", "curb", "regulate", "regulated", "reduce", "eliminate", "remove",
    "forbid", "forbidden", "oppose", "against", "cancel", "scrap", "repeal",
})
STOP = frozenset({"the", "a", "an", "of", "to", "in", "and", "or", "is", "be", "we", "should", "for", "on", "it",
                  "that", "this", "are", "as", "with", "by", "at", "use"})
TOPIC_TARGETS = frozenset({"topic", "article", "the article", "the topic"})


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def direction(target_text: str) -> float:
    """-1 when the target proposes acting against its subject, else +1."""
    words = tokens(target_text)
    flips = sum(1 for w in words if w in AGAINST_WORDS) + sum(1 for w in words if w in ("not", "no", "never"))
    return -1.0 if flips % 2 else 1.0


def target_text(target: str, title: str) -> str:
    """What a target means: its own name, or the article's title for the generic topic."""
    return title if target.strip().lower() in TOPIC_TARGETS and title else target


def features(target: str, text: str, parent: str = "") -> dict[str, float]:
    words = tokens(text)
    sign = direction(target)
    out: dict[str, float] = {"bias_sign": sign}
    grams = words + [f"{a}_{b}" for a, b in zip(words, words[1:])]
    for gram in grams:
        out["w:" + gram] = 1.0
        out["s:" + gram] = sign
    subject = {w for w in tokens(target) if w not in STOP and w not in AGAINST_WORDS and len(w) > 2}
    stems = {s[:5] for s in subject if len(s) > 5}  # "vaccinations" echoes "vaccine"
    hits = [i for i, w in enumerate(words) if w in subject or w[:5] in stems]
    if hits:
        negated = any(words[j] in NEGATIONS for i in hits for j in range(max(0, i - 4), min(len(words), i + 4)))
        key = "echo_neg" if negated else "echo"
        out[key] = 1.0
        out["s:" + key] = sign
    if any(w in NEGATIONS for w in words):
        out["s:has_negation"] = sign
    if parent:
        for gram in set(tokens(parent)):
            out["p:" + gram] = 1.0
        shared = len(set(words) & set(tokens(parent)) - STOP)
        out["overlap"] = min(shared, 10) / 10.0
    return out


@dataclass
class StanceModel:
    labels: list[str]
    vocabulary: dict[str, int]
    coef: np.ndarray  # (n_labels or 1, n_features)
    intercept: np.ndarray

    # -- training ------------------------------------------------------------------------

    @classmethod
    def fit(cls, rows: Sequence[tuple[str, str, str]], labels: Sequence[str], c: float = 1.0,
            seed: int = 0, max_iter: int = 300) -> "StanceModel":
        """Train on (target text, comment, parent) rows. ``c`` is the inverse L2 strength."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        vec = DictVectorizer()
        x = vec.fit_transform([features(*r) for r in rows])
        clf = LogisticRegression(C=c, max_iter=max_iter, random_state=seed)
        clf.fit(x, list(labels))
        vocabulary = {name: i for i, name in enumerate(vec.get_feature_names_out())}
        return cls([str(l) for l in clf.classes_], vocabulary, clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32))

    # -- prediction ----------------------------------------------------------------------

    def predict_proba(self, rows: Sequence[tuple[str, str, str]]) -> np.ndarray:
        """(n, n_labels) probabilities in ``self.labels`` order."""
        from scipy.sparse import csr_matrix

        indptr, indices, values = [0], [], []
        for row in rows:
            for name, value in features(*row).items():
                index = self.vocabulary.get(name)
                if index is not None:
                    indices.append(index)
                    values.append(value)
            indptr.append(len(indices))
        x = csr_matrix((values, indices, indptr), shape=(len(rows), len(self.vocabulary)), dtype=np.float64)
        scores = np.asarray(x @ self.coef.T.astype(np.float64)) + self.intercept
        if self.coef.shape[0] == 1:  # binary: one column of log-odds for labels[1]
            p1 = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1.0 - p1, p1], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, rows: Sequence[tuple[str, str, str]]) -> list[tuple[str, float]]:
        proba = self.predict_proba(rows)
        return [(self.labels[int(i)], float(p[int(i)])) for p, i in zip(proba, proba.argmax(axis=1))]

    # -- disk ----------------------------------------------------------------------------

    def save(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        (folder / f"{name}.json").write_text(json.dumps({"labels": self.labels, "features": names}), encoding="utf-8")
        with open(folder / f"{name}.npz", "wb") as fh:
            np.savez(fh, coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, folder: Path, name: str) -> "StanceModel":
        meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{name}.npz", allow_pickle=False) as arrays:
            coef, intercept = arrays["coef"], arrays["intercept"]
        vocabulary = {f: i for i, f in enumerate(meta["features"])}
        if coef.shape[1] != len(vocabulary):
            raise ValueError("weights and feature list do not match")
        return cls(list(meta["labels"]), vocabulary, coef, intercept)
