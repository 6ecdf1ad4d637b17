"""Pricing configuration: tax rates per country and tax category, shipping zones and their rates.

A tax rate is a decimal fraction (``0.19`` for 19 %) with at most six decimal places, at least 0
and below 1. Only the ``standard`` and ``reduced`` categories carry a configured rate: ``zero``
and ``exempt`` goods are always taxed at 0.

A shipping zone groups countries (a country is in at most one zone) and prices each shipping
method per currency, optionally free from an order value up (``free_over``). A country is
*supported* when a zone holds it. Pickup is never priced: it is free for any supported country.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from functools import cache
from uuid import UUID

from babel import Locale

from oms.shared.errors import FieldProblem, Invalid, collect
from oms.shared.locale import check_code
from oms.shared.money import Money, exponent, in_range, is_currency

RATE_PLACES = 6
"""Tax rates are stored as integer millionths (19 % -> 190000), so six places are exact."""

TAXED_CATEGORIES = ("standard", "reduced")
UNTAXED_CATEGORIES = ("zero", "exempt")

_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})


class ShippingMethod(StrEnum):
    STANDARD = "standard"
    EXPRESS = "express"
    PICKUP = "pickup"


@cache
def _countries() -> frozenset[str]:
    codes = (str(t) for t in Locale("en").territories)
    return frozenset(t for t in codes if len(t) == 2 and t.isalpha()) - _NOT_COUNTRIES


def is_country(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country code (upper case)."""
    return code in _countries()


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxRate:
    country: str
    tax_category: str
    rate: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippingRate:
    """What one method costs in one currency; free when the order value reaches ``free_over``."""

    method: ShippingMethod
    price: Money
    free_over: Money | None = None

    @property
    def currency(self) -> str:
        return self.price.currency

    def charge(self, order_value: Money) -> Money:
        """The fee for an order worth ``order_value`` (lines after discounts)."""
        if self.free_over is not None and self.free_over <= order_value:
            return Money.zero(self.currency)
        return self.price


@dataclass(frozen=True, slots=True, kw_only=True)
class ShippingZone:
    id: UUID
    code: str
    name: str
    countries: tuple[str, ...]
    rates: tuple[ShippingRate, ...] = ()

    def rate_for(self, method: ShippingMethod, currency: str) -> ShippingRate | None:
        """The zone's rate for ``method`` in ``currency``, or None when not offered."""
        for rate in self.rates:
            if rate.method is method and rate.currency == currency:
                return rate
        return None


@dataclass(frozen=True, kw_only=True)
class PricingRates:
    """Everything pricing reads: tax rates and shipping zones, indexed for look-ups."""

    tax_rates: tuple[TaxRate, ...] = ()
    zones: tuple[ShippingZone, ...] = ()
    _by_category: dict[tuple[str, str], Decimal] = field(init=False, repr=False, compare=False)
    _by_country: dict[str, ShippingZone] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_category = {(r.country, r.tax_category): r.rate for r in self.tax_rates}
        by_country = {country: zone for zone in self.zones for country in zone.countries}
        object.__setattr__(self, "_by_category", by_category)
        object.__setattr__(self, "_by_country", by_country)

    def zone_for(self, country: str) -> ShippingZone | None:
        """The zone that serves ``country``; None means the country is not supported."""
        return self._by_country.get(country)

    def tax_rate(self, country: str, tax_category: str) -> Decimal | None:
        """The rate for goods of ``tax_category`` sent to ``country``; None when not configured.

        Zero-rated and exempt goods are taxed at 0 whether or not a rate is configured.
        """
        configured = self._by_category.get((country, tax_category))
        if configured is None and tax_category in UNTAXED_CATEGORIES:
            return Decimal(0)
        return configured


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneRate:
    """A shipping rate as a merchant states it, before it is checked."""

    method: ShippingMethod
    currency: str
    amount: Decimal
    free_over: Decimal | None = None


def checked_country(country: str, *, field: str = "country") -> str:
    """The upper-case ISO country code, or ``Invalid`` on ``field``."""
    code = country.strip().upper()
    if not is_country(code):
        raise Invalid(f"{country!r} is not an ISO 3166-1 alpha-2 country code", field=field)
    return code


