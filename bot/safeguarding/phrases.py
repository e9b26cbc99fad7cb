"""The safeguarding checker: does a young person's free text match a phrase that needs a human to look?

Pure and fast: no file or network I/O here. The bot reads the phrase list (DEFAULT_PHRASEBOOK_PATH, plus
any file the participation team adds) and hands the text to `parse_phrasebook`; `Phrasebook.check`
then runs on every free text a young person sends.

How text is matched
-------------------
Both the phrase list and the message go through the same normalisation, so workers write phrases the
way young people would ("I'm", "don't", "self-harm") and every spelling of them matches:

* Unicode NFKC, accents stripped, common Cyrillic/Greek look-alike letters and zero-width characters
  dealt with, lower case.
* Contractions expanded ("I'm" and "im" -> "i am", "don't"/"dont" -> "do not", "I'd" -> "i would")
  and common text-speak expanded ("u" -> "you", "2" -> "to", "wanna" -> "want to", "h8" -> "hate").
* Look-alikes inside words: "k1ll", "$uicide", "d13", "h4rm", "k!ll". Digits are only read as letters
  inside a word that also has letters (and not in "3am", "10pm", "2nd"), so "24/7" or "year 10" stay
  numbers.
* Punctuation and emoji are removed; runs of three or more repeated letters are shortened
  ("killlll" -> "kill"); letters spelt out one at a time are joined ("k i l l", "s.u.i.c.i.d.e").
* Spaces inside a phrase do not matter ("kill my self", "kill.my.self", "killmyself" all match
  "kill myself"), but a phrase must start and end on a word boundary ("skill" never matches "kill").
* Double letters do not matter ("bulied" matches "bullied").
* One typo (a wrong, missing, extra or swapped letter, not the first letter) is forgiven in listed
  words of six or more letters ("sucide", "myslef", "bullyed"). Shorter words are too close to everyday
  ones ("stabs"/"staffs"); list their common variants instead ("nudes", "nudez", "noodz").
* A word in the list ending in `*` matches any ending ("cut* myself": "cutting myself", "cuts myself").
* `...` between two words of a phrase stands for up to three words ("took ... pills": "took a load of
  pills").
* Phrases in the [not a concern] section are idioms: a match that lies wholly inside one of them does
  not count ("this survey is killing me", "I'd kill for a pizza"). A longer concern phrase still wins:
  "cut myself on purpose" alerts even though "cut myself on" is an idiom.

When several phrases match, `check` reports the most serious category (in the order of CATEGORIES in
bot/safeguarding/categories.py, suicide first), then the longest phrase, then the earliest. A section
heading is a category id; the section names from before the categories were split ([abuse],
[missing], [violence], [drugs_pressure], [bullying]; see OLD_NAMES) are still read, as the category
they became.

What it misses
--------------
A phrase list is a safety net, not an assessment. It cannot catch:

* indirect disclosures: "I don't really go home much", "he's not like other adults", "I get given
  stuff for doing favours", "I've started wearing long sleeves", "I gave my stuff away";
* meaning carried by context or earlier messages ("it happened again", "he did it again");
* sarcasm and jokes, both ways: real distress written as a joke ("lol I'll just die then") and jokes
  that look like distress;
* new or local slang and code words (drill and county-lines vocabulary changes fast), emoji-only
  messages (🔪, 💊, 🪢), other languages, and misspellings further than one letter from the list;
* anything said in a voice note, photo or sticker.

It also raises false alarms on idioms nobody has added to [not a concern] yet. Every alert goes to a
person; the list should be reviewed with the safeguarding lead and extended from what they see.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.safeguarding.categories import CATEGORIES, OLD_NAMES

DEFAULT_PHRASEBOOK_PATH = Path(__file__).with_name("phrases.txt")

EXCEPTIONS_SECTION = "not_a_concern"
# Headings a file may use besides the category ids: the section names from before the categories were
# split (OLD_NAMES, so a team's own file keeps working) and other names for [not a concern].
_SECTION_ALIASES = {
    **OLD_NAMES,
    "exceptions": EXCEPTIONS_SECTION,
    "not_concerns": EXCEPTIONS_SECTION,
}

# Typo tolerance: a listed word of at least FUZZY_MIN_LENGTH letters (double letters counted once) also
# matches a typed word one edit away. Five-letter words are too close to everyday ones ("stabs"/"staffs").
FUZZY_MIN_LENGTH = 6
_FUZZY_TYPED_MIN = FUZZY_MIN_LENGTH - 1  # "myslf" is one letter short of "myself"
_MIN_PHRASE_CHARS = 3
_FUZZY_CACHE_MAX = 20_000


@dataclass(frozen=True)
class Concern:
    category: str  # one of CATEGORIES
    phrase: str  # the list entry that matched, as written in the list


class PhrasebookError(ValueError):
    """A problem in a phrase file; the message names the file and the line."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}: line {line}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------

