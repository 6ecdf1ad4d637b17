"""Reading and writing channels and locations (SQLAlchemy Core), behind two ports.

Services ask ``tx.repo(CHANNELS)`` or ``tx.repo(LOCATIONS)``; the protocols are what they may
call, so an in-memory double serves them as well. A code another row already holds comes back
as ``CodeTaken``, and a change is written only over the version it was read at: the version
goes up by one here, and nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from oms.channels.domain import (
    Brand,
    CaptureMode,
    Channel,
    ChannelKind,
    CodeTaken,
    InvoiceOn,
    Location,
    LocationKind,
)
from oms.channels.tables import channel_locations, channels, locations
from oms.platform.unit_of_work import Port
from oms.shared.address import Address
from oms.shared.versions import StaleVersion


class Locations(Protocol):
    """Warehouses and stores by code or id."""

    def by_code(self, code: str, *, lock: bool = False) -> Location | None:
        """One location; ``lock`` holds its row until commit so changes to it queue up."""
        ...

    def by_codes(self, codes: Iterable[str]) -> dict[str, Location]: ...

    def by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Location]: ...

    def page(self, *, after: str | None, limit: int) -> list[Location]:
        """Locations by code, after the code ``after``."""
        ...

    def add(self, location: Location, now: datetime) -> None:
        """Store a new location; ``CodeTaken`` when its code is in use."""
        ...

    def update(self, location: Location, now: datetime) -> Location:
        """Store a changed location, one version above the one it was read at."""
        ...


class Channels(Protocol):
    """Sales channels with their serving locations, in preference order."""

    def by_code(self, code: str, *, lock: bool = False) -> Channel | None:
        """One channel; ``lock`` holds its row until commit so changes to it queue up."""
        ...

    def page(self, *, after: str | None, limit: int, only: str | None = None) -> list[Channel]:
        """Channels by code after ``after``; ``only`` keeps the one with that code."""
        ...

    def add(self, channel: Channel, location_ids: Sequence[UUID], now: datetime) -> None:
        """Store a new channel served by the locations; ``CodeTaken`` when its code is in use."""
        ...

    def update(
        self, channel: Channel, location_ids: Sequence[UUID] | None, now: datetime
    ) -> Channel:
        """Store a changed channel one version up; new serving locations when given."""
        ...

    def serving_location_ids(self, channel_codes: Sequence[str] | None) -> dict[str, list[UUID]]:
        """Ordered serving location ids per channel code (all channels when ``None``)."""
        ...


def _location(row: Row[Any]) -> Location:
    return Location(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=LocationKind(row.kind),
        address=Address(
            name=row.address_name,
            company=row.address_company,
            line1=row.line1,
            line2=row.line2,
            city=row.city,
            postal_code=row.postal_code,
            region=row.region,
            country=row.country,
        ),
        latitude=row.latitude,
        longitude=row.longitude,
        ships=row.ships,
        offers_pickup=row.offers_pickup,
        daily_capacity=row.daily_capacity,
        active=row.active,
        version=row.version,
    )


def _location_values(location: Location) -> dict[str, Any]:
    """The location's columns except id, code, version and times."""
    a = location.address
    return {
        "name": location.name,
        "kind": location.kind.value,
        "address_name": a.name,
        "address_company": a.company,
        "line1": a.line1,
        "line2": a.line2,
        "city": a.city,
        "postal_code": a.postal_code,
        "region": a.region,
        "country": a.country,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "ships": location.ships,
        "offers_pickup": location.offers_pickup,
        "daily_capacity": location.daily_capacity,
        "active": location.active,
    }


