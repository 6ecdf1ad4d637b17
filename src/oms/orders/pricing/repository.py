"""Reading and writing pricing configuration (SQLAlchemy Core), behind two ports.

``TAX_RATES`` and ``SHIPPING_ZONES`` serve both the configuration use cases and order pricing,
which reads them on every placement (``for_pricing`` keeps that to few statements). A zone that
a concurrent writer changed under us (a country taken by two zones at once) comes back as
``ShippingZonesChangedConcurrently``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Connection, Row, Select, and_, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from oms.orders.pricing.domain import (
    RATE_PLACES,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    ShippingZonesChangedConcurrently,
    TaxRate,
)
from oms.orders.pricing.tables import (
    shipping_rates,
    shipping_zone_countries,
    shipping_zones,
    tax_rates,
)
from oms.platform.unit_of_work import Port
from oms.shared.money import Money


class TaxRates(Protocol):
    """Tax rates by destination country and tax category."""

    def get(self, country: str, tax_category: str) -> TaxRate | None: ...

    def page(
        self,
        *,
        country: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int | None = None,
    ) -> list[TaxRate]:
        """Rates by country then category; ``after`` is the last (country, category) seen."""
        ...

    def save(self, rate: TaxRate, now: datetime) -> None:
        """Insert or overwrite the rate."""
        ...

    def delete(self, country: str, tax_category: str) -> None: ...


class ShippingZones(Protocol):
    """Shipping zones with their countries and rates."""

    def by_code(self, code: str, *, lock: bool = False) -> ShippingZone | None: ...

    def page(self, *, after: str | None = None, limit: int | None = None) -> list[ShippingZone]:
        """Zones by code, after the code ``after``."""
        ...

    def for_pricing(self, country: str | None = None) -> list[ShippingZone]:
        """Every zone, or only the one serving ``country``."""
        ...

    def zones_of_countries(self, countries: Sequence[str]) -> dict[str, str]:
        """The zone code each of ``countries`` belongs to now (countries in no zone are absent)."""
        ...

    def add(self, zone: ShippingZone, now: datetime) -> None: ...

    def replace(self, zone: ShippingZone, now: datetime) -> None:
        """Overwrite the zone's name, countries and rates."""
        ...

    def delete(self, code: str) -> None: ...


def _rate(millionths: int) -> Decimal:
    return Decimal(millionths).scaleb(-RATE_PLACES).normalize()


def _millionths(rate: Decimal) -> int:
    return int(rate.scaleb(RATE_PLACES))


def _tax_rate(row: Row[Any]) -> TaxRate:
    return TaxRate(
        country=row.country, tax_category=row.tax_category, rate=_rate(row.rate_millionths)
    )


class SqlTaxRates:
    """``TaxRates`` on the ``tax_rates`` table."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def get(self, country: str, tax_category: str) -> TaxRate | None:
        row = self.c.execute(
            select(tax_rates).where(
                tax_rates.c.country == country, tax_rates.c.tax_category == tax_category
            )
        ).first()
        return _tax_rate(row) if row else None

    def page(
        self,
        *,
        country: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int | None = None,
    ) -> list[TaxRate]:
        t = tax_rates.c
        query = select(tax_rates).order_by(t.country, t.tax_category)
        if country is not None:
            query = query.where(t.country == country)
        if after is not None:
            last_country, last_category = after
            query = query.where(
                or_(
                    t.country > last_country,
                    and_(t.country == last_country, t.tax_category > last_category),
                )
            )
        if limit is not None:
            query = query.limit(limit)
        return [_tax_rate(row) for row in self.c.execute(query)]

    def save(self, rate: TaxRate, now: datetime) -> None:
        """One upsert, so concurrent writers cannot collide."""
        dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(tax_rates).values(
            country=rate.country,
            tax_category=rate.tax_category,
            rate_millionths=_millionths(rate.rate),
            created_at=now,
            updated_at=now,
        )
        self.c.execute(
            statement.on_conflict_do_update(
                index_elements=[tax_rates.c.country, tax_rates.c.tax_category],
                set_={"rate_millionths": statement.excluded.rate_millionths, "updated_at": now},
            )
        )

    def delete(self, country: str, tax_category: str) -> None:
        self.c.execute(
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


def _zones_for_pricing(c: Connection, country: str | None) -> list[ShippingZone]:
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


class SqlShippingZones:
    """``ShippingZones`` on the shipping zone, country and rate tables."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def by_code(self, code: str, *, lock: bool = False) -> ShippingZone | None:
        query = select(shipping_zones).where(shipping_zones.c.code == code)
        if lock:
            query = query.with_for_update()
        found = _zones(self.c, self.c.execute(query).all())
        return found[0] if found else None

    def page(self, *, after: str | None = None, limit: int | None = None) -> list[ShippingZone]:
        query = select(shipping_zones).order_by(shipping_zones.c.code)
        if after is not None:
            query = query.where(shipping_zones.c.code > after)
        if limit is not None:
            query = query.limit(limit)
        return _zones(self.c, self.c.execute(query).all())

    def for_pricing(self, country: str | None = None) -> list[ShippingZone]:
        return _zones_for_pricing(self.c, country)

    def zones_of_countries(self, countries: Sequence[str]) -> dict[str, str]:
        rows = self.c.execute(
            select(shipping_zone_countries).where(shipping_zone_countries.c.country.in_(countries))
        )
        return {row.country: row.zone_code for row in rows}

    def add(self, zone: ShippingZone, now: datetime) -> None:
        try:
            with self.c.begin_nested():
                self.c.execute(
                    insert(shipping_zones).values(
                        id=zone.id, code=zone.code, name=zone.name, created_at=now, updated_at=now
                    )
                )
                self._insert_children(zone)
        except IntegrityError:
            raise ShippingZonesChangedConcurrently(zone.code) from None

    def replace(self, zone: ShippingZone, now: datetime) -> None:
        try:
            with self.c.begin_nested():
                self.c.execute(
                    update(shipping_zones)
                    .where(shipping_zones.c.code == zone.code)
                    .values(name=zone.name, updated_at=now)
                )
                self._delete_children(zone.code)
                self._insert_children(zone)
        except IntegrityError:
            raise ShippingZonesChangedConcurrently(zone.code) from None

    def delete(self, code: str) -> None:
        self._delete_children(code)
        self.c.execute(delete(shipping_zones).where(shipping_zones.c.code == code))

    def _delete_children(self, code: str) -> None:
        self.c.execute(
            delete(shipping_zone_countries).where(shipping_zone_countries.c.zone_code == code)
        )
        self.c.execute(delete(shipping_rates).where(shipping_rates.c.zone_code == code))

    def _insert_children(self, zone: ShippingZone) -> None:
        if zone.countries:
            self.c.execute(
                insert(shipping_zone_countries),
                [{"zone_code": zone.code, "country": country} for country in zone.countries],
            )
        if zone.rates:
            self.c.execute(
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


TAX_RATES: Port[TaxRates] = Port("pricing.tax_rates", SqlTaxRates)
SHIPPING_ZONES: Port[ShippingZones] = Port("pricing.shipping_zones", SqlShippingZones)