# Look-alike letters from other scripts (after lower-casing) and invisible characters.
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ɡ": "g", "ո": "n", "ս": "u",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ς": "s",
    # Other look-alikes and apostrophes
    "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i",
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
}  # fmt: skip
_INVISIBLE = dict.fromkeys([0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E], None)
# Arabic written many ways: hamza forms and vowel marks go with the accents (below); the stretch
# character goes, and letters often written for one another are read as one.
_ARABIC_FOLDS = {"ى": "ي", "ة": "ه", "ک": "ك", "ی": "ي", "ـ": None}
_TRANSLATE = {
    **{ord(k): v for k, v in _CONFUSABLES.items()},
    **{ord(k): v for k, v in _ARABIC_FOLDS.items()},
    **_INVISIBLE,
}

_CONTRACTIONS = [
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bain'?t\b"), "is not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'"), ""),
]
_CONTRACTION_HINT = re.compile(r"(?:can'?t|ain'?t|')")

# Symbols used as letters inside words: "k!ll", "my$elf", "@buse", "$uicide".
_SYMBOL_LETTERS = {"@": "a", "$": "s", "!": "i", "|": "l"}
_INWORD_SYMBOL = re.compile(r"(?<=[a-z0-9])[@$!|]+(?=[a-z0-9])|(?<![a-z0-9])[@$](?=[a-z]{2})")
# Letters the checker reads: Latin (after folding look-alikes), digits, and Arabic.
_LETTER = "a-z0-9\u0621-\u064a"
_WORD = re.compile(f"[{_LETTER}]+")
_LEET_DIGITS = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "ate", "9": "g"})
# A number with a short unit after it ("3am", "10pm", "2nd", "7yrs") is a number, not leet.
_NUMBER_WITH_UNIT = re.compile(r"\d+[a-z]{0,3}")
_REPEATS = re.compile("([a-z\u0621-\u064a])\\1{2,}")  # "killlll", "اموووت"
_DOUBLES = re.compile("([a-z0-9\u0621-\u064a])\\1+")

