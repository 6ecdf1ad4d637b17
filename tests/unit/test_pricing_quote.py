"""Pricing an order: line and shipping tax, discounts, free shipping, currency rounding, errors."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from oms.orders.pricing.domain import (
    PricedLine,
    PricingRates,
    QuoteRequest,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    TaxRate,
    UnsupportedDestination,
    price,
)
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.money import Money

STANDARD = ShippingMethod.STANDARD


def eur(amount: str, currency: str = "EUR") -> Money:
    return Money.of(amount, currency)


def shipping(
    amount: str, currency: str = "EUR", *, method: ShippingMethod = STANDARD, free_over: str = ""
) -> ShippingRate:
    return ShippingRate(
        method=method,
        price=Money.of(amount, currency),
        free_over=Money.of(free_over, currency) if free_over else None,
    )


def configured(
    *,
    taxes: dict[str, str] | None = None,
    country: str = "DE",
    rates: tuple[ShippingRate, ...] | None = None,
) -> PricingRates:
    """Rates for one country in one zone ``eu``; ``taxes`` maps tax category to rate."""
    taxes = {"standard": "0.19", "reduced": "0.07"} if taxes is None else taxes
    rates = (shipping("4.90"),) if rates is None else rates
    return PricingRates(
        tax_rates=tuple(
            TaxRate(country=country, tax_category=category, rate=Decimal(rate))
            for category, rate in taxes.items()
        ),
        zones=(ShippingZone(id=uuid4(), code="eu", name="EU", countries=(country,), rates=rates),),
    )


def line(
    unit_price: str,
    quantity: int = 1,
    *,
    currency: str = "EUR",
    category: str = "standard",
    discount: str = "",
    sku: str = "SKU",
) -> PricedLine:
    return PricedLine(
        sku=sku,
        quantity=quantity,
        unit_price=Money.of(unit_price, currency),
        tax_category=category,
        discount=Money.of(discount, currency) if discount else None,
    )


def request(
    *lines: PricedLine,
    currency: str = "EUR",
    included: bool = True,
    country: str = "DE",
    method: ShippingMethod = STANDARD,
) -> QuoteRequest:
    return QuoteRequest(
        currency=currency,
        prices_include_tax=included,
        country=country,
        shipping_method=method,
        lines=lines,
    )


def problems_of(error: pytest.ExceptionInfo[Invalid]) -> list[FieldProblem]:
    return error.value.problems


def test_with_prices_including_tax_the_tax_is_taken_out_of_each_line_and_of_shipping() -> None:
    rates = configured(rates=(shipping("4.90"),))
    quote = price(
        request(line("19.99", 2), line("10.00", category="reduced", discount="1.00")), rates
    )
    first, second = quote.lines
    assert (first.subtotal, first.tax, first.total) == (eur("39.98"), eur("6.38"), eur("39.98"))
    assert (second.discount, second.tax, second.total) == (eur("1.00"), eur("0.59"), eur("9.00"))
    assert (first.tax_rate, second.tax_rate) == (Decimal("0.19"), Decimal("0.07"))
    assert (quote.shipping, quote.shipping_tax) == (eur("4.90"), eur("0.78"))
    assert quote.tax == eur("7.75")
    assert quote.total == eur("53.88")
    assert (quote.subtotal, quote.discount) == (eur("49.98"), eur("1.00"))
    assert quote.shipping_zone == "eu"


def test_with_prices_excluding_tax_the_tax_is_added_on_top() -> None:
    rates = configured(rates=(shipping("5.00"),))
    quote = price(request(line("100.00"), included=False), rates)
    (only,) = quote.lines
    assert (only.tax, only.total) == (eur("19.00"), eur("119.00"))
    assert (quote.shipping, quote.shipping_tax) == (eur("5.00"), eur("0.95"))
    assert quote.tax == eur("19.95")
    assert quote.total == eur("124.95")


def test_a_discount_lowers_the_taxed_amount() -> None:
    quote = price(request(line("50.00", 2, discount="20.00"), included=False), configured())
    assert quote.lines[0].tax == eur("15.20")
    assert quote.lines[0].total == eur("95.20")


def test_tax_is_rounded_per_line_half_even() -> None:
    rates = configured(taxes={"standard": "0.1"}, rates=(shipping("0.00"),))
    quote = price(request(line("0.25", sku="A"), line("0.25", sku="B"), included=False), rates)
    assert [q.tax for q in quote.lines] == [eur("0.02"), eur("0.02")]
    assert quote.tax == eur("0.04")


@pytest.mark.parametrize(("net", "tax"), [("25", "2"), ("35", "4"), ("1000", "100")])
def test_yen_tax_rounds_half_even_to_whole_yen(net: str, tax: str) -> None:
    rates = configured(taxes={"standard": "0.1"}, rates=(shipping("0", "JPY"),))
    quote = price(request(line(net, currency="JPY"), currency="JPY", included=False), rates)
    assert quote.tax == Money.of(tax, "JPY")
    assert str(quote.total.amount) == str(int(net) + int(tax))


def test_yen_gross_prices_give_whole_yen_tax() -> None:
    rates = configured(taxes={"standard": "0.1"}, rates=(shipping("500", "JPY"),))
    quote = price(request(line("1000", currency="JPY"), currency="JPY"), rates)
    assert quote.lines[0].tax == Money.of("91", "JPY")
    assert quote.shipping_tax == Money.of("45", "JPY")
    assert str(quote.total.amount) == "1500"


def test_bahraini_dinar_keeps_three_decimals_and_rounds_half_even() -> None:
    rates = configured(taxes={"standard": "0.5"}, rates=(shipping("1.000", "BHD"),))
    quote = price(
        request(
            line("0.005", currency="BHD"),
            line("0.015", currency="BHD"),
            currency="BHD",
            included=False,
        ),
        rates,
    )
    assert [str(q.tax.amount) for q in quote.lines] == ["0.002", "0.008"]
    assert str(quote.shipping_tax.amount) == "0.500"
    assert str(quote.total.amount) == "1.530"


def test_bahraini_dinar_gross_prices_take_out_tax_to_the_fils() -> None:
    rates = configured(taxes={"standard": "0.1"}, rates=(shipping("1.000", "BHD"),))
    quote = price(request(line("1.234", currency="BHD"), currency="BHD"), rates)
    assert str(quote.lines[0].tax.amount) == "0.112"
    assert str(quote.total.amount) == "2.234"


@pytest.mark.parametrize(
    ("lines", "fee"),
    [
        ((line("60.00"),), "0.00"),
        ((line("59.99"),), "4.90"),
        ((line("70.00", discount="10.01"),), "4.90"),
        ((line("30.00"), line("30.00")), "0.00"),
    ],
)
def test_shipping_is_free_from_the_threshold_on_the_lines_after_discounts(
    lines: tuple[PricedLine, ...], fee: str
) -> None:
    rates = configured(rates=(shipping("4.90", free_over="60.00"),))
    assert price(request(*lines), rates).shipping == eur(fee)


def test_express_is_priced_on_its_own_rate() -> None:
    rates = configured(rates=(shipping("4.90"), shipping("12.90", method=ShippingMethod.EXPRESS)))
    quote = price(request(line("10.00"), method=ShippingMethod.EXPRESS), rates)
    assert quote.shipping == eur("12.90")


def test_pickup_is_free_without_any_shipping_rate() -> None:
    quote = price(request(line("10.00"), method=ShippingMethod.PICKUP), configured())
    assert (quote.shipping, quote.shipping_tax) == (eur("0.00"), eur("0.00"))
    assert quote.total == eur("10.00")


@pytest.mark.parametrize("category", ["zero", "exempt"])
def test_zero_rated_and_exempt_goods_carry_no_tax_without_a_configured_rate(
    category: str,
) -> None:
    quote = price(request(line("10.00", category=category)), configured(rates=(shipping("0"),)))
    assert quote.lines[0].tax_rate == Decimal(0)
    assert quote.tax == eur("0.00")


def test_a_free_rate_needs_no_standard_tax_rate() -> None:
    rates = configured(taxes={}, rates=(shipping("0.00"),))
    assert price(request(line("10.00", category="zero")), rates).total == eur("10.00")


def test_every_problem_is_named_at_once() -> None:
    rates = configured(rates=(shipping("4.90"),))
    bad = request(
        line("10.00", 0),
        line("10.00", 2, discount="20.01"),
        line("10.00", currency="USD"),
        line("-1.00"),
        line("10.00", discount="-1.00"),
        method=ShippingMethod.EXPRESS,
    )
    with pytest.raises(Invalid) as error:
        price(bad, rates)
    assert problems_of(error) == [
        FieldProblem("shipping_method", "express shipping to DE in EUR is not offered"),
        FieldProblem("lines.0.quantity", "must be at least 1"),
        FieldProblem("lines.1.discount", "must not exceed the line's subtotal"),
        FieldProblem("lines.2.unit_price", "must be in EUR"),
        FieldProblem("lines.3.unit_price", "must not be negative"),
        FieldProblem("lines.4.discount", "must not be negative"),
    ]
    assert error.value.code == "invalid"


def test_an_unsupported_country_is_named_with_the_other_problems() -> None:
    with pytest.raises(UnsupportedDestination) as error:
        price(request(line("10.00", 0), country="JP"), configured())
    assert error.value.code == "unsupported-country"
    assert problems_of(error) == [  # type: ignore[arg-type]
        FieldProblem("shipping_address.country", "no shipping zone serves 'JP'"),
        FieldProblem("lines.0.quantity", "must be at least 1"),
    ]


def test_the_caller_names_the_country_field_and_the_line_positions() -> None:
    with pytest.raises(UnsupportedDestination) as error:
        price(
            request(line("10.00"), line("1.00", 0), country="JP"),
            configured(),
            country_field="country",
            positions=[2, 5],
        )
    assert [p.field for p in error.value.problems] == ["country", "lines.5.quantity"]


def test_a_missing_reduced_rate_is_a_configuration_error_on_the_line() -> None:
    rates = configured(taxes={"standard": "0.19"}, rates=(shipping("4.90"),))
    with pytest.raises(Invalid) as error:
        price(request(line("10.00"), line("5.00", category="reduced", sku="BOOK-1")), rates)
    assert problems_of(error) == [
        FieldProblem(
            "lines.1.sku",
            "BOOK-1 is taxed at the reduced rate, but no reduced tax rate is configured for DE",
        )
    ]


def test_charged_shipping_needs_the_standard_rate_of_the_destination() -> None:
    rates = configured(taxes={"reduced": "0.07"}, rates=(shipping("4.90"),))
    with pytest.raises(Invalid) as error:
        price(request(line("5.00", category="reduced")), rates)
    assert [p.field for p in problems_of(error)] == ["shipping_address.country"]


def test_a_shipping_rate_in_another_currency_is_not_offered() -> None:
    rates = configured(rates=(shipping("6.90", "USD"),))
    with pytest.raises(Invalid) as error:
        price(request(line("10.00")), rates)
    assert [p.field for p in problems_of(error)] == ["shipping_method"]


def test_positions_must_match_the_lines() -> None:
    with pytest.raises(ValueError, match="one index per line"):
        price(request(line("1.00")), configured(), positions=[0, 1])


def test_an_order_without_lines_costs_its_shipping() -> None:
    quote = price(request(), configured(rates=(shipping("4.90"),)))
    assert (quote.subtotal, quote.total) == (eur("0.00"), eur("4.90"))
