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


@dataclass(slots=True, kw_only=True)
class SourceLine:
    """A line of a history file, checked and typed. ``quantity`` is signed as in the file
    (negative on a credit note); ``unit_price`` in major units of ``currency``."""

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
    original_document: str | None = None

    @property
    def exact_amount(self) -> Decimal:
        """Quantity x unit price, exactly (the source's figure, fractions of a minor unit kept)."""
        return self.unit_price * self.quantity

    @property
    def amount_minor(self) -> int:
        """Quantity x unit price in minor units, rounded half-even once per line."""
        return to_minor(self.exact_amount, self.currency)

    @property
    def unit_price_minor(self) -> int:
        return to_minor(self.unit_price, self.currency)


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


def to_minor(amount: Decimal, currency: str) -> int:
    """``amount`` (major units) in minor units of ``currency``, rounded half-even."""
    return int((amount * 10 ** exponent(currency)).quantize(Decimal(1), ROUND_HALF_EVEN))


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


@lru_cache(maxsize=65536)
def parse_price(text: str, field: str = "unit_price") -> Decimal:
    """A decimal price (cached: a file repeats a few thousand prices over all its lines)."""
    try:
        value = Decimal(text.strip())
    except ArithmeticError:
        raise BadLine(field, f"not a decimal number: {text!r}") from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
        raise BadLine(field, f"out of range: {text!r}")
    return value