# Whole words only. Text-speak and contractions written without an apostrophe.
_TEXT_SPEAK = {
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "r": "are", "2": "to", "4": "for", "n": "and",
    "im": "i am", "ive": "i have", "id": "i would", "dont": "do not", "cant": "can not",
    "wont": "will not", "didnt": "did not", "doesnt": "does not", "isnt": "is not", "wasnt": "was not",
    "arent": "are not", "werent": "were not", "havent": "have not", "hasnt": "has not",
    "hadnt": "had not", "couldnt": "could not", "shouldnt": "should not", "wouldnt": "would not",
    "aint": "is not", "youre": "you are", "theyre": "they are", "wanna": "want to", "wana": "want to",
    "wannna": "want to", "gonna": "going to", "gunna": "going to", "gona": "going to",
    "finna": "going to", "gotta": "got to", "tryna": "trying to", "ima": "i am going to",
    "imma": "i am going to", "cuz": "because", "coz": "because", "cos": "because", "cus": "because",
    "bc": "because", "b4": "before", "2day": "today", "2nite": "tonight", "2moro": "tomorrow",
    "2morrow": "tomorrow", "tmrw": "tomorrow", "pls": "please", "plz": "please", "ppl": "people",
    "wiv": "with", "wid": "with", "da": "the", "dat": "that", "dis": "this", "dem": "them",
    "dey": "they", "sum1": "someone", "some1": "someone", "no1": "no one", "any1": "anyone",
    "every1": "everyone", "evry1": "everyone", "evry": "every", "h8": "hate", "h8s": "hates",
    "h8ed": "hated", "m8": "mate", "m8s": "mates", "l8r": "later", "bout": "about", "abt": "about",
    "wud": "would", "cud": "could", "shud": "should", "ded": "dead", "rly": "really", "jus": "just",
    "nuthin": "nothing", "nothin": "nothing", "meself": "myself", "missen": "myself",
    "mysen": "myself", "urself": "yourself", "yaself": "yourself", "hisself": "himself",
    "mom": "mum", "mam": "mum", "mummy": "mum", "mommy": "mum", "daddy": "dad", "bf": "boyfriend",
    "gf": "girlfriend", "pix": "pics", "pic": "pics", "pictures": "pics", "picture": "pics",
    "photos": "pics", "photo": "pics",
}  # fmt: skip
_TEXT_SPEAK_TOKENS = {word: tuple(words.split()) for word, words in _TEXT_SPEAK.items()}

_WILDCARD_MARK = "qqwildcardqq"  # stands in for "*" while a phrase is normalised
_GAP_MARK = "qqgapqq"  # stands in for "..." while a phrase is normalised
GAP_WORDS = 3  # "..." in a phrase stands for up to this many words


