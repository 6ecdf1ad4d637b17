"""Server-rendered pages: one Jinja environment per language, texts from gettext catalogues,
money, numbers and dates written by Babel in the reader's locale.

English is written in the templates; German, French, Spanish and Chinese come from
``locales/<language>/LC_MESSAGES/console.po`` (``make console-messages`` extracts, ``make
translations`` compiles; a missing or stale ``.mo`` is compiled from its ``.po`` in memory).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import structlog
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from oms.shared.money import Money

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
LOCALES = ROOT / "locales"
DOMAIN = "console"
LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "zh")
"""The console's and the customer pages' languages; any other locale reads English."""
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "zh": "中文"}

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Scripts only from oms itself (no inline script); styles may be inline (htmx's indicator
    # style, a channel's brand colours); images from anywhere over HTTPS (a merchant's logo).
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: https:; frame-ancestors 'none'; form-action 'self'"
    ),
}

log = structlog.get_logger("oms.console")


def language_of(tag: str | None) -> str:
    """The catalogue a locale tag reads (``de_CH`` → ``de``), English when unknown."""
    if tag:
        try:
            language = Locale.parse(tag.strip().replace("-", "_")).language
        except (ValueError, UnknownLocaleError):
            return "en"
        if language in LANGUAGES:
            return language
    return "en"


@cache
def translations(language: str) -> Translations:
    """The compiled console catalogue of ``language`` (empty for English)."""
    if language == "en":
        return Translations()
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    if not po.exists():
        log.warning("console_catalogue_missing", language=language)
        return Translations()
    log.warning("console_catalogue_not_compiled", language=language, hint="make translations")
    with po.open("rb") as source:
        catalogue = read_po(source, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def filters(locale: Locale) -> dict[str, Callable[..., Any]]:  # noqa: C901 (one closure each)
    """The formatting filters of one locale. Times are shown in UTC, labelled so."""

    def money(value: Money | None) -> str:
        if value is None:
            return "—"
        return format_currency(value.amount, value.currency, locale=locale)

    def minor(amount: int | None, currency: str) -> str:
        if amount is None:
            return "—"
        return money(Money.from_minor(amount, currency))

    def when(value: datetime | None, form: str = "short") -> str:
        if value is None:
            return "—"
        return format_datetime(value, form, tzinfo=None, locale=locale) + " UTC"

    def day(value: date | datetime | None, form: str = "medium") -> str:
        if value is None:
            return "—"
        return format_date(value, form, locale=locale)

    def number(value: int | Decimal | float | None) -> str:
        return "—" if value is None else format_decimal(value, locale=locale)

    def percent(value: float | Decimal | None, digits: int = 1) -> str:
        if value is None:
            return "—"
        return format_percent(value, format="#,##0." + "0" * digits + "%", locale=locale)

    def country(code: str | None) -> str:
        if not code:
            return "—"
        return str(locale.territories.get(code.upper(), code))

    def ago(value: datetime, now: datetime) -> str:
        return format_timedelta(value - now, add_direction=True, locale=locale)

    return {
        "money": money,
        "minor": minor,
        "when": when,
        "day": day,
        "number": number,
        "percent": percent,
        "country": country,
        "ago": ago,
    }


class Pages:
    """The template environments, one per language (built on first use, then kept)."""

    def __init__(self, directory: Path = TEMPLATES) -> None:
        self.directory = directory
        self._environments: dict[str, Environment] = {}

    def environment(self, language: str) -> Environment:
        found = self._environments.get(language)
        if found is None:
            found = self._environments[language] = self._build(language)
        return found

    def _build(self, language: str) -> Environment:
        environment = Environment(
            loader=FileSystemLoader(self.directory),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        environment.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them
        environment.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
        environment.filters.update(filters(Locale.parse(language)))
        environment.globals.update(
            language=language, languages=LANGUAGE_NAMES, nbsp=Markup("&nbsp;")
        )
        return environment


pages = Pages()


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    language: str | None = None,
) -> HTMLResponse:
    """Render a page (or, for an htmx request, whatever fragment the template renders) in the
    reader's language: the staff user's, else the one the public page chose."""
    staff = getattr(request.state, "staff", None)
    if language is None:
        language = getattr(request.state, "language", None) or language_of(
            staff.user.locale if staff is not None else None
        )
    values: dict[str, Any] = {
        "request": request,
        "staff": staff,
        "csrf": staff.csrf if staff is not None else "",
        "path": request.url.path,
        "htmx": request.headers.get("HX-Request") == "true",
        "now": request.app.state.clock.now(),
        "brand": None,
        "language_carry": {},
    }
    values.update(context or {})
    html = pages.environment(language).get_template(template).render(values)
    return HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})
