"""Strict types for what clients send: instants, emails, visible text, exact money.

A request is read as the client wrote it or refused with a 422 naming the field; nothing is
coerced or rounded on the way in. A date without a zone is not an instant; ``19.999 EUR`` is not
a price; a name made of zero-width spaces is not a name; an email longer than RFC 5321 allows
is not an address. Each rule lives here once so every context's schemas (and a console later)
share it; quantities (strict integers) are ``oms.platform.schemas.Quantity``.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field

from oms.shared.errors import Invalid
from oms.shared.money import Money, exponent, in_range, is_currency

EMAIL_MAX_LENGTH = 254
"""RFC 5321: a path holds at most 256 octets, two of them the angle brackets."""
EMAIL_LOCAL_MAX_LENGTH = 64


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is outside the range of dates this API handles") from None


Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]
"""An ISO 8601 date and time with its offset, normalised to UTC.

Without an offset it is ambiguous (refused); a value whose UTC form falls outside years 1-9999
(``9999-12-31T23:00:00-05:00``) cannot be stored or compared (refused, not a 500).
"""


def _rfc5321(value: str) -> str:
    local, at, _ = value.rpartition("@")
    if at and len(local) > EMAIL_LOCAL_MAX_LENGTH:
        raise ValueError(f"the part before @ may have at most {EMAIL_LOCAL_MAX_LENGTH} characters")
    return value


Email = Annotated[
    str,
    Field(max_length=EMAIL_MAX_LENGTH, examples=["ada@example.com"]),
    AfterValidator(_rfc5321),
]
"""An email address within RFC 5321's limits (its syntax is checked where it is normalised)."""

_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Letters and symbols that render as nothing (Hangul fillers, the blank Braille pattern)."""
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})


def _shows(character: str) -> bool:
    return (
        character not in _BLANK_LETTERS
        and unicodedata.category(character) not in _INVISIBLE_CATEGORIES
    )


def is_invisible(text: str) -> bool:
    """Whether non-empty ``text`` shows nothing: only spaces, controls, format characters
    (zero-width space, joiners, bidi marks), lone combining marks or blank letters."""
    return bool(text) and not any(_shows(ch) for ch in text)


def refuse_invisible(value: Any) -> Any:
    """Field validator for every input string (and strings in lists): a value that shows
    nothing is refused, since it would pass a ``min_length`` and print as an empty name."""
    texts = value if isinstance(value, list | tuple) else (value,)
    if any(isinstance(text, str) and is_invisible(text) for text in texts):
        raise ValueError("must contain visible characters")
    return value


def exact_money(amount: Decimal, currency: str, *, field: str) -> Money:
    """The client's amount as ``Money``, refusing what rounding would change: a currency that
    is not ISO 4217, a non-finite or unstorable amount, digits finer than the currency's minor
    unit (``19.999 EUR``). Problems name ``<field>.currency`` or ``<field>.amount``."""
    code = currency.upper()
    if not is_currency(code):
        raise Invalid("is not an ISO 4217 currency", field=f"{field}.currency")
    if not amount.is_finite() or not in_range(amount, code):
        raise Invalid("is not a finite amount within range", field=f"{field}.amount")
    money = Money(amount, code)
    if money.amount != amount:
        raise Invalid(f"{code} allows {exponent(code)} decimal places", field=f"{field}.amount")
    return money
