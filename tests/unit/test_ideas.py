"""Name ideas: the same-idea key, the display label, the screener's flags, and the blocklist format."""

from __future__ import annotations

import pytest

from bot.core.ideas import (
    DEFAULT_BLOCKLIST_PATH,
    IDEA_MAX_LENGTH_DEFAULT,
    Blocklist,
    BlocklistError,
    Flag,
    Screener,
    display_label,
    normalise,
    parse_blocklist,
)

NAMES = Blocklist(real_names=frozenset({"Sam Smith", "Dr Jo Bloggs-Example"}))


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(NAMES)


@pytest.fixture(scope="module")
def plain() -> Screener:
    return Screener(Blocklist())


def test_default_length() -> None:
    assert IDEA_MAX_LENGTH_DEFAULT == 40


# --------------------------------------------------------------------------------------------------
# normalise: the same idea


@pytest.mark.parametrize(
    "text",
    [
        "Safe Haven",
        "safe haven!",
        "SAFE  HAVEN",
        " Safe-Haven 🏠",
        "Ｓａｆｅ Ｈａｖｅｎ",  # full-width
        "Safe Haνen",  # Greek small nu
        "Sаfe Haven",  # Cyrillic a
        "SАFЕ HАVЕN",  # Cyrillic capitals
        "Sáfe Hävén",
        "safe_haven.",
        "𝐒𝐚𝐟𝐞 𝐇𝐚𝐯𝐞𝐧",  # mathematical bold
        "Safe\tHaven\n",
        "«Safe Haven»",
    ],
)
def test_same_idea(text: str) -> None:
    assert normalise(text) == "safe haven"


def test_invisible_characters_are_not_spaces() -> None:
    # "Safe<zero-width space>Haven" shows as "SafeHaven", so that is the idea.
    assert normalise("Safe\u200bHaven") == normalise("SafeHaven") == "safehaven"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kid's Corner", "Kids Corner"),
        ("Kid’s Corner", "Kids corner"),
        ("Safe & Sound", "Safe and Sound"),
        ("Straße", "STRASSE"),
        ("Café", "Cafe"),
        ("1️⃣ Stop", "1 Stop"),
        ("ΝO WRONG DOOR", "No Wrong Door"),  # Greek capital Nu reads as N, not v
    ],
)
def test_same_idea_other_spellings(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hub 2", "Hub Z"),  # digits are not letters in the key
        ("Hub 1", "Hub I"),
        ("Room 101", "Room IOI"),
        ("Safe Haven", "Safe Heaven"),
        ("No Wrong Door", "No Wrong Doors"),
        ("Safe Haven", "SafeHaven"),  # spaces still count
        ("Now Here", "Nowhere"),
        ("Hub", "Hub 2"),
    ],
)
def test_different_ideas(a: str, b: str) -> None:
    assert normalise(a) != normalise(b)


@pytest.mark.parametrize(
    "text", ["", "   ", "🏠", "🏠 ❤️ 🙂", "!!!", "...", "— – -", "@#%&*", "👩‍👧", "\u200b"]
)
def test_no_letters_or_digits_is_invalid(text: str) -> None:
    assert normalise(text) == ""


@pytest.mark.parametrize(
    ("text", "key"), [("2026", "2026"), ("希望", "希望"), ("Ψ Hub", "ψ hub"), ("#1", "1")]
)
def test_digits_and_other_scripts_are_valid(text: str, key: str) -> None:
    assert normalise(text) == key


# --------------------------------------------------------------------------------------------------
# display_label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("  Safe   Haven!  ", "Safe Haven!"),
        ("SAFE haven", "SAFE haven"),
        ("Ｓａｆｅ Ｈａｖｅｎ", "Safe Haven"),
        ("Safe\nHaven\t🏠", "Safe Haven 🏠"),
        ("Kid’s Corner", "Kid’s Corner"),
        ("Safe\u202eHaven", "SafeHaven"),  # a right-to-left override would reverse the text on the ballot
        ("Safe\u200b Haven\x00", "Safe Haven"),
        ("Home 👩‍👧", "Home 👩‍👧"),  # the joiner in an emoji sequence is kept
        ("Sаfe", "Sаfe"),  # look-alike letters are the young person's own: shown as typed
    ],
)
def test_display_label(text: str, label: str) -> None:
    assert display_label(text) == label


