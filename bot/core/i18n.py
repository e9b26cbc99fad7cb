"""Which language the bot is speaking (and whether in easy-read wording), and the translations of
its sentences.

The language is per young person and per update: `speaking(reading)` sets it for the code
that answers them (a context variable, so no other task sees it), and `translate` looks sentences up in
`bot/locale/<language>.po`, read once with Babel; `translate_plural` does the same for a sentence
with a count in it, in as many forms as the language's grammar has (gettext's plurals). A
translation is used only while its English original is unchanged, so a sentence that changed in
English is never shown with an old meaning.
In right-to-left languages every value put into a sentence (a title, a number) is wrapped in
Unicode direction isolates, so English titles and digits cannot scramble the Arabic around them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass
from datetime import date
from functools import cache
from gettext import GNUTranslations, NullTranslations
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DEFAULT = "en"
# The languages young people can choose, each named in itself.
LANGUAGES = {"en": "English", "ar": "العربية"}
RIGHT_TO_LEFT = {"ar"}
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
T = TypeVar("T")


@dataclass(frozen=True)
class Reading:
    """How a young person reads: their language, and whether they want easy-read wording."""

    language: str = DEFAULT
    easy: bool = False
    listen: bool = False  # a voice note with each question that has one


_current: ContextVar[Reading] = ContextVar("reading", default=Reading())  # noqa: B039 (frozen)


def current() -> Reading:
    return _current.get()


@contextmanager
def speaking(reading: Reading | str) -> Iterator[None]:
    """Everything said inside is for this reader (a language alone: standard wording), in
    English if theirs is not a language we have."""
    if isinstance(reading, str):
        reading = Reading(reading)
    if reading.language not in LANGUAGES:
        reading = Reading(DEFAULT, reading.easy, reading.listen)
    token = _current.set(reading)
    try:
        yield
    finally:
        _current.reset(token)


def for_nobody(function: Callable[..., T], *args: object) -> T:
    """Call `function` as if for no young person: for scheduling work that outlives the update
    (the scheduler keeps the context it was called in, and would run later jobs in it)."""
    context = copy_context()
    context.run(_current.set, Reading())
    return context.run(function, *args)


def supported(language_code: str | None) -> str | None:
    """Ours for a Telegram language_code ("ar", "ar-EG", "en-GB"), or None."""
    base = (language_code or "").split("-")[0].lower()
    return base if base in LANGUAGES else None


def translate(name: str, english: str) -> str:
    language = _current.get().language
    if language == DEFAULT:
        return english
    return _isolated(language, catalog(language).get((name, english), english))


def translate_plural(name: str, one: str, many: str, n: int) -> str:
    """The form of a sentence with a count in it for `n`, through gettext's `npgettext`: English
    has two forms (`one` for 1, else `many`), Arabic six, chosen by the Plural-Forms rule in the
    language's catalog. Used only while the English forms are unchanged, like `translate`."""
    language = _current.get().language
    if language == DEFAULT:
        return NullTranslations().npgettext(name, one, many, n)
    translations, known = plurals(language)
    if (name, one, many) not in known:
        return NullTranslations().npgettext(name, one, many, n)
    return _isolated(language, translations.npgettext(name, one, many, n))


def _isolated(language: str, text: str) -> str:
    if language in RIGHT_TO_LEFT:
        text = _PLACEHOLDER.sub(rf"{FIRST_STRONG_ISOLATE}{{\1}}{POP_DIRECTIONAL_ISOLATE}", text)
    return text


# Babel's locale for each language's dates: day, month, year as British English writes them.
DATE_LOCALES = {"en": "en_GB", "ar": "ar"}


def day_in_words(stored: str) -> str:
    """A stored day ("2026-12-07") or month ("2026-12") as the reader says it: "7 December 2026",
    "December 2026" (in Arabic, "7 ديسمبر 2026"); anything else as stored."""
    try:
        day = date.fromisoformat(stored if len(stored) != 7 else f"{stored}-01")
    except ValueError:
        return stored
    locale = DATE_LOCALES.get(current().language, DATE_LOCALES[DEFAULT])
    return format_date(day, "long" if len(stored) != 7 else "MMMM y", locale=locale)


def counted(n: int, noun: str, nouns: str | None = None) -> str:
    """A count and its noun in English, for the team (who read English): "1 file", "2 files",
    `counted(n, "young person", "young people")`. Young people's counts go through
    `texts.plural`, which every language's grammar follows."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


@cache
def catalog(language: str) -> dict[tuple[str, str], str]:
    """{(name, English): translation} from `bot/locale/<language>.po`; fuzzy and empty entries
    are left out."""
    return {
        (str(m.context), m.id): str(m.string)
        for m in _read(language)
        if isinstance(m.id, str) and m.id and m.string and not m.fuzzy and m.context
    }


@cache
def plurals(language: str) -> tuple[GNUTranslations, frozenset[tuple[str, str, str]]]:
    """The sentences with a count in them from `bot/locale/<language>.po`, compiled as gettext
    reads them (with the catalog's plural rule), and each one's (name, English one, English many);
    fuzzy entries and any with a form left empty are left out."""
    messages = _read(language)
    complete = Catalog(locale=language)
    complete.mime_headers = messages.mime_headers
    for m in messages:
        if isinstance(m.id, tuple) and m.context and not m.fuzzy and all(m.string):
            complete.add(m.id, m.string, context=m.context)
    compiled = BytesIO()
    write_mo(compiled, complete)
    compiled.seek(0)
    known = frozenset((str(m.context), m.id[0], m.id[1]) for m in complete if isinstance(m.id, tuple))
    return GNUTranslations(compiled), known


def _read(language: str) -> Catalog:
    with (LOCALE_DIR / f"{language}.po").open("rb") as file:
        return read_po(file, locale=language)
