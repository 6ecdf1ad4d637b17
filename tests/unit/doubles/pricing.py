"""Doubles of the order pricing ports: tax rates and shipping zones over dicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from oms.orders.pricing.domain import ShippingZone, ShippingZonesChangedConcurrently, TaxRate
from oms.orders.pricing.repository import SHIPPING_ZONES, TAX_RATES, ShippingZones, TaxRates


class InMemoryTaxRates:
    """``TaxRates`` over a dict by (country, tax category)."""

    def __init__(self, *rates: TaxRate) -> None:
        self.stored: dict[tuple[str, str], TaxRate] = {
            (r.country, r.tax_category): r for r in rates
        }

    def get(self, country: str, tax_category: str) -> TaxRate | None:
        return self.stored.get((country, tax_category))

    def page(
        self,
        *,
        country: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int | None = None,
    ) -> list[TaxRate]:
        keys = sorted(
            key
            for key in self.stored
            if country in (None, key[0]) and (after is None or key > after)
        )
        return [self.stored[key] for key in keys[:limit]]

    def save(self, rate: TaxRate, now: datetime) -> None:
        self.stored[(rate.country, rate.tax_category)] = rate

    def delete(self, country: str, tax_category: str) -> None:
        del self.stored[(country, tax_category)]


class InMemoryShippingZones:
    """``ShippingZones`` over a dict by code; a country belongs to at most one zone."""

    def __init__(self, *zones: ShippingZone) -> None:
        self.stored: dict[str, ShippingZone] = {z.code: z for z in zones}

    def by_code(self, code: str, *, lock: bool = False) -> ShippingZone | None:
        return self.stored.get(code)

    def page(self, *, after: str | None = None, limit: int | None = None) -> list[ShippingZone]:
        codes = sorted(code for code in self.stored if after is None or code > after)
        return [self.stored[code] for code in codes[:limit]]

    def for_pricing(self, country: str | None = None) -> list[ShippingZone]:
        return [z for z in self.page() if country is None or country in z.countries]

    def zones_of_countries(self, countries: Sequence[str]) -> dict[str, str]:
        return {c: z.code for z in self.stored.values() for c in z.countries if c in countries}

    def _claim(self, zone: ShippingZone) -> None:
        taken = self.zones_of_countries(zone.countries)
        if any(code != zone.code for code in taken.values()):
            raise ShippingZonesChangedConcurrently(zone.code)
        self.stored[zone.code] = zone

    def add(self, zone: ShippingZone, now: datetime) -> None:
        if zone.code in self.stored:
            raise ShippingZonesChangedConcurrently(zone.code)
        self._claim(zone)

    def replace(self, zone: ShippingZone, now: datetime) -> None:
        self._claim(zone)

    def delete(self, code: str) -> None:
        del self.stored[code]


def pricing_doubles(*rates: TaxRate, zones: Sequence[ShippingZone] = ()) -> dict[str, Any]:
    """Doubles of both pricing ports holding ``rates`` and ``zones``."""
    return {
        TAX_RATES.name: InMemoryTaxRates(*rates),
        SHIPPING_ZONES.name: InMemoryShippingZones(*zones),
    }


def _typed() -> None:
    """mypy proves each double implements its port's protocol (never called)."""
    checks: tuple[TaxRates, ShippingZones] = (InMemoryTaxRates(), InMemoryShippingZones())
    del checks
