"""HTTP routes of fulfilment orders: a location's queue and late list, one FO, starting and
rejecting it; an order's sourcing decisions and its rerouting; each location's fulfilment
settings.

A warehouse key bound to a location sees only that location's FOs (``visible_location``): any
other answers 404 and is absent from lists.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from oms import orders
from oms.fulfilment.domain.lifecycle import FulfilmentOrderStatus
from oms.fulfilment.schemas.fulfilment_orders import (
    FulfilmentOrderOut,
    LocationFulfilmentIn,
    LocationFulfilmentOut,
    RejectIn,
    RerouteIn,
    SourcingDecisionOut,
)
from oms.fulfilment.services import queues, settings, work
from oms.platform.http import IfMatch, Tagged, UoW, send_version
from oms.platform.pagination import BY_TIME, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["fulfilment"])

Reader = Annotated[Principal, Depends(Requires(Permission.FULFILMENT_READ))]
Worker = Annotated[Principal, Depends(Requires(Permission.FULFILMENT_WORK))]
Rerouter = Annotated[Principal, Depends(Requires(Permission.FULFILMENT_REROUTE))]
Configurer = Annotated[Principal, Depends(Requires(Permission.FULFILMENT_CONFIGURE))]
LocationFilter = Annotated[
    str | None, Query(max_length=40, description="A location code: that location's FOs only.")
]


@router.get("/fulfilment/orders", responses=responses(401, 403, 422))
def list_fulfilment_orders(
    principal: Reader,
    uow: UoW,
    location: LocationFilter = None,
    status: Annotated[
        list[FulfilmentOrderStatus] | None,
        Query(description="Repeat for several; the active statuses when omitted."),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[FulfilmentOrderOut]:
    """Fulfilment orders, oldest promise (`ship_by`) first: the order to work them in."""
    now = uow.clock.now()
    found = queues.list_fulfilment_orders(
        uow=uow,
        location=location,
        statuses=status or (),
        limit=limit + 1,
        after=read_cursor(cursor, BY_TIME),
        visible_to_location=queues.visible_location(principal),
    )
    return Page.of(
        found, limit, lambda fo: (fo.ship_by, fo.id), lambda fo: FulfilmentOrderOut.of(fo, now)
    )


@router.get("/fulfilment/late", responses=responses(401, 403, 422))
def list_late_fulfilment_orders(
    principal: Reader,
    uow: UoW,
    location: LocationFilter = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[FulfilmentOrderOut]:
    """Fulfilment orders whose units still wait to leave after their `ship_by`, most overdue
    first."""
    now = uow.clock.now()
    found = queues.late_fulfilment_orders(
        uow=uow,
        location=location,
        limit=limit + 1,
        after=read_cursor(cursor, BY_TIME),
        visible_to_location=queues.visible_location(principal),
        now=now,
    )
    return Page.of(
        found, limit, lambda fo: (fo.ship_by, fo.id), lambda fo: FulfilmentOrderOut.of(fo, now)
    )


@router.get("/fulfilment/orders/{fo_id}", responses=responses(401, 403, 404))
def get_fulfilment_order(
    fo_id: UUID, principal: Reader, uow: UoW, response: Tagged
) -> FulfilmentOrderOut:
    """One fulfilment order with its lines (open, shipped and taken-away units)."""
    fo = queues.get_fulfilment_order(
        fo_id, uow=uow, visible_to_location=queues.visible_location(principal)
    )
    send_version(response, fo.version)
    return FulfilmentOrderOut.of(fo, uow.clock.now())


@router.post("/fulfilment/orders/{fo_id}/start", responses=responses(401, 403, 404, 409))
def start_fulfilment_order(fo_id: UUID, principal: Worker, uow: UoW) -> FulfilmentOrderOut:
    """Picking begins (open -> in progress); 409 when the FO is held or past that."""
    fo = work.start_fulfilment_order(
        fo_id,
        actor=principal.actor,
        uow=uow,
        visible_to_location=queues.visible_location(principal),
    )
    return FulfilmentOrderOut.of(fo, uow.clock.now())


@router.post("/fulfilment/orders/{fo_id}/reject", responses=responses(401, 403, 404, 409, 422))
def reject_fulfilment_order(
    fo_id: UUID, body: RejectIn, principal: Worker, uow: UoW
) -> FulfilmentOrderOut:
    """The location cannot fulfil it: its open units go to the next best location (a new FO
    there) or wait as a backorder; the order's timeline says why."""
    fo = work.reject_fulfilment_order(
        work.RejectFulfilmentOrder(
            fulfilment_order_id=fo_id,
            reason=body.reason,
            note=body.note,
            actor=principal.actor,
            visible_to_location=queues.visible_location(principal),
        ),
        uow=uow,
    )
    return FulfilmentOrderOut.of(fo, uow.clock.now())


