"""One line of a history file, whatever its format, and the reasons a line is refused.

Both formats (``online_retail``, ``generic``) parse into ``SourceLine``: the document it belongs
to (an order or a credit note), when, who, where, what, how many and at what price, and what
kind of line it is (goods or a charge). The plan (``plan.py``) turns those into rows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from itertools import count
from random import getrandbits
from time import time_ns

from oms.shared.money import exponent


class LineKind(enum.StrEnum):
    """Goods, or one of the order charge kinds (``order_charges.kind``), or a bad-debt entry."""

    PRODUCT = "product"
    SHIPPING = "shipping"
    FEE = "fee"
    DISCOUNT = "discount"
    ADJUSTMENT = "adjustment"
    MANUAL = "manual"
    OTHER = "other"
    BAD_DEBT = "bad_debt"


class DocumentKind(enum.StrEnum):
    ORDER = "order"
    CANCELLATION = "cancellation"
    """A credit note: units given back (a return) and money credited."""
    ADJUSTMENT = "adjustment"


@dataclass(slots=True)
class SourceLine:
    """A line of a history file, checked and typed. ``quantity`` is signed as in the file
    (negative on a credit note); ``unit_price`` in major units of ``currency``.

    The money a line carries is worked out once, when it is read (``priced``): a file repeats
    a few thousand prices and quantities over hundreds of thousands of lines, so the parsers
    keep the figures of each distinct (quantity, price) and hand the same ones to every line
    that has them. (Positional construction is allowed, and what a parser of a large file
    uses: building it by keyword costs three times as much.)"""

    row: int
    document: str
    document_kind: DocumentKind
    placed_at: datetime
    customer_ref: str | None
    email: str | None
    name: str | None
    country: str
    country_name: str
    currency: str
    code: str
    description: str
    quantity: int
    unit_price: Decimal
    kind: LineKind
    exact_amount: Decimal
    """Quantity x unit price, exactly (the source's figure, fractions of a minor unit kept)."""
    amount_minor: int
    """Quantity x unit price in minor units, rounded half-even once per line."""
    unit_price_minor: int
    """The unit price in minor units, rounded half-even."""
    original_document: str | None = None
    category: str | None = None
    """The category a product the import creates is filed under (the generic format's)."""


@dataclass(frozen=True, slots=True)
class Priced:
    """A line's quantity and price with the figures derived from them (see ``priced``)."""

    quantity: int
    unit_price: Decimal
    exact_amount: Decimal
    amount_minor: int
    unit_price_minor: int


def priced(quantity: int, unit_price: Decimal, currency: str) -> Priced:
    exact = unit_price * quantity
    return Priced(
        quantity=quantity,
        unit_price=unit_price,
        exact_amount=exact,
        amount_minor=to_minor(exact, currency),
        unit_price_minor=to_minor(unit_price, currency),
    )


Id = str
"""Ids of planned rows: a UUID as 32 hexadecimal digits, the form both databases take in bulk
(SQLite stores it so; PostgreSQL's uuid input reads it)."""

_sequence = count(getrandbits(61))


def new_id() -> Id:
    """A time-ordered UUID (version 7: milliseconds since 1970, then a counter that starts at
    random) as 32 hex digits. Ids made one after the other sort one after the other, so a bulk
    insert appends to the primary key's B-tree instead of touching pages at random (measured:
    the difference between minutes and seconds for half a million order lines on SQLite)."""
    tick = next(_sequence)
    value = (
        (time_ns() // 1_000_000) << 80
        | 0x7 << 76
        | (tick >> 62 & 0xFFF) << 64
        | 0b10 << 62
        | tick & 0x3FFF_FFFF_FFFF_FFFF
    )
    return f"{value:032x}"


@lru_cache(maxsize=256)
def _scale(currency: str) -> Decimal:
    return Decimal(10) ** exponent(currency)


_ONE = Decimal(1)


def to_minor(amount: Decimal, currency: str) -> int:
    """``amount`` (major units) in minor units of ``currency``, rounded half-even."""
    return int((amount * _scale(currency)).quantize(_ONE, ROUND_HALF_EVEN))


@dataclass(frozen=True, slots=True, kw_only=True)
class Reject:
    """A line not imported: where (``row`` is the line number in the file, the header being
    line 1), which field and why, with the document it belonged to when known."""

    row: int
    field: str
    reason: str
    document: str = ""
    quantity: int = 0
    exact_amount: Decimal = Decimal(0)


class BadLine(Exception):
    """A field of a line cannot be read (raised by the parsers, turned into a ``Reject``)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_quantity(text: str, field: str = "quantity") -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise BadLine(field, f"not a whole number: {text!r}") from None
    if value == 0:
        raise BadLine(field, "zero")
    if abs(value) > 2**31 - 1:
        raise BadLine(field, f"out of range: {text!r}")
    return value


def parse_price(text: str, field: str = "unit_price") -> Decimal:
    """A decimal price."""
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        raise BadLine(field, f"not a decimal number: {text!r}") from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
        raise BadLine(field, f"out of range: {text!r}")
    return value
