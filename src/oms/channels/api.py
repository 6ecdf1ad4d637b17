"""HTTP routes of the channels context: channels and locations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from oms.channels import services
from oms.channels.domain import Brand
from oms.channels.schemas import (
    ChannelIn,
    ChannelOut,
    ChannelPatch,
    LocationIn,
    LocationOut,
    LocationPatch,
)
from oms.platform.http import IfMatch, Tagged, UoW, send_version
from oms.platform.idempotency import IdempotencyKey, run_idempotent
from oms.platform.pagination import BY_CODE, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["channels"])

ChannelReader = Annotated[Principal, Depends(Requires(Permission.CHANNELS_READ))]
ChannelWriter = Annotated[Principal, Depends(Requires(Permission.CHANNELS_WRITE))]
LocationReader = Annotated[Principal, Depends(Requires(Permission.LOCATIONS_READ))]
LocationWriter = Annotated[Principal, Depends(Requires(Permission.LOCATIONS_WRITE))]


def _after(cursor: str | None) -> str | None:
    key = read_cursor(cursor, BY_CODE)
    return key[0] if key else None


@router.get("/channels", responses=responses(401, 403, 422))
def list_channels(
    principal: ChannelReader,
    uow: UoW,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ChannelOut]:
    """Sales channels by code. A channel key sees only its own channel."""
    found = services.list_channels(
        uow=uow, after=_after(cursor), limit=limit + 1, visible_to=principal.channel_scope
    )
    return Page.of(found, limit, lambda c: (c.code,), ChannelOut.of)


@router.get("/channels/{code}", responses=responses(401, 403, 404))
def get_channel(code: str, principal: ChannelReader, uow: UoW, response: Tagged) -> ChannelOut:
    """One channel with its serving locations. Its `ETag` is its version, for `If-Match`."""
    channel = services.get_channel(code, uow=uow, visible_to=principal.channel_code)
    send_version(response, channel.version)
    return ChannelOut.of(channel)


@router.post(
    "/channels",
    status_code=201,
    response_model=ChannelOut,
    responses=responses(400, 401, 403, 409, 422),
)
def create_channel(
    body: ChannelIn,
    _: ChannelWriter,
    uow: UoW,
    idempotency: IdempotencyKey,
) -> Response:
    """Open a sales channel."""
    command = services.CreateChannel(
        code=body.code,
        name=body.name,
        kind=body.kind,
        currency=body.currency,
        default_locale=body.default_locale,
        location_codes=tuple(body.locations),
        allows_backorders=body.allows_backorders,
        prices_include_tax=body.prices_include_tax,
        active=body.active,
        payment_before_confirmation=body.payment_before_confirmation,
        capture=body.capture,
        invoice_on=body.invoice_on,
        brand=body.brand.brand() if body.brand is not None else Brand(),
    )
    return run_idempotent(
        uow, idempotency, lambda: services.create_channel(command, uow=uow), ChannelOut.of
    )


@router.patch("/channels/{code}", responses=responses(401, 403, 404, 412, 422))
def update_channel(
    code: str,
    body: ChannelPatch,
    _: ChannelWriter,
    uow: UoW,
    response: Tagged,
    if_match: IfMatch,
) -> ChannelOut:
    """Change a channel's settings, payment settings, tracking-page brand or serving locations.

    Changing the currency makes the channel's old prices unusable until they are set anew.
    With `If-Match` (optional), a channel changed since that ETag is refused with 412.
    """
    command = services.UpdateChannel(
        code=code,
        name=body.name,
        kind=body.kind,
        currency=body.currency,
        default_locale=body.default_locale,
        location_codes=tuple(body.locations) if body.locations is not None else None,
        allows_backorders=body.allows_backorders,
        prices_include_tax=body.prices_include_tax,
        active=body.active,
        payment_before_confirmation=body.payment_before_confirmation,
        capture=body.capture,
        invoice_on=body.invoice_on,
        brand=body.brand.brand() if body.brand is not None else None,
        expected=if_match,
    )
    channel = services.update_channel(command, uow=uow)
    send_version(response, channel.version)
    return ChannelOut.of(channel)


@router.get("/locations", responses=responses(401, 403, 422))
def list_locations(
    _: LocationReader,
    uow: UoW,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[LocationOut]:
    """Warehouses and stores by code."""
    found = services.list_locations(uow=uow, after=_after(cursor), limit=limit + 1)
    return Page.of(found, limit, lambda location: (location.code,), LocationOut.of)


@router.get("/locations/{code}", responses=responses(401, 403, 404))
def get_location(code: str, _: LocationReader, uow: UoW, response: Tagged) -> LocationOut:
    """One location. Its `ETag` is its version, for `If-Match`."""
    location = services.get_location(code, uow=uow)
    send_version(response, location.version)
    return LocationOut.of(location)


@router.post(
    "/locations",
    status_code=201,
    response_model=LocationOut,
    responses=responses(400, 401, 403, 409, 422),
)
def create_location(
    body: LocationIn,
    _: LocationWriter,
    uow: UoW,
    idempotency: IdempotencyKey,
) -> Response:
    """Register a warehouse or store."""
    command = services.CreateLocation(
        code=body.code,
        name=body.name,
        kind=body.kind,
        address=body.address.to_domain(),
        latitude=body.latitude,
        longitude=body.longitude,
        ships=body.ships,
        offers_pickup=body.offers_pickup,
        daily_capacity=body.daily_capacity,
        active=body.active,
    )
    return run_idempotent(
        uow, idempotency, lambda: services.create_location(command, uow=uow), LocationOut.of
    )


@router.patch("/locations/{code}", responses=responses(401, 403, 404, 412, 422))
def update_location(
    code: str,
    body: LocationPatch,
    _: LocationWriter,
    uow: UoW,
    response: Tagged,
    if_match: IfMatch,
) -> LocationOut:
    """Change a location's details, capabilities or active flag.

    With `If-Match` (optional), a location changed since that ETag is refused with 412.
    """
    command = services.UpdateLocation(
        code=code,
        name=body.name,
        address=body.address.to_domain() if body.address else None,
        latitude=body.latitude,
        longitude=body.longitude,
        ships=body.ships,
        offers_pickup=body.offers_pickup,
        daily_capacity=body.daily_capacity,
        active=body.active,
        expected=if_match,
    )
    location = services.update_location(command, uow=uow)
    send_version(response, location.version)
    return LocationOut.of(location)
