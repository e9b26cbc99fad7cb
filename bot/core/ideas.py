"""Name ideas for the new service: which ideas are the same idea, and which must be held for a worker.

Young people suggest names (short texts, at most IDEA_MAX_LENGTH_DEFAULT characters) for the adolescent
support service. A participation worker moderates every idea before anyone else sees it; this module
only decides what to put in front of them and with which warnings.

* `normalise(text)` is the comparison key: ideas with the same key are the same idea. An empty key
  (only emoji or punctuation) means the idea is not valid.
* `display_label(text)` is the tidy form shown to workers and on the ballot.
* `Screener(blocklist).flags(text)` lists the reasons to hold an idea (an empty tuple: none found).
  Build one Screener per blocklist and keep it: construction builds better_profanity's matcher from
  ~900 words (about 13 ms the first time, 4 ms after). A `flags` call costs about 0.1 to 1.5 ms for a
  short name and up to about 7 ms for a 40-character one, because the library compares each word with
  its whole list in Python.
* `parse_blocklist` reads the worker-editable file (example: bot/data/idea_blocklist.txt) of extra
  swear words and real people's names.

Pure: the standard library and better_profanity only, no I/O apart from better_profanity reading its
own packaged word list.

What it misses
--------------
A flag is a prompt for the worker, not a verdict, and every idea is seen by a person anyway.

* better_profanity's list is American: it lacks British words and slurs such as "bollocks", "bugger",
  "slag", "spastic", "spaz", "mong", "pikey", "gyppo", "nonce" and "tranny" (the example blocklist adds
  them), and it flags mild or ordinary words ("hell", "damn", "god", "screw", "sex", "willy", "fanny",
  "dick", "cock", "kum"), so "Hell Yeah", "God Is Good Hub", "Dick Whittington", "The Cock Inn" and
  "Kum Ba Yah" are held. Identity words young people
  use about themselves ("gay", "queer", "lesbians") are taken out of the list: an idea like "Queer Youth
  Hub" is not profanity.
* Matching is by whole word, so it misses swear words run into other words ("fuckhub"), dropped vowels
  ("fck"), misspellings, other languages, and innuendo or rude meanings made of innocent words.
* Contact details spelt out ("seven seven zero zero...", "sam at gmail dot com", "O77OO" with letter
  O) are not found, nor local numbers without an area code ("496 0000") or 8-digit helplines.
* Ordinary names can look like contact details: "@Home" is held as a handle, "Hub.io" as a link.
* A real name is only found when written exactly as listed (after normalisation): nicknames, initials
  and misspellings are not.
* Look-alike letters are mapped with a small table, not the full Unicode confusables list.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

from better_profanity import Profanity

IDEA_MAX_LENGTH_DEFAULT = 40
# An example file with the format and its rules; the council's real list is supplied through a setting.
DEFAULT_BLOCKLIST_PATH = Path(__file__).resolve().parents[1] / "data" / "idea_blocklist.txt"


class Flag(StrEnum):
    """Why an idea is held for a worker. A tuple of these is always in this order."""

    PROFANITY = "profanity"
    PHONE = "phone"
    EMAIL = "email"
    HANDLE = "handle"
    LINK = "link"
    REAL_NAME = "real_name"


class BlocklistError(ValueError):
    """A problem in a blocklist file; the message names the file and the line."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}: line {line}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Blocklist:
    """Extra words to hold as profanity, and real people's names, both as the worker wrote them."""

    extra_profanity: frozenset[str] = frozenset()
    real_names: frozenset[str] = frozenset()


# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------

