"""Locales and codes: BCP 47 tags Babel knows, and the code format of channels and locations."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale, UnknownLocaleError

from oms.shared.errors import Invalid

CODE_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


@cache
def _parse(tag: str) -> str:
    return str(Locale.parse(tag.replace("-", "_")))


def normalise_locale(tag: str, *, field: str = "locale") -> str:
    """``de-DE`` / ``de_DE`` -> ``de_DE``; unknown tags are ``Invalid``."""
    try:
        return _parse(tag.strip())
    except (ValueError, UnknownLocaleError):
        raise Invalid(f"{tag!r} is not a known locale", field=field) from None


def check_code(code: str, *, field: str = "code") -> str:
    """Codes are lowercase letters, digits and inner hyphens, at most 40 characters."""
    if not CODE_PATTERN.match(code):
        raise Invalid(
            "must be 1-40 lowercase letters, digits or inner hyphens", field=field, value=code
        )
    return code
