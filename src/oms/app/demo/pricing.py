"""The demo merchant's pricing: 2026 VAT of its markets and shipping zones with their fees.

Fees are in EUR (web, app, call centre, stores) and USD (the US marketplace) for every zone, so
each channel can ship to each market. Pickup takes no rate: it is free wherever a store offers it.
Loading twice changes nothing (setting an unchanged rate or zone is a no-op).
"""

from __future__ import annotations

from decimal import Decimal

from oms.orders import pricing
from oms.orders.pricing import ShippingMethod, ZoneRate
from oms.platform.unit_of_work import UnitOfWork

VAT = {
    "DE": ("0.19", "0.07"),
    "FR": ("0.20", "0.055"),
    "ES": ("0.21", "0.10"),
    "IT": ("0.22", "0.10"),
    "NL": ("0.21", "0.09"),
    "AT": ("0.20", "0.10"),
    "BE": ("0.21", "0.06"),
    "PT": ("0.23", "0.06"),
    "IE": ("0.23", "0.135"),
    "LU": ("0.17", "0.08"),
    "PL": ("0.23", "0.08"),
    "GB": ("0.20", "0.05"),
    # US sales tax is collected and remitted by the marketplace as facilitator, so the
    # merchant charges none on its own invoices.
    "US": ("0", "0"),
}
"""Standard and reduced rate per destination country."""

STANDARD = ShippingMethod.STANDARD
EXPRESS = ShippingMethod.EXPRESS


def _rate(method: ShippingMethod, currency: str, amount: str, free_over: str = "") -> ZoneRate:
    return ZoneRate(
        method=method,
        currency=currency,
        amount=Decimal(amount),
        free_over=Decimal(free_over) if free_over else None,
    )


ZONES = (
    pricing.PutShippingZone(
        code="eu",
        name="European Union",
        countries=("AT", "BE", "DE", "ES", "FR", "IE", "IT", "LU", "NL", "PL", "PT"),
        rates=(
            _rate(STANDARD, "EUR", "4.90", free_over="60.00"),
            _rate(EXPRESS, "EUR", "12.90"),
            _rate(STANDARD, "USD", "6.90"),
            _rate(EXPRESS, "USD", "16.90"),
        ),
    ),
    pricing.PutShippingZone(
        code="uk",
        name="United Kingdom",
        countries=("GB",),
        rates=(
            _rate(STANDARD, "EUR", "6.90", free_over="80.00"),
            _rate(EXPRESS, "EUR", "14.90"),
            _rate(STANDARD, "USD", "7.90"),
            _rate(EXPRESS, "USD", "17.90"),
        ),
    ),
    pricing.PutShippingZone(
        code="us",
        name="United States",
        countries=("US",),
        rates=(
            _rate(STANDARD, "USD", "5.99", free_over="75.00"),
            _rate(EXPRESS, "USD", "19.99"),
            _rate(STANDARD, "EUR", "5.49", free_over="69.00"),
            _rate(EXPRESS, "EUR", "18.49"),
        ),
    ),
)


def load(uow: UnitOfWork) -> None:
    """Configure the demo's tax rates and shipping zones in one transaction."""
    with uow.begin():
        for country, (standard, reduced) in VAT.items():
            for category, rate in (("standard", standard), ("reduced", reduced)):
                pricing.set_tax_rate(
                    pricing.SetTaxRate(country=country, tax_category=category, rate=Decimal(rate)),
                    uow=uow,
                )
        for zone in ZONES:
            pricing.put_shipping_zone(zone, uow=uow)