# Capital look-alikes are mapped before case folding, so a Greek capital Nu reads as N; once
# lower-cased it would be a small nu, which looks like v.
_UPPER_LOOKALIKES = str.maketrans({
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W",
})  # fmt: skip
# Applied after case folding and accent stripping (so Cyrillic yo has already become ie).
_LOWER_LOOKALIKES = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    "ո": "n", "ս": "u",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ς": "s",
    # Latin letters that NFKD does not take apart
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe", "ɑ": "a", "ɡ": "g",
    # Curly and other apostrophes, so every spelling of "Kid's" agrees
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
})  # fmt: skip
# Invisible characters: zero-width spaces/joiners, soft hyphen, and bidirectional controls. The bidi
# controls matter on the ballot: they can make a label display differently from what it says.
_INVISIBLE = [
    *(0x00AD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200E, 0x200F, 0x2060, 0xFEFF),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
_DROP_INVISIBLE = dict.fromkeys(_INVISIBLE)
# The zero-width joiner also goes from keys; the display label keeps it because emoji sequences use it.
_DROP_INVISIBLE_AND_ZWJ = {**_DROP_INVISIBLE, 0x200D: None}


def _fold(text: str) -> str:
    """Lower case, compatibility forms, accents and look-alike letters dealt with; punctuation kept."""
    text = unicodedata.normalize("NFKC", text).translate(_UPPER_LOOKALIKES).casefold()
    # Dropping every mark (not only accents) also drops emoji variation selectors and keycap enclosures.
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.category(c).startswith("M")
    )
    return text.translate(_LOWER_LOOKALIKES).translate(_DROP_INVISIBLE_AND_ZWJ)


def normalise(text: str) -> str:
    """The comparison key: two ideas with the same key are the same idea; "" means the idea is invalid.

    Letters and digits are kept (digits are not read as letters: "Hub 2" is not "Hub Z"); apostrophes
    are dropped ("Kid's" = "Kids"); "&" reads as "and"; anything else (punctuation, symbols, emoji,
    hyphens, underscores, dots) separates words. Spaces still count: "SafeHaven" is not "Safe Haven".
    """
    folded = _fold(text).replace("'", "").replace("&", " & ")
    words = "".join(c if c == "&" or unicodedata.category(c)[0] in "LN" else " " for c in folded).split()
    if all(w == "&" for w in words):  # "&" alone is not an idea
        return ""
    return " ".join("and" if w == "&" else w for w in words)


def display_label(text: str) -> str:
    """The idea as workers and the ballot show it: NFKC, invisible and control characters removed,
    whitespace collapsed and trimmed; the young person's capitals and punctuation are kept."""
    text = unicodedata.normalize("NFKC", text).translate(_DROP_INVISIBLE)
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------------
# Profanity
# --------------------------------------------------------------------------------------------------

# Words young people use about themselves: an idea like "Queer Youth Hub" should not be labelled
# profanity in front of a worker. Slurs stay in the list.
_NOT_PROFANITY = frozenset({"gay", "gays", "queer", "queers", "lesbian", "lesbians"})

# better_profanity reads 0 1 3 4 5 7 @ $ * as letters, but not "!", "|", "8" or "9", and not letters spelt
# out one at a time ("f.u.c.k"). The folded form it is given adds those. "1" and "@" are left for the
# library, which reads them as either of two letters ("1" as i or l, "@" as a or o); names have no such
# help, so their table reads them as the likelier one.
_INWORD_SYMBOLS = re.compile(r"(?<=\w)[!|]+(?=\w)")
_SYMBOL_LETTERS = str.maketrans({"!": "i", "|": "l"})
# A word: letters, digits, "$", "*" and "@" ("a$$", "f*ck", "@ss", "h@ven"), as the library reads them.
# Underscores separate, so "f_u_c_k" is spelt out.
_WORDISH = re.compile(r"(?:[^\W_]|[$*@])+")
_LEET_DIGITS = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "$": "s", "€": "e"}
_LEET_FOR_PROFANITY = str.maketrans(_LEET_DIGITS)
_LEET_FOR_NAMES = str.maketrans({**_LEET_DIGITS, "1": "i", "@": "a"})
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
_SPELT_OUT_MIN = 3  # "f.u.c.k", "s h i t"; two letters apart ("A B Hub") are more likely initials


def _deleet_word(word: str, table: dict[int, str]) -> str:
    # Digits are only letters inside a word that has letters: "24/7" and "2026" stay numbers.
    return word.translate(table) if any(c.isalpha() for c in word) else word


