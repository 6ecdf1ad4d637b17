"""Reading and writing channels and locations (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Row, delete, insert, select, update

from oms.channels.domain import Channel, ChannelKind, Location, LocationKind
from oms.channels.tables import channel_locations, channels, locations
from oms.shared.address import Address


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
    )


def location_values(location: Location) -> dict[str, Any]:
    a = location.address
    return {
        "id": location.id,
        "code": location.code,
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


def location_by_code(c: Connection, code: str) -> Location | None:
    row = c.execute(select(locations).where(locations.c.code == code)).first()
    return _location(row) if row else None


def locations_by_codes(c: Connection, codes: Iterable[str]) -> dict[str, Location]:
    rows = c.execute(select(locations).where(locations.c.code.in_(list(codes)))).all()
    return {row.code: _location(row) for row in rows}


def locations_by_ids(c: Connection, ids: Iterable[UUID]) -> dict[UUID, Location]:
    rows = c.execute(select(locations).where(locations.c.id.in_(list(ids)))).all()
    return {row.id: _location(row) for row in rows}


def list_locations(c: Connection, *, after: str | None, limit: int) -> list[Location]:
    query = select(locations).order_by(locations.c.code).limit(limit)
    if after is not None:
        query = query.where(locations.c.code > after)
    return [_location(row) for row in c.execute(query)]


def insert_location(c: Connection, location: Location, now: datetime) -> None:
    c.execute(insert(locations).values(**location_values(location), created_at=now, updated_at=now))


def update_location(c: Connection, location: Location, now: datetime) -> None:
    values = location_values(location)
    del values["id"], values["code"]
    c.execute(
        update(locations).where(locations.c.id == location.id).values(**values, updated_at=now)
    )


def _serving(c: Connection, channel_ids: Sequence[UUID]) -> dict[UUID, tuple[str, ...]]:
    rows = c.execute(
        select(channel_locations.c.channel_id, locations.c.code)
        .join(locations, locations.c.id == channel_locations.c.location_id)
        .where(channel_locations.c.channel_id.in_(channel_ids))
        .order_by(channel_locations.c.channel_id, channel_locations.c.position)
    ).all()
    serving: dict[UUID, list[str]] = {cid: [] for cid in channel_ids}
    for row in rows:
        serving[row.channel_id].append(row.code)
    return {cid: tuple(codes) for cid, codes in serving.items()}


def _channels(c: Connection, rows: Sequence[Row[Any]]) -> list[Channel]:
    serving = _serving(c, [row.id for row in rows])
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
        )
        for row in rows
    ]


def channel_by_code(c: Connection, code: str) -> Channel | None:
    rows = c.execute(select(channels).where(channels.c.code == code)).all()
    found = _channels(c, rows)
    return found[0] if found else None


def list_channels(
    c: Connection, *, after: str | None, limit: int, only: str | None = None
) -> list[Channel]:
    query = select(channels).order_by(channels.c.code).limit(limit)
    if after is not None:
        query = query.where(channels.c.code > after)
    if only is not None:
        query = query.where(channels.c.code == only)
    return _channels(c, c.execute(query).all())


def channel_values(channel: Channel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "code": channel.code,
        "name": channel.name,
        "kind": channel.kind.value,
        "currency": channel.currency,
        "default_locale": channel.default_locale,
        "allows_backorders": channel.allows_backorders,
        "prices_include_tax": channel.prices_include_tax,
        "active": channel.active,
    }


def insert_channel(c: Connection, channel: Channel, now: datetime) -> None:
    c.execute(insert(channels).values(**channel_values(channel), created_at=now, updated_at=now))


def update_channel(c: Connection, channel: Channel, now: datetime) -> None:
    values = channel_values(channel)
    del values["id"], values["code"]
    c.execute(update(channels).where(channels.c.id == channel.id).values(**values, updated_at=now))


def replace_serving(c: Connection, channel_id: UUID, location_ids: Sequence[UUID]) -> None:
    c.execute(delete(channel_locations).where(channel_locations.c.channel_id == channel_id))
    if location_ids:
        c.execute(
            insert(channel_locations),
            [
                {"channel_id": channel_id, "location_id": lid, "position": index}
                for index, lid in enumerate(location_ids)
            ],
        )


def serving_location_ids(
    c: Connection, channel_codes: Sequence[str] | None
) -> dict[str, list[UUID]]:
    """Ordered serving location ids per channel code (all channels when ``None``)."""
    query = (
        select(channels.c.code, channel_locations.c.location_id)
        .join(channel_locations, channel_locations.c.channel_id == channels.c.id, isouter=True)
        .order_by(channels.c.code, channel_locations.c.position)
    )
    if channel_codes is not None:
        query = query.where(channels.c.code.in_(list(channel_codes)))
    result: dict[str, list[UUID]] = {}
    for row in c.execute(query):
        ids = result.setdefault(row.code, [])
        if row.location_id is not None:
            ids.append(row.location_id)
    return result
