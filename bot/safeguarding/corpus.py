"""The labelled messages the classifier learns from and is measured on (bot/safeguarding/corpus/*.tsv).

Every message was written for the project; none is a real young person's words. A file is named
`<language>_<group>_<split>.tsv`: the language ("en", "ar"), what kind of messages it holds ("answers" are
ordinary consultation answers, the messages a false alarm costs most on), and the split. The dev split is
written separately from train, by a different hand where possible, and is never trained on.
Each line is `<label><TAB><message>`: a category id from categories.py, or "none".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from bot.safeguarding.categories import CATEGORIES

CORPUS_DIR = Path(__file__).with_name("corpus")
SPLITS = ("train", "dev")
HARMLESS = "none"


@dataclass(frozen=True)
class Example:
    label: str  # a category id, or HARMLESS
    text: str
    language: str
    group: str
    split: str

    @property
    def is_concern(self) -> bool:
        return self.label != HARMLESS


class CorpusError(ValueError):
    """A line the corpus reader cannot use; the message names the file and line."""


def corpus_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("*.tsv"))


def read_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    examples: list[Example] = []
    for path in corpus_files(directory):
        language, group, split = _name_parts(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            label, tab, text = line.partition("\t")
            if not tab or not text.strip() or "\t" in text:
                raise CorpusError(f"{path.name}: line {number}: expected <label><TAB><message>")
            if label != HARMLESS and label not in CATEGORIES:
                raise CorpusError(f"{path.name}: line {number}: unknown label {label!r}")
            examples.append(Example(label, text.strip(), language, group, split))
    return examples


def fingerprint(directory: Path = CORPUS_DIR) -> str:
    """A hash of every corpus file's name and bytes: the shipped weights record the corpus they came from."""
    digest = hashlib.sha256()
    for path in corpus_files(directory):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _name_parts(path: Path) -> tuple[str, str, str]:
    parts = path.stem.split("_")
    if len(parts) < 3 or parts[-1] not in SPLITS:
        raise CorpusError(f"{path.name}: name it <language>_<group>_<train|dev>.tsv")
    return parts[0], "_".join(parts[1:-1]), parts[-1]
