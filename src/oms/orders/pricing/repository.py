"""Reading and writing pricing configuration (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.orders.pricing.domain import (
    RATE_PLACES,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    TaxRate,
)
from oms.orders.pricing.tables import (
    shipping_rates,
    shipping_zone_countries,
    shipping_zones,
    tax_rates,
)
from oms.shared.money import Money


def _rate(millionths: int) -> Decimal:
    return Decimal(millionths).scaleb(-RATE_PLACES).normalize()


def _millionths(rate: Decimal) -> int:
    return int(rate.scaleb(RATE_PLACES))


def _tax_rate(row: Row[Any]) -> TaxRate:
    return TaxRate(
        country=row.country, tax_category=row.tax_category, rate=_rate(row.rate_millionths)
    )


def tax_rate(c: Connection, country: str, tax_category: str) -> TaxRate | None:
    row = c.execute(
        select(tax_rates).where(
            tax_rates.c.country == country, tax_rates.c.tax_category == tax_category
        )
    ).first()
    return _tax_rate(row) if row else None


def list_tax_rates(
    c: Connection,
    *,
    country: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[TaxRate]:
    """Rates by country then category; ``after`` is the last (country, category) seen."""
    query = select(tax_rates).order_by(tax_rates.c.country, tax_rates.c.tax_category)
    if country is not None:
        query = query.where(tax_rates.c.country == country)
    if after is not None:
        last_country, last_category = after
        query = query.where(
            or_(
                tax_rates.c.country > last_country,
                and_(tax_rates.c.country == last_country, tax_rates.c.tax_category > last_category),
            )
        )
    if limit is not None:
        query = query.limit(limit)
    return [_tax_rate(row) for row in c.execute(query)]


def save_tax_rate(c: Connection, rate: TaxRate, now: datetime) -> None:
    """Insert or overwrite the rate in one statement, so concurrent writers cannot collide."""
    dialect = postgresql if c.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(tax_rates).values(
        country=rate.country,
        tax_category=rate.tax_category,
        rate_millionths=_millionths(rate.rate),
        created_at=now,
        updated_at=now,
    )
    c.execute(
        statement.on_conflict_do_update(
            index_elements=[tax_rates.c.country, tax_rates.c.tax_category],
            set_={"rate_millionths": statement.excluded.rate_millionths, "updated_at": now},
        )
    )


def delete_tax_rate(c: Connection, country: str, tax_category: str) -> None:
    c.execute(
        delete(tax_rates).where(
            tax_rates.c.country == country, tax_rates.c.tax_category == tax_category
        )
    )


def _zones(c: Connection, rows: Sequence[Row[Any]]) -> list[ShippingZone]:
    codes = [row.code for row in rows]
    countries: dict[str, list[str]] = {code: [] for code in codes}
    for row in c.execute(
        select(shipping_zone_countries)
        .where(shipping_zone_countries.c.zone_code.in_(codes))
        .order_by(shipping_zone_countries.c.country)
    ):
        countries[row.zone_code].append(row.country)
    rates: dict[str, list[ShippingRate]] = {code: [] for code in codes}
    for row in c.execute(
        select(shipping_rates)
        .where(shipping_rates.c.zone_code.in_(codes))
        .order_by(shipping_rates.c.method, shipping_rates.c.currency)
    ):
        rates[row.zone_code].append(_shipping_rate(row))
    return [
        ShippingZone(
            id=row.id,
            code=row.code,
            name=row.name,
            countries=tuple(countries[row.code]),
            rates=tuple(rates[row.code]),
        )
        for row in rows
    ]


def _shipping_rate(row: Row[Any]) -> ShippingRate:
    free_over = row.free_over_minor
    return ShippingRate(
        method=ShippingMethod(row.method),
        price=Money.from_minor(row.amount_minor, row.currency),
        free_over=None if free_over is None else Money.from_minor(free_over, row.currency),
    )


def zone_by_code(c: Connection, code: str, *, lock: bool = False) -> ShippingZone | None:
    query = select(shipping_zones).where(shipping_zones.c.code == code)
    if lock:
        query = query.with_for_update()
    found = _zones(c, c.execute(query).all())
    return found[0] if found else None


def list_zones(
    c: Connection, *, after: str | None = None, limit: int | None = None
) -> list[ShippingZone]:
    query = select(shipping_zones).order_by(shipping_zones.c.code)
    if after is not None:
        query = query.where(shipping_zones.c.code > after)
    if limit is not None:
        query = query.limit(limit)
    return _zones(c, c.execute(query).all())


def zones_for_pricing(c: Connection, country: str | None = None) -> list[ShippingZone]:
    """Every zone, or only the one serving ``country``, in two statements (zones with their
    rates joined, then their countries): order placement reads this each time."""
    zone_rows: Select[Any] = select(
        shipping_zones.c.id,
        shipping_zones.c.code,
        shipping_zones.c.name,
        shipping_rates.c.method,
        shipping_rates.c.currency,
        shipping_rates.c.amount_minor,
        shipping_rates.c.free_over_minor,
    ).outerjoin(shipping_rates, shipping_rates.c.zone_code == shipping_zones.c.code)
    country_rows = select(shipping_zone_countries)
    if country is not None:
        serving = select(shipping_zone_countries.c.zone_code).where(
            shipping_zone_countries.c.country == country
        )
        zone_rows = zone_rows.where(shipping_zones.c.code.in_(serving))
        country_rows = country_rows.where(shipping_zone_countries.c.zone_code.in_(serving))
    zones: dict[str, tuple[Row[Any], list[ShippingRate]]] = {}
    for row in c.execute(zone_rows.order_by(shipping_zones.c.code)).all():
        _, rates = zones.setdefault(row.code, (row, []))
        if row.method is not None:
            rates.append(_shipping_rate(row))
    countries: dict[str, list[str]] = {}
    for row in c.execute(country_rows.order_by(shipping_zone_countries.c.country)):
        countries.setdefault(row.zone_code, []).append(row.country)
    return [
        ShippingZone(
            id=row.id,
            code=code,
            name=row.name,
            countries=tuple(countries.get(code, ())),
            rates=tuple(rates),
        )
        for code, (row, rates) in zones.items()
    ]


def zones_of_countries(c: Connection, countries: Sequence[str]) -> dict[str, str]:
    """The zone code each of ``countries`` belongs to now (countries in no zone are absent)."""
    rows = c.execute(
        select(shipping_zone_countries).where(shipping_zone_countries.c.country.in_(countries))
    )
    return {row.country: row.zone_code for row in rows}


def insert_zone(c: Connection, zone: ShippingZone, now: datetime) -> None:
    c.execute(
        insert(shipping_zones).values(
            id=zone.id, code=zone.code, name=zone.name, created_at=now, updated_at=now
        )
    )
    _insert_children(c, zone)


def replace_zone(c: Connection, zone: ShippingZone, now: datetime) -> None:
    """Overwrite the zone's name, countries and rates."""
    c.execute(
        update(shipping_zones)
        .where(shipping_zones.c.code == zone.code)
        .values(name=zone.name, updated_at=now)
    )
    _delete_children(c, zone.code)
    _insert_children(c, zone)


def delete_zone(c: Connection, code: str) -> None:
    _delete_children(c, code)
    c.execute(delete(shipping_zones).where(shipping_zones.c.code == code))


def _delete_children(c: Connection, code: str) -> None:
    c.execute(delete(shipping_zone_countries).where(shipping_zone_countries.c.zone_code == code))
    c.execute(delete(shipping_rates).where(shipping_rates.c.zone_code == code))


def _insert_children(c: Connection, zone: ShippingZone) -> None:
    if zone.countries:
        c.execute(
            insert(shipping_zone_countries),
            [{"zone_code": zone.code, "country": country} for country in zone.countries],
        )
    if zone.rates:
        c.execute(
            insert(shipping_rates),
            [
                {
                    "zone_code": zone.code,
                    "method": rate.method.value,
                    "currency": rate.currency,
                    "amount_minor": rate.price.minor,
                    "free_over_minor": None if rate.free_over is None else rate.free_over.minor,
                }
                for rate in zone.rates
            ],
        )
