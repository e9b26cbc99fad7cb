"""Idea screening at its edges: how many digits make a phone number, one either side of each limit;
numbers that are not letters; the blocklist's own words for its mistakes.

The numbers are made up (UK drama ranges and runs of counting digits), never anyone's.
"""

from __future__ import annotations

import pytest

from bot.core.ideas import Blocklist, BlocklistError, Flag, Screener, normalise, parse_blocklist


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(Blocklist())


def phone(screener: Screener, text: str) -> bool:
    return Flag.PHONE in screener.flags(text)


@pytest.mark.parametrize(
    ("text", "held"),
    [
        # With a + in front: eight digits or more (an international number).
        ("+1234 567", False),  # 7
        ("+1234 5678", True),  # 8
        ("(+12) 345 678", True),  # 8, the + inside a bracket
        # 00 in front is the same as +.
        ("0012 345", False),  # 7
        ("0012 3456", True),  # 8
        # 0 in front (a UK number): nine digits or more.
        ("0161 4960", False),  # 8
        ("0161 49600", True),  # 9
        # Nothing in front: only ten digits or more, so years and codes pass.
        ("1234 56789", False),  # 9
        ("1234 567890", True),  # 10
        # Never more than fifteen (E.164): longer runs are something else.
        ("+441 2345 6789 0123", True),  # 15
        ("+441 2345 6789 01234", False),  # 16
        ("01234 56789 01234", True),  # 15
        ("01234 56789 012345", False),  # 16
        ("1234 5678 9012 345", True),  # 15
        ("1234 5678 9012 3456", False),  # 16
    ],
)
def test_phone_numbers_are_held_from_their_digit_limits(screener: Screener, text: str, held: bool) -> None:
    assert phone(screener, f"Hub {text}") is held


def test_a_long_number_next_to_a_phone_number_does_not_hide_it(screener: Screener) -> None:
    assert phone(screener, "Room 1234 5678 9012 3456, call 07700 900123")
    assert not phone(screener, "Year 2026 room 12")


def test_a_number_on_its_own_is_never_read_as_letters(screener: Screener) -> None:
    # 8 reads as b inside a word ("b00b" is held), but a room number is a number.
    assert screener.flags("Room 8008") == ()
    assert screener.flags("Hub 80085") == ()
    assert screener.flags("b00b") == (Flag.PROFANITY,)


def test_an_ampersand_between_words_reads_as_and() -> None:
    assert normalise("Rock&Roll") == "rock and roll" == normalise("Rock and Roll")


def test_an_email_run_into_a_handle_is_held_as_both(screener: Screener) -> None:
    assert screener.flags("sam@example.com@hubname") == (Flag.EMAIL, Flag.HANDLE)


def test_a_screener_holds_the_names_of_its_own_blocklist() -> None:
    # Built here, not shared: the names are read when a screener is made.
    names = Blocklist(real_names=frozenset({"Jo Example"}))
    screener = Screener(names)
    assert screener.blocklist is names
    assert screener.flags("The Jo Example Centre") == (Flag.REAL_NAME,)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("[names\n", 1, "a section heading looks like [names], with one [ and one ]"),
        ("Sam Smith\n", 1, "this entry comes before any section; put [profanity] or [names] above it"),
        ("[names]\n# people\n!!!\n", 3, "this entry has no letters or numbers, so it could never match"),
    ],
)
def test_a_blocklist_mistake_says_exactly_what_is_wrong(text: str, line: int, reason: str) -> None:
    with pytest.raises(BlocklistError) as raised:
        parse_blocklist(text, "council-blocklist.txt")
    assert (raised.value.source, raised.value.line, raised.value.reason) == (
        "council-blocklist.txt",
        line,
        reason,
    )
