"""The safeguarding classifier: its features, its weights file, the shipped weights against the corpus,
and the corpus itself.

One test retrains from the corpus (10-60 s); everything else is fast.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.safeguarding import classifier, corpus
from bot.safeguarding.categories import CATEGORIES
from bot.safeguarding.classifier import FEATURES_VERSION, Model, ModelError, features
from bot.safeguarding.corpus import CORPUS_DIR, HARMLESS, CorpusError, read_corpus

SAMPLES = [
    "I want to kill myself",
    "the youth club should open later on Fridays",
    "my step dad hits me when he is drunk 😭",
    "أريد أن أموت",
    "ngl the park is proper peak, need more benches fr",
    "🔪💊",
]


@pytest.fixture(scope="module")
def shipped() -> Model:
    return classifier.load()


@pytest.fixture(scope="module")
def examples() -> list[corpus.Example]:
    return read_corpus()


# --------------------------------------------------------------------------------------------------
# features


def test_features_are_sorted_distinct_uint64() -> None:
    found = features("I want to kill myself, I want to")
    assert found.dtype == np.uint64
    assert len(found) > 0
    assert np.array_equal(found, np.unique(found))


def test_features_are_the_same_on_every_call() -> None:
    for text in SAMPLES:
        assert np.array_equal(features(text), features(text))


def test_features_are_the_same_in_another_process_with_another_hash_seed(tmp_path: Path) -> None:
    """Python's str hash changes per process; the features (and so the shipped weights) must not."""
    script = (
        "import json, sys\n"
        "from bot.safeguarding.classifier import features\n"
        "print(json.dumps([features(t).tolist() for t in json.loads(sys.stdin.read())]))\n"
    )
    expected = [features(text).tolist() for text in SAMPLES]
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(SAMPLES),
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("I'm scared", "im scared"),
        ("I’m scared", "I am scared"),
        ("k1ll myself", "kill myself"),
        ("KILL MYSELF", "kill myself"),
        ("killlll myself!!!", "kill myself"),
    ],
)
def test_text_that_normalises_the_same_has_the_same_features(text: str, same_as: str) -> None:
    assert np.array_equal(features(text), features(same_as))


def test_emoji_matter() -> None:
    assert not np.array_equal(features("the knife 🔪"), features("the knife"))
    assert not np.array_equal(features("🔪"), features("💊"))
    assert len(features("🔪")) > 0


def test_different_words_have_different_features() -> None:
    assert not np.array_equal(features("kill myself"), features("kill time"))


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_has_no_features(text: str) -> None:
    assert len(features(text)) == 0


# --------------------------------------------------------------------------------------------------
# the weights file


def test_save_and_load_give_the_same_scores(shipped: Model, tmp_path: Path) -> None:
    path = tmp_path / "nested" / "classifier.npz"
    shipped.save(path)
    again = classifier.load(path)
    assert again.categories == shipped.categories
    assert again.corpus == shipped.corpus
    assert again.review_threshold == shipped.review_threshold
    assert again.high_threshold == shipped.high_threshold
    assert np.array_equal(again.hashes, shipped.hashes)
    for text in SAMPLES:
        before, after = shipped.score(text), again.score(text)
        assert after.concern == pytest.approx(before.concern, abs=1e-9)
        assert after.category == before.category


def test_a_small_model_survives_the_round_trip_at_float16_precision(tmp_path: Path) -> None:
    hashes = np.unique(np.concatenate([features("zorblax"), features("quuxwig")]))
    rng = np.random.default_rng(0)
    model = Model(
        hashes=hashes,
        idf=rng.uniform(1, 5, len(hashes)).astype(np.float32),
        weights=rng.normal(0, 2, (len(hashes), 3)).astype(np.float32),
        bias=np.array([-1.0, 0.5, -0.5], dtype=np.float32),
        categories=("suicide", "self_harm"),
        review_threshold=0.3,
        arabic_review_threshold=0.4,
        high_threshold=0.8,
        corpus="abc",
    )
    model.save(tmp_path / "small.npz")
    again = classifier.load(tmp_path / "small.npz")
    assert (again.categories, again.review_threshold, again.high_threshold, again.corpus) == (
        ("suicide", "self_harm"),
        0.3,
        0.8,
        "abc",
    )
    for text in ("zorblax", "quuxwig", "zorblax quuxwig", "nothing known"):
        assert again.score(text).concern == pytest.approx(model.score(text).concern, abs=1e-2)


