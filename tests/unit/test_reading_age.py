"""Reading age: every sentence a young person reads (the bot's own, easy read's, and the English
wording of the shipped consultations) is scored with textstat, and must be plain enough for a UK
reading age of 13 (11 in easy read).

UK reading age is about a US school grade plus 5, so the budgets are grades 8 and 6. A sentence of
8 words or more is scored by the mean of two grade formulas, Flesch-Kincaid (syllables per word)
and Coleman-Liau (letters per word), as either alone swings with one long word. A shorter one (a
button, a label, "Sorry, I couldn't find that one.") is too short for any formula to mean
anything: it fails only if it holds a long word (four syllables or more) that is not on
Dale-Chall's list of words most 10-year-olds know, nor one the bot teaches where it first uses it.
Emoji, placeholders, commands, web addresses and phone numbers are taken out first, and names (of
the bot, the app, the team, the law's offices) read as one short name: they cannot be put more
plainly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import textstat

from bot import surveys
from bot.core import texts
from bot.core.models import Consultation

ROOT = Path(__file__).resolve().parents[2]
GRADE_TO_UK_AGE = 5
BUDGET = 13 - GRADE_TO_UK_AGE
EASY_BUDGET = 11 - GRADE_TO_UK_AGE
FRAGMENT_WORDS = 8  # fewer words than this: a fragment, checked for long unfamiliar words only
LONG_WORD_SYLLABLES = 4

NAMES = re.compile(
    r"youthvoice|Telegram|User Voice and Participation team|[Pp]articipation team|"
    r"Information Commissioner's Office|Data Protection Officer|Childline|Samaritans"
)
# Long words the bot teaches: the consent screen says what "anonymous" means ("we don't put your
# name on your answers"), and what young people answer is listed as consultations everywhere.
# The names of groups people call themselves by ("about you": the ONS's own words) are not reworded.
TAUGHT = {"anonymous", "anonymously", "consultation", "consultations", "nonbinary", "caribbean"}
# Taken out before scoring: placeholders, /commands, web addresses, phone numbers, then anything
# that is not a letter, a digit or punctuation (emoji, bullets, arrows).
PLACEHOLDER = re.compile(r"\{\w+\}")
COMMAND = re.compile(r"(?<![\w/])/\w+")
ADDRESS = re.compile(r"\b[\w.-]+\.(?:org|uk|com)(?:/[\w/.-]*)?")
PHONE = re.compile(r"\b\d{3,4}(?: \d{3,4}){1,2}\b")
NOT_WORDS = re.compile(r"[^\w\s.,;:!?'\"()\-–—]")

# Sentences over budget on purpose, each with its reason. A sentence here that has come within
# budget (or gone) fails the test, so the list cannot grow stale.
ALLOWED: dict[str, str] = {}
# Shipped consultation wording over budget, each with a plainer wording to adopt: surveys/*.yaml
# belongs to the survey authors, and its English is the meaning of every answer already given, so
# it is changed there, on purpose, not here.
SURVEYS_TO_REWRITE: dict[str, str] = {}


def sentences(text: str) -> Iterator[str]:
    """The sentences of a text, cleaned for scoring: one per line or bullet, split after . ! ?"""
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            cleaned = PLACEHOLDER.sub("it", sentence)
            cleaned = COMMAND.sub("it", ADDRESS.sub("it", PHONE.sub("it", cleaned)))
            cleaned = NOT_WORDS.sub(" ", NAMES.sub("Sam", cleaned.replace("’", "'")))
            cleaned = re.sub(r"\s+", " ", cleaned).strip(" -–—:")
            if re.search(r"[A-Za-z]{2}", cleaned):
                yield cleaned


def grade(sentence: str) -> float:
    return (textstat.flesch_kincaid_grade(sentence) + textstat.coleman_liau_index(sentence)) / 2


def too_hard(sentence: str, budget: int) -> str | None:
    """Why a sentence is over budget (its score as a UK reading age, or its long words), or None."""
    if len(sentence.split()) < FRAGMENT_WORDS:
        long_words = [
            word
            for word in sorted(textstat.difficult_words_list(sentence, LONG_WORD_SYLLABLES), key=str.lower)
            if word.lower() not in TAUGHT
        ]
        return f"long words {long_words}" if long_words else None
    score = grade(sentence)
    return f"reading age {score + GRADE_TO_UK_AGE:.1f}" if score > budget else None


def bots_sentences() -> Iterator[tuple[str, str, int]]:
    """(where, sentence, budget) for each sentence in bot/core/texts.py, and each one whose
    placeholders are counted phrases as a young person reads it."""
    assembled = {"ERASE_DONE": texts.erase_done(3, 2)}
    for name, english in [*texts.ENGLISH.items(), *assembled.items()]:
        budget = EASY_BUDGET if name.endswith(texts.EASY) else BUDGET
        for sentence in sentences(english):
            yield name, sentence, budget
    for name, forms in texts.PLURALS.items():
        budget = EASY_BUDGET if name.endswith(texts.EASY) else BUDGET
        for form in forms:
            for sentence in sentences(form):
                yield name, sentence, budget


def surveys_sentences() -> Iterator[tuple[str, str, int]]:
    """(where, sentence, budget) for the English wording of each shipped consultation: title,
    intro, questions and labels (easy read's intro and questions with its budget)."""
    for path in sorted((ROOT / "surveys").glob("*.yaml")):
        consultation, problems = surveys.parse(
            surveys.Source(path.name, path.read_text(encoding="utf-8"), path.parent)
        )
        assert isinstance(consultation, Consultation), problems
        for where, text, budget in wording(consultation):
            for sentence in sentences(text):
                yield f"{path.name}: {where}", sentence, budget


def wording(consultation: Consultation) -> Iterator[tuple[str, str, int]]:
    yield "title", consultation.title, BUDGET
    yield "intro", consultation.intro, BUDGET
    if consultation.easy_intro:
        yield "easy_intro", consultation.easy_intro, EASY_BUDGET
    for question in consultation.questions:
        yield question.id, question.text, BUDGET
        if question.easy_text:
            yield f"{question.id}: easy_text", question.easy_text, EASY_BUDGET
        for option in getattr(question, "options", None) or ():
            yield f"{question.id}: {option.id}", option.label, BUDGET
        for point, label in (getattr(question, "labels", None) or {}).items():
            yield f"{question.id}: {point}", label, BUDGET


def over_budget(found: Iterator[tuple[str, str, int]]) -> dict[str, str]:
    """{sentence: "where: why"} for each sentence over its budget."""
    return {
        sentence: f"{where}: {why}: {sentence}"
        for where, sentence, budget in found
        if (why := too_hard(sentence, budget))
    }


def test_the_bots_sentences_are_within_the_reading_age_budget() -> None:
    hard = over_budget(bots_sentences())
    listed = [line for sentence, line in hard.items() if sentence not in ALLOWED]
    assert not listed, "over the reading-age budget: say it more plainly\n" + "\n".join(listed)
    assert [sentence for sentence in ALLOWED if sentence not in hard] == [], "now within budget: unlist"


def test_shipped_consultations_are_within_the_reading_age_budget() -> None:
    hard = over_budget(surveys_sentences())
    listed = [line for sentence, line in hard.items() if sentence not in SURVEYS_TO_REWRITE]
    assert not listed, "over the reading-age budget: say it more plainly\n" + "\n".join(listed)
    assert [s for s in SURVEYS_TO_REWRITE if s not in hard] == [], "now within budget: unlist"
    for plainer in SURVEYS_TO_REWRITE.values():
        assert [why for s in sentences(plainer) if (why := too_hard(s, BUDGET))] == [], plainer


def test_the_measure_tells_plain_from_hard_and_leaves_out_what_is_not_words() -> None:
    assert list(sentences("✅ Done. Send /start to see “{title}” at childline.org.uk or 0800 1111.")) == [
        "Done.",
        "Send it to see it at it or it.",
    ]
    assert too_hard("Tap the face that fits best.", EASY_BUDGET) is None
    assert too_hard("The Monday hub is open, and you can bring a friend.", EASY_BUDGET) is None
    assert too_hard(
        "Notwithstanding the aforementioned considerations, participation remains entirely discretionary.",
        BUDGET,
    )
    assert too_hard("Saturday", EASY_BUDGET) is None  # one word: no formula, and a familiar one
    assert too_hard("Your anonymous answers", BUDGET) is None  # a word the bot teaches
    assert too_hard("Discretionary participation", BUDGET) == "long words ['Discretionary', 'participation']"
