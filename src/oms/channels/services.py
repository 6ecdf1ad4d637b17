"""Use cases of the channels context: one function each."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from oms.channels.domain import (
    Brand,
    CaptureMode,
    Channel,
    ChannelChanged,
    ChannelCreated,
    ChannelKind,
    ChannelNotFound,
    CodeTaken,
    InvoiceOn,
    Location,
    LocationChanged,
    LocationCreated,
    LocationKind,
    LocationNotFound,
    check_coordinates,
    check_serving,
    checked_brand,
)
from oms.channels.repository import CHANNELS, LOCATIONS
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.address import Address, normalise
from oms.shared.errors import FieldProblem, Invalid, collect
from oms.shared.ids import new_id
from oms.shared.locale import check_code, normalise_locale
from oms.shared.money import is_currency
from oms.shared.permissions import channel_visible
from oms.shared.versions import ExpectedVersion, check_expected


@dataclass(frozen=True, kw_only=True)
class CreateLocation:
    code: str
    name: str
    kind: LocationKind
    address: Address
    latitude: Decimal
    longitude: Decimal
    ships: bool = True
    offers_pickup: bool = False
    daily_capacity: int = 1000
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class UpdateLocation:
    """Only the fields given (not None) change; ``expected`` is the caller's ``If-Match``."""

    code: str
    name: str | None = None
    address: Address | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    ships: bool | None = None
    offers_pickup: bool | None = None
    daily_capacity: int | None = None
    active: bool | None = None
    expected: ExpectedVersion | None = None


@dataclass(frozen=True, kw_only=True)
class CreateChannel:
    code: str
    name: str
    kind: ChannelKind
    currency: str
    default_locale: str
    location_codes: tuple[str, ...] = ()
    allows_backorders: bool = False
    prices_include_tax: bool = True
    active: bool = True
    payment_before_confirmation: bool = False
    capture: CaptureMode = CaptureMode.AT_PLACEMENT
    invoice_on: InvoiceOn = InvoiceOn.CAPTURE
    brand: Brand = field(default_factory=Brand)


@dataclass(frozen=True, kw_only=True)
class UpdateChannel:
    """Only the fields given (not None) change; ``expected`` is the caller's ``If-Match``. A
    new currency leaves the old prices unusable until they are set in it (the catalog sells
    only in the channel's current currency)."""

    code: str
    name: str | None = None
    kind: ChannelKind | None = None
    currency: str | None = None
    default_locale: str | None = None
    location_codes: tuple[str, ...] | None = None
    allows_backorders: bool | None = None
    prices_include_tax: bool | None = None
    active: bool | None = None
    payment_before_confirmation: bool | None = None
    capture: CaptureMode | None = None
    invoice_on: InvoiceOn | None = None
    brand: Brand | None = None
    """The whole tracking-page brand (a field left None in it clears that field)."""
    expected: ExpectedVersion | None = None


@dataclass(frozen=True, kw_only=True)
class SetBrand:
    """The tracking page's brand of channel ``code``, replaced whole: a field left None (or
    blank) returns to the page's default. ``expected`` is the caller's ``If-Match``."""

    code: str
    name: str | None = None
    logo_url: str | None = None
    primary_colour: str | None = None
    accent_colour: str | None = None
    expected: ExpectedVersion | None = None


def _checked_location(location: Location) -> Location:
    problems: list[FieldProblem] = check_coordinates(location.latitude, location.longitude)
    if location.daily_capacity < 0:
        problems.append(FieldProblem("daily_capacity", "must not be negative"))
    if location.offers_pickup and location.kind is not LocationKind.STORE:
        problems.append(FieldProblem("offers_pickup", "only stores offer pickup"))
    collect(problems)
    return dataclasses.replace(location, address=normalise(location.address, at="address"))


def create_location(cmd: CreateLocation, *, uow: UnitOfWork) -> Location:
    """Register a warehouse or store."""
    check_code(cmd.code)
    location = _checked_location(Location(id=new_id(), **_fields(cmd)))
    with uow.begin() as tx:
        locations = tx.repo(LOCATIONS)
        if locations.by_code(cmd.code) is not None:
            raise CodeTaken("location", cmd.code)
        locations.add(location, tx.now)
        tx.record(LocationCreated(aggregate_id=location.id, code=location.code))
    return location


def update_location(cmd: UpdateLocation, *, uow: UnitOfWork) -> Location:
    """Change a location's details, capabilities or active flag (from the version expected)."""
    changes = _changes(cmd)
    with uow.begin() as tx:
        locations = tx.repo(LOCATIONS)
        current = locations.by_code(cmd.code, lock=True)
        if current is None:
            raise LocationNotFound(cmd.code)
        check_expected(cmd.expected, "location", cmd.code, current.version)
        location = locations.update(
            _checked_location(dataclasses.replace(current, **changes)), tx.now
        )
        tx.record(
            LocationChanged(
                aggregate_id=location.id, code=location.code, changed=tuple(sorted(changes))
            )
        )
    return location


def get_location(code: str, *, uow: UnitOfWork) -> Location:
    with uow.read() as tx:
        location = tx.repo(LOCATIONS).by_code(code)
    if location is None:
        raise LocationNotFound(code)
    return location


