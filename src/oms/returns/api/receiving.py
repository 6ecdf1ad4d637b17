"""HTTP routes of the way back: a return in transit, received and inspected at its receiving
location (warehouse keys; a location-bound key works only its own location's returns, others'
are 404), and its label.

Receipt and inspection move units that must never count twice: an optional ``Idempotency-Key``
makes a retried scan answer from the first one. The label is made with no transaction open
(it may call a carrier) and stored once; asking again answers the stored one.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from oms import fulfilment
from oms.platform.http import UoW
from oms.platform.idempotency import OptionalIdempotencyKey, run_idempotent
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.returns.schemas.receiving import InspectIn, InTransitIn, ReceiveIn, ReturnLabelOut
from oms.returns.schemas.returns import ReturnOut
from oms.returns.services import labels, receiving

router = APIRouter(prefix="/v1", tags=["returns"])

Reader = Annotated[Principal, Depends(Requires(Permission.RETURNS_READ))]
Receiver = Annotated[Principal, Depends(Requires(Permission.RETURNS_RECEIVE))]
Decider = Annotated[Principal, Depends(Requires(Permission.RETURNS_DECIDE))]

PDF: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The return label or return slip (PDF)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


async def carriers(request: Request) -> fulfilment.Carriers:
    """The app's carriers when it was given some (``app.state.carriers``, as fulfilment's
    routes read them), else karrio's."""
    given: fulfilment.Carriers | None = getattr(request.app.state, "carriers", None)
    return given if given is not None else fulfilment.karrio_carriers


CarrierFactory = Annotated[fulfilment.Carriers, Depends(carriers)]


@router.post("/returns/{return_id}/in-transit", responses=responses(403, 404, 409, 422))
def mark_return_in_transit(
    return_id: UUID, principal: Receiver, uow: UoW, body: InTransitIn | None = None
) -> ReturnOut:
    """The parcel is on its way back (approved -> in transit); 409 from any other status."""
    request = receiving.mark_in_transit(
        receiving.MarkInTransit(
            return_id=return_id,
            tracking_number=body.tracking_number if body else None,
            actor=principal.actor,
            location_scope=principal.location_scope,
        ),
        uow=uow,
    )
    return ReturnOut.of(request)


@router.post(
    "/returns/{return_id}/receive",
    response_model=ReturnOut,
    responses=responses(403, 404, 409, 422),
)
def receive_return(
    return_id: UUID,
    body: ReceiveIn,
    principal: Receiver,
    uow: UoW,
    idempotency: OptionalIdempotencyKey,
) -> Response:
    """Units arrived at the receiving location, per line: at most what each line still waits
    for (422 names the line). A return handed over at a store needs no transit first. Stock
    moves at inspection, when it is known where the units go."""
    command = receiving.ReceiveUnits(
        return_id=return_id,
        units=body.units(),
        actor=principal.actor,
        location_scope=principal.location_scope,
    )
    return run_idempotent(
        uow,
        idempotency,
        lambda: receiving.receive_return_units(command, uow=uow),
        ReturnOut.of,
        status_code=200,
    )


@router.post(
    "/returns/{return_id}/inspect",
    response_model=ReturnOut,
    responses=responses(403, 404, 409, 422),
)
def inspect_return(
    return_id: UUID,
    body: InspectIn,
    principal: Receiver,
    uow: UoW,
    idempotency: OptionalIdempotencyKey,
) -> Response:
    """Received units inspected, per line with a disposition: `restock` (on hand again),
    `damaged` (on hand, unavailable), `write_off`, `return_to_customer`. Each posts its stock
    movements and the order counts the units returned, in one transaction; at most what each
    line received and has not had inspected (422 names the line)."""
    command = receiving.InspectUnits(
        return_id=return_id,
        units=body.units(),
        actor=principal.actor,
        location_scope=principal.location_scope,
    )
    return run_idempotent(
        uow,
        idempotency,
        lambda: receiving.inspect_return_units(command, uow=uow),
        ReturnOut.of,
        status_code=200,
    )


@router.get(
    "/returns/{return_id}/label",
    response_class=Response,
    responses={**PDF, **responses(403, 404)},
)
def get_return_label(return_id: UUID, principal: Reader, uow: UoW) -> Response:
    """The return's label as PDF: the carrier's label when the merchant pays the way back and
    the receiving location has a carrier, else the printable return slip (404 until made)."""
    rma, pdf = labels.return_label(
        return_id,
        uow=uow,
        visible_to=principal.channel_scope,
        location_scope=principal.location_scope,
    )
    disposition = f'inline; filename="{rma}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.post("/returns/{return_id}/label", responses=responses(403, 404, 409))
def make_return_label(
    return_id: UUID, principal: Decider, uow: UoW, carrier_factory: CarrierFactory
) -> ReturnLabelOut:
    """Make the label of an approved return if it has none (approval makes it; this retries
    when the carrier was down then). The one stored is answered; a second is never bought."""
    made = labels.make_return_label(
        return_id,
        uow=uow,
        carriers=carrier_factory,
        actor=principal.actor,
        visible_to=principal.channel_scope,
    )
    return ReturnLabelOut.of(made)
