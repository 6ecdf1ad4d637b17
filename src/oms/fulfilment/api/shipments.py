"""HTTP routes: shipping a fulfilment order, its papers, shipments, labels and tracking.

Shipping takes an Idempotency-Key (required) and keeps the carrier out of every transaction:
the key is tried first in a transaction that only looks (a replay answers from what was stored
and buys no label again); otherwise the labels are bought with no transaction open, and the key's
claim, the shipments and their response commit together (ADR 0009). A capture at shipment runs
after that commit.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from oms import payments
from oms.fulfilment.schemas.shipments import (
    PickListOut,
    ShipmentIn,
    ShipmentOut,
    ShipmentsOut,
    TrackingEventIn,
    TrackingEventOut,
    TrackingEventRecorded,
)
from oms.fulfilment.services import documents, shipping, tracking
from oms.fulfilment.services.shipping import (
    Carriers,
    Labelled,
    ShipPackages,
    Shipped,
    karrio_carriers,
)
from oms.fulfilment.views.documents import packing_slip_pdf, pick_list_pdf
from oms.platform.http import UoW
from oms.platform.idempotency import IdempotencyKey, run_idempotent
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import NotFound

router = APIRouter(prefix="/v1", tags=["shipments"])

Reader = Annotated[Principal, Depends(Requires(Permission.FULFILMENT_READ))]
Worker = Annotated[Principal, Depends(Requires(Permission.FULFILMENT_WORK))]

PDF: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A PDF document",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


async def carriers(request: Request) -> Carriers:
    """The app's carriers when it was given some (``app.state.carriers``), else karrio's."""
    given: Carriers | None = getattr(request.app.state, "carriers", None)
    return given if given is not None else karrio_carriers


async def payment_providers(request: Request) -> payments.Providers:
    """As payments' routes build them: the app's when given, else this deployment's."""
    given: payments.Providers | None = getattr(request.app.state, "payment_providers", None)
    if given is not None:
        return given
    state = request.app.state
    return payments.build_providers(state.settings, UnitOfWork(state.engine, state.clock))


CarrierFactory = Annotated[Carriers, Depends(carriers)]
PaymentProviders = Annotated[payments.Providers, Depends(payment_providers)]


class _LabelsFirst(Exception):
    """The key was not used before: leave its transaction (rolled back) and buy the labels."""


@router.post(
    "/fulfilment/orders/{fulfilment_order_id}/shipments",
    status_code=201,
    response_model=ShipmentsOut,
    responses=responses(400, 403, 404, 409, 422),
)
def ship_fulfilment_order(
    fulfilment_order_id: UUID,
    body: ShipmentIn,
    principal: Worker,
    uow: UoW,
    idempotency: IdempotencyKey,
    carrier_factory: CarrierFactory,
    providers: PaymentProviders,
) -> Response:
    """Ship units of a fulfilment order in one or more packages (Idempotency-Key required):
    one shipment per package, each with a label from the location's carrier (karrio) unless a
    tracking number is given for it. Units per line may not exceed what the fulfilment order has
    open (422 names the field); the FO stays `in_progress` while units remain and becomes
    `shipped` with the last. Stock leaves the ledger (`on_hand` and `allocated` both drop); the
    invoice is issued when the channel invoices on shipment; a channel that captures at
    shipment has what shipped captured after the commit."""
    command = ShipPackages(
        fulfilment_order_id=fulfilment_order_id,
        packages=tuple(p.package(i) for i, p in enumerate(body.packages)),
        tracking_numbers=body.tracking_numbers(),
        carrier=body.carrier,
        service=body.service,
        actor=principal.actor,
        location_scope=principal.location_scope,
    )
    labelled: Labelled | None = None
    stored: list[Shipped] = []

    def store() -> Shipped:
        if labelled is None:
            raise _LabelsFirst
        shipped = shipping.store_shipments(command, labelled, uow=uow)
        stored.append(shipped)
        return shipped

    def render(shipped: Shipped) -> ShipmentsOut:
        return ShipmentsOut(
            fulfilment_order_id=shipped.fulfilment_order_id,
            shipments=[ShipmentOut.of(s) for s in shipped.shipments],
        )

    try:
        return run_idempotent(uow, idempotency, store, render)
    except _LabelsFirst:
        pass
    labelled = shipping.buy_labels(command, uow=uow, carriers=carrier_factory)
    response = run_idempotent(uow, idempotency, store, render)
    if stored:
        shipping.capture_shipped(stored[0], uow=uow, providers=providers)
    return response