@router.post("/orders/{order_id}/reroute", responses=responses(401, 403, 404, 409, 422))
def reroute_order(
    order_id: UUID, body: RerouteIn, principal: Rerouter, uow: UoW
) -> list[FulfilmentOrderOut]:
    """Move an order's open units away from some locations, to the next best location or a
    backorder, in one transaction; 409 when the order holds nothing open there. Answers the
    order's fulfilment orders afterwards."""
    lines: dict[UUID, int] | None = None
    if body.lines is not None:
        lines = {}
        for units in body.lines:
            lines[units.line_id] = lines.get(units.line_id, 0) + units.quantity
    fos = work.reroute_order(
        work.RerouteOrder(
            order_id=order_id,
            away_from=tuple(body.away_from),
            reason=body.reason,
            actor=principal.actor,
            lines=lines,
            visible_to=principal.channel_scope,
        ),
        uow=uow,
    )
    now = uow.clock.now()
    return [FulfilmentOrderOut.of(fo, now) for fo in fos]


@router.get("/orders/{order_id}/fulfilment-orders", responses=responses(401, 403, 404))
def list_order_fulfilment_orders(
    order_id: UUID, principal: Reader, uow: UoW
) -> list[FulfilmentOrderOut]:
    """The order's fulfilment orders, first created first: where each of its units is worked
    (a key bound to a location sees that location's only)."""
    fos = queues.order_fulfilment_orders(
        order_id,
        uow=uow,
        visible_to=principal.channel_scope,
        visible_to_location=queues.visible_location(principal),
    )
    now = uow.clock.now()
    return [FulfilmentOrderOut.of(fo, now) for fo in fos]


@router.get("/orders/{order_id}/sourcing", responses=responses(401, 403, 404))
def get_sourcing_decisions(
    order_id: UUID, principal: Reader, uow: UoW
) -> list[SourcingDecisionOut]:
    """Every sourcing decision taken for the order, oldest first (placement, backorder fills,
    reroutes), each with the engine's explanation. Needs `fulfilment:read`: the explanation
    shows the merchant's locations, stock and ranking, which channel keys do not see."""
    decisions = orders.sourcing_decisions(order_id, uow=uow, visible_to=principal.channel_scope)
    return [
        SourcingDecisionOut(
            at=entry.at, actor=entry.actor, summary=entry.summary, explanation=entry.details
        )
        for entry in decisions
    ]


@router.get("/locations/{code}/fulfilment", responses=responses(401, 403, 404))
def get_location_fulfilment(
    code: str, _: Reader, uow: UoW, response: Tagged
) -> LocationFulfilmentOut:
    """The location's fulfilment settings (cut-off, time zone, handling days, pickup hold,
    carrier). Its `ETag` is their version (0 while on the defaults), for `If-Match`."""
    found = settings.get_location_settings(code, uow=uow)
    send_version(response, found.version)
    return LocationFulfilmentOut.of(found)


@router.put("/locations/{code}/fulfilment", responses=responses(401, 403, 404, 412, 422))
def put_location_fulfilment(
    code: str,
    body: LocationFulfilmentIn,
    _: Configurer,
    uow: UoW,
    response: Tagged,
    if_match: IfMatch,
) -> LocationFulfilmentOut:
    """Replace the location's fulfilment settings; with `If-Match` (optional), settings
    changed since that ETag are refused with 412. New fulfilment orders get the new promise."""
    stored = settings.put_location_settings(
        settings.PutLocationSettings(
            location=code,
            cutoff_time=body.cutoff_time,
            timezone=body.timezone,
            handling_days=body.handling_days,
            pickup_hold_days=body.pickup_hold_days,
            carrier=body.carrier,
            carrier_service=body.carrier_service,
            carrier_config=body.carrier_config,
            expected=if_match,
        ),
        uow=uow,
    )
    send_version(response, stored.version)
    return LocationFulfilmentOut.of(stored)