def test_weights_for_another_features_version_are_refused(
    shipped: Model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "classifier.npz"
    with monkeypatch.context() as patch:
        patch.setattr(classifier, "FEATURES_VERSION", FEATURES_VERSION + 1)
        shipped.save(path)
    with pytest.raises(ModelError) as raised:
        classifier.load(path)
    assert str(path) in str(raised.value)
    assert "train-safeguarding" in str(raised.value)


def _write_truncated(path: Path) -> None:
    data = classifier.MODEL_PATH.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _write_other_npz(path: Path) -> None:
    np.savez(path, something=np.zeros(3))


BAD_FILES = [
    pytest.param(lambda path: None, id="missing"),
    pytest.param(lambda path: path.write_bytes(b"this is not a model"), id="garbage"),
    pytest.param(_write_other_npz, id="npz-without-weights"),
    pytest.param(lambda path: path.mkdir(), id="a-directory"),
    pytest.param(lambda path: path.write_bytes(b""), id="empty"),
    pytest.param(_write_truncated, id="truncated"),
]


@pytest.mark.parametrize("make", BAD_FILES)
def test_a_missing_or_corrupt_file_is_a_model_error_naming_it(make, tmp_path: Path) -> None:
    path = tmp_path / "classifier.npz"
    make(path)
    with pytest.raises(ModelError) as raised:
        classifier.load(path)
    assert str(path) in str(raised.value)


@pytest.fixture
def model_at(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Point the shipped model at another file for this test; the real one is loaded again after."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("TELEGRAM_BOT_TOKEN", "SAFEGUARDING_PHRASES_FILE"):
        monkeypatch.delenv(name, raising=False)

    def point(path: Path) -> None:
        monkeypatch.setattr(classifier, "MODEL_PATH", path)
        classifier.shipped.cache_clear()

    yield point
    classifier.shipped.cache_clear()


@pytest.mark.parametrize("make", BAD_FILES)
def test_the_triage_command_says_so_in_one_line(
    make, model_at, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    path = tmp_path / "weights" / "classifier.npz"
    path.parent.mkdir()
    make(path)
    model_at(path)
    messages = tmp_path / "messages.txt"
    messages.write_text("hello\n", encoding="utf-8")
    assert main(["triage", str(messages)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert str(path) in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------------------------------
# the shipped weights and the corpus


def test_the_shipped_weights_were_trained_on_this_corpus() -> None:
    """If this fails, the corpus changed since the weights were built: python -m bot train-safeguarding."""
    assert classifier.shipped().corpus == corpus.fingerprint(), "stale: python -m bot train-safeguarding"


@pytest.mark.retrain
def test_the_shipped_weights_are_what_training_on_the_corpus_gives(shipped: Model) -> None:
    """The slow test (training): the shipped file is reproducible from the corpus and the code."""
    from bot.safeguarding import training

    trained = training.train_shipped()
    assert trained.corpus == shipped.corpus, "stale weights: python -m bot train-safeguarding"
    assert trained.categories == shipped.categories
    assert np.array_equal(trained.hashes, shipped.hashes)
    assert trained.review_threshold == pytest.approx(shipped.review_threshold, abs=1e-6)
    assert trained.high_threshold == pytest.approx(shipped.high_threshold, abs=1e-6)
    # The file keeps idf and weights as float16: about three significant figures.
    np.testing.assert_allclose(shipped.idf, trained.idf, rtol=2e-3, atol=1e-4)
    np.testing.assert_allclose(shipped.weights, trained.weights, rtol=2e-3, atol=1e-4)
    np.testing.assert_allclose(shipped.bias, trained.bias, rtol=1e-5, atol=1e-6)
    assert 0 < trained.review_threshold <= trained.high_threshold <= 1


# --------------------------------------------------------------------------------------------------
# the corpus

_NAME = re.compile(r"[a-z]{2,3}_[a-z0-9]+(?:_[a-z0-9]+)*_(?:train|dev)\.tsv")


def test_every_corpus_file_is_named_language_group_split() -> None:
    files = sorted(CORPUS_DIR.iterdir())
    assert files
    for path in files:
        assert _NAME.fullmatch(path.name), f"{path.name}: name it <language>_<group>_<train|dev>.tsv"


def test_every_corpus_file_parses_and_has_messages(examples: list[corpus.Example]) -> None:
    read = {f"{e.language}_{e.group}_{e.split}.tsv" for e in examples}
    assert read == {path.name for path in corpus.corpus_files()}


def test_every_label_is_known(examples: list[corpus.Example]) -> None:
    unknown = {e.label for e in examples} - {*CATEGORIES, HARMLESS}
    assert not unknown


def _same(text: str) -> str:
    return " ".join(text.casefold().split())


def test_no_message_is_in_both_train_and_dev(examples: list[corpus.Example]) -> None:
    train = {_same(e.text) for e in examples if e.split == "train"}
    both = sorted({e.text for e in examples if e.split == "dev" and _same(e.text) in train})
    assert not both


def test_the_corpus_is_big_enough(examples: list[corpus.Example]) -> None:
    concerns = sum(e.is_concern for e in examples)
    harmless = len(examples) - concerns
    assert concerns >= 3000
    assert harmless >= concerns


def test_english_and_arabic_are_in_both_splits(examples: list[corpus.Example]) -> None:
    present = {(e.language, e.split) for e in examples}
    for language in ("en", "ar"):
        for split in corpus.SPLITS:
            assert (language, split) in present


def test_every_category_has_messages_in_both_splits(examples: list[corpus.Example]) -> None:
    present = {(e.label, e.split) for e in examples}
    missing = [(c, s) for c in (*CATEGORIES, HARMLESS) for s in corpus.SPLITS if (c, s) not in present]
    assert not missing


def test_a_line_without_a_tab_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "en_test_train.tsv").write_text(
        "# a note\n\nnone\tthe park is nice\nsuicide   no tab here\n", encoding="utf-8"
    )
    with pytest.raises(CorpusError, match=r"en_test_train\.tsv.*line 4"):
        read_corpus(tmp_path)


def test_an_unknown_label_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "ar_test_dev.tsv").write_text("none\tfine\nsadness\tsomething\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"ar_test_dev\.tsv.*line 2.*sadness"):
        read_corpus(tmp_path)


def test_a_badly_named_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "en_test.tsv").write_text("none\tfine\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"en_test\.tsv"):
        read_corpus(tmp_path)


def test_a_good_file_reads_with_its_language_group_and_split(tmp_path: Path) -> None:
    (tmp_path / "en_hard_negatives_dev.tsv").write_text(
        "# note\nnone\t  this survey is killing me  \nsuicide\tno reason to live\n", encoding="utf-8"
    )
    read = read_corpus(tmp_path)
    assert [(e.label, e.text, e.language, e.group, e.split) for e in read] == [
        ("none", "this survey is killing me", "en", "hard_negatives", "dev"),
        ("suicide", "no reason to live", "en", "hard_negatives", "dev"),
    ]
    assert [e.is_concern for e in read] == [False, True]