def _leet_fold(text: str, table: dict[int, str] = _LEET_FOR_PROFANITY) -> str:
    """The words of `text` with look-alike digits and symbols read as letters and spelt-out letters
    joined: "sh!t" -> "shit", "b!tch" -> "bitch", "f.u.c.k" -> "fuck". Apostrophes are dropped, not
    turned into spaces, so "Let's Hit" does not become "let s hit" (and "s hit" reads as one word)."""
    text = _INWORD_SYMBOLS.sub(lambda m: m.group().translate(_SYMBOL_LETTERS), _fold(text).replace("'", ""))
    words = [_deleet_word(w, table) for w in _WORDISH.findall(text)]
    joined: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:  # the empty word ends the last run
        if len(word) == 1:
            run.append(word)
            continue
        joined.extend(["".join(run)] if len(run) >= _SPELT_OUT_MIN else run)
        run = []
        if word:
            joined.append(word)
    return " ".join(joined)


def _profanity_variants(text: str) -> list[str]:
    """The forms of one idea to check: folded, and with stretched letters shortened.

    The text as written is not checked as well: the folded form loses nothing the library would read
    (it leaves "1", "@", "$" and "*" to it), and each check costs about 0.7 ms a word.
    """
    folded = _leet_fold(text)
    # "fuuuuck" -> "fuck", "asssss" -> "ass": try one and two of a repeated letter.
    return list(dict.fromkeys([folded, _STRETCHED.sub(r"\1", folded), _STRETCHED.sub(r"\1\1", folded)]))


def _profanity_entry(word: str) -> str:
    """A list word in the form the folded text is in: "Bell-End" and "b3llend" work as entries, and the
    library's own entries written in leetspeak ("fux0r") still match the folded "fux0r" ("fuxor")."""
    return _leet_fold(word)


@functools.cache
def _default_entries() -> frozenset[str]:
    """The list Profanity() loads by default, folded, without _NOT_PROFANITY; read here (and kept) so
    our own words can be added to it in one build."""
    text = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text(encoding="utf-8")
    words = (w for w in (line.strip().lower() for line in text.splitlines()) if w and w not in _NOT_PROFANITY)
    return frozenset(e for e in map(_profanity_entry, words) if e)


# --------------------------------------------------------------------------------------------------
# Contact details
# --------------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# Telegram and Instagram style; not after a letter (that is an email, or "H@ven") and not a lone "@".
_HANDLE = re.compile(r"(?<![\w@])@\w{3,}")
# Top-level domains that are not also English words, so "Just.Be" or "Time.To" are not links.
_TLDS = (
    "com|net|org|uk|co|io|me|ly|gg|tv|info|biz|app|dev|xyz|online|site|ru|de|fr|eu|nl|ie|ca|au|cc|tk|ml|"
    "gl|gd|ai|ws"
)
_LINK = re.compile(
    r"https?://|\bwww\.\w|\bt\.me/|\btelegram\.me/"
    rf"|\b\w[\w-]*(?:\.[\w-]+)*\.(?:{_TLDS})\b"  # example.com, example.co.uk
    r"|\b\w[\w-]*\.[^\W\d_]{2,}/\S"  # bit.ly/x, any-domain.name/path
)
# Digits with single spaces, hyphens, dots or brackets between them: "07700 900123", "+44 (0)161 496 0000".
_PHONE_RUN = re.compile(r"(?<![\d+])\+?\(?\d(?:[ .()-]{0,2}\d)+")
_UK_PREFIXED_MIN_DIGITS = 9  # 0 + area code + number; fewer is more likely a date or a code
_INTERNATIONAL_MIN_DIGITS = 8
_BARE_MIN_DIGITS = 10  # no 0 or + in front: only long runs, never years, room numbers or "24/7"
_PHONE_MAX_DIGITS = 15  # the international maximum (E.164)


def _is_phone(run: str) -> bool:
    digits = "".join(c for c in run if c.isdigit())
    if len(digits) > _PHONE_MAX_DIGITS:
        return False
    if run.lstrip("(").startswith("+") or digits.startswith("00"):
        return len(digits) >= _INTERNATIONAL_MIN_DIGITS
    if digits.startswith("0"):
        return len(digits) >= _UK_PREFIXED_MIN_DIGITS
    return len(digits) >= _BARE_MIN_DIGITS


