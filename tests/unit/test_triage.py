"""Triage: which tier a message lands in, which languages the checks read, and `python -m bot triage`."""

from __future__ import annotations

import dataclasses
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.safeguarding import classifier
from bot.safeguarding.classifier import Model, features
from bot.safeguarding.corpus import read_corpus
from bot.safeguarding.phrases import DEFAULT_PHRASEBOOK_PATH, Phrasebook, parse_phrasebook
from bot.safeguarding.triage import UNREAD_LANGUAGE, Tier, Triage

OTHER_LANGUAGES = Path(__file__).with_name("other_languages.tsv")
NO_PHRASES = parse_phrasebook("", "no phrases")

# --------------------------------------------------------------------------------------------------
# A small model with known weights: "zorblax" scores a logit of REVIEW_LOGIT (bullying_threats),
# "quuxwig" URGENT_LOGIT (suicide); anything else only the bias.

BIAS = -4.0
REVIEW_LOGIT, URGENT_LOGIT = 2.0, 4.0


def sigmoid(logit: float) -> float:
    return 1 / (1 + math.exp(-logit))


def fake_model(review_threshold: float = 0.5, high_threshold: float = 0.95) -> Model:
    categories = ("suicide", "bullying_threats")
    words = {"zorblax": (REVIEW_LOGIT - BIAS, 1), "quuxwig": (URGENT_LOGIT - BIAS, 0)}
    found = {word: features(word) for word in words}
    assert not np.intersect1d(found["zorblax"], found["quuxwig"]).size
    hashes = np.unique(np.concatenate(list(found.values())))
    weights = np.zeros((len(hashes), 1 + len(categories)), dtype=np.float32)
    for word, (logit, kind) in words.items():
        rows = np.searchsorted(hashes, found[word])
        # idf 1 everywhere: each of n features has value 1/sqrt(n) after normalising.
        weights[rows, 0] = logit / math.sqrt(len(rows))
        weights[rows, 1 + kind] = 1.0
    return Model(
        hashes=hashes,
        idf=np.ones(len(hashes), dtype=np.float32),
        weights=weights,
        bias=np.array([BIAS, 0.0, 0.0], dtype=np.float32),
        categories=categories,
        review_threshold=review_threshold,
        arabic_review_threshold=review_threshold,
        high_threshold=high_threshold,
        corpus="test",
    )


@pytest.fixture(scope="module")
def phrasebook() -> Phrasebook:
    return parse_phrasebook(DEFAULT_PHRASEBOOK_PATH.read_text(encoding="utf-8"), str(DEFAULT_PHRASEBOOK_PATH))


@pytest.fixture(scope="module")
def shipped_triage(phrasebook: Phrasebook) -> Triage:
    return Triage(phrasebook, classifier.load())


@pytest.fixture(scope="module")
def language_triage() -> Triage:
    """The shipped model and no phrases, so only the language check and the score decide."""
    return Triage(NO_PHRASES, classifier.load())


def is_unread(triage: Triage, text: str) -> bool:
    return triage.check(text).category == UNREAD_LANGUAGE


# --------------------------------------------------------------------------------------------------
# tiers


def test_the_fake_model_scores_as_designed() -> None:
    model = fake_model()
    assert model.score("zorblax").concern == pytest.approx(sigmoid(REVIEW_LOGIT), abs=1e-5)
    assert model.score("quuxwig").concern == pytest.approx(sigmoid(URGENT_LOGIT), abs=1e-5)
    assert model.score("hello").concern == pytest.approx(sigmoid(BIAS), abs=1e-6)


def test_a_listed_phrase_alerts_with_its_category_and_phrase() -> None:
    book = parse_phrasebook("[self_harm]\nzorblax my arm*\n", "test")
    verdict = Triage(book, fake_model()).check("I want to Zorblax my arms tonight")
    assert verdict.tier is Tier.ALERT
    assert (verdict.category, verdict.phrase) == ("self_harm", "zorblax my arm*")
    assert verdict.concern.category == "self_harm"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I want to kill myself", "suicide"),
        ("k1ll mys3lf", "suicide"),
    ],
)
def test_the_shipped_list_alerts(shipped_triage: Triage, text: str, category: str) -> None:
    verdict = shipped_triage.check(text)
    assert (verdict.tier, verdict.category) == (Tier.ALERT, category)
    assert verdict.phrase
    assert 0 <= verdict.score <= 1


@pytest.mark.parametrize("text", ["", " ", "\n", " \t \n"])
def test_an_empty_message_is_none(shipped_triage: Triage, text: str) -> None:
    verdict = shipped_triage.check(text)
    assert verdict.tier is Tier.NONE
    assert verdict.phrase is None and not verdict.urgent_review


