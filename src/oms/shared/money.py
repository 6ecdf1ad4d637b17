"""Money as Decimal with an ISO 4217 currency, rounded per currency (half-even).

Stored as integer minor units plus the currency code, because SQLite sums NUMERIC as
floating point. The currency's exponent comes from Babel (JPY has 0, EUR 2, BHD 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

from oms.shared.errors import Invalid


class CurrencyMismatch(Invalid):
    """Two amounts in different currencies were combined."""

    code = "currency-mismatch"


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def exponent(currency: str) -> int:
    """Number of minor-unit digits of ``currency`` (2 for EUR, 0 for JPY)."""
    return int(get_currency_precision(currency))


MAX_MINOR_UNITS = 2**63 - 1
"""The largest amount in minor units: what a signed 64-bit (BIGINT) column holds."""


@cache
def _largest(currency: str) -> Decimal:
    return Decimal(MAX_MINOR_UNITS).scaleb(-exponent(currency))


@cache
def _quantum(currency: str) -> Decimal:
    """The currency's minor unit (``Decimal("0.01")`` for EUR); raises for an unknown code."""
    if not is_currency(currency):
        raise Invalid(f"unknown currency {currency!r}", field="currency")
    return Decimal(1).scaleb(-exponent(currency))


def in_range(amount: Decimal, currency: str) -> bool:
    """Whether a finite ``amount`` is small enough to be stored in minor units of ``currency``.

    Checked before any quantizing, which a huge amount would overflow the decimal context in.
    """
    return abs(amount) <= _largest(currency)


def is_currency(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 currency Babel knows."""
    return code in _known_currencies()


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency, always quantized to the currency's minor unit."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        currency = self.currency
        quantum = _quantum(currency)  # per currency once; refuses an unknown one first
        amount = self.amount
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise Invalid("amount must be a finite decimal", field="amount")
        if abs(amount) > _largest(currency):
            raise Invalid(f"amount is too large for {currency}", field="amount")
        object.__setattr__(self, "amount", amount.quantize(quantum, ROUND_HALF_EVEN))

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse an amount given as a string or Decimal (never float)."""
        try:
            value = Decimal(amount)
        except (InvalidOperation, TypeError, ValueError):
            raise Invalid(f"{amount!r} is not a decimal amount", field="amount") from None
        return cls(value, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        """Build from integer minor units as stored in the database."""
        return cls(Decimal(minor).scaleb(-exponent(currency)), currency)

    @property
    def minor(self) -> int:
        """Integer minor units (cents for EUR) for storage."""
        return int(self.amount.scaleb(exponent(self.currency)))

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot combine {self.currency} and {other.currency}", field="currency"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def share(self, units: int, of: int) -> Money:
        """What ``units`` of ``of`` equal units of this amount carry, half-even to the minor
        unit: nothing below one unit, the whole amount from ``of`` on. Taken cumulatively
        (``share(n) - share(n - k)`` for the k units after n - k), the parts of an amount add
        up to it to the cent, whatever order they are taken in."""
        if of <= 0 or units <= 0:
            return Money.zero(self.currency)
        if units >= of:
            return self
        return Money(self.amount * units / of, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
