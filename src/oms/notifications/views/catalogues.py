"""The gettext catalogues of customer mail: English is written in the templates, German,
French, Spanish and Chinese come from ``locales/<language>/LC_MESSAGES/messages.po``.

``make translations`` compiles each ``.po`` to the ``.mo`` read here (``make messages``
extracts the templates' texts to ``messages.pot`` and merges them into every ``.po``). The
``.mo`` files are built, not committed; when one is missing or older than its ``.po`` (a
checkout without ``make``, a catalogue edited since), the ``.po`` is compiled in memory instead,
with a warning, so a customer never gets a mail in the wrong language.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

import structlog
from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES_DIRECTORY = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "zh")
"""The languages mail is written in; a locale in any other language gets English."""

log = structlog.get_logger("oms.notifications")


def mail_locale(tag: str | None) -> Locale:
    """The locale a mail is written and formatted in: the given one when its language is one
    mail is written in (``de_CH`` keeps Swiss number formats), else English (a mail in English
    with dates in Portuguese would read oddly)."""
    if tag:
        try:
            locale = Locale.parse(tag.strip().replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            locale = None
        if locale is not None and locale.language in LANGUAGES:
            return locale
    return Locale.parse(SOURCE_LANGUAGE)


def mail_language(locale: Locale) -> str:
    """The catalogue a locale reads: its language when mail is written in it, else ``en``."""
    return locale.language if locale.language in LANGUAGES else SOURCE_LANGUAGE


def catalogue_path(language: str, suffix: str) -> Path:
    """``locales/de/LC_MESSAGES/messages.po`` (``suffix`` ``.po``) or its ``.mo``."""
    return LOCALES_DIRECTORY / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def translations(language: str) -> Translations:
    """The compiled catalogue of ``language`` (empty for English: the templates are English)."""
    if language == SOURCE_LANGUAGE:
        return Translations()
    po, mo = catalogue_path(language, ".po"), catalogue_path(language, ".mo")
    if not po.exists():
        raise LookupError(f"no mail catalogue for {language!r}: {po} is missing")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    log.warning("mail_catalogue_not_compiled", language=language, hint="run `make translations`")
    with po.open("rb") as source:
        catalogue = read_po(source, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