def test_a_message_in_an_unread_language_goes_to_review(shipped_triage: Triage) -> None:
    verdict = shipped_triage.check("Chciałbym, żeby w parku było więcej ławek i lepsze oświetlenie")
    assert (verdict.tier, verdict.category) == (Tier.REVIEW, UNREAD_LANGUAGE)
    assert not verdict.urgent_review


def test_a_listed_phrase_wins_over_an_unread_language(
    shipped_triage: Triage, language_triage: Triage
) -> None:
    text = "Nie wiem co robić, I want to kill myself, nikt mnie nie rozumie"
    assert is_unread(language_triage, text)
    verdict = shipped_triage.check(text)
    assert (verdict.tier, verdict.category) == (Tier.ALERT, "suicide")


def test_a_listed_phrase_wins_over_a_high_score() -> None:
    book = parse_phrasebook("[grooming]\nquuxwig\n", "test")
    verdict = Triage(book, fake_model()).check("quuxwig")
    assert (verdict.tier, verdict.category, verdict.phrase) == (Tier.ALERT, "grooming", "quuxwig")
    assert not verdict.urgent_review


def test_a_score_below_review_is_none() -> None:
    verdict = Triage(NO_PHRASES, fake_model()).check("hello")
    assert verdict.tier is Tier.NONE
    assert verdict.score == pytest.approx(sigmoid(BIAS), abs=1e-6)


def test_a_score_at_review_but_below_high_is_review_not_urgent() -> None:
    verdict = Triage(NO_PHRASES, fake_model()).check("zorblax")
    assert (verdict.tier, verdict.category, verdict.urgent_review) == (Tier.REVIEW, "bullying_threats", False)
    assert verdict.score == pytest.approx(sigmoid(REVIEW_LOGIT), abs=1e-5)


def test_a_score_above_high_is_urgent_review() -> None:
    verdict = Triage(NO_PHRASES, fake_model()).check("quuxwig")
    assert (verdict.tier, verdict.category, verdict.urgent_review) == (Tier.REVIEW, "suicide", True)


def test_the_thresholds_are_at_or_above() -> None:
    model = fake_model()
    score = model.score("zorblax").concern
    just_above = float(np.nextafter(score, 1.0))

    at_review = Triage(NO_PHRASES, dataclasses.replace(model, review_threshold=score))
    assert at_review.check("zorblax").tier is Tier.REVIEW
    above_review = Triage(NO_PHRASES, dataclasses.replace(model, review_threshold=just_above))
    assert above_review.check("zorblax").tier is Tier.NONE

    at_high = Triage(NO_PHRASES, dataclasses.replace(model, high_threshold=score))
    assert at_high.check("zorblax").urgent_review
    above_high = Triage(NO_PHRASES, dataclasses.replace(model, high_threshold=just_above))
    assert not above_high.check("zorblax").urgent_review


def test_the_verdict_carries_the_model_score(shipped_triage: Triage) -> None:
    for text in ("the park needs more benches", "my dad hits me", "zorblax"):
        assert shipped_triage.check(text).score == pytest.approx(shipped_triage.model.score(text).concern)


# --------------------------------------------------------------------------------------------------
# languages the checks read

READ = {
    "english": "I think the youth club should open later on Fridays",
    "english, long": "The bus to town only comes once an hour so we can never get to the sports centre",
    "text-speak": "tbh idk wot 2 do lol my mum wont let me go out",
    "text-speak 2": "ngl the park is proper peak innit, need more benches fr",
    "arabic": "أعتقد أن النادي يجب أن يفتح لوقت أطول في عطلة نهاية الأسبوع",
    "arabic, gulf": "ابي مكان نلعب فيه كورة مع اصحابي",
    "arabic with ك and ي": "كيف حالك يا صديقي",
    "name idea": "Brightside",
    "two words": "Café Bloom",
    "two made-up words": "Zorblax Hub",
    "one word, other language": "Dziękuję",
    "emoji": "😊👍",
    "numbers": "10/10",
}

