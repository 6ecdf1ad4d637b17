"""Pricing configuration and price previews on an in-memory unit of work (no database)."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from oms import catalog, channels
from oms.orders import pricing
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import Money
from tests.unit.doubles.catalog import catalog_doubles
from tests.unit.doubles.channels import channel_doubles
from tests.unit.doubles.pricing import pricing_doubles

EU = pricing.PutShippingZone(
    code="eu",
    name="European Union",
    countries=("DE", "FR"),
    rates=(
        pricing.ZoneRate(
            method=pricing.ShippingMethod.STANDARD,
            currency="EUR",
            amount=Decimal("4.90"),
            free_over=Decimal("60"),
        ),
    ),
)


def a_uow() -> FakeUnitOfWork:
    web = channels.Channel(
        id=uuid4(),
        code="web",
        name="Web shop",
        kind=channels.ChannelKind.WEB,
        currency="EUR",
        default_locale="en",
        allows_backorders=False,
        prices_include_tax=True,
        active=True,
    )
    return FakeUnitOfWork(channel_doubles(channels=[web]) | catalog_doubles() | pricing_doubles())


def tax(uow: FakeUnitOfWork, country: str, rate: str) -> pricing.TaxRate:
    return pricing.set_tax_rate(
        pricing.SetTaxRate(country=country, tax_category="standard", rate=Decimal(rate)), uow=uow
    )


def test_setting_the_same_rate_again_announces_nothing() -> None:
    uow = a_uow()
    tax(uow, "de", "0.19")
    tax(uow, "DE", "0.19")
    tax(uow, "DE", "0.16")
    changes = [e for e in uow.committed if isinstance(e, pricing.TaxRateChanged)]
    assert [(e.rate, e.previous) for e in changes] == [
        (Decimal("0.19"), None),
        (Decimal("0.16"), Decimal("0.19")),
    ]
    assert pricing.list_tax_rates(uow=uow) == [
        pricing.TaxRate(country="DE", tax_category="standard", rate=Decimal("0.16"))
    ]


def test_removing_a_rate_that_is_not_set_is_not_found() -> None:
    with pytest.raises(pricing.TaxRateNotFound):
        pricing.remove_tax_rate(
            pricing.RemoveTaxRate(country="DE", tax_category="standard"), uow=a_uow()
        )


def test_a_country_belongs_to_one_zone() -> None:
    uow = a_uow()
    pricing.put_shipping_zone(EU, uow=uow)
    with pytest.raises(pricing.CountryInAnotherZone):
        pricing.put_shipping_zone(
            pricing.PutShippingZone(code="dach", name="DACH", countries=("AT", "DE")), uow=uow
        )


def test_putting_a_zone_as_it_is_changes_nothing() -> None:
    uow = a_uow()
    first = pricing.put_shipping_zone(EU, uow=uow)
    again = pricing.put_shipping_zone(EU, uow=uow)
    assert again == first
    assert len([e for e in uow.committed if isinstance(e, pricing.ShippingZoneChanged)]) == 1


def test_a_preview_prices_the_channels_list_price_with_tax_and_shipping() -> None:
    uow = a_uow()
    tax(uow, "DE", "0.19")
    pricing.put_shipping_zone(EU, uow=uow)
    catalog.create_product(
        catalog.CreateProduct(name="T-shirt", variants=(catalog.NewVariant(sku="TS-M"),)),
        uow=uow,
    )
    catalog.set_price(
        catalog.SetPrice(sku="TS-M", channel="web", amount=Decimal("11.90"), currency="EUR"),
        uow=uow,
    )
    quote = pricing.preview_quote(
        pricing.PreviewQuote(
            channel="web",
            country="de",
            shipping_method=pricing.ShippingMethod.STANDARD,
            lines=(pricing.QuoteLine(sku="ts-m", quantity=2),),
        ),
        uow=uow,
    )
    assert (quote.subtotal, quote.shipping) == (Money.of("23.80", "EUR"), Money.of("4.90", "EUR"))
    assert quote.total == Money.of("28.70", "EUR")
    assert quote.shipping_zone == "eu"


def test_a_preview_names_every_line_it_cannot_price() -> None:
    uow = a_uow()
    pricing.put_shipping_zone(EU, uow=uow)
    with pytest.raises(Invalid) as refused:
        pricing.preview_quote(
            pricing.PreviewQuote(
                channel="web",
                country="DE",
                shipping_method=pricing.ShippingMethod.STANDARD,
                lines=(
                    pricing.QuoteLine(sku="NOPE", quantity=1),
                    pricing.QuoteLine(sku="ALSO-NOPE", quantity=0),
                ),
            ),
            uow=uow,
        )
    fields = {p.field for p in refused.value.problems}
    assert {"lines.0.sku", "lines.1.sku", "lines.1.quantity"} <= fields