# --------------------------------------------------------------------------------------------------
# Screener: nothing to hold


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe Hub",
        "Cockburn Centre",
        "Essex Base",
        "Grape Escape",
        "Hello There",
        "Class Act",
        "Assemble",
        "Passport",
        "Safe Haven",
        "No Wrong Door",
        "Let's Hit Reset",
        "Grass Roots",
        "Penistone Hub",
        "Here 4 U",
        "Hub 2",
        "Room 101",
        "24/7 Place",
        "1st Step",
        "2026",
        "Class of 2025 2026",
        "Safe @ Home",
        "H@ven",
        "@",
        "@ab",
        "St. Mary's",
        "No.1 Hub",
        "Just.Be",
        "Y.O.U.",
        "A.C.E. Hub",
        "Samsmith",
        "Sam Smithson",
        "Queer Youth Hub",
        "Gay Pride Space",
    ],
)
def test_nothing_to_hold(screener: Screener, text: str) -> None:
    assert screener.flags(text) == ()


# --------------------------------------------------------------------------------------------------
# PROFANITY


@pytest.mark.parametrize(
    "text",
    [
        "Shit Hub",
        "the shit place",
        "sh1t",
        "sh!t",
        "s h i t",
        "f.u.c.k",
        "F_U_C_K hub",
        "f*ck",
        "b!tch",
        "BITCH",
        "a$$",
        "fuuuuck",
        "asssss",
        "Fück",
        "Shıt",  # dotless i
        "ѕhit",  # Cyrillic dze
        "ｓｈｉｔ",  # full-width
        "fuck's sake",
        "p0rn",
        "wank3r",
        "h0m0",
        "S.E.X",
        "cvnt",
    ],
)
def test_profanity(plain: Screener, text: str) -> None:
    assert plain.flags(text) == (Flag.PROFANITY,)


def test_extra_profanity_from_the_blocklist(plain: Screener) -> None:
    extra = Screener(
        Blocklist(extra_profanity=frozenset({"Bollocks", "bell-end", "one two three four five six"}))
    )
    assert plain.flags("Bollocks Hub") == ()
    assert extra.flags("Bollocks Hub") == (Flag.PROFANITY,)
    assert extra.flags("b0ll0cks") == (Flag.PROFANITY,)
    assert extra.flags("Bell End") == (Flag.PROFANITY,)
    assert extra.flags("BELL.END hub") == (Flag.PROFANITY,)
    # Longer than any built-in entry: it must still be matched across all its words.
    assert extra.flags("One Two Three Four Five Six") == (Flag.PROFANITY,)
    assert extra.flags("One Two Three") == ()
    # Whole words only, as for the built-in list.
    assert extra.flags("Bollockshire") == ()


def test_shipped_example_adds_british_words(plain: Screener) -> None:
    shipped = Screener(parse_blocklist(DEFAULT_BLOCKLIST_PATH.read_text(encoding="utf-8"), "example"))
    for text in ("Spaz Club", "$paz", "Nonce Hub", "Bollocks"):
        assert plain.flags(text) == (), text
        assert shipped.flags(text) == (Flag.PROFANITY,), text


# --------------------------------------------------------------------------------------------------
# Contact details


