"""Use cases that configure pricing: tax rates and shipping zones, one function each."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from oms.orders.pricing.domain import (
    CountryInAnotherZone,
    ShippingZone,
    ShippingZoneChanged,
    ShippingZoneNotFound,
    TaxRate,
    TaxRateChanged,
    TaxRateNotFound,
    ZoneRate,
    checked_country,
    checked_tax_rate,
    checked_zone,
    tax_rate_aggregate_id,
)
from oms.orders.pricing.repository import SHIPPING_ZONES, TAX_RATES
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class SetTaxRate:
    country: str
    tax_category: str
    rate: Decimal
    """A decimal fraction: ``Decimal("0.19")`` for 19 %."""


@dataclass(frozen=True, kw_only=True)
class RemoveTaxRate:
    country: str
    tax_category: str


@dataclass(frozen=True, kw_only=True)
class PutShippingZone:
    """The whole zone: it is created, or replaced with exactly these countries and rates."""

    code: str
    name: str
    countries: tuple[str, ...]
    rates: tuple[ZoneRate, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DeleteShippingZone:
    code: str


def set_tax_rate(cmd: SetTaxRate, *, uow: UnitOfWork) -> TaxRate:
    """Set the rate taxing goods of a category sent to a country (new orders use it at once)."""
    rate = checked_tax_rate(cmd.country, cmd.tax_category, cmd.rate)
    with uow.begin() as tx:
        rates = tx.repo(TAX_RATES)
        previous = rates.get(rate.country, rate.tax_category)
        if previous == rate:
            return rate
        rates.save(rate, tx.now)
        tx.record(
            TaxRateChanged(
                aggregate_id=tax_rate_aggregate_id(rate.country, rate.tax_category),
                country=rate.country,
                tax_category=rate.tax_category,
                rate=rate.rate,
                previous=previous.rate if previous else None,
            )
        )
    return rate


def remove_tax_rate(cmd: RemoveTaxRate, *, uow: UnitOfWork) -> None:
    """Remove a rate; goods of that category can no longer be priced for that country."""
    country = cmd.country.strip().upper()
    with uow.begin() as tx:
        rates = tx.repo(TAX_RATES)
        previous = rates.get(country, cmd.tax_category)
        if previous is None:
            raise TaxRateNotFound(country, cmd.tax_category)
        rates.delete(country, cmd.tax_category)
        tx.record(
            TaxRateChanged(
                aggregate_id=tax_rate_aggregate_id(country, cmd.tax_category),
                country=country,
                tax_category=cmd.tax_category,
                rate=None,
                previous=previous.rate,
            )
        )


def list_tax_rates(
    *,
    uow: UnitOfWork,
    country: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[TaxRate]:
    """Tax rates by country then category, optionally for one country."""
    with uow.read() as tx:
        return tx.repo(TAX_RATES).page(
            country=checked_country(country) if country is not None else None,
            after=after,
            limit=limit,
        )


def put_shipping_zone(cmd: PutShippingZone, *, uow: UnitOfWork) -> ShippingZone:
    """Create a shipping zone, or replace its name, countries and rates, under its code."""
    zone = checked_zone(
        zone_id=new_id(), code=cmd.code, name=cmd.name, countries=cmd.countries, rates=cmd.rates
    )
    with uow.begin() as tx:
        zones = tx.repo(SHIPPING_ZONES)
        current = zones.by_code(zone.code, lock=True)
        if current is not None:
            zone = dataclasses.replace(zone, id=current.id)
        members = zones.zones_of_countries(zone.countries)
        taken = {country: code for country, code in members.items() if code != zone.code}
        if taken:
            raise CountryInAnotherZone(taken)
        if current == zone:
            return zone
        if current is None:
            zones.add(zone, tx.now)
        else:
            zones.replace(zone, tx.now)
        tx.record(_changed(zone))
    return zone


def delete_shipping_zone(cmd: DeleteShippingZone, *, uow: UnitOfWork) -> None:
    """Delete a zone; its countries are no longer supported until another zone takes them."""
    with uow.begin() as tx:
        zones = tx.repo(SHIPPING_ZONES)
        current = zones.by_code(cmd.code, lock=True)
        if current is None:
            raise ShippingZoneNotFound(cmd.code)
        zones.delete(current.code)
        tx.record(_changed(dataclasses.replace(current, countries=(), rates=()), deleted=True))


def get_shipping_zone(code: str, *, uow: UnitOfWork) -> ShippingZone:
    """One shipping zone with its countries and rates."""
    with uow.read() as tx:
        zone = tx.repo(SHIPPING_ZONES).by_code(code)
    if zone is None:
        raise ShippingZoneNotFound(code)
    return zone


def list_shipping_zones(
    *, uow: UnitOfWork, after: str | None = None, limit: int | None = None
) -> list[ShippingZone]:
    """Shipping zones by code, with their countries and rates."""
    with uow.read() as tx:
        return tx.repo(SHIPPING_ZONES).page(after=after, limit=limit)


def _changed(zone: ShippingZone, *, deleted: bool = False) -> ShippingZoneChanged:
    return ShippingZoneChanged(
        aggregate_id=zone.id,
        code=zone.code,
        name=zone.name,
        countries=zone.countries,
        rates=zone.rates,
        deleted=deleted,
    )
