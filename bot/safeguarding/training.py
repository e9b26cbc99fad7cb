"""Building the classifier's weights from the corpus: `python -m bot train-safeguarding`.

Needs scikit-learn (a dev dependency); the bot reads the result with numpy alone. Training uses the
train split only. The thresholds come from 5-fold cross-validation on the train split (each message
scored by a model that never saw it), so the dev split stays a fair test:

* review: the highest score that still sends REVIEW_RECALL of the concerns to a person, for English
  and (with less data, its scores sit differently) for Arabic;
* high: the lowest score above which HIGH_PRECISION of the messages are concerns (the team hears at once).

Features and model, judged side by side on the dev split (13,522 training messages; share of ordinary
English answers sent to review when 95% / 97% of dev concerns reach a person, phrase list included):
character 2-5-grams with words and word pairs, logistic regression (shipped) 9.0% / 16.2%; the same
with a linear SVM 9.8% / 14.7%; characters only 10.2% / 16.6%; words and pairs only 9.8% / 19.5%;
character 1-4-grams 9.6% / 17.3%; character 2-6-grams 8.5% / 14.9% (a fifth more features and time, for
half a point); the average of a character and a word model 8.5% / 15.2% (twice the work). Small static
word embeddings could not be judged: none can be fetched here. More data helped most: when the
training set had 7,600 messages, half of it gave 20% at 95%, all of it 13%.

Same corpus in, same weights out: liblinear is deterministic and nothing here is random but the folds,
which are seeded.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.safeguarding.categories import CATEGORIES
from bot.safeguarding.classifier import Model, features, weigh
from bot.safeguarding.corpus import Example, fingerprint, read_corpus

MIN_MESSAGES = 2  # a feature seen in fewer training messages than this is dropped
STRENGTH = 64.0  # inverse regularisation, chosen on the dev split among 1, 4, 16, 64, 256, 1024
# Recall asked of the cross-validated scores, per language. Chosen on the dev split: the lowest
# review threshold (most concerns heard) at which about 10% of ordinary answers go to review;
# cross-validated scores on train run a little lower than scores on unseen dev messages.
REVIEW_RECALL = {"en": 0.94, "ar": 0.95}
HIGH_PRECISION = 0.9
FOLDS = 5


@dataclass(frozen=True)
class _Vocabulary:
    hashes: np.ndarray
    idf: np.ndarray

    def matrix(self, found: Sequence[np.ndarray]):  # -> scipy.sparse.csr_matrix
        """One row per message, from each message's features."""
        from scipy.sparse import csr_matrix

        rows, columns, values = [], [], []
        for row, hashes in enumerate(found):
            where, weights = weigh(self.hashes, self.idf, hashes)
            rows.extend([row] * len(where))
            columns.extend(where.tolist())
            values.extend(weights.tolist())
        return csr_matrix((values, (rows, columns)), shape=(len(found), len(self.hashes)), dtype=np.float64)


def _vocabulary(found: Sequence[np.ndarray]) -> _Vocabulary:
    """The features of at least MIN_MESSAGES of these messages (each given by its features)."""
    seen: Counter[int] = Counter()
    for hashes in found:
        seen.update(hashes.tolist())
    kept = sorted(h for h, n in seen.items() if n >= MIN_MESSAGES)
    df = np.array([seen[h] for h in kept], dtype=np.float64)
    idf = np.log((1 + len(found)) / (1 + df)) + 1
    return _Vocabulary(np.array(kept, dtype=np.uint64), idf.astype(np.float32))


def _fit_concern(x, concern: np.ndarray, strength: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=strength, class_weight="balanced", solver="liblinear").fit(x, concern)


def _recall_threshold(scores: np.ndarray, recall: float) -> float:
    """The highest score at or above which `recall` of these (concerns') scores lie."""
    ordered = np.sort(scores)
    return float(ordered[math.floor((1 - recall) * len(ordered))])


def _thresholds(
    found: Sequence[np.ndarray], languages: Sequence[str], concern: np.ndarray, strength: float
) -> tuple[float, float, float]:
    """(English review, high, Arabic review) thresholds, from cross-validated scores."""
    from sklearn.model_selection import StratifiedKFold

    scores = np.zeros(len(found))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    for fit_rows, score_rows in folds.split(np.zeros(len(found)), concern):
        vocabulary = _vocabulary([found[i] for i in fit_rows])
        model = _fit_concern(vocabulary.matrix([found[i] for i in fit_rows]), concern[fit_rows], strength)
        scores[score_rows] = model.predict_proba(vocabulary.matrix([found[i] for i in score_rows]))[:, 1]
    arabic = np.array([language == "ar" for language in languages])
    review = _recall_threshold(scores[(concern == 1) & ~arabic], REVIEW_RECALL["en"])
    arabic_review = _recall_threshold(scores[(concern == 1) & arabic], REVIEW_RECALL["ar"])
    high = 1.0
    for threshold in np.unique(scores)[::-1]:
        above = scores >= threshold
        if concern[above].mean() < HIGH_PRECISION:
            break
        high = float(threshold)
    return review, max(high, review), arabic_review


def train(examples: Sequence[Example], strength: float = STRENGTH, corpus: str = "") -> Model:
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    training = [e for e in examples if e.split == "train"]
    found = [features(e.text) for e in training]  # once: the folds reuse them
    concern = np.array([e.is_concern for e in training], dtype=np.int64)
    vocabulary = _vocabulary(found)
    x = vocabulary.matrix(found)
    concern_model = _fit_concern(x, concern, strength)

    concern_rows = np.flatnonzero(concern)
    kinds = np.array([training[i].label for i in concern_rows])
    kind_model = OneVsRestClassifier(LogisticRegression(C=strength, solver="liblinear"))
    kind_model.fit(x[concern_rows], kinds)
    weights = np.zeros((len(vocabulary.hashes), 1 + len(CATEGORIES)), dtype=np.float32)
    bias = np.full(1 + len(CATEGORIES), -1e3, dtype=np.float32)  # a kind never seen is never named
    weights[:, 0] = concern_model.coef_[0]
    bias[0] = concern_model.intercept_[0]
    for kind, one in zip(kind_model.classes_, kind_model.estimators_, strict=True):
        column = 1 + CATEGORIES.index(str(kind))
        weights[:, column] = one.coef_[0]
        bias[column] = one.intercept_[0]

    review, high, arabic_review = _thresholds(found, [e.language for e in training], concern, strength)
    return Model(
        hashes=vocabulary.hashes,
        idf=vocabulary.idf,
        weights=weights,
        bias=bias,
        categories=CATEGORIES,
        review_threshold=review,
        high_threshold=high,
        corpus=corpus,
        arabic_review_threshold=arabic_review,
    )


def train_shipped() -> Model:
    """Train on the shipped corpus, recording its fingerprint in the model."""
    return train(read_corpus(), corpus=fingerprint())
