"""The mail catalogues: every text of the templates is in messages.pot, and German, French,
Spanish and Chinese translate every one of them, none left in English, fuzzy or with a
placeholder lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from oms.notifications.views.catalogues import LANGUAGES, SOURCE_LANGUAGE, catalogue_path
from oms.notifications.views.templates import BUILT_IN_DIRECTORY

ROOT = Path(__file__).resolve().parents[2]
POT = catalogue_path(SOURCE_LANGUAGE, "").parent.parent.parent / "messages.pot"
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

SAME_AS_ENGLISH = {
    "de": {"%(label)s: %(value)s", "%(label)s:"},
    "es": {"%(label)s: %(value)s", "%(label)s:", "Subtotal", "Total"},
    "fr": {"Total"},
    "zh": set(),
}
"""Texts a language writes exactly as English does (checked by a reader, not copied)."""


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def extracted() -> set[str]:
    """The texts the templates hold now, extracted as ``make messages`` does."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    return {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            BUILT_IN_DIRECTORY, method_map, options_map, comment_tags=("Translators:",)
        )
    }


def test_the_template_catalogue_is_current_with_the_templates() -> None:
    in_pot = {message.id for message in read(POT) if message.id}

    assert extracted() == in_pot, "the templates changed: run `make messages`, then translate"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_is_translated_and_none_is_fuzzy_or_left_over(language: str) -> None:
    template = {message.id for message in read(POT) if message.id}
    catalogue = read(catalogue_path(language, ".po"), language)
    translated = {message.id: message for message in catalogue if message.id}

    assert set(translated) == template, "run `make messages` and translate what is new"
    assert not [m.id for m in translated.values() if not m.string], "untranslated"
    assert not [m.id for m in translated.values() if m.fuzzy], "fuzzy: check and unmark"
    assert not catalogue.obsolete


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_is_a_copy_of_the_english(language: str) -> None:
    catalogue = read(catalogue_path(language, ".po"), language)

    copies = {m.id for m in catalogue if m.id and m.string == m.id}

    assert copies == SAME_AS_ENGLISH[language]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_the_placeholders_of_its_text(language: str) -> None:
    catalogue = read(catalogue_path(language, ".po"), language)

    for message in catalogue:
        if message.id:
            assert sorted(PLACEHOLDER.findall(str(message.string))) == sorted(
                PLACEHOLDER.findall(str(message.id))
            ), message.id
    assert not [error for _, errors in catalogue.check() for error in errors]


def test_french_puts_a_no_break_space_before_its_double_punctuation() -> None:
    catalogue = read(catalogue_path("fr", ".po"), "fr")

    loose = [m.string for m in catalogue if m.id and re.search(r" [:;?!]", str(m.string))]

    assert loose == []


def test_chinese_uses_full_width_punctuation() -> None:
    catalogue = read(catalogue_path("zh", ".po"), "zh")

    half_width = [m.string for m in catalogue if m.id and re.search(r"[,:;?!]", str(m.string))]

    assert half_width == []