class SqlLocations:
    """``Locations`` on the ``locations`` table."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def by_code(self, code: str, *, lock: bool = False) -> Location | None:
        query = select(locations).where(locations.c.code == code)
        if lock:
            query = query.with_for_update()
        row = self.c.execute(query).first()
        return _location(row) if row else None

    def by_codes(self, codes: Iterable[str]) -> dict[str, Location]:
        rows = self.c.execute(select(locations).where(locations.c.code.in_(list(codes)))).all()
        return {row.code: _location(row) for row in rows}

    def by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Location]:
        rows = self.c.execute(select(locations).where(locations.c.id.in_(list(ids)))).all()
        return {row.id: _location(row) for row in rows}

    def page(self, *, after: str | None, limit: int) -> list[Location]:
        query = select(locations).order_by(locations.c.code).limit(limit)
        if after is not None:
            query = query.where(locations.c.code > after)
        return [_location(row) for row in self.c.execute(query)]

    def add(self, location: Location, now: datetime) -> None:
        values = _location_values(location)
        try:
            with self.c.begin_nested():
                self.c.execute(
                    insert(locations).values(
                        id=location.id,
                        code=location.code,
                        version=location.version,
                        created_at=now,
                        updated_at=now,
                        **values,
                    )
                )
        except IntegrityError:
            raise CodeTaken("location", location.code) from None

    def update(self, location: Location, now: datetime) -> Location:
        written = self.c.execute(
            update(locations)
            .where(locations.c.id == location.id, locations.c.version == location.version)
            .values(**_location_values(location), version=location.version + 1, updated_at=now)
        ).rowcount
        if written != 1:
            raise StaleVersion("location", location.code, expected=[location.version])
        return dataclasses.replace(location, version=location.version + 1)


class SqlChannels:
    """``Channels`` on the ``channels`` and ``channel_locations`` tables."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def _serving(self, channel_ids: Sequence[UUID]) -> dict[UUID, tuple[str, ...]]:
        rows = self.c.execute(
            select(channel_locations.c.channel_id, locations.c.code)
            .join(locations, locations.c.id == channel_locations.c.location_id)
            .where(channel_locations.c.channel_id.in_(channel_ids))
            .order_by(channel_locations.c.channel_id, channel_locations.c.position)
        ).all()
        serving: dict[UUID, list[str]] = {cid: [] for cid in channel_ids}
        for row in rows:
            serving[row.channel_id].append(row.code)
        return {cid: tuple(codes) for cid, codes in serving.items()}

    def _channels(self, rows: Sequence[Row[Any]]) -> list[Channel]:
        serving = self._serving([row.id for row in rows])
        return [
            Channel(
                id=row.id,
                code=row.code,
                name=row.name,
                kind=ChannelKind(row.kind),
                currency=row.currency,
                default_locale=row.default_locale,
                allows_backorders=row.allows_backorders,
                prices_include_tax=row.prices_include_tax,
                active=row.active,
                location_codes=serving[row.id],
                payment_before_confirmation=row.payment_before_confirmation,
                capture=CaptureMode(row.capture),
                invoice_on=InvoiceOn(row.invoice_on),
                brand=Brand(
                    name=row.brand_name,
                    logo_url=row.brand_logo_url,
                    primary_colour=row.brand_primary_colour,
                    accent_colour=row.brand_accent_colour,
                ),
                version=row.version,
            )
            for row in rows
        ]

    def by_code(self, code: str, *, lock: bool = False) -> Channel | None:
        query = select(channels).where(channels.c.code == code)
        if lock:
            query = query.with_for_update()
        found = self._channels(self.c.execute(query).all())
        return found[0] if found else None

    def page(self, *, after: str | None, limit: int, only: str | None = None) -> list[Channel]:
        query = select(channels).order_by(channels.c.code).limit(limit)
        if after is not None:
            query = query.where(channels.c.code > after)
        if only is not None:
            query = query.where(channels.c.code == only)
        return self._channels(self.c.execute(query).all())

    def add(self, channel: Channel, location_ids: Sequence[UUID], now: datetime) -> None:
        try:
            with self.c.begin_nested():
                self.c.execute(
                    insert(channels).values(
                        id=channel.id,
                        code=channel.code,
                        version=channel.version,
                        created_at=now,
                        updated_at=now,
                        **_channel_values(channel),
                    )
                )
        except IntegrityError:
            raise CodeTaken("channel", channel.code) from None
        self._replace_serving(channel.id, location_ids)

    def update(
        self, channel: Channel, location_ids: Sequence[UUID] | None, now: datetime
    ) -> Channel:
        written = self.c.execute(
            update(channels)
            .where(channels.c.id == channel.id, channels.c.version == channel.version)
            .values(**_channel_values(channel), version=channel.version + 1, updated_at=now)
        ).rowcount
        if written != 1:
            raise StaleVersion("channel", channel.code, expected=[channel.version])
        if location_ids is not None:
            self._replace_serving(channel.id, location_ids)
        return dataclasses.replace(channel, version=channel.version + 1)

    def _replace_serving(self, channel_id: UUID, location_ids: Sequence[UUID]) -> None:
        self.c.execute(
            delete(channel_locations).where(channel_locations.c.channel_id == channel_id)
        )
        if location_ids:
            self.c.execute(
                insert(channel_locations),
                [
                    {"channel_id": channel_id, "location_id": lid, "position": index}
                    for index, lid in enumerate(location_ids)
                ],
            )

    def serving_location_ids(self, channel_codes: Sequence[str] | None) -> dict[str, list[UUID]]:
        query = (
            select(channels.c.code, channel_locations.c.location_id)
            .join(channel_locations, channel_locations.c.channel_id == channels.c.id, isouter=True)
            .order_by(channels.c.code, channel_locations.c.position)
        )
        if channel_codes is not None:
            query = query.where(channels.c.code.in_(list(channel_codes)))
        result: dict[str, list[UUID]] = {}
        for row in self.c.execute(query):
            ids = result.setdefault(row.code, [])
            if row.location_id is not None:
                ids.append(row.location_id)
        return result


def _channel_values(channel: Channel) -> dict[str, Any]:
    """The channel's columns except id, code, version and times."""
    return {
        "name": channel.name,
        "kind": channel.kind.value,
        "currency": channel.currency,
        "default_locale": channel.default_locale,
        "allows_backorders": channel.allows_backorders,
        "prices_include_tax": channel.prices_include_tax,
        "active": channel.active,
        "payment_before_confirmation": channel.payment_before_confirmation,
        "capture": channel.capture.value,
        "invoice_on": channel.invoice_on.value,
        "brand_name": channel.brand.name,
        "brand_logo_url": channel.brand.logo_url,
        "brand_primary_colour": channel.brand.primary_colour,
        "brand_accent_colour": channel.brand.accent_colour,
    }


LOCATIONS: Port[Locations] = Port("channels.locations", SqlLocations)
CHANNELS: Port[Channels] = Port("channels.channels", SqlChannels)
