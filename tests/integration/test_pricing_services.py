"""Pricing services against the database: the rates order capture loads, quotes, the demo."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from oms.app.demo import pricing as demo_pricing
from oms.orders import pricing
from oms.orders.pricing import PricedLine, QuoteRequest, ShippingMethod
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money


@contextmanager
def counted_selects(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def order(
    country: str,
    *lines: PricedLine,
    method: ShippingMethod = ShippingMethod.STANDARD,
    currency: str = "EUR",
    included: bool = True,
) -> QuoteRequest:
    return QuoteRequest(
        currency=currency,
        prices_include_tax=included,
        country=country,
        shipping_method=method,
        lines=lines,
    )


def shirt(price: str, currency: str = "EUR", quantity: int = 1) -> PricedLine:
    return PricedLine(
        sku="TS-RED-M",
        quantity=quantity,
        unit_price=Money.of(price, currency),
        tax_category="standard",
    )


def test_rates_for_one_country_hold_only_its_zone_and_taxes(uow: UnitOfWork) -> None:
    demo_pricing.load(uow)
    rates = pricing.load_rates(uow=uow, country="FR")
    assert {(r.country, r.tax_category) for r in rates.tax_rates} == {
        ("FR", "standard"),
        ("FR", "reduced"),
    }
    assert [z.code for z in rates.zones] == ["eu"]
    assert "DE" in rates.zones[0].countries
    assert len(rates.zones[0].rates) == 4
    everything = pricing.load_rates(uow=uow)
    assert [z.code for z in everything.zones] == ["eu", "uk", "us"]
    assert len(everything.tax_rates) == 2 * len(demo_pricing.VAT)


def test_loading_the_rates_for_an_order_takes_three_selects_then_only_the_version(
    uow: UnitOfWork, engine: Engine
) -> None:
    demo_pricing.load(uow)
    with counted_selects(engine) as statements:
        pricing.load_rates(uow=uow, country="DE")
    assert len(statements) == 1 + 3  # the reference version (ADR 0008), then the rates
    with counted_selects(engine) as statements:
        pricing.load_rates(uow=uow, country="DE")
    assert len(statements) == 1  # cached until reference data changes


def test_a_quote_names_the_order_fields(uow: UnitOfWork) -> None:
    demo_pricing.load(uow)
    with pytest.raises(pricing.UnsupportedDestination) as error:
        pricing.quote(order("JP", shirt("10.00")), uow=uow)
    assert [p.field for p in error.value.problems] == ["shipping_address.country"]


def test_the_demo_configuration_prices_every_market(uow: UnitOfWork) -> None:
    demo_pricing.load(uow)
    demo_pricing.load(uow)
    germany = pricing.quote(order("DE", shirt("59.50", quantity=1)), uow=uow)
    assert (germany.shipping, germany.tax) == (Money.of("4.90", "EUR"), Money.of("10.28", "EUR"))
    free = pricing.quote(order("FR", shirt("60.00")), uow=uow)
    assert free.shipping == Money.of("0", "EUR")
    assert free.lines[0].tax == Money.of("10.00", "EUR")
    us = pricing.quote(order("US", shirt("80.00", "USD"), currency="USD", included=False), uow=uow)
    assert (us.shipping, us.tax, us.total) == (
        Money.of("0", "USD"),
        Money.of("0", "USD"),
        Money.of("80.00", "USD"),
    )
    express = pricing.quote(order("GB", shirt("10.00"), method=ShippingMethod.EXPRESS), uow=uow)
    assert express.shipping == Money.of("14.90", "EUR")
    assert pricing.load_rates(uow=uow).tax_rate("FR", "reduced") == Decimal("0.055")


def test_the_demo_configuration_records_its_events_once(uow: UnitOfWork, engine: Engine) -> None:
    demo_pricing.load(uow)
    demo_pricing.load(uow)
    with engine.connect() as c:
        recorded = c.execute(select(func.count()).select_from(outbox_table)).scalar_one()
    assert recorded == 2 * len(demo_pricing.VAT) + len(demo_pricing.ZONES)