@router.get("/orders/{order_id}/shipments", responses=responses(403, 404))
def list_order_shipments(order_id: UUID, principal: Reader, uow: UoW) -> list[ShipmentOut]:
    """The order's shipments: carriers, tracking numbers and statuses, their lines."""
    found = tracking.order_shipments(
        order_id,
        uow=uow,
        visible_to=principal.channel_scope,
        location_scope=principal.location_scope,
    )
    return [ShipmentOut.of(s) for s in found]


@router.get("/shipments/{shipment_id}", responses=responses(403, 404))
def get_shipment(shipment_id: UUID, principal: Reader, uow: UoW) -> ShipmentOut:
    """One shipment: carrier, tracking number and status, its lines."""
    return ShipmentOut.of(
        tracking.get_shipment(shipment_id, uow=uow, location_scope=principal.location_scope)
    )


@router.get(
    "/shipments/{shipment_id}/label",
    response_class=Response,
    responses={**PDF, **responses(403, 404)},
)
def get_label(shipment_id: UUID, principal: Reader, uow: UoW) -> Response:
    """The shipment's label as PDF (404 when its tracking number was given instead)."""
    shipment, pdf = tracking.shipment_label(
        shipment_id, uow=uow, location_scope=principal.location_scope
    )
    if pdf is None:
        raise NotFound(f"shipment {shipment.number} has no label", shipment=shipment.number)
    disposition = f'inline; filename="{shipment.number}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.post(
    "/shipments/{shipment_id}/events",
    status_code=201,
    responses=responses(403, 404, 409, 422),
)
def add_tracking_event(
    shipment_id: UUID, body: TrackingEventIn, principal: Worker, uow: UoW, response: Response
) -> TrackingEventRecorded:
    """Record a tracking event. The shipment shows the status of its latest event by
    `occurred_at` (events may arrive out of order; all are kept). The same event again (same
    status, time and place) changes nothing: 200 with `recorded: false`. The first `delivered`
    delivers the package's units in the order (completed when all arrived and it is paid)."""
    reported = tracking.report_event(
        tracking.ReportEvent(
            shipment=shipment_id,
            status=body.status,
            occurred_at=body.occurred_at,
            location=body.location,
            description=body.description,
            actor=principal.actor,
            location_scope=principal.location_scope,
        ),
        uow=uow,
    )
    if not reported.recorded:
        response.status_code = 200
    return TrackingEventRecorded(
        recorded=reported.recorded,
        event=TrackingEventOut.of(reported.event),
        shipment=ShipmentOut.of(reported.shipment),
    )


@router.get("/shipments/{shipment_id}/events", responses=responses(403, 404))
def list_tracking_events(shipment_id: UUID, principal: Reader, uow: UoW) -> list[TrackingEventOut]:
    """Every tracking event of the shipment, by when it happened."""
    found = tracking.list_events(shipment_id, uow=uow, location_scope=principal.location_scope)
    return [TrackingEventOut.of(e) for e in found]


@router.get(
    "/fulfilment/orders/{fulfilment_order_id}/pick-list",
    response_model=PickListOut,
    responses={**PDF, **responses(403, 404, 422)},
)
def get_pick_list(
    fulfilment_order_id: UUID,
    principal: Reader,
    uow: UoW,
    format: Annotated[Literal["json", "pdf"], Query()] = "json",
) -> Any:
    """What to pick: the open units, by bin when bins are set for the SKUs here (else by
    SKU); `format=pdf` prints it with the order number as Code 128 and the gift message."""
    picks = documents.pick_list(
        fulfilment_order_id, uow=uow, location_scope=principal.location_scope
    )
    if format == "pdf":
        return Response(
            pick_list_pdf(picks),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{picks.number}-pick-list.pdf"'},
        )
    return PickListOut.of(picks)


@router.get(
    "/fulfilment/orders/{fulfilment_order_id}/packing-slip",
    response_class=Response,
    responses={**PDF, **responses(403, 404)},
)
def get_packing_slip(fulfilment_order_id: UUID, principal: Reader, uow: UoW) -> Response:
    """The packing slip (PDF): lines, ship-to, the order number as Code 128, the gift message."""
    slip = documents.packing_slip(
        fulfilment_order_id, uow=uow, location_scope=principal.location_scope
    )
    return Response(
        packing_slip_pdf(slip),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{slip.number}-packing-slip.pdf"'},
    )
