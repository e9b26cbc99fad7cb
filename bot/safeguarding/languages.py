"""Whether the checks can read a message at all: the phrase list and the classifier know English and
Arabic. A message in another language or script is not "no concern", it is "not checked", so triage
sends it to the review queue, marked as such, for a person to read.

Three signs, in order:

* letters from a script other than Latin and Arabic (Cyrillic, Ethiopic as in Tigrinya, Devanagari...);
* letters that Arabic does not use but Persian, Urdu, Pashto and Sorani Kurdish do (پ ژ ڕ ڵ ټ ښ ے...),
  or the Persian forms of yeh and kaf (ی ک) where the Arabic ones (ي ك) never appear;
* in Latin letters, too few words the classifier has met: most words of Polish, Somali or Kurmanji
  are not in its English vocabulary. (Not for Arabic: its spellings vary too much for a vocabulary
  of this size, and the classifier reads it by letter sequences anyway.)

A short message (under MIN_WORDS words) is not judged on its vocabulary: "brightside" or a name idea
is not a language problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MIN_WORDS = 4
KNOWN_SHARE = 0.5  # fewer known words than this, in a message of MIN_WORDS or more: not read
_OTHER_SCRIPT_SHARE = 0.3
# Arabic-script letters outside Arabic: Persian, Urdu, Pashto, Sorani Kurdish. Not گ and چ (Iraqi and
# Gulf Arabic write "g" and "ch" with them), nor ڤ (written for "v" in Arabic too).
_NOT_ARABIC = set("پژٹڈڑںےۓھڕڵۆێەټځڅډړږښګڼۍېۇۋۉ")
_PERSIAN_FORMS, _ARABIC_FORMS = set("یک"), set("يك")


_LETTER = re.compile(r"[^\W\d_]")
# Letters of scripts other than Latin and Arabic (and their extensions).
_OTHER_SCRIPT = re.compile(
    r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"
)


def unread(text: str, words: list[str], known_words: Callable[[list[str]], int]) -> bool:
    """True if `text` is in a language the checks do not read. `words` are its normalised words and
    `known_words` counts those the classifier has met."""
    if not text.isascii():
        others = len(_OTHER_SCRIPT.findall(text))
        if others >= 2 and others >= _OTHER_SCRIPT_SHARE * len(_LETTER.findall(text)):
            return True
        letters = set(text)
        if letters & _NOT_ARABIC or (letters & _PERSIAN_FORMS and not letters & _ARABIC_FORMS):
            return True
    latin = [w for w in words if w.isascii() and not w.isdigit()]
    if len(latin) < MIN_WORDS:
        return False
    return known_words(latin) < KNOWN_SHARE * len(latin)