def _tokens(text: str) -> list[str]:
    """The normalised words of `text`; a "1" inside a word is kept (it may be an i or an l)."""
    if text.isascii():
        text = text.lower().translate(_TRANSLATE)
    else:
        text = unicodedata.normalize("NFKC", text).lower().translate(_TRANSLATE)
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        text = text.lower()
    text = _REPEATS.sub(r"\1\1", text)
    if "'" in text:
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
    if "@" in text or "$" in text or "!" in text or "|" in text:
        text = _INWORD_SYMBOL.sub(lambda m: "".join(_SYMBOL_LETTERS[c] for c in m.group()), text)

    out: list[str] = []
    run: list[str] = []  # letters spelt out one at a time ("k i l l", "s.u.i.c.i.d.e")
    speak = _TEXT_SPEAK_TOKENS
    for word in [*_WORD.findall(text), ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if run:
            if len(run) >= 3:
                run = ["".join(run)]
            for letter in run:
                out.extend(speak.get(letter, (letter,)))
            run = []
        if not word:
            break
        expanded = speak.get(word)
        if expanded is not None:
            out.extend(expanded)
        elif word.isalpha() or word.isdigit() or _NUMBER_WITH_UNIT.fullmatch(word):
            out.append(word)
        else:
            out.append(_REPEATS.sub(r"\1\1", word.translate(_LEET_DIGITS)))
    return out


def _display(word: str) -> str:
    if "1" not in word or word.isdigit():
        return word
    # A lone "1" in a word reads as an i ("k1ll"); a pair reads as "ll" ("ki11").
    return re.sub(r"11+", "ll", word).replace("1", "i")


def normalise(text: str) -> str:
    """The text as the checker reads it: lower case, plain letters, single spaces, no punctuation."""
    return " ".join(_display(word) for word in _tokens(text))


# --------------------------------------------------------------------------------------------------
# Compiling phrases
# --------------------------------------------------------------------------------------------------

_WILD = object()  # symbol: any further letters in this word
_GAP = object()  # symbol: up to GAP_WORDS whole words
_END = ""  # trie key: a phrase ends here
_CHAR_CLASS = {"i": "[i1]", "l": "[l1]"}
_BOUNDARY_START = f"(?<![{_LETTER}])"
_BOUNDARY_END = f"(?![{_LETTER}])"
# Arabic joins "and", "so", "with", "to", "like", "will" and "the" to the front of a word
# ("سأقتل" is "I will kill"): a phrase may follow them. (No Latin letter is one of them.)
_ARABIC_PREFIX = "(?:[وف]?[بلكس]?(?:ال)?)"  # "وسأقتل": and + will + kill
_BAD_WILDCARD = re.compile(r"\*(?!\s|$)|(?<![^\W\d_]{3})\*")


def _compile_phrase(phrase: str) -> tuple[tuple[object, ...], tuple[str, ...]]:
    """A phrase as matching symbols, and its plain words (for typo tolerance). ValueError if unusable."""
    if _BAD_WILDCARD.search(phrase):
        raise ValueError("'*' may only end a word of three or more letters, as in 'cut* myself'")
    marked = phrase.replace("\u2026", "...").replace("...", f" {_GAP_MARK} ")
    words = _tokens(marked.replace("*", f" {_WILDCARD_MARK} "))
    if (words and _GAP_MARK in (words[0], words[-1])) or f"{_GAP_MARK} {_GAP_MARK}" in " ".join(words):
        raise ValueError("'...' may only stand between two words, as in 'took ... pills'")
    symbols: list[object] = []
    plain: list[str] = []
    for position, word in enumerate(words):
        if word == _WILDCARD_MARK:
            continue
        if word == _GAP_MARK:
            symbols.append(_GAP)
            continue
        key = _DOUBLES.sub(r"\1", word)
        symbols.extend(key)
        if position + 1 < len(words) and words[position + 1] == _WILDCARD_MARK:
            symbols.append(_WILD)
        elif key.isalpha():
            plain.append(key)
    letters = sum(1 for s in symbols if s is not _WILD and s is not _GAP)
    if letters == 0:
        raise ValueError(f"{phrase!r} has no letters or numbers to match")
    if letters < _MIN_PHRASE_CHARS:
        raise ValueError(f"{phrase!r} is too short to match safely; use a longer phrase")
    return tuple(symbols), tuple(plain)


def _pattern(sequences: Iterable[tuple[object, ...]], search: bool = True) -> re.Pattern[str] | None:
    """One regex for many phrases, shaped as a trie so each word start tries only a few branches.

    For searching, every word start is tried (a zero-width lookahead, so matches may overlap) and
    group 1 is the match; otherwise the pattern is for fullmatch on a matched piece of text.
    """
    root: dict = {}
    for symbols in sequences:
        node = root
        for symbol in symbols:
            node = node.setdefault(symbol, {})
        node[_END] = {}
    if not root:
        return None
    if not search:
        return re.compile(_emit(root, first=True))
    # The clitics are outside group 1, so the match names the phrase as listed.
    return re.compile(_BOUNDARY_START + _ARABIC_PREFIX + "(?=(" + _emit(root, first=True) + "))")


def _emit(node: dict, first: bool) -> str:
    branches = []
    for symbol, child in node.items():
        if symbol == _END:
            continue
        if symbol is _WILD:
            piece = f"[{_LETTER}]*"
        elif symbol is _GAP:
            piece = f"(?: [{_LETTER}]+){{0,{GAP_WORDS}}}"
        else:
            letter = _CHAR_CLASS.get(symbol, re.escape(symbol))
            piece = ("" if first else " ?") + letter + letter + "*"  # "kil" matches "kill"
        branches.append(piece + _emit(child, first=False))
    if _END in node:
        branches.append(_BOUNDARY_END)  # last: longer phrases are tried first
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _one_edit_apart(a: str, b: str) -> bool:
    """Damerau distance exactly 1 (one substitution, insertion, deletion or adjacent swap)."""
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# --------------------------------------------------------------------------------------------------
# The phrasebook
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    concerns: re.Pattern[str] | None
    exceptions: re.Pattern[str] | None
    by_key: dict[str, list[int]]  # squashed phrase -> indexes into Phrasebook.entries
    singles: dict[str, list[tuple[re.Pattern[str], int]]]  # first letter -> each phrase alone
    vocabulary: frozenset[str]  # listed words long enough for typo tolerance
    listed: frozenset[str]  # every plain word in the list: never "corrected" into another
    deletions: dict[str, tuple[str, ...]]  # word with one letter removed -> vocabulary words
    fuzzy_cache: dict[str, str]


@dataclass(frozen=True)
class Phrasebook:
    """Concern phrases (category, phrase as written) and idioms that are not a concern."""

    entries: tuple[tuple[str, str], ...] = ()
    exceptions: tuple[str, ...] = ()
    _compiled: _Compiled = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sequences: list[tuple[object, ...]] = []
        vocabulary: set[str] = set()
        listed: set[str] = set()
        by_key: dict[str, list[int]] = {}
        for index, (category, phrase) in enumerate(self.entries):
            if category not in CATEGORIES:
                raise ValueError(f"unknown category {category!r}")
            symbols, plain = _compile_phrase(phrase)
            sequences.append(symbols)
            listed.update(plain)
            vocabulary.update(word for word in plain if len(word) >= FUZZY_MIN_LENGTH)
            if _WILD not in symbols and _GAP not in symbols:
                squashed = _DOUBLES.sub(r"\1", "".join(symbols))  # type: ignore[arg-type]
                by_key.setdefault(squashed, []).append(index)
        singles: dict[str, list[tuple[re.Pattern[str], int]]] = {}
        for index, symbols in enumerate(sequences):
            if _WILD in symbols or _GAP in symbols:
                single = _pattern([symbols], search=False)
                assert single is not None
                singles.setdefault(str(symbols[0]), []).append((single, index))
        exception_sequences = []
        for phrase in self.exceptions:
            symbols, plain = _compile_phrase(phrase)
            exception_sequences.append(symbols)
            listed.update(plain)
        deletions: dict[str, list[str]] = {}
        for word in vocabulary:
            for i in range(1, len(word)):
                deletions.setdefault(word[:i] + word[i + 1 :], []).append(word)
        compiled = _Compiled(
            concerns=_pattern(sequences),
            exceptions=_pattern(exception_sequences),
            by_key=by_key,
            singles=singles,
            vocabulary=frozenset(vocabulary),
            listed=frozenset(listed),
            deletions={k: tuple(v) for k, v in deletions.items()},
            fuzzy_cache={},
        )
        object.__setattr__(self, "_compiled", compiled)

    def check(self, text: str) -> Concern | None:
        """The most serious concern in `text`, or None. See the module docstring for the rules."""
        found = self.concerns(text)
        return found[0] if found else None

    def concerns(self, text: str) -> list[Concern]:
        """Every concern in `text`, most serious first (category order, then longest, then earliest)."""
        compiled = self._compiled
        if compiled.concerns is None or not text:
            return []
        words = _tokens(text)
        if compiled.vocabulary:
            words = [self._correct(word) for word in words]
        key = " ".join(words)
        spans = [(m.start(1), m.end(1)) for m in compiled.concerns.finditer(key)]
        if spans and compiled.exceptions is not None:
            idioms = [(m.start(1), m.end(1)) for m in compiled.exceptions.finditer(key)]
            spans = [(s, e) for s, e in spans if not any(i <= s and e <= j for i, j in idioms)]
        ranked: list[tuple[int, int, int, int]] = []
        named: dict[str, list[int]] = {}
        for start, end in spans:
            matched = key[start:end]
            if matched not in named:
                named[matched] = self._name(matched)
            for index in named[matched]:
                category = self.entries[index][0]
                ranked.append((CATEGORIES.index(category), start - end, start, index))
        ranked.sort()
        seen: set[int] = set()
        result = []
        for *_, index in ranked:
            if index not in seen:
                seen.add(index)
                result.append(Concern(*self.entries[index]))
        return result

    def extended(self, other: Phrasebook) -> Phrasebook:
        """This phrasebook plus the phrases and idioms of `other` (e.g. a team's own file)."""
        entries = dict.fromkeys(self.entries + other.entries)
        exceptions = dict.fromkeys(self.exceptions + other.exceptions)
        return Phrasebook(entries=tuple(entries), exceptions=tuple(exceptions))

    def _name(self, matched: str) -> list[int]:
        compiled = self._compiled
        squashed = matched.replace(" ", "")
        # A "1" may stand for an i or an l ("k1ll", "d13"): try both (a match has few of them).
        for letters in itertools.product("il", repeat=min(squashed.count("1"), 4)):
            spelt = squashed
            for letter in letters:
                spelt = spelt.replace("1", letter, 1)
            indexes = compiled.by_key.get(_DOUBLES.sub(r"\1", spelt))
            if indexes:
                return indexes
        first = matched[0]
        candidates = (
            compiled.singles.get(first, [])
            if first != "1"
            else [
                *compiled.singles.get("i", []),
                *compiled.singles.get("l", []),
            ]
        )
        return [index for pattern, index in candidates if pattern.fullmatch(matched)]

    def _correct(self, word: str) -> str:
        """`word`, or the listed word it is one typo away from."""
        compiled = self._compiled
        # Tuned for English: in Arabic one letter apart is often another everyday word
        # ("انتصار", victory, is one letter from "انتحار").
        if len(word) < _FUZZY_TYPED_MIN or not word.isascii():
            return word
        cached = compiled.fuzzy_cache.get(word)
        if cached is not None:
            return cached
        original, word = word, _DOUBLES.sub(r"\1", word)
        candidates: set[str] = set()
        if len(word) >= _FUZZY_TYPED_MIN and word not in compiled.listed and word.isalpha():
            candidates.update(compiled.deletions.get(word, ()))  # the typo dropped a letter
            for i in range(1, len(word)):
                shorter = word[:i] + word[i + 1 :]
                if shorter in compiled.vocabulary:  # the typo added a letter
                    candidates.add(shorter)
                candidates.update(compiled.deletions.get(shorter, ()))  # changed or swapped a letter
        matches = [c for c in candidates if c[0] == word[0] and _one_edit_apart(c, word)]
        result = matches[0] if len(matches) == 1 else original
        if len(compiled.fuzzy_cache) >= _FUZZY_CACHE_MAX:
            compiled.fuzzy_cache.clear()
        compiled.fuzzy_cache[original] = result
        return result


# --------------------------------------------------------------------------------------------------
# The file format
# --------------------------------------------------------------------------------------------------

_SECTION = re.compile(r"\[\s*([^\]]*?)\s*\]")


def parse_phrasebook(text: str, source: str) -> Phrasebook:
    """Read the phrase-file format (documented at the top of bot/safeguarding/phrases.txt).

    Raises PhrasebookError naming `source` and the line for anything it cannot use.
    """
    section: str | None = None
    entries: list[tuple[str, str]] = []
    exceptions: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") or line.endswith("]"):
            heading = _SECTION.fullmatch(line)
            if heading is None:
                raise PhrasebookError(
                    source, number, f"a section heading looks like [self_harm], not {line!r}"
                )
            name = re.sub(r"[\s-]+", "_", heading.group(1).lower())
            name = _SECTION_ALIASES.get(name, name)
            if name not in CATEGORIES and name != EXCEPTIONS_SECTION:
                known = ", ".join(f"[{c}]" for c in (*CATEGORIES, "not a concern"))
                raise PhrasebookError(source, number, f"unknown section {line}; use one of {known}")
            section = name
            continue
        if section is None:
            raise PhrasebookError(source, number, "a phrase before any [section] heading")
        try:
            _compile_phrase(line)
        except ValueError as error:
            raise PhrasebookError(source, number, str(error)) from None
        if section == EXCEPTIONS_SECTION:
            exceptions.append(line)
        else:
            entries.append((section, line))
    return Phrasebook(entries=tuple(dict.fromkeys(entries)), exceptions=tuple(dict.fromkeys(exceptions)))
