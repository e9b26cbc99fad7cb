"""Keeping the translation catalogs (`bot/locale/<language>.po`) in step with the English sentences
in `bot/core/texts.py` (each with a count in it in every plural form), with Babel: new sentences are
added untranslated, changed ones are marked fuzzy (so they are not shown until a translator checks
them), and gone ones are dropped."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.core import texts
from bot.core.i18n import DEFAULT, LANGUAGES, LOCALE_DIR

PROJECT = "youthvoice"


def template() -> Catalog:
    """Every sentence the bot says to young people, by name (the msgctxt) and English (the msgid);
    a sentence with a count in it with its English plural too (msgid_plural), so each language's
    catalog has a form for each of its plural forms (msgstr[0], msgstr[1], ...)."""
    catalog = Catalog(project=PROJECT)
    for name, english in texts.ENGLISH.items():
        catalog.add(english, context=name)
    for name, forms in texts.PLURALS.items():
        catalog.add(forms, context=name)
    return catalog


def read(language: str, directory: Path = LOCALE_DIR) -> Catalog:
    path = directory / f"{language}.po"
    if not path.exists():
        return Catalog(locale=language, project=PROJECT)
    with path.open("rb") as file:
        return read_po(file, locale=language)


def write(catalog: Catalog, language: str, directory: Path = LOCALE_DIR) -> Path:
    path = directory / f"{language}.po"
    with path.open("wb") as file:
        write_po(file, catalog, width=100, ignore_obsolete=True)
    return path


def update_all(directory: Path = LOCALE_DIR) -> list[Path]:
    """Bring each language's catalog in line with the English sentences."""
    written = []
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        catalog = read(language, directory)
        catalog.update(template())
        written.append(write(catalog, language, directory))
    return written
