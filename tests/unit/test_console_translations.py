"""The console catalogues: every text the console's templates and page modules mark is in
console.pot, and German, French, Spanish and Chinese translate every one of them (every plural
form), none fuzzy, none with a placeholder lost, with each language's punctuation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "src" / "oms" / "console"
LOCALES = CONSOLE / "locales"
POT = LOCALES / "console.pot"
LANGUAGES = ["de", "fr", "es", "zh"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def catalogue(language: str) -> Catalog:
    return read(LOCALES / language / "LC_MESSAGES" / "console.po", language)


def forms(value: object) -> tuple[str, ...]:
    """A message's id or string as its forms: one for a plain text, every form for a plural."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple | list):
        return tuple(str(form) for form in value)
    return ()


def key(message_id: object) -> str:
    return forms(message_id)[0]


def test_the_template_catalogue_is_current_with_the_console() -> None:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    extracted = {
        key(message)
        for _, _, message, _, _ in extract_from_dir(
            str(CONSOLE), method_map, options_map, comment_tags=("Translators:",)
        )
    }
    in_pot = {key(message.id) for message in read(POT) if message.id}

    assert extracted == in_pot, "the console changed: run `make console-messages`, then translate"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_translated_in_every_form_and_none_is_fuzzy(language: str) -> None:
    template = {key(message.id) for message in read(POT) if message.id}
    translated = catalogue(language)
    messages = {key(message.id): message for message in translated if message.id}

    assert set(messages) == template, "run `make console-messages` and translate what is new"
    assert not [k for k, m in messages.items() if not all(forms(m.string))], "untranslated"
    assert not [k for k, m in messages.items() if m.fuzzy], "fuzzy: check and unmark"
    assert not [
        k
        for k, m in messages.items()
        if isinstance(m.id, tuple) and len(forms(m.string)) != translated.num_plurals
    ], "a plural text without every plural form of the language"
    assert not translated.obsolete


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_text(language: str) -> None:
    translated = catalogue(language)

    for message in translated:
        if message.id:
            expected = sorted(PLACEHOLDER.findall(" ".join(forms(message.id))))
            for form in forms(message.string):
                assert sorted(set(PLACEHOLDER.findall(form))) == sorted(set(expected)), message.id
    assert not [error for _, errors in translated.check() for error in errors]


def test_french_puts_a_no_break_space_before_its_double_punctuation() -> None:
    loose = [
        form
        for message in catalogue("fr")
        if message.id
        for form in forms(message.string)
        if re.search(r"( |\w)[:;?!](\s|$)", form)
    ]

    assert loose == []


def test_chinese_uses_full_width_punctuation() -> None:
    half_width = [
        form
        for message in catalogue("zh")
        if message.id
        for form in forms(message.string)
        if re.search(r"[\u4e00-\u9fff][,:;?!]|[,:;?!][\u4e00-\u9fff]", form)
    ]

    assert half_width == []