UNREAD = {
    "polish": "Chciałbym, żeby w parku było więcej ławek i lepsze oświetlenie wieczorem",
    "polish, no diacritics": "Chcialbym zeby w parku bylo wiecej lawek i lepsze oswietlenie wieczorem",
    "somali": "Waxaan jeclaan lahaa in xarunta dhalinyarada ay furan tahay fiidkii",
    "kurmanji": "Ez dixwazim ku navenda ciwanan heta êvarê vekirî be",
    "farsi": "من فکر می‌کنم باشگاه جوانان باید تا دیروقت باز باشد",
    "farsi, ی and ک only": "من فکر میکنم که این خوب است",
    "farsi, پ": "پارک خوب است",
    "urdu": "میں چاہتا ہوں کہ پارک میں زیادہ روشنی ہو",
    "pashto": "زه غواړم چې پارک کې ډیر څراغونه وي",
    "sorani": "من دەمەوێت یانەی گەنجان تا درەنگ کراوە بێت",
    "tigrinya": "ናይ መንእሰያት ክለብ ክሳብ ምሸት ክኸፍት ደልየ",
    "amharic": "የወጣቶች ክለብ እስከ ማታ ድረስ ክፍት እንዲሆን እፈልጋለሁ",
    "russian": "Я хочу, чтобы молодёжный клуб работал дольше по вечерам",
}


@pytest.mark.parametrize("text", READ.values(), ids=READ.keys())
def test_these_are_read(language_triage: Triage, text: str) -> None:
    assert not is_unread(language_triage, text)


@pytest.mark.parametrize("text", UNREAD.values(), ids=UNREAD.keys())
def test_these_are_not_read(language_triage: Triage, text: str) -> None:
    verdict = language_triage.check(text)
    assert (verdict.tier, verdict.category) == (Tier.REVIEW, UNREAD_LANGUAGE)


def test_messages_in_other_languages_are_almost_all_unread(language_triage: Triage) -> None:
    if not OTHER_LANGUAGES.exists():
        pytest.skip(f"{OTHER_LANGUAGES.name} is not there yet")
    rows = []
    for number, line in enumerate(OTHER_LANGUAGES.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        language, label, text = line.split("\t")
        assert label in ("concern", "none"), f"line {number}: label {label!r}"
        rows.append((language, text))
    assert len(rows) >= 20
    missed = [(language, text) for language, text in rows if not is_unread(language_triage, text)]
    assert len(missed) <= 0.1 * len(rows), missed


def test_english_harmless_dev_messages_are_almost_never_unread(language_triage: Triage) -> None:
    harmless = [e.text for e in read_corpus() if (e.language, e.split, e.label) == ("en", "dev", "none")]
    assert len(harmless) >= 100
    marked = [text for text in harmless if is_unread(language_triage, text)]
    assert len(marked) < 0.01 * len(harmless), marked


# --------------------------------------------------------------------------------------------------
# python -m bot triage


def run_triage(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """As a safeguarding lead would run it: no token, no .env (cwd is elsewhere)."""
    unset = ("TELEGRAM_BOT_TOKEN", "SAFEGUARDING_PHRASES_FILE")
    env = {name: value for name, value in os.environ.items() if name not in unset}
    return subprocess.run(
        [sys.executable, "-m", "bot", "triage", *args],
        cwd=cwd,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


MESSAGES = [
    "I want to kill myself",
    "",
    "the park needs more benches",
    "   ",
    "Chciałbym, żeby w parku było więcej ławek i lepsze oświetlenie wieczorem",
    "😊",
]


def check_output(out: str, count: int) -> list[tuple[str, str, float]]:
    lines = out.splitlines()
    assert len(lines) == count, out
    parsed = []
    for line in lines:
        tier, category, score = line.split("\t")
        assert tier in ("alert", "review", "none"), line
        assert category
        assert 0 <= float(score) <= 1, line
        parsed.append((tier, category, float(score)))
    return parsed


def check_messages(parsed: list[tuple[str, str, float]]) -> None:
    assert parsed[0][:2] == ("alert", "suicide")
    assert parsed[1][:2] == ("none", "-")
    assert parsed[3][:2] == ("none", "-")
    assert parsed[4][:2] == ("review", UNREAD_LANGUAGE)
    for tier, category, _ in parsed:
        assert (category == "-") == (tier == "none")


def test_the_command_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "messages.txt"
    path.write_text("\n".join(MESSAGES) + "\n", encoding="utf-8")
    done = run_triage(tmp_path, str(path))
    assert done.returncode == 0, done.stderr
    check_messages(check_output(done.stdout, len(MESSAGES)))


def test_the_command_reads_stdin(tmp_path: Path) -> None:
    done = run_triage(tmp_path, stdin="\n".join(MESSAGES))  # no newline at the end
    assert done.returncode == 0, done.stderr
    check_messages(check_output(done.stdout, len(MESSAGES)))


def test_the_command_says_so_when_the_file_is_missing(tmp_path: Path) -> None:
    done = run_triage(tmp_path, "nope.txt")
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "nope.txt" in done.stderr
    assert "Traceback" not in done.stderr
