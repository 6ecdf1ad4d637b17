"""A return's label: what the parcel travels back with, made once after approval.

When the policy has the merchant pay the way back and the receiving location has a carrier
account (its fulfilment settings), the label is a carrier label bought through fulfilment's
carrier (the customer as shipper, the location as recipient, the RMA as reference); otherwise it
is the merchant's printable return slip (the RMA as Code 128, the order number, what to send
back and where). Either way it is a PDF kept beside the return (``GET /v1/returns/{id}/label``).

Three steps, as shipping buys its labels: a read gathers what the label needs; the carrier is
asked (or the slip rendered) with no transaction open; one transaction stores it, the order's
lock first, then the return's. A label already stored wins: a retry, or two callers racing,
store one label and never buy a second (a carrier label costs money), and the one stored is the
one answered.

The parcel's weight is estimated from the catalogue (the label is bought before anybody weighs
the parcel): each unit at its variant's weight, ``UNKNOWN_UNIT_WEIGHT_GRAMS`` when the catalogue
has none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from oms import catalog, channels, fulfilment, orders
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.returns import ReturnRequest, ShippingPayer
from oms.returns.repository.returns import RETURNS
from oms.shared.address import Address
from oms.shared.errors import Conflict, NotFound

UNKNOWN_UNIT_WEIGHT_GRAMS = 500
"""What a unit weighs on a return label when its variant's weight is not in the catalogue."""

SLIP = "return_slip"
CARRIER = "carrier_label"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnLabel:
    """The label a return travels back with, as stored."""

    return_id: UUID
    rma: str
    kind: str
    """``carrier_label`` (bought from a carrier) or ``return_slip`` (printed by the merchant)."""
    pdf: bytes
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Parcel:
    request: ReturnRequest
    rma: str
    sender: Address
    location: channels.Location
    items: tuple[fulfilment.LabelItem, ...]
    weight_grams: int


def make_return_label(
    return_id: UUID,
    *,
    uow: UnitOfWork,
    carriers: fulfilment.Carriers,
    actor: str = "oms",
    visible_to: str | None = None,
) -> ReturnLabel:
    """Make and store the label of an approved return, unless one is stored already (then
    that one). Call it with no transaction open: it may call a carrier (``CarrierFailed``, 409,
    when the carrier refuses; the return stays approved and a retry tries again)."""
    parcel = _gather(return_id, uow=uow, visible_to=visible_to)
    stored = _stored(parcel.request, uow=uow)
    if stored is not None:
        return stored
    label = None
    if parcel.request.return_shipping_paid_by is ShippingPayer.MERCHANT:
        label = fulfilment.buy_return_label(
            fulfilment.ReturnParcel(
                rma=parcel.rma,
                order_number=parcel.request.order_number,
                location_code=parcel.location.code,
                sender=parcel.sender,
                weight_grams=parcel.weight_grams,
                items=parcel.items,
            ),
            uow=uow,
            carriers=carriers,
        )
    if label is None:
        made = ReturnLabel(return_id=return_id, rma=parcel.rma, kind=SLIP, pdf=_slip(parcel, uow))
    else:
        made = ReturnLabel(
            return_id=return_id,
            rma=parcel.rma,
            kind=CARRIER,
            pdf=label.pdf,
            carrier=label.carrier,
            tracking_number=label.tracking_number,
            tracking_url=label.tracking_url,
        )
    return _store(made, actor=actor, uow=uow)


def return_label(
    return_id: UUID,
    *,
    uow: UnitOfWork,
    visible_to: str | None = None,
    location_scope: str | None = None,
) -> tuple[str, bytes]:
    """The RMA and the stored label's PDF; 404 when the return is not the caller's or has no
    label yet."""
    with uow.read() as tx:
        returns = tx.repo(RETURNS)
        request = returns.get(return_id, visible_to=visible_to, at_location=location_scope)
        document = returns.label(request.id)
    if document is None:
        raise NotFound(f"return {request.reference} has no label yet", return_id=str(return_id))
    return request.reference, document


def _gather(return_id: UUID, *, uow: UnitOfWork, visible_to: str | None) -> _Parcel:
    with uow.read() as tx:
        request = tx.repo(RETURNS).get(return_id, visible_to=visible_to)
        if not request.open or request.number is None or request.receiving_location is None:
            raise Conflict(
                f"return {request.reference} is not approved with goods to send back: no label",
                return_id=str(return_id),
                status=request.status.value,
            )
        order = orders.get_order(request.order_id, uow=uow)
        location = channels.get_location(request.receiving_location, uow=uow)
        variants = catalog.find_variants([line.sku for line in request.lines], uow=uow)
    sender = order.shipping_address
    if not sender.name:
        sender = replace(sender, name=order.buyer.name)
    items = tuple(
        fulfilment.LabelItem(
            sku=line.sku,
            name=variants[line.sku].name if line.sku in variants else line.sku,
            quantity=line.quantity,
        )
        for line in request.lines
    )
    weight = sum(
        line.quantity * (_weight(variants.get(line.sku)) or UNKNOWN_UNIT_WEIGHT_GRAMS)
        for line in request.lines
    )
    return _Parcel(
        request=request,
        rma=request.number,
        sender=sender,
        location=location,
        items=items,
        weight_grams=weight,
    )


def _weight(variant: catalog.VariantRef | None) -> int | None:
    return None if variant is None else variant.weight_grams


def _slip(parcel: _Parcel, uow: UnitOfWork) -> bytes:
    return fulfilment.render_return_slip(
        fulfilment.ReturnSlip(
            rma=parcel.rma,
            order_number=parcel.request.order_number,
            issued_on=uow.clock.now().date(),
            send_to=fulfilment.receiving_address(parcel.location),
            sender=parcel.sender,
            lines=tuple(
                fulfilment.SlipLine(sku=item.sku, name=item.name, quantity=item.quantity)
                for item in parcel.items
            ),
        )
    )


def _stored(request: ReturnRequest, *, uow: UnitOfWork) -> ReturnLabel | None:
    with uow.read() as tx:
        document = tx.repo(RETURNS).label(request.id)
    return None if document is None else _as_stored(request, document)


def _as_stored(request: ReturnRequest, document: bytes) -> ReturnLabel:
    tracked = request.label_tracking is not None
    return ReturnLabel(
        return_id=request.id,
        rma=request.reference,
        kind=CARRIER if tracked else SLIP,
        pdf=document,
        tracking_number=request.label_tracking,
    )


def _store(made: ReturnLabel, *, actor: str, uow: UnitOfWork) -> ReturnLabel:
    with uow.begin() as tx:
        returns = tx.repo(RETURNS)
        order_id = returns.get(made.return_id).order_id
        orders.order_for_fulfilment(order_id, uow=uow)
        request = returns.get(made.return_id, lock=True)
        existing = returns.label(request.id)
        if existing is not None:
            return _as_stored(request, existing)
        request.attach_label(made.tracking_number, at=tx.now)
        returns.store_label(request.id, made.pdf)
        returns.save(request)
        tx.record(*request.drain_events())
        summary = (
            f"{made.rma}: return label from {made.carrier}, tracking {made.tracking_number}"
            if made.kind == CARRIER
            else f"{made.rma}: return slip printed, to be sent to {request.receiving_location}"
        )
        orders.note_on_timeline(
            order_id,
            kind="return_label",
            summary=summary,
            details={
                "return_id": str(request.id),
                "rma": made.rma,
                "label": made.kind,
                "carrier": made.carrier,
                "tracking_number": made.tracking_number,
                "tracking_url": made.tracking_url,
            },
            actor=actor,
            uow=uow,
        )
    return made
