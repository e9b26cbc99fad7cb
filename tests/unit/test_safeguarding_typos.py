"""The safeguarding checker, message by message: one-letter typos, letters spelt out, and every
labelled message pinned to what the checker does with it today (test_safeguarding.py checks only the
overall figures, so single messages could be lost with it still green).

Every message here was written for these tests.
"""

from __future__ import annotations

import pytest

from bot.safeguarding import classifier
from bot.safeguarding.categories import CATEGORIES
from bot.safeguarding.phrases import (
    DEFAULT_PHRASEBOOK_PATH,
    Concern,
    Phrasebook,
    PhrasebookError,
    normalise,
    parse_phrasebook,
)
from bot.safeguarding.triage import Tier, Triage, Verdict
from tests.unit.test_safeguarding import read_labelled


@pytest.fixture(scope="module")
def book() -> Phrasebook:
    return parse_phrasebook(DEFAULT_PHRASEBOOK_PATH.read_text(encoding="utf-8"), str(DEFAULT_PHRASEBOOK_PATH))


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("thinking about suicode", "suicide"),  # a wrong letter
        ("thinking about suixide", "suicide"),
        ("thinking about suicde", "suicide"),  # a missing letter
        ("thinking about siucide", "suicide"),  # two letters swapped
        ("i want to kill mysel", "kill* myself"),  # five letters typed, one short
        ("i want to kill myselfs", "kill* myself"),  # an extra letter at the end
        ("i took an oeverdose", "took an overdose"),  # an extra letter inside
        ("i am being gromed online", "being groomed"),
        ("i was bullyed at school", "bullied"),  # double letters count once: "bulied" is six
    ],
)
def test_a_one_letter_typo_in_a_long_listed_word_still_alerts(
    book: Phrasebook, text: str, phrase: str
) -> None:
    found = book.check(text)
    assert found is not None and found.phrase == phrase, normalise(text)


@pytest.mark.parametrize(
    "text",
    [
        "thinking about tuicide",  # the first letter is never forgiven
        "thinking about usicide",
        "thinking about siucode",  # two letters out
        "he rapd me",  # "raped" is five letters: too close to everyday words for typos
    ],
)
def test_what_typo_tolerance_does_not_stretch_to(book: Phrasebook, text: str) -> None:
    assert book.check(text) is None


def test_a_typo_is_read_the_same_wherever_it_comes_in_a_message(book: Phrasebook) -> None:
    # The same typed word, first as a concern and then again: the second reading must agree.
    assert book.check("suicode") == Concern("suicide", "suicide")
    assert book.check("my mate said suicode twice, suicode") == Concern("suicide", "suicide")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("k m s", "kms"),  # three letters spelt out are a word
        ("k m s fr", "kms fr"),
        ("u r ok", "you are ok"),  # two are not: each is read on its own
        ("a b hub", "a b hub"),
        ("x", "x"),
    ],
)
def test_letters_spelt_out_are_joined_from_three(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_three_letters_spelt_out_alert(book: Phrasebook) -> None:
    assert book.check("k m s") == Concern("suicide", "kms")
    assert book.check("honestly k.m.s") == Concern("suicide", "kms")


# The labelled set, message by message. What the checker gets wrong today is listed here, so a
# change that loses one more message fails, and one that fixes a message is a reason to shorten
# these lists. Each entry: the message as in safeguarding_labelled.tsv.
KNOWN_MISSES = {
    "i just wanna sleep forever",
    "my bf is 24 and im 15",
    "my friends brother is 19 and wants me to go round his flat on my own",
    "i dont think ill be here much longer",
    "i have a plan to end things",
    "i get shouted at and hit if i come home late",
    "my carer makes me sleep on the floor",
    "my boyfriend shares me with his mates",
    "i left my placement and i'm not telling anyone where i am",
    "the girls in my class exclude me from everything",
    "no one ever sits with me",
}
# Alerted, but under another category than the label (the most serious one found wins).
KNOWN_OTHER_CATEGORY = {
    "my mum's partner threatened to kill me": "bullying_threats",
    "a man on roblox asked me to take my clothes off on camera": "sexual_abuse",
    "i owe them money and they said theyll hurt me": "physical_abuse",
    "they keep pressuring me to take pills at parties": "self_harm",
}
KNOWN_FALSE_ALARMS = {
    "I'll kill him if he eats my chips again lol",
    "I hate myself for missing the bus lol",
    "the staff helped me when i was being bullied last year and it stopped",
    "the lesson was so boring i wanted to die lol",
    "we ran away from a wasp at the picnic",
}


def test_every_labelled_message_gets_what_it_got_when_the_list_was_last_checked(book: Phrasebook) -> None:
    lost: list[str] = []
    for _set, label, message in read_labelled():
        found = book.check(message)
        if label == "none":
            if found is not None and message not in KNOWN_FALSE_ALARMS:
                lost.append(f"new false alarm: {message!r} -> {found.category} ({found.phrase!r})")
        elif found is None:
            if message not in KNOWN_MISSES:
                lost.append(f"no longer alerts: {label}: {message!r}")
        elif found.category != KNOWN_OTHER_CATEGORY.get(message, label):
            lost.append(f"other category: {message!r} -> {found.category}, labelled {label}")
    assert not lost, "\n".join(lost)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("su1c1de", "suicide"),  # each 1 is an i
        ("thinking about su1c1da1", "suicidal"),  # two are i, the last an l
        ("looking up a 1ethal dose", "lethal dose*"),  # a phrase with a wildcard, 1 first for an l
        ("he is an 1ncel now", "incel*"),  # and 1 first for an i
    ],
)
def test_a_1_for_an_i_or_an_l_still_names_the_listed_phrase(book: Phrasebook, text: str, phrase: str) -> None:
    found = book.check(text)
    assert found is not None and found.phrase == phrase


