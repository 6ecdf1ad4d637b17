"""Test data builders: the smallest valid objects, overridable per test."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oms import catalog, channels
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address

ADDRESSES = {
    "DE": Address(line1="Lagerstraße 5", city="Hamburg", postal_code="20095", country="DE"),
    "US": Address(
        line1="100 Warehouse Way", city="Newark", postal_code="07102", region="NJ", country="US"
    ),
    "FR": Address(line1="12 Rue de Rivoli", city="Paris", postal_code="75004", country="FR"),
}


def location(
    uow: UnitOfWork, code: str = "wh-de", country: str = "DE", **overrides: Any
) -> channels.Location:
    fields: dict[str, Any] = {
        "code": code,
        "name": f"Location {code}",
        "kind": channels.LocationKind.WAREHOUSE,
        "address": ADDRESSES[country],
        "latitude": Decimal("53.55"),
        "longitude": Decimal("9.99"),
    }
    fields.update(overrides)
    return channels.create_location(channels.CreateLocation(**fields), uow=uow)


def channel(
    uow: UnitOfWork, code: str = "web", locations: tuple[str, ...] = (), **overrides: Any
) -> channels.Channel:
    fields: dict[str, Any] = {
        "code": code,
        "name": f"Channel {code}",
        "kind": channels.ChannelKind.WEB,
        "currency": "EUR",
        "default_locale": "en",
        "location_codes": locations,
    }
    fields.update(overrides)
    return channels.create_channel(channels.CreateChannel(**fields), uow=uow)


def product(
    uow: UnitOfWork,
    sku: str = "TS-RED-M",
    *,
    prices: dict[str, str] | None = None,
    variants: tuple[catalog.NewVariant, ...] = (),
    **overrides: Any,
) -> catalog.Product:
    """A product with one variant ``sku`` (or the given ``variants``), each priced per channel:
    ``prices={"web": "19.99"}`` in that channel's currency."""
    fields: dict[str, Any] = {
        "name": "T-shirt",
        "variants": variants or (catalog.NewVariant(sku=sku),),
    }
    fields.update(overrides)
    created = catalog.create_product(catalog.CreateProduct(**fields), uow=uow)
    for code, amount in (prices or {}).items():
        currency = channels.get_channel(code, uow=uow).currency
        for variant in created.variants:
            catalog.set_price(
                catalog.SetPrice(
                    sku=variant.sku, channel=code, amount=Decimal(amount), currency=currency
                ),
                uow=uow,
            )
    return catalog.get_product(created.id, uow=uow)


def pricing(uow: UnitOfWork) -> None:
    """VAT for DE and FR, a EUR/USD zone for the EU and one for the US."""
    from oms.orders import pricing as p

    for country, standard, reduced in (
        ("DE", "0.19", "0.07"),
        ("FR", "0.20", "0.055"),
        ("US", "0", "0"),
    ):
        p.set_tax_rate(
            p.SetTaxRate(country=country, tax_category="standard", rate=Decimal(standard)), uow=uow
        )
        p.set_tax_rate(
            p.SetTaxRate(country=country, tax_category="reduced", rate=Decimal(reduced)), uow=uow
        )
    eu_rates = (
        p.ZoneRate(
            method=p.ShippingMethod.STANDARD,
            currency="EUR",
            amount=Decimal("4.90"),
            free_over=Decimal("60"),
        ),
        p.ZoneRate(method=p.ShippingMethod.EXPRESS, currency="EUR", amount=Decimal("12.90")),
        p.ZoneRate(method=p.ShippingMethod.STANDARD, currency="USD", amount=Decimal("6.90")),
    )
    p.put_shipping_zone(
        p.PutShippingZone(code="eu", name="EU", countries=("DE", "FR"), rates=eu_rates), uow=uow
    )
    us_rates = (
        p.ZoneRate(method=p.ShippingMethod.STANDARD, currency="USD", amount=Decimal("5.99")),
        p.ZoneRate(method=p.ShippingMethod.STANDARD, currency="EUR", amount=Decimal("5.50")),
    )
    p.put_shipping_zone(
        p.PutShippingZone(code="us", name="US", countries=("US",), rates=us_rates), uow=uow
    )