# --------------------------------------------------------------------------------------------------
# The screener
# --------------------------------------------------------------------------------------------------


class Screener:
    """Decides which ideas to hold for a worker, for one blocklist.

    Build it once and keep it (the bot holds one per blocklist): construction builds better_profanity's
    matcher (about 4 ms; 13 ms the first time, which also folds the built-in list); each `flags` call
    then takes about 0.1 to 7 ms, growing with the number of words.
    """

    def __init__(self, blocklist: Blocklist) -> None:
        self.blocklist = blocklist
        extra = {e for e in map(_profanity_entry, blocklist.extra_profanity) if e}
        # One build with every word: Profanity.add_censor_words would not widen how many words a
        # multi-word entry may span, so a long extra entry could never match.
        self._profanity = Profanity(sorted(_default_entries() | extra))
        self._names = tuple(sorted({n for n in map(normalise, blocklist.real_names) if n}))

    def flags(self, text: str) -> tuple[Flag, ...]:
        """Every reason to hold `text` for a worker, in Flag order; an empty tuple when none is found."""
        found: set[Flag] = set()
        if any(self._profanity.contains_profanity(v) for v in _profanity_variants(text)):
            found.add(Flag.PROFANITY)
        folded = _fold(text)  # so example.com written with Cyrillic letters is still a link
        if _EMAIL.search(folded):
            found.add(Flag.EMAIL)
            folded = _EMAIL.sub(" ", folded)  # an email address is not also a link and a handle
        if _LINK.search(folded):
            found.add(Flag.LINK)
        if _HANDLE.search(folded):
            found.add(Flag.HANDLE)
        if any(_is_phone(m.group()) for m in _PHONE_RUN.finditer(folded)):
            found.add(Flag.PHONE)
        if self._names and self._has_name(text):
            found.add(Flag.REAL_NAME)
        return tuple(f for f in Flag if f in found)

    def _has_name(self, text: str) -> bool:
        # Whole words of the key, and of its look-alike-folded form so "S4m Sm1th" is "Sam Smith" too.
        keys = {f" {normalise(text)} ", f" {normalise(_leet_fold(text, _LEET_FOR_NAMES))} "}
        return any(f" {name} " in key for name in self._names for key in keys)


# --------------------------------------------------------------------------------------------------
# The blocklist file
# --------------------------------------------------------------------------------------------------

_SECTION = re.compile(r"\[\s*([^\[\]]*?)\s*\]")
_SECTIONS = ("profanity", "names")


def parse_blocklist(text: str, source: str) -> Blocklist:
    """Read the blocklist format (documented in bot/data/idea_blocklist.txt).

    `#` starts a comment; blank lines are ignored; entries go one a line under [profanity] or [names].
    Raises BlocklistError naming `source` and the line for anything it cannot use. Entries are not
    quoted in the errors: they are slurs or real people's names, and errors end up in logs.
    """
    section: str | None = None
    entries: dict[str, set[str]] = {name: set() for name in _SECTIONS}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split("#", 1)[0].split())
        if not line:
            continue
        if line.startswith("[") or line.endswith("]"):
            heading = _SECTION.fullmatch(line)
            if heading is None:
                raise BlocklistError(
                    source, number, "a section heading looks like [names], with one [ and one ]"
                )
            name = heading.group(1).lower()
            if name not in _SECTIONS:
                raise BlocklistError(
                    source,
                    number,
                    f"there is no section called [{name}]; the sections are [profanity] and [names]",
                )
            section = name
            continue
        if section is None:
            raise BlocklistError(
                source, number, "this entry comes before any section; put [profanity] or [names] above it"
            )
        if not normalise(line):
            raise BlocklistError(
                source, number, "this entry has no letters or numbers, so it could never match"
            )
        entries[section].add(line)
    return Blocklist(extra_profanity=frozenset(entries["profanity"]), real_names=frozenset(entries["names"]))
