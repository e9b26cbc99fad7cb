"""The trained safeguarding classifier: how likely a message is to be a concern, and which kind.

A linear model over hashed features of the message as the phrase checker reads it (phrases.normalise:
look-alikes, text-speak and stretched letters already undone):

* character 2- to 5-grams, spaces included, so word beginnings and endings count ("top myself", "sh ");
* words and pairs of words;
* emoji and other symbols from the raw text (normalising drops them, but "🔪" or "💊" says something).

Each feature is a 64-bit hash, computed with numpy over the whole message at once: a 2,000-character
message takes well under a millisecond and nothing is loaded but the weights. Weights are built by
training.py from the corpus and shipped in model/classifier.npz; the bot never imports scikit-learn.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from bot.safeguarding.phrases import normalise

MODEL_PATH = Path(__file__).with_name("model") / "classifier.npz"
FEATURES_VERSION = 1  # change when features() changes: shipped weights from another version are refused

_CHAR_SIZES = (2, 3, 4, 5)
_MULTIPLIER = np.uint64(1_000_003)
_SIZE_SALT = np.uint64(0x9E3779B97F4A7C15)
_WORD, _PAIR, _SYMBOL = (np.uint64(kind << 40) for kind in (1, 2, 3))
_ARABIC = re.compile("[\u0600-\u06ff]")


def features(text: str, plain: str | None = None) -> np.ndarray:
    """The sorted, distinct feature hashes of `text` (uint64); `plain` is normalise(text), if known."""
    plain = normalise(text) if plain is None else plain
    # Nothing to read (blank, or emoji alone): no letter sequences, not the two spaces around nothing.
    padded = f" {plain} " if plain else ""
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = []
    with np.errstate(over="ignore"):  # the hash is meant to wrap around
        for size in _CHAR_SIZES:
            count = len(codes) - size + 1
            if count <= 0:
                continue
            hashes = codes[:count].copy()
            for offset in range(1, size):
                hashes = hashes * _MULTIPLIER + codes[offset : count + offset]
            parts.append(hashes ^ (_SIZE_SALT * np.uint64(size)))
    words = plain.split()
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    symbols = {c for c in text if unicodedata.category(c) in ("So", "Sk")}
    for kind, tokens in ((_WORD, words), (_PAIR, pairs), (_SYMBOL, symbols)):
        if tokens:
            crcs = np.fromiter((zlib.crc32(t.encode()) for t in tokens), dtype=np.uint64, count=len(tokens))
            parts.append(crcs | kind)
    if not parts:
        return np.empty(0, dtype=np.uint64)
    return np.unique(np.concatenate(parts))


def weigh(hashes: np.ndarray, idf: np.ndarray, found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the positions in `hashes` of the features `found` that it knows, their values): each known
    feature weighs its idf, the whole scaled to length 1. Training and scoring share this."""
    where = np.minimum(np.searchsorted(hashes, found), len(hashes) - 1)
    where = where[hashes[where] == found]
    values = idf[where]
    norm = float(np.sqrt(np.dot(values, values)))
    return where, values / norm if norm > 0 else values


@dataclass(frozen=True)
class Score:
    concern: float  # 0..1: how likely this is a concern
    category: str  # the most likely kind, if it is one


class ModelError(RuntimeError):
    """The shipped weights are missing or do not fit this code."""


@dataclass(frozen=True)
class Model:
    hashes: np.ndarray  # sorted uint64 feature hashes the model knows
    idf: np.ndarray  # float32, one per feature
    weights: np.ndarray  # float32 (features, 1 + categories): column 0 scores concern, the rest name the kind
    bias: np.ndarray  # float32 (1 + categories)
    categories: tuple[str, ...]
    review_threshold: float  # a concern score at or above this goes to the review queue
    # ...for a message in Arabic letters: less training data, so its scores sit differently
    arabic_review_threshold: float
    high_threshold: float  # at or above this, the team hears at once
    corpus: str  # fingerprint of the corpus the weights were trained on

    def review_threshold_for(self, text: str) -> float:
        return self.arabic_review_threshold if _ARABIC.search(text) else self.review_threshold

    def score(self, text: str, plain: str | None = None) -> Score:
        """How `text` scores; `plain` is normalise(text), if the caller has it already."""
        where, values = weigh(self.hashes, self.idf, features(text, plain))
        logits = self.bias.astype(np.float64) + values @ self.weights[where]
        concern = float(1.0 / (1.0 + np.exp(-logits[0])))
        return Score(concern, self.categories[int(np.argmax(logits[1:]))])

    def known_words(self, words: list[str]) -> int:
        """How many of `words` (normalised) were in enough training messages to have a weight."""
        if not words:
            return 0
        found = (
            np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words)) | _WORD
        )
        where = np.minimum(np.searchsorted(self.hashes, found), len(self.hashes) - 1)
        return int(np.count_nonzero(self.hashes[where] == found))

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            np.savez_compressed(
                file,
                hashes=self.hashes,
                idf=self.idf.astype(np.float16),
                weights=self.weights.astype(np.float16),
                bias=self.bias.astype(np.float32),
                categories=np.array(self.categories),
                thresholds=np.array(
                    [self.review_threshold, self.high_threshold, self.arabic_review_threshold]
                ),
                corpus=np.array(self.corpus),
                version=np.array(FEATURES_VERSION),
            )


def load(path: Path = MODEL_PATH) -> Model:
    try:
        with path.open("rb") as file, np.load(file, allow_pickle=False) as data:
            if int(data["version"]) != FEATURES_VERSION:
                raise ModelError(
                    f"{path}: trained for features version {int(data['version'])}, this code reads "
                    f"{FEATURES_VERSION}; run python -m bot train-safeguarding"
                )
            review, high, arabic = (float(t) for t in data["thresholds"])
            return Model(
                hashes=data["hashes"],
                idf=data["idf"].astype(np.float32),
                weights=data["weights"].astype(np.float32),
                bias=data["bias"],
                categories=tuple(str(c) for c in data["categories"]),
                review_threshold=review,
                high_threshold=high,
                corpus=str(data["corpus"]),
                arabic_review_threshold=arabic,
            )
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ModelError(f"{path}: cannot read the safeguarding classifier's weights ({error})") from None


@cache
def shipped() -> Model:
    """The model shipped with the bot, loaded once."""
    return load(MODEL_PATH)
