"""Properties of pricing that hold for any lines, rates and currency (EUR, USD, JPY, BHD)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.orders.pricing.domain import (
    PricedLine,
    PricingRates,
    Quote,
    QuoteRequest,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    TaxRate,
    price,
)
from oms.shared.errors import Invalid
from oms.shared.money import Money, exponent

CURRENCIES = ("EUR", "USD", "JPY", "BHD")
CATEGORIES = ("standard", "reduced", "zero", "exempt")


@dataclass(frozen=True)
class Case:
    request: QuoteRequest
    rates: PricingRates


def money(draw: st.DrawFn, currency: str, *, up_to: int) -> Money:
    return Money.from_minor(draw(st.integers(0, up_to)), currency)


tax_rates = st.decimals(min_value=0, max_value=Decimal("0.3"), places=4)


@st.composite
def priced_lines(draw: st.DrawFn, currency: str) -> PricedLine:
    unit_price = money(draw, currency, up_to=10**6)
    quantity = draw(st.integers(1, 50))
    subtotal = (unit_price * quantity).minor
    discount = draw(st.none() | st.integers(0, subtotal))
    return PricedLine(
        sku=draw(st.sampled_from(["TS-RED-M", "MUG-1", "BOOK-9"])),
        quantity=quantity,
        unit_price=unit_price,
        tax_category=draw(st.sampled_from(CATEGORIES)),
        discount=None if discount is None else Money.from_minor(discount, currency),
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    currency = draw(st.sampled_from(CURRENCIES))
    free_over = draw(st.none() | st.integers(0, 10**7))
    rates = tuple(
        ShippingRate(
            method=method,
            price=money(draw, currency, up_to=10**5),
            free_over=None if free_over is None else Money.from_minor(free_over, currency),
        )
        for method in (ShippingMethod.STANDARD, ShippingMethod.EXPRESS)
    )
    zone = ShippingZone(id=uuid4(), code="z", name="Zone", countries=("DE",), rates=rates)
    taxes = tuple(
        TaxRate(country="DE", tax_category=category, rate=draw(tax_rates))
        for category in ("standard", "reduced")
    )
    request = QuoteRequest(
        currency=currency,
        prices_include_tax=draw(st.booleans()),
        country="DE",
        shipping_method=draw(st.sampled_from(list(ShippingMethod))),
        lines=tuple(draw(st.lists(priced_lines(currency), max_size=6))),
    )
    return Case(request, PricingRates(tax_rates=taxes, zones=(zone,)))


def amounts(quote: Quote) -> list[Money]:
    found = [getattr(quote, f.name) for f in fields(quote)]
    for line in quote.lines:
        found.extend(getattr(line, f.name) for f in fields(line))
    return [value for value in found if isinstance(value, Money)]


@given(cases())
def test_the_total_is_lines_less_discounts_plus_shipping_plus_tax_unless_included(
    case: Case,
) -> None:
    quote = price(case.request, case.rates)
    base = quote.subtotal - quote.discount + quote.shipping
    assert quote.total == (base if quote.prices_include_tax else base + quote.tax)


@given(cases())
def test_the_line_figures_add_up_to_the_order_figures(case: Case) -> None:
    quote = price(case.request, case.rates)
    zero = Money.zero(case.request.currency)
    assert sum((q.subtotal for q in quote.lines), zero) == quote.subtotal
    assert sum((q.discount for q in quote.lines), zero) == quote.discount
    assert sum((q.tax for q in quote.lines), quote.shipping_tax) == quote.tax
    shipping = quote.shipping if quote.prices_include_tax else quote.shipping + quote.shipping_tax
    assert sum((q.total for q in quote.lines), shipping) == quote.total


@given(cases())
def test_every_figure_is_in_the_currency_and_its_minor_unit(case: Case) -> None:
    currency = case.request.currency
    for amount in amounts(price(case.request, case.rates)):
        assert amount.currency == currency
        assert amount.amount.as_tuple().exponent == -exponent(currency)


@given(cases())
def test_tax_is_never_negative_and_no_line_goes_below_zero(case: Case) -> None:
    quote = price(case.request, case.rates)
    assert not quote.tax.is_negative()
    assert not quote.shipping_tax.is_negative()
    for line in quote.lines:
        assert not line.tax.is_negative()
        assert not (line.subtotal - line.discount).is_negative()
        assert not line.total.is_negative()


@given(cases())
def test_included_tax_never_exceeds_the_gross_amount(case: Case) -> None:
    quote = price(case.request, case.rates)
    if quote.prices_include_tax:
        for line in quote.lines:
            assert line.tax <= line.total


@given(cases(), st.data())
def test_a_discount_beyond_the_line_subtotal_is_refused_on_that_line(
    case: Case, data: st.DataObject
) -> None:
    currency = case.request.currency
    lines = [data.draw(priced_lines(currency)), *case.request.lines]
    position = data.draw(st.integers(0, len(lines) - 1))
    victim = lines[position]
    excess = data.draw(st.integers(1, 10**6))
    lines[position] = PricedLine(
        sku=victim.sku,
        quantity=victim.quantity,
        unit_price=victim.unit_price,
        tax_category=victim.tax_category,
        discount=Money.from_minor((victim.unit_price * victim.quantity).minor + excess, currency),
    )
    request = QuoteRequest(
        currency=currency,
        prices_include_tax=case.request.prices_include_tax,
        country="DE",
        shipping_method=case.request.shipping_method,
        lines=tuple(lines),
    )
    with pytest.raises(Invalid) as error:
        price(request, case.rates)
    assert [p.field for p in error.value.problems] == [f"lines.{position}.discount"]
