"""The safeguarding checker: normalisation, matching rules, the phrase-file format, and a labelled set.

`pytest -s tests/unit/test_safeguarding.py` prints precision and recall on the labelled set with the
messages it gets wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.safeguarding.phrases import (
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
    assert category(book, text) == "suicide", normalise(text)


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
        "its about 5 kms away",  # kilometres, not "kill myself"
        "shh the film is starting",  # "sh" only alerts in phrases like "relapsed on sh"
        "im doing my epq on county lines",
        "can we have a talk about sexting at school",
    ],
)
def test_idioms_in_not_a_concern_do_not_alert(book: Phrasebook, text: str) -> None:
    assert book.check(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "i'm not amused",  # one letter from "abused"
        "got swabbed at the clinic",  # "stabbed"
        "he looked me in the eye",  # "locked me in"
        "i filled it in on my phone",  # "filmed it"
        "we went shopping at westfield",  # "shooting at"
        "im handing myself in to the police tomorrow",  # "hanging myself"
        "someone spilled my drink at the party",  # "spiked my drink"
        "i feel a bit hopeless about my exams",  # "homeless"
        "im buying a new phone",  # "bullying"
        "the older kids at youth club are nice",  # "the olders"
        "im so into rapping and drill",  # "raping"
    ],
)
def test_everyday_words_are_not_typo_corrected_into_a_concern(book: Phrasebook, text: str) -> None:
    assert book.check(text) is None, normalise(text)


def test_a_longer_concern_wins_over_an_idiom_inside_it(book: Phrasebook) -> None:
    assert book.check("i cut myself on a tin") is None
    assert book.check("i cut myself on purpose") == Concern("self_harm", "cut* myself on purpose")


def test_an_idiom_elsewhere_in_the_message_does_not_hide_a_concern(book: Phrasebook) -> None:
    assert category(book, "this survey is killing me. also i want to kill myself") == "suicide"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i want to kill myself", "suicide"),
        ("kms fr", "suicide"),
        ("gonna top myself", "suicide"),
        ("lowkey wanna unalive myself", "suicide"),
        ("i keep cutting myself", "self_harm"),
        ("took an overdose", "self_harm"),
        ("i took a load of pills last night", "self_harm"),
        ("relapsed on sh after 3 weeks clean", "self_harm"),
        ("he touched me and said not to tell", "sexual_abuse"),
        ("i was raped at a party", "sexual_abuse"),
        ("my stepdad hits me", "physical_abuse"),
        ("im scared to go home", "physical_abuse"),
        ("my dad hits my mum when hes drunk", "domestic_abuse"),
        ("my boyfriend checks my phone every day", "domestic_abuse"),
        ("older men give us alcohol at the flat", "sexual_exploitation"),
        ("he pays me for sex", "sexual_exploitation"),
        ("my older boyfriend gives me weed", "grooming"),
        ("hes 24 and says im mature for my age", "grooming"),
        ("he made me send pics", "online_harms"),
        ("someone leaked my nudes", "online_harms"),
        ("i have to hold drugs for them", "criminal_exploitation"),
        ("i owe them money", "criminal_exploitation"),
        ("im doing county lines", "criminal_exploitation"),
        ("they make me sell", "criminal_exploitation"),
        ("gotta go country tmrw", "criminal_exploitation"),
        ("my parents are making me marry my cousin", "honour_based_abuse"),
        ("my aunty wants me to have fgm", "honour_based_abuse"),
        ("i think im being radicalised online", "radicalisation"),
        ("they keep talking about a race war", "radicalisation"),
        ("im going to run away tonight", "missing_homeless"),
        ("im not going home", "missing_homeless"),
        ("ive been sofa surfing for weeks", "missing_homeless"),
        ("theres no food at home again", "neglect"),
        ("i go to bed hungry most nights", "neglect"),
        ("my mum tells me im a mistake", "emotional_abuse"),
        ("someone got stabbed", "bullying_threats"),
        ("i carry a knife", "bullying_threats"),
        ("they beat me up", "bullying_threats"),
        ("everyone hates me", "bullying_threats"),
        ("i'm being bullied", "bullying_threats"),
        ("i cant stop drinking", "substance_misuse"),
        ("someone spiked my drink", "substance_misuse"),
        ("staff restrained me again last night", "in_care"),
        ("my placement broke down again", "in_care"),
    ],
)
def test_each_category(book: Phrasebook, text: str, expected: str) -> None:
    assert category(book, text) == expected


def test_the_most_serious_category_is_reported(book: Phrasebook) -> None:
    text = "everyone hates me and i want to kill myself"
    assert book.check(text) == Concern("suicide", "kill* myself")
    assert [c.category for c in book.concerns(text)] == ["suicide", "bullying_threats"]
    # Most serious first, in the order of CATEGORIES, whatever the order in the message.
    text = "i got kicked out, i'm sofa surfing and my mates stepdad touched me"
    assert [c.category for c in book.concerns(text)][:2] == ["sexual_abuse", "missing_homeless"]


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
    # How long this takes is measured by benchmarks/safeguarding.py, not by a test.
    filler = (
        "I think the youth centre should open later on fridays, the staff are really nice but the wifi "
        "is rubbish and we need more trips to the seaside. Also more sessions about cooking and money! "
    )
    assert book.check((filler * 20)[:2000]) is None
    assert category(book, (filler * 20)[:1975] + " i want to kill myself") == "suicide"


# --------------------------------------------------------------------------------------------------
# The file format


def test_parse_reads_sections_comments_and_idioms() -> None:
    book = parse_phrasebook(
        "# a note\n\n[Self harm]\nkill myself   # inline note\n[bullying]\neveryone hates me\n"
        "[not a concern]\nkilling me softly\n",
        "t.txt",
    )
    assert book.entries == (("self_harm", "kill myself"), ("bullying_threats", "everyone hates me"))
    assert book.exceptions == ("killing me softly",)


def test_section_names_from_before_the_categories_were_split_still_work() -> None:
    # A team's own phrase file may still use the old headings; each is read as the category it became.
    book = parse_phrasebook(
        "[abuse]\nhits me\n[missing]\nran off\n[violence]\nstab me\n"
        "[drugs_pressure]\nrunning food\n[bullying]\nnobody likes me\n[Suicide]\nend it all\n",
        "team.txt",
    )
    assert [category for category, _ in book.entries] == [
        "physical_abuse",
        "missing_homeless",
        "bullying_threats",
        "criminal_exploitation",
        "bullying_threats",
        "suicide",
    ]


def test_every_category_is_a_section_heading() -> None:
    for name in CATEGORIES:
        heading = name.replace("_", " ").title()  # "[Sexual Abuse]" reads as [sexual_abuse]
        assert parse_phrasebook(f"[{heading}]\nsome phrase\n", "t.txt").entries == ((name, "some phrase"),)


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
        "[criminal_exploitation]\nrunning food\n[not a concern]\nhits me like a train\n", "team.txt"
    )
    both = book.extended(team)
    assert book.check("im running food for them") is None
    assert both.check("im running food for them") == Concern("criminal_exploitation", "running food")
    assert category(book, "that song hits me like a train") == "physical_abuse"
    assert both.check("that song hits me like a train") is None
    assert category(both, "my dad hits me") == "physical_abuse"  # the shipped list still applies
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
        ("أنا أريدُ أنْ أموتَ", "suicide"),  # vowel marks and hamza forms do not matter
        ("انا اريد ان اموت", "suicide"),
        ("سأقتل نفسي الليلة", "suicide"),  # "will" joined to the front
        ("وسأقتل نفسي", "suicide"),  # "and" + "will"
        ("بدي اموووت", "suicide"),  # stretched letters
        ("انتحاااار", "suicide"),
        ("أفكر في الانتحار", "suicide"),  # "the" joined to the front
        ("رجعت جرحت حالي امبارح", "self_harm"),
        ("عمي بيدخل غرفتي بالليل لما الكل نايم", "sexual_abuse"),
        ("أبي يضربني كل يوم", "physical_abuse"),
        ("ابوي بيضرب امي كل ليلة", "domestic_abuse"),
        ("قلي خلي حديثنا سر بيننا", "grooming"),
        ("يبتزني بصوري", "online_harms"),
        ("يجبرني على بيع أشياء", "criminal_exploitation"),
        ("اهلي بدهم يزوجوني لابن عمي", "honour_based_abuse"),
        ("هربت من البيت أمس", "missing_homeless"),
        ("ما في اكل بالبيت من يومين", "neglect"),
        ("امي كل يوم بتقلي ياريتك ما انولدت", "emotional_abuse"),
        ("المتنمرين في المدرسة", "bullying_threats"),
        ("معي سكين", "bullying_threats"),
        ("يتنمرون علي في المدرسة", "bullying_threats"),
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