def checked_tax_rate(country: str, tax_category: str, rate: Decimal) -> TaxRate:
    """A configurable tax rate: known country, standard or reduced, 0 <= rate < 1, 6 places."""
    problems: list[FieldProblem] = []
    code = country.strip().upper()
    if not is_country(code):
        problems.append(FieldProblem("country", "is not an ISO 3166-1 alpha-2 country code"))
    if tax_category in UNTAXED_CATEGORIES:
        problems.append(FieldProblem("tax_category", f"{tax_category} goods are always taxed at 0"))
    elif tax_category not in TAXED_CATEGORIES:
        problems.append(FieldProblem("tax_category", "must be standard or reduced"))
    problems.extend(_rate_problems(rate))
    collect(problems, "the tax rate is not valid")
    return TaxRate(country=code, tax_category=tax_category, rate=rate.normalize())


def _rate_problems(rate: Decimal) -> list[FieldProblem]:
    if not rate.is_finite():
        return [FieldProblem("rate", "must be a finite decimal")]
    if not Decimal(0) <= rate < Decimal(1):
        # Checked first: quantizing a huge rate would overflow the decimal context.
        return [FieldProblem("rate", "must be a fraction at least 0 and below 1 (0.19)")]
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_PLACES), ROUND_HALF_EVEN):
        return [FieldProblem("rate", f"allows at most {RATE_PLACES} decimal places")]
    return []


def checked_zone(
    *, zone_id: UUID, code: str, name: str, countries: Sequence[str], rates: Sequence[ZoneRate]
) -> ShippingZone:
    """A shipping zone whose countries are real and listed once and whose rates are sound.

    Countries and rates come back sorted (rates by method, then currency), the order they are
    stored and listed in, so two statements of the same zone compare equal.
    """
    check_code(code)
    problems: list[FieldProblem] = []
    if not name.strip():
        problems.append(FieldProblem("name", "must not be blank"))
    codes = tuple(c.strip().upper() for c in countries)
    for index, country in enumerate(codes):
        if not is_country(country):
            problems.append(
                FieldProblem(f"countries.{index}", "is not an ISO 3166-1 alpha-2 country code")
            )
    if len(set(codes)) != len(codes):
        problems.append(FieldProblem("countries", "lists a country more than once"))
    checked = sorted(_checked_rates(rates, problems), key=lambda r: (r.method.value, r.currency))
    collect(problems, "the shipping zone is not valid")
    return ShippingZone(
        id=zone_id,
        code=code,
        name=name.strip(),
        countries=tuple(sorted(codes)),
        rates=tuple(checked),
    )


def _checked_rates(
    rates: Sequence[ZoneRate], problems: list[FieldProblem]
) -> Iterable[ShippingRate]:
    seen: set[tuple[ShippingMethod, str]] = set()
    for index, rate in enumerate(rates):
        at = f"rates.{index}"
        if (rate.method, rate.currency) in seen:
            problems.append(FieldProblem(at, f"repeats {rate.method} in {rate.currency}"))
        seen.add((rate.method, rate.currency))
        found = _rate_terms_problems(rate, at)
        problems.extend(found)
        if not found:
            yield ShippingRate(
                method=rate.method,
                price=Money(rate.amount, rate.currency),
                free_over=None if rate.free_over is None else Money(rate.free_over, rate.currency),
            )


def _rate_terms_problems(rate: ZoneRate, at: str) -> list[FieldProblem]:
    if rate.method is ShippingMethod.PICKUP:
        return [FieldProblem(f"{at}.method", "pickup is always free and takes no rate")]
    if not is_currency(rate.currency):
        return [FieldProblem(f"{at}.currency", "is not an ISO 4217 currency")]
    amounts = {"amount": rate.amount, "free_over": rate.free_over}
    return [
        FieldProblem(f"{at}.{name}", message)
        for name, value in amounts.items()
        if value is not None
        for message in _amount_problems(value, rate.currency)
    ]


def _amount_problems(amount: Decimal, currency: str) -> list[str]:
    """``4.999 EUR`` is refused rather than rounded: a merchant typed that fee."""
    if not amount.is_finite():
        return ["must be a finite decimal"]
    if not in_range(amount, currency):
        return ["is too large"]
    problems = []
    if amount < 0:
        problems.append("must not be negative")
    places = exponent(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN):
        problems.append(f"{currency} allows {places} decimal places")
    return problems