def test_a_phrase_file_mistake_keeps_its_reason_apart_from_where_it_is() -> None:
    with pytest.raises(PhrasebookError) as raised:
        parse_phrasebook("kill myself\n", "team-phrases.txt")
    assert (raised.value.source, raised.value.line) == ("team-phrases.txt", 1)
    assert raised.value.reason == "a phrase before any [section] heading"


# --------------------------------------------------------------------------------------------------
# Triage: every verdict carries the classifier's own reading of the message as it was written


@pytest.fixture(scope="module")
def model() -> classifier.Model:
    return classifier.load()


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("😭😭 The Bus Is LATE again 😭", Tier.NONE),  # emoji and capitals: the words as written count
        ("Chciałbym, żeby w parku było więcej ławek", Tier.REVIEW),  # a language the checks cannot read
        ("thinking about su1c1da1", Tier.ALERT),
    ],
)
def test_a_verdict_carries_the_score_of_the_message_as_written(
    book: Phrasebook, model: classifier.Model, text: str, tier: Tier
) -> None:
    verdict = Triage(book, model).check(text)
    expected = model.score(text)
    assert verdict.tier is tier
    assert verdict.score == pytest.approx(expected.concern)
    if tier is Tier.NONE:
        assert verdict.category == expected.category


@pytest.mark.parametrize("text", ["", "   ", " \n\t "])
def test_a_blank_message_is_nothing_at_all(book: Phrasebook, model: classifier.Model, text: str) -> None:
    assert Triage(book, model).check(text) == Verdict(Tier.NONE, "", 0.0)


# --------------------------------------------------------------------------------------------------
# Which phrase is named, and what a phrase file is told


def test_the_longest_phrase_of_a_category_is_named_wherever_it_comes(book: Phrasebook) -> None:
    assert book.check("kms honestly i want to kill myself") == Concern("suicide", "kill* myself")


def test_a_phrase_said_twice_is_one_concern(book: Phrasebook) -> None:
    assert book.concerns("kms kms") == [Concern("suicide", "kms")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bu||ied", "bullied"),  # | for l, and nothing else in the message to read as a letter
        ("cla$$es", "classes"),
        ("c0000l", "cool"),  # a run of look-alike digits is shortened like a run of letters
    ],
)
def test_look_alike_symbols_and_digits(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_a_typo_in_the_second_letter_is_forgiven(book: Phrasebook) -> None:
    assert book.check("thinking about sicide") == Concern("suicide", "suicide")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "[suicide]\nkill myself\nself_harm]\n",
            3,
            "a section heading looks like [self_harm], not 'self_harm]'",
        ),
        ("[suicide]\na ... b\n", 2, "'a ... b' is too short to match safely; use a longer phrase"),
        (
            "[suicide]\ntook ... ... pills\n",
            2,
            "'...' may only stand between two words, as in 'took ... pills'",
        ),
        ("[suicide]\nk*ll\n", 2, "'*' may only end a word of three or more letters, as in 'cut* myself'"),
    ],
)
def test_a_phrase_file_mistake_is_told_in_so_many_words(text: str, line: int, reason: str) -> None:
    with pytest.raises(PhrasebookError) as raised:
        parse_phrasebook(text, "team-phrases.txt")
    assert (raised.value.line, raised.value.reason) == (line, reason)


def test_an_unknown_section_lists_every_section_there_is() -> None:
    with pytest.raises(PhrasebookError) as raised:
        parse_phrasebook("[selfharm]\n", "team-phrases.txt")
    sections = ", ".join(f"[{c}]" for c in (*CATEGORIES, "not a concern"))
    assert raised.value.reason == f"unknown section [selfharm]; use one of {sections}"


def test_a_phrasebook_refuses_a_category_it_does_not_know() -> None:
    with pytest.raises(ValueError, match=r"^unknown category 'nope'$"):
        Phrasebook(entries=(("nope", "kill myself"),))