@pytest.mark.parametrize(
    "text",
    [
        "07700 900123",
        "+44 7700 900123",
        "0161 496 0000",
        "07700900123",
        "(0161) 496-0000",
        "+44 (0)161 496 0000",
        "0044 7700 900123",
        "077 00 900 123",
        "Call 07700.900.123",
        "Hub +1 555 010 9999",
        "７７００９００１２３４",  # full-width digits
    ],
)
def test_phone(screener: Screener, text: str) -> None:
    assert screener.flags(text) == (Flag.PHONE,)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sam@example.com", (Flag.EMAIL,)),  # not also a link and a handle
        ("Email SAM.S+hub@mail.example.co.uk", (Flag.EMAIL,)),
        ("sam@example", ()),
        ("sam@", ()),
        ("@samsmith_99", (Flag.HANDLE,)),
        ("Follow @hub", (Flag.HANDLE,)),
        ("@Home", (Flag.HANDLE,)),  # an ordinary name can look like a handle: the worker decides
        ("http://x", (Flag.LINK,)),
        ("https://example.org/a", (Flag.LINK,)),
        ("www.example", (Flag.LINK,)),
        ("WWW.EXAMPLE.COM", (Flag.LINK,)),
        ("t.me/someone", (Flag.LINK,)),
        ("example.com", (Flag.LINK,)),
        ("example.co.uk", (Flag.LINK,)),
        ("bit.ly/x", (Flag.LINK,)),
        ("safehaven.space/join", (Flag.LINK,)),
        ("ехample.com", (Flag.LINK,)),  # Cyrillic look-alikes
        ("Safe.Haven", ()),
        ("Call 07700 900123 or sam@example.com", (Flag.PHONE, Flag.EMAIL)),
    ],
)
def test_contact_details(screener: Screener, text: str, expected: tuple[Flag, ...]) -> None:
    assert screener.flags(text) == expected


# --------------------------------------------------------------------------------------------------
# REAL_NAME


@pytest.mark.parametrize(
    "text",
    [
        "Sam Smith House",
        "The Sam Smith Centre",
        "sam smith",
        "SAM-SMITH!",
        "Sam  Smith",
        "Sām Smith",
        "Sаm Smith",  # Cyrillic a
        "S4m Sm1th",
        "Dr Jo Bloggs Example Hub",
    ],
)
def test_real_name(screener: Screener, text: str) -> None:
    assert screener.flags(text) == (Flag.REAL_NAME,)


@pytest.mark.parametrize("text", ["Samsmith", "Sam Smithson", "Sam's Mith", "Smith Sam", "Jo Bloggs"])
def test_real_name_whole_words_only(screener: Screener, text: str) -> None:
    assert Flag.REAL_NAME not in screener.flags(text)


def test_every_flag_in_order(screener: Screener) -> None:
    text = "Sam Smith sh1t @hub x.com 07700900123 a@b.co"
    assert screener.flags(text) == (
        Flag.PROFANITY,
        Flag.PHONE,
        Flag.EMAIL,
        Flag.HANDLE,
        Flag.LINK,
        Flag.REAL_NAME,
    )


# --------------------------------------------------------------------------------------------------
# The blocklist file


def test_parse_blocklist() -> None:
    text = """
# A note
[profanity]
Bollocks   # inline note
bell-end

[ NAMES ]
Sam   Smith
Sam Smith
[profanity]
minger
"""
    assert parse_blocklist(text, "list.txt") == Blocklist(
        extra_profanity=frozenset({"Bollocks", "bell-end", "minger"}), real_names=frozenset({"Sam Smith"})
    )


def test_parse_empty_blocklist() -> None:
    assert parse_blocklist("# nothing yet\n\n[names]\n", "list.txt") == Blocklist()


def test_shipped_example_parses_without_real_names() -> None:
    blocklist = parse_blocklist(
        DEFAULT_BLOCKLIST_PATH.read_text(encoding="utf-8"), str(DEFAULT_BLOCKLIST_PATH)
    )
    assert {"bollocks", "spaz", "nonce"} <= blocklist.extra_profanity
    assert blocklist.real_names == frozenset()  # the placeholders are commented out


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("Sam Smith\n[names]", 1, "comes before any section; put [profanity] or [names] above it"),
        (
            "# note\n\n[people]\nSam Smith",
            3,
            "no section called [people]; the sections are [profanity] and [names]",
        ),
        ("[names]\n[names\nSam", 2, "a section heading looks like [names]"),
        ("[names]\nSam]\n", 2, "a section heading looks like [names]"),
        ("[profanity]\nfine\n🤬 !!\n", 3, "has no letters or numbers"),
    ],
)
def test_blocklist_errors(text: str, line: int, reason: str) -> None:
    with pytest.raises(BlocklistError) as raised:
        parse_blocklist(text, "council/blocklist.txt")
    error = raised.value
    assert str(error).startswith(f"council/blocklist.txt: line {line}: ")
    assert reason in str(error)
    assert (error.source, error.line) == ("council/blocklist.txt", line)
    assert "Sam" not in str(error)  # entries are people's names or slurs: kept out of logs
