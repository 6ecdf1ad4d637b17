"""HTTP routes of pickup in store: ready (with its code, shown once), a new code, the handover,
the uncollected list and cancelling an uncollected pickup back to stock.

A key bound to a location works the pickups waiting at its store (``visible_location``);
others' answer 404 and are absent from the list. Responses that carry a code are not cached.
The handover is not wrapped in an idempotent replay: a wrong code must stay counted.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from oms.fulfilment.schemas.fulfilment_orders import FulfilmentOrderOut
from oms.fulfilment.schemas.pickups import (
    CancelPickupIn,
    HandoverIn,
    PickupCodeOut,
    UncollectedPickupOut,
)
from oms.fulfilment.services import pickup, queues
from oms.platform.http import UoW
from oms.platform.pagination import Code, Cursor, Limit, Page, SortKey, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["fulfilment"])

Reader = Annotated[Principal, Depends(Requires(Permission.FULFILMENT_READ))]
Worker = Annotated[Principal, Depends(Requires(Permission.FULFILMENT_WORK))]
BY_EXPIRY: SortKey[tuple[date, str]] = SortKey(tuple[date, Code])


def _no_store(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"


@router.post("/fulfilment/orders/{fo_id}/ready", responses=responses(401, 403, 404, 409))
def mark_ready_for_pickup(
    fo_id: UUID, principal: Worker, uow: UoW, response: Response
) -> PickupCodeOut:
    """The units wait at the store: issues the 6-digit pickup code (shown only here and in the
    `fulfilment.ready_for_pickup.v1` event) and holds them for the store's pickup days. A
    pickup sourced at the store after picking; a transfer once it arrived."""
    issued = pickup.mark_ready(
        fo_id,
        actor=principal.actor,
        uow=uow,
        visible_to_location=queues.visible_location(principal),
    )
    _no_store(response)
    return PickupCodeOut.of(issued, uow.clock.now())


@router.post("/fulfilment/orders/{fo_id}/pickup-code", responses=responses(401, 403, 404, 409))
def reissue_pickup_code(
    fo_id: UUID, principal: Worker, uow: UoW, response: Response
) -> PickupCodeOut:
    """A new code for a ready pickup (lost, or locked after wrong codes): the old one stops
    working and the wrong attempts are forgotten."""
    issued = pickup.reissue_code(
        fo_id,
        actor=principal.actor,
        uow=uow,
        visible_to_location=queues.visible_location(principal),
    )
    _no_store(response)
    return PickupCodeOut.of(issued, uow.clock.now())


@router.post("/fulfilment/orders/{fo_id}/handover", responses=responses(401, 403, 404, 409, 422))
def hand_over_pickup(
    fo_id: UUID, body: HandoverIn, principal: Worker, uow: UoW
) -> FulfilmentOrderOut:
    """Hand the units over to the customer with the right code: picked up, out of the store's
    stock, delivered on the order. A wrong code is 422 (`wrong-pickup-code`, attempts left);
    after 5 the handover is 409 `pickup-locked` until a new code is issued."""
    fo = pickup.hand_over(
        fo_id,
        body.code,
        actor=principal.actor,
        uow=uow,
        visible_to_location=queues.visible_location(principal),
    )
    return FulfilmentOrderOut.of(fo, uow.clock.now())


@router.get("/fulfilment/uncollected", responses=responses(401, 403, 422))
def list_uncollected_pickups(
    principal: Reader,
    uow: UoW,
    location: Annotated[
        str | None, Query(max_length=40, description="A store's code: its pickups only.")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[UncollectedPickupOut]:
    """Ready pickups not collected within their hold, longest expired first."""
    found = pickup.list_uncollected(
        uow=uow,
        location=location,
        visible_to_location=queues.visible_location(principal),
        limit=limit + 1,
        after=read_cursor(cursor, BY_EXPIRY),
    )
    return Page.of(found, limit, lambda p: (p.expires_on, p.number), UncollectedPickupOut.of)


@router.post("/fulfilment/orders/{fo_id}/cancel", responses=responses(401, 403, 404, 409, 422))
def cancel_uncollected_pickup(
    fo_id: UUID, body: CancelPickupIn, principal: Worker, uow: UoW
) -> FulfilmentOrderOut:
    """Cancel a pickup nobody collected within its hold: the units go back to the store's
    stock through the order's cancellation (payments refund them). 409 while it is still
    held (`pickup-not-expired`) or when it came by transfer (`uncollected-transfer`)."""
    fo = pickup.cancel_uncollected(
        fo_id,
        body.reason,
        actor=principal.actor,
        uow=uow,
        visible_to_location=queues.visible_location(principal),
    )
    return FulfilmentOrderOut.of(fo, uow.clock.now())
