"""Rules of pricing configuration: tax rates, shipping zones and their rates, look-ups."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from oms.orders.pricing.domain import (
    PricingRates,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    TaxRate,
    ZoneRate,
    checked_country,
    checked_tax_rate,
    checked_zone,
    is_country,
    tax_rate_aggregate_id,
)
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.money import Money

ZONE_ID = uuid4()


def zone(countries: tuple[str, ...] = ("DE", "FR"), *rates: ZoneRate, name: str = "EU") -> object:
    return checked_zone(zone_id=ZONE_ID, code="eu", name=name, countries=countries, rates=rates)


def rate(
    amount: str,
    currency: str = "EUR",
    method: ShippingMethod = ShippingMethod.STANDARD,
    free_over: str | None = None,
) -> ZoneRate:
    return ZoneRate(
        method=method,
        currency=currency,
        amount=Decimal(amount),
        free_over=Decimal(free_over) if free_over else None,
    )


@pytest.mark.parametrize(("given", "kept"), [("0.19", "0.19"), ("0.055", "0.055"), ("0", "0")])
def test_a_tax_rate_is_kept_as_the_fraction_given(given: str, kept: str) -> None:
    assert checked_tax_rate("de", "standard", Decimal(given)) == TaxRate(
        country="DE", tax_category="standard", rate=Decimal(kept)
    )


@pytest.mark.parametrize(
    ("country", "category", "value", "problems"),
    [
        ("DE", "standard", "1", [("rate", "must be a fraction at least 0 and below 1 (0.19)")]),
        ("DE", "standard", "19", [("rate", "must be a fraction at least 0 and below 1 (0.19)")]),
        ("DE", "standard", "-0.01", [("rate", "must be a fraction at least 0 and below 1 (0.19)")]),
        ("DE", "standard", "1E+30", [("rate", "must be a fraction at least 0 and below 1 (0.19)")]),
        ("DE", "reduced", "0.0000001", [("rate", "allows at most 6 decimal places")]),
        ("DE", "zero", "0", [("tax_category", "zero goods are always taxed at 0")]),
        ("DE", "exempt", "0", [("tax_category", "exempt goods are always taxed at 0")]),
        ("DE", "luxury", "0.3", [("tax_category", "must be standard or reduced")]),
        ("XX", "standard", "0.2", [("country", "is not an ISO 3166-1 alpha-2 country code")]),
        ("DE", "standard", "NaN", [("rate", "must be a finite decimal")]),
    ],
)
def test_a_bad_tax_rate_names_its_fields(
    country: str, category: str, value: str, problems: list[tuple[str, str]]
) -> None:
    with pytest.raises(Invalid) as error:
        checked_tax_rate(country, category, Decimal(value))
    assert error.value.problems == [FieldProblem(*p) for p in problems]


def test_a_zone_sorts_its_countries_and_rates() -> None:
    checked = checked_zone(
        zone_id=ZONE_ID,
        code="eu",
        name=" Europe ",
        countries=("fr", "DE"),
        rates=(
            rate("4.90", free_over="60.00"),
            rate("12.90", method=ShippingMethod.EXPRESS),
            rate("6.90", "USD"),
        ),
    )
    assert checked == ShippingZone(
        id=ZONE_ID,
        code="eu",
        name="Europe",
        countries=("DE", "FR"),
        rates=(
            ShippingRate(method=ShippingMethod.EXPRESS, price=Money.of("12.90", "EUR")),
            ShippingRate(
                method=ShippingMethod.STANDARD,
                price=Money.of("4.90", "EUR"),
                free_over=Money.of("60.00", "EUR"),
            ),
            ShippingRate(method=ShippingMethod.STANDARD, price=Money.of("6.90", "USD")),
        ),
    )


def test_a_bad_zone_names_every_field_at_once() -> None:
    with pytest.raises(Invalid) as error:
        zone(
            ("DE", "XX", "de"),
            rate("4.999"),
            rate("5.00"),
            rate("0", method=ShippingMethod.PICKUP),
            rate("1", "ABC"),
            rate("-1", "USD", free_over="-5"),
            name=" ",
        )
    assert error.value.problems == [
        FieldProblem("name", "must not be blank"),
        FieldProblem("countries.1", "is not an ISO 3166-1 alpha-2 country code"),
        FieldProblem("countries", "lists a country more than once"),
        FieldProblem("rates.0.amount", "EUR allows 2 decimal places"),
        FieldProblem("rates.1", "repeats standard in EUR"),
        FieldProblem("rates.2.method", "pickup is always free and takes no rate"),
        FieldProblem("rates.3.currency", "is not an ISO 4217 currency"),
        FieldProblem("rates.4.amount", "must not be negative"),
        FieldProblem("rates.4.free_over", "must not be negative"),
    ]


@pytest.mark.parametrize("amount", ["1E+20", "1E+30"])
def test_a_fee_too_large_to_store_is_refused_on_its_field(amount: str) -> None:
    with pytest.raises(Invalid) as error:
        zone(("DE",), rate(amount))
    assert error.value.problems == [FieldProblem("rates.0.amount", "is too large")]


def test_a_zone_code_follows_the_code_format() -> None:
    with pytest.raises(Invalid) as error:
        checked_zone(zone_id=ZONE_ID, code="EU zone", name="EU", countries=("DE",), rates=())
    assert [p.field for p in error.value.problems] == ["code"]


@pytest.mark.parametrize(
    ("order_value", "fee"), [("59.99", "4.90"), ("60.00", "0.00"), ("100.00", "0.00")]
)
def test_a_rate_is_free_at_or_above_its_threshold(order_value: str, fee: str) -> None:
    shipping = ShippingRate(
        method=ShippingMethod.STANDARD,
        price=Money.of("4.90", "EUR"),
        free_over=Money.of("60.00", "EUR"),
    )
    assert shipping.charge(Money.of(order_value, "EUR")) == Money.of(fee, "EUR")


def test_a_rate_without_threshold_always_charges() -> None:
    shipping = ShippingRate(method=ShippingMethod.EXPRESS, price=Money.of("12.90", "EUR"))
    assert shipping.charge(Money.of("10000", "EUR")) == Money.of("12.90", "EUR")


def test_the_rates_find_the_zone_and_tax_of_a_country() -> None:
    eu = ShippingZone(
        id=ZONE_ID,
        code="eu",
        name="EU",
        countries=("DE", "FR"),
        rates=(ShippingRate(method=ShippingMethod.STANDARD, price=Money.of("4.90", "EUR")),),
    )
    rates = PricingRates(
        tax_rates=(TaxRate(country="FR", tax_category="reduced", rate=Decimal("0.055")),),
        zones=(eu,),
    )
    assert rates.zone_for("FR") is eu
    assert rates.zone_for("US") is None
    assert rates.tax_rate("FR", "reduced") == Decimal("0.055")
    assert rates.tax_rate("FR", "standard") is None
    assert rates.tax_rate("FR", "zero") == Decimal(0)
    assert eu.rate_for(ShippingMethod.STANDARD, "EUR") is not None
    assert eu.rate_for(ShippingMethod.STANDARD, "USD") is None
    assert eu.rate_for(ShippingMethod.EXPRESS, "EUR") is None


@pytest.mark.parametrize(
    ("code", "known"), [("DE", True), ("GB", True), ("EU", False), ("de", False)]
)
def test_only_iso_country_codes_are_countries(code: str, known: bool) -> None:
    assert is_country(code) is known


def test_a_country_code_is_normalised_or_refused_on_the_given_field() -> None:
    assert checked_country(" fr ") == "FR"
    with pytest.raises(Invalid) as error:
        checked_country("Germany", field="shipping_address.country")
    assert [p.field for p in error.value.problems] == ["shipping_address.country"]


def test_a_tax_rate_keeps_one_aggregate_id_for_its_country_and_category() -> None:
    assert tax_rate_aggregate_id("DE", "standard") == tax_rate_aggregate_id("DE", "standard")
    assert tax_rate_aggregate_id("DE", "standard") != tax_rate_aggregate_id("DE", "reduced")