def list_locations(*, uow: UnitOfWork, after: str | None, limit: int) -> list[Location]:
    """Locations ordered by code."""
    with uow.read() as tx:
        return tx.repo(LOCATIONS).page(after=after, limit=limit)


def _fields(cmd: Any) -> dict[str, Any]:
    return {f.name: getattr(cmd, f.name) for f in dataclasses.fields(cmd)}


def _changes(cmd: UpdateLocation | UpdateChannel) -> dict[str, Any]:
    """The fields an update gives (its precondition is not one of them)."""
    return {k: v for k, v in _fields(cmd).items() if v is not None and k != "expected"}


def _serving_ids(tx: Transaction, codes: tuple[str, ...]) -> list[UUID]:
    known = tx.repo(LOCATIONS).by_codes(codes)
    check_serving(codes, known)
    return [known[code].id for code in codes]


def _checked_channel(channel: Channel) -> Channel:
    problems: list[FieldProblem] = []
    if not is_currency(channel.currency):
        problems.append(FieldProblem("currency", "is not an ISO 4217 currency"))
    try:
        locale = normalise_locale(channel.default_locale, field="default_locale")
    except Invalid as error:
        problems.extend(error.problems)
        locale = channel.default_locale
    try:
        brand = checked_brand(channel.brand)
    except Invalid as error:
        problems.extend(error.problems)
        brand = channel.brand
    collect(problems)
    return dataclasses.replace(channel, default_locale=locale, brand=brand)


def create_channel(cmd: CreateChannel, *, uow: UnitOfWork) -> Channel:
    """Open a sales channel served by the given locations, in order of preference."""
    check_code(cmd.code)
    channel = _checked_channel(Channel(id=new_id(), **_fields(cmd)))
    with uow.begin() as tx:
        channels = tx.repo(CHANNELS)
        if channels.by_code(cmd.code) is not None:
            raise CodeTaken("channel", cmd.code)
        channels.add(channel, _serving_ids(tx, channel.location_codes), tx.now)
        tx.record(ChannelCreated(aggregate_id=channel.id, code=channel.code))
    return channel


def update_channel(cmd: UpdateChannel, *, uow: UnitOfWork) -> Channel:
    """Change a channel's settings or its serving locations (from the version expected)."""
    changes = _changes(cmd)
    with uow.begin() as tx:
        channels = tx.repo(CHANNELS)
        current = channels.by_code(cmd.code, lock=True)
        if current is None:
            raise ChannelNotFound(cmd.code)
        check_expected(cmd.expected, "channel", cmd.code, current.version)
        channel = _checked_channel(dataclasses.replace(current, **changes))
        serving = None if cmd.location_codes is None else _serving_ids(tx, cmd.location_codes)
        channel = channels.update(channel, serving, tx.now)
        tx.record(
            ChannelChanged(
                aggregate_id=channel.id,
                code=channel.code,
                changed=tuple(sorted(k for k in changes if k != "code")),
            )
        )
    return channel


def set_brand(cmd: SetBrand, *, uow: UnitOfWork) -> Channel:
    """Set the name, logo and colours a channel's customers see on their tracking page."""
    brand = Brand(
        name=cmd.name,
        logo_url=cmd.logo_url,
        primary_colour=cmd.primary_colour,
        accent_colour=cmd.accent_colour,
    )
    return update_channel(UpdateChannel(code=cmd.code, brand=brand, expected=cmd.expected), uow=uow)


def get_channel(code: str, *, uow: UnitOfWork, visible_to: str | None = None) -> Channel:
    """One channel; a caller bound to another channel is told it does not exist."""
    if not channel_visible(code, to=visible_to):
        raise ChannelNotFound(code)
    with uow.read() as tx:
        channel = tx.reference.get(
            ("channels.channel", code), lambda: tx.repo(CHANNELS).by_code(code)
        )
    if channel is None:
        raise ChannelNotFound(code)
    return channel


def list_channels(
    *, uow: UnitOfWork, after: str | None, limit: int, visible_to: str | None = None
) -> list[Channel]:
    """Channels ordered by code; a channel-bound caller sees only its own."""
    with uow.read() as tx:
        return tx.repo(CHANNELS).page(after=after, limit=limit, only=visible_to)


def serving_location_ids(
    *, uow: UnitOfWork, channel_codes: Sequence[str] | None = None
) -> dict[str, list[UUID]]:
    """Each channel's serving location ids, in preference order (for ATP and sourcing)."""
    with uow.read() as tx:
        return tx.repo(CHANNELS).serving_location_ids(channel_codes)


def locations_by_ids(ids: Sequence[UUID], *, uow: UnitOfWork) -> dict[UUID, Location]:
    """Locations for the given ids (unknown ids are simply absent)."""
    with uow.read() as tx:
        return tx.repo(LOCATIONS).by_ids(ids)


def locations_by_codes(codes: Sequence[str], *, uow: UnitOfWork) -> dict[str, Location]:
    """Locations for the given codes (missing codes are simply absent); cached reference data."""
    with uow.read() as tx:
        return tx.reference.many("channels.location", codes, tx.repo(LOCATIONS).by_codes)
