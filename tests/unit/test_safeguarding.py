"""The safeguarding checker: normalisation, matching rules, the phrase-file format, and a labelled set.

`pytest -s tests/unit/test_safeguarding.py` prints precision and recall on the labelled set with the
messages it gets wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.safeguarding import (
    CATEGORIES,
    DEFAULT_PHRASEBOOK_PATH,
    Concern,
    Phrasebook,
    PhrasebookError,
    normalise,
    parse_phrasebook,
)

LABELLED = Path(__file__).with_name("safeguarding_labelled.tsv")


@pytest.fixture(scope="module")
def book() -> Phrasebook:
    return parse_phrasebook(DEFAULT_PHRASEBOOK_PATH.read_text(encoding="utf-8"), str(DEFAULT_PHRASEBOOK_PATH))


def category(book: Phrasebook, text: str) -> str | None:
    concern = book.check(text)
    return concern.category if concern else None


# --------------------------------------------------------------------------------------------------
# normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KILL MYSELF", "kill myself"),
        ("Killlll myself!!! 😭😭", "kill myself"),
        ("k i l l  m y s e l f", "killmyself"),
        ("s.u.i.c.i.d.e", "suicide"),
        ("kill.my.self", "kill my self"),
        ("k1ll mys3lf", "kill myself"),
        ("ki11 my$elf", "kill myself"),
        ("$uicide", "suicide"),
        ("k!ll", "kill"),
        ("wanna d13", "want to die"),
        ("h8 u", "hate you"),
        ("im scared", "i am scared"),
        ("I’m scared, don’t tell", "i am scared do not tell"),
        ("i can't", "i can not"),
        ("i'd kill for a pizza", "i would kill for a pizza"),
        ("ur gonna", "your going to"),
        ("Café naïve", "cafe naive"),
        ("ｋｉｌｌ", "kill"),  # full-width
        ("кill", "kill"),  # Cyrillic к
        ("ki\u200bll", "kill"),  # zero-width space
        ("self-harm", "self harm"),
        # Numbers in ordinary text stay numbers.
        ("open 24/7", "open 24 7"),
        ("year 10 at 3am on the 2nd", "year 10 at 3am on the 2nd"),
        ("10/10", "10 10"),
        ("", ""),
        ("🔪💊", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


# --------------------------------------------------------------------------------------------------
# check: the matching rules, on the shipped list


@pytest.mark.parametrize(
    "text",
    [
        "i want to kill myself",
        "I WANT TO KILL MYSELF",
        "k i l l  m y s e l f",
        "kill.my.self",
        "kill my self",
        "killmyself",
        "k-i-l-l-i-n-g myself",
        "kiiiiill myseeeelf",
        "k1ll mys3lf",
        "ki11 my$elf",
        "кill myself",
        "ki\u200bll myself",
        "im gonna kill myslef",  # typo in a long word
        "kill myselff",
        "i'm gonna kill mysef",
        "sucide",
        "suicdie",  # swapped letters
        "i want to end my life",
        "killing myself is all i think about",
    ],
)
def test_spelling_tricks_are_caught(book: Phrasebook, text: str) -> None:
    assert category(book, text) == "self_harm", normalise(text)


@pytest.mark.parametrize(
    "text",
    [
        "the skill myself workshop",  # "skill" is not "kill"
        "I need to upskill myself",
        "we went to the stable yard",  # not "stab"
        "the staffs were nice",  # five letters: no typo tolerance ("stabs")
        "more sessions pls",
        "24/7 help would be good",
        "year 10 and year 11",
        "open til 10pm",
    ],
)
def test_word_boundaries_and_numbers_do_not_create_matches(book: Phrasebook, text: str) -> None:
    assert book.check(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "this survey is killing me",
        "these questions are killing me lol",
        "i'd kill for a pizza",
        "id kill for a games room",
        "dying to see it",
        "you killed it",
        "drop dead gorgeous",
        "my brother beat me at fifa",
        "hit me up on snap",
        "then it hit me how lucky i am",
        "that story really touched me",
        "knife and fork in the kitchen",
        "more sessions about knife crime",
        "I ran away from the question lol",
        "i want to die my hair blue",
        "i cut myself on a tin",
        "my mum will kill me if i'm late",
    ],
)
def test_idioms_in_not_a_concern_do_not_alert(book: Phrasebook, text: str) -> None:
    assert book.check(text) is None


def test_a_longer_concern_wins_over_an_idiom_inside_it(book: Phrasebook) -> None:
    assert book.check("i cut myself on a tin") is None
    assert book.check("i cut myself on purpose") == Concern("self_harm", "cut* myself on purpose")


def test_an_idiom_elsewhere_in_the_message_does_not_hide_a_concern(book: Phrasebook) -> None:
    assert category(book, "this survey is killing me. also i want to kill myself") == "self_harm"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i keep cutting myself", "self_harm"),
        ("took an overdose", "self_harm"),
        ("i took a load of pills last night", "self_harm"),
        ("my stepdad hits me", "abuse"),
        ("he touched me and said not to tell", "abuse"),
        ("he made me send pics", "sexual_exploitation"),
        ("my older boyfriend gives me weed", "sexual_exploitation"),
        ("im going to run away tonight", "missing"),
        ("im not going home", "missing"),
        ("someone got stabbed", "violence"),
        ("i carry a knife", "violence"),
        ("they beat me up", "violence"),
        ("i have to hold drugs for them", "drugs_pressure"),
        ("i owe them money", "drugs_pressure"),
        ("im doing county lines", "drugs_pressure"),
        ("they make me sell", "drugs_pressure"),
        ("everyone hates me", "bullying"),
        ("i'm being bullied", "bullying"),
    ],
)
def test_each_category(book: Phrasebook, text: str, expected: str) -> None:
    assert category(book, text) == expected


def test_the_most_serious_category_is_reported(book: Phrasebook) -> None:
    text = "everyone hates me and i want to kill myself"
    assert book.check(text) == Concern("self_harm", "kill* myself")
    assert [c.category for c in book.concerns(text)] == ["self_harm", "bullying"]


def test_the_phrase_is_reported_as_written_in_the_list(book: Phrasebook) -> None:
    assert book.check("I'm   SELF-HARMING") == Concern("self_harm", "self harm*")


def test_every_shipped_phrase_matches_itself_and_every_category_has_phrases(book: Phrasebook) -> None:
    # Catches a worker's [not a concern] line that swallows a listed concern.
    for section, phrase in book.entries:
        assert category(book, phrase) is not None, phrase
        assert section in CATEGORIES
    assert {section for section, _ in book.entries} == set(CATEGORIES)
    for idiom in book.exceptions:
        assert book.check(idiom) is None, idiom


def test_a_concern_at_the_end_of_a_2000_character_message_is_found(book: Phrasebook) -> None:
    # How long this takes is measured by benchmarks/safeguarding_check.py, not by a test.
    filler = (
        "I think the youth centre should open later on fridays, the staff are really nice but the wifi "
        "is rubbish and we need more trips to the seaside. Also more sessions about cooking and money! "
    )
    assert book.check((filler * 20)[:2000]) is None
    assert category(book, (filler * 20)[:1975] + " i want to kill myself") == "self_harm"


# --------------------------------------------------------------------------------------------------
# The file format


def test_parse_reads_sections_comments_and_idioms() -> None:
    book = parse_phrasebook(
        "# a note\n\n[Self harm]\nkill myself   # inline note\n[bullying]\neveryone hates me\n"
        "[not a concern]\nkilling me softly\n",
        "t.txt",
    )
    assert book.entries == (("self_harm", "kill myself"), ("bullying", "everyone hates me"))
    assert book.exceptions == ("killing me softly",)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("kill myself\n", 1, "a phrase before any [section] heading"),
        ("[self_harm]\nkill myself\n[selfharm]\n", 3, "unknown section [selfharm]"),
        ("[self_harm]\n\n[self_harm\n", 3, "a section heading looks like [self_harm]"),
        ("[abuse]\nhits me\nhi\n", 3, "too short to match safely"),
        ("[abuse]\n!!! 😭\n", 2, "has no letters or numbers"),
        ("[abuse]\n*hits me\n", 2, "'*' may only end a word"),
        ("[abuse]\nhi*ts me\n", 2, "'*' may only end a word"),
        ("[abuse]\n... hits me\n", 2, "'...' may only stand between two words"),
    ],
)
def test_problems_name_the_file_and_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(PhrasebookError) as caught:
        parse_phrasebook(text, "team-phrases.txt")
    message = str(caught.value)
    assert message.startswith(f"team-phrases.txt: line {line}: ") and reason in message, message
    assert (caught.value.source, caught.value.line) == ("team-phrases.txt", line)
    assert isinstance(caught.value, ValueError)


def test_an_empty_file_is_an_empty_phrasebook() -> None:
    book = parse_phrasebook("# nothing yet\n", "empty.txt")
    assert book.check("i want to kill myself") is None


def test_extended_adds_a_teams_phrases_and_idioms(book: Phrasebook) -> None:
    team = parse_phrasebook(
        "[drugs_pressure]\nrunning a line\n[not a concern]\nhits me like a train\n", "team.txt"
    )
    both = book.extended(team)
    assert book.check("im running a line for them") is None
    assert both.check("im running a line for them") == Concern("drugs_pressure", "running a line")
    assert category(book, "that song hits me like a train") == "abuse"
    assert both.check("that song hits me like a train") is None
    assert category(both, "my dad hits me") == "abuse"  # the shipped list still applies
    assert len(both.entries) == len(book.entries) + 1
    assert book.extended(book) == book  # nothing is added twice


def test_wildcards_and_gaps() -> None:
    book = parse_phrasebook("[self_harm]\ncut* myself\ntook ... pills\nswallowed \u2026 tablets\n", "t.txt")
    caught = ["cut myself", "cutting myself", "cuts my self", "took pills", "took all my mums pills"]
    for text in [*caught, "swallowed 20 tablets"]:
        assert book.check(text) is not None, text
    for text in ["cut yourself", "took a long walk and then some pills", "uncut myself"]:
        assert book.check(text) is None, text


# --------------------------------------------------------------------------------------------------
# The labelled set


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    same_category: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def line(self, name: str) -> str:
        return (
            f"{name:<9} precision {self.precision:.3f} ({self.tp}/{self.tp + self.fp})  "
            f"recall {self.recall:.3f} ({self.tp}/{self.tp + self.fn})  "
            f"messages {self.tp + self.fp + self.fn + self.tn}"
        )


def read_labelled() -> list[tuple[str, str, str]]:
    """(set name, label, message) for every line of the labelled file."""
    rows = []
    current = "tuned"
    for number, line in enumerate(LABELLED.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("# @set "):
            current = line.removeprefix("# @set ").split(":")[0].strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        label, _, message = line.partition("\t")
        assert message and (label == "none" or label in CATEGORIES), f"{LABELLED.name}: line {number}"
        rows.append((current, label, message))
    return rows


def test_labelled_set_precision_and_recall(book: Phrasebook) -> None:
    rows = read_labelled()
    total, by_set = Tally(), {name: Tally() for name, _, _ in rows}
    wrong: list[str] = []
    for set_name, label, message in rows:
        found = book.check(message)
        for tally in (total, by_set[set_name]):
            if label == "none":
                tally.fp += found is not None
                tally.tn += found is None
            else:
                tally.tp += found is not None
                tally.fn += found is None
                tally.same_category += found is not None and found.category == label
        if label == "none" and found:
            wrong.append(f"  false alarm  [{set_name}] {message!r} -> {found.category}: {found.phrase!r}")
        elif label != "none" and not found:
            wrong.append(f"  MISSED       [{set_name}] {label}: {message!r}")

    print(f"\nSafeguarding labelled set ({LABELLED.name}): alert vs no alert")
    print(total.line("all"))
    for name, tally in by_set.items():
        print(tally.line(name))
    print(f"right category when alerted: {total.same_category}/{total.tp}")
    print("\n".join(wrong))

    assert len(rows) >= 220
    assert sum(label != "none" for _, label, _ in rows) >= 100
    # Floors just under what the list achieves, so a change cannot make it silently worse.
    # Recall matters most: a missed cry for help is worse than a false alarm.
    assert total.recall >= 0.90
    assert total.precision >= 0.95
    assert total.same_category / total.tp >= 0.95
    # Messages written after the list was frozen: the honest estimate, and much lower.
    assert by_set["held-out"].recall >= 0.55
    assert by_set["held-out"].precision >= 0.90


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أنا أريدُ أنْ أموتَ", "self_harm"),  # vowel marks and hamza forms do not matter
        ("انا اريد ان اموت", "self_harm"),
        ("سأقتل نفسي الليلة", "self_harm"),  # "will" joined to the front
        ("وسأقتل نفسي", "self_harm"),  # "and" + "will"
        ("بدي اموووت", "self_harm"),  # stretched letters
        ("انتحاااار", "self_harm"),
        ("المتنمرين في المدرسة", "bullying"),
        ("أفكر في الانتحار", "self_harm"),  # "the" joined to the front
        ("أبي يضربني كل يوم", "abuse"),
        ("يبتزني بصوري", "sexual_exploitation"),
        ("هربت من البيت أمس", "missing"),
        ("معي سكين", "violence"),
        ("يجبرني على بيع أشياء", "drugs_pressure"),
        ("يتنمرون علي في المدرسة", "bullying"),
        ("المركز جميل وأريد غرفة خاصة", None),
        ("سكين المطبخ", None),
        ("الحياة جميلة", None),
        # One letter from a listed word is another everyday word in Arabic: no typo forgiveness.
        ("في انتظار الحافلة", None),
        ("انتصار فريقنا", None),
        ("يضربون الكرة", None),
    ],
)
def test_arabic_messages(book: Phrasebook, text: str, expected: str | None) -> None:
    assert category(book, text) == expected
