"""Which customer mail an event calls for: one rule per event type, no I/O.

The rules, and why some events call for nothing:

- ``orders.order_confirmed.v1`` -> order_confirmation. An order placed without a hold is
  confirmed in its placement's transaction (both events are written), one held first is
  confirmed when its last hold is released: either way this event is the one moment.
- ``orders.order_held.v1`` with reason ``payment`` -> payment_pending (a channel that takes
  payment before confirmation places that hold at placement; other holds are internal).
- ``orders.order_placed.v1`` / ``orders.order_rerouted.v1`` with backordered units ->
  backorder_delayed, the waiting units in ``data``.
- ``fulfilment.shipment_created.v1`` of a parcel -> order_shipped about the shipment (a
  transfer to a pickup store is not the customer's parcel); carrier and tracking in ``data``.
- ``fulfilment.shipment_delivered.v1`` -> order_delivered about the shipment, only when its
  shipping was mailed (or skipped) before: the event does not say whether the shipment was a
  parcel or a transfer, the order_shipped row does (``after``).
- ``fulfilment.ready_for_pickup.v1`` / ``pickup_code_reissued.v1`` -> ready_for_pickup about
  the fulfilment order, with the code and its expiry in ``data`` (not kept once mailed).
- ``returns.return_approved.v1`` of a return or exchange -> return_approved about the return
  (a claim's approval sends nothing back: its refund or reship is mailed on its own).
- ``payments.refund_issued.v1`` -> refund_issued about the refund's ledger transaction.
- ``payments.store_credit_changed.v1`` of kind ``issue`` -> store_credit_issued about the
  credit entry (the order's when it has one, else the customer's alone).
- ``orders.units_delivered.v1`` with every unit delivered -> review_request, three days later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from oms import fulfilment, orders, payments, returns
from oms.notifications.domain.kinds import NotificationKind
from oms.shared.events import Event

K = NotificationKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Intent:
    """A mail an event calls for, before the recipient, settings and skip rules are read."""

    kind: NotificationKind
    order_id: UUID | None
    customer_id: UUID | None = None
    """Only for mail that may have no order (store credit); else the order's customer."""
    reference_id: UUID | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    after: NotificationKind | None = None
    """Queue only if a message of this kind about the same reference exists."""
    order_number: str | None = None
    """The order's number when the event names it (the rest learn it when addressed)."""


def _confirmed(event: orders.OrderConfirmed) -> list[Intent]:
    return [
        Intent(kind=K.ORDER_CONFIRMATION, order_id=event.aggregate_id, order_number=event.number)
    ]


def _held(event: orders.OrderHeld) -> list[Intent]:
    if event.reason != orders.HoldReason.PAYMENT.value:
        return []
    return [
        Intent(
            kind=K.PAYMENT_PENDING,
            order_id=event.aggregate_id,
            reference_id=event.hold_id,
            order_number=event.number,
        )
    ]


def _backordered(event: orders.OrderPlaced | orders.OrderRerouted) -> list[Intent]:
    if not event.backordered:
        return []
    waiting = [{"sku": units.sku, "quantity": units.quantity} for units in event.backordered]
    return [
        Intent(
            kind=K.BACKORDER_DELAYED,
            order_id=event.aggregate_id,
            data={"lines": waiting},
            order_number=event.number,
        )
    ]


def _all_delivered(event: orders.UnitsDelivered) -> list[Intent]:
    if not event.all_delivered:
        return []
    return [Intent(kind=K.REVIEW_REQUEST, order_id=event.aggregate_id, order_number=event.number)]


def _shipped(event: fulfilment.ShipmentCreated) -> list[Intent]:
    if event.kind != "parcel":
        return []
    data = {
        "shipment_number": event.number,
        "carrier": event.carrier,
        "service": event.service,
        "tracking_number": event.tracking_number,
        "tracking_url": event.tracking_url,
        "lines": [{"line_id": str(u.line_id), "quantity": u.quantity} for u in event.lines],
    }
    return [
        Intent(
            kind=K.ORDER_SHIPPED,
            order_id=event.order_id,
            reference_id=event.aggregate_id,
            data=data,
        )
    ]


def _delivered(event: fulfilment.ShipmentDelivered) -> list[Intent]:
    return [
        Intent(
            kind=K.ORDER_DELIVERED,
            order_id=event.order_id,
            reference_id=event.aggregate_id,
            data={"shipment_number": event.number, "delivered_at": event.delivered_at.isoformat()},
            after=K.ORDER_SHIPPED,
        )
    ]


def _ready(event: fulfilment.ReadyForPickup | fulfilment.PickupCodeReissued) -> list[Intent]:
    data = {
        "pickup_code": event.pickup_code,
        "expires_on": event.expires_on.isoformat(),
        "location": event.location,
        "fulfilment_order_number": event.number,
    }
    return [
        Intent(
            kind=K.READY_FOR_PICKUP,
            order_id=event.order_id,
            reference_id=event.aggregate_id,
            data=data,
            order_number=event.order_number,
        )
    ]


def _return_approved(event: returns.ReturnApproved) -> list[Intent]:
    if event.kind == "claim":
        return []
    return [
        Intent(
            kind=K.RETURN_APPROVED,
            order_id=event.order_id,
            reference_id=event.aggregate_id,
            data={"rma": event.number, "return_kind": event.kind},
            order_number=event.order_number,
        )
    ]


def _refunded(event: payments.RefundIssued) -> list[Intent]:
    data = {
        "amount_minor": event.amount_minor,
        "currency": event.currency,
        "payment_id": str(event.payment_id),
    }
    return [
        Intent(
            kind=K.REFUND_ISSUED,
            order_id=event.order_id,
            reference_id=event.transaction_id,
            data=data,
        )
    ]


def _credited(event: payments.StoreCreditChanged) -> list[Intent]:
    if event.kind != payments.CreditEntryKind.ISSUE.value:
        return []
    data = {
        "amount_minor": event.amount_minor,
        "balance_minor": event.balance_minor,
        "currency": event.currency,
    }
    return [
        Intent(
            kind=K.STORE_CREDIT_ISSUED,
            order_id=event.order_id,
            customer_id=event.customer_id,
            reference_id=event.entry_id,
            data=data,
        )
    ]


RULES: Mapping[type[Event], Callable[[Any], list[Intent]]] = {
    orders.OrderConfirmed: _confirmed,
    orders.OrderHeld: _held,
    orders.OrderPlaced: _backordered,
    orders.OrderRerouted: _backordered,
    orders.UnitsDelivered: _all_delivered,
    fulfilment.ShipmentCreated: _shipped,
    fulfilment.ShipmentDelivered: _delivered,
    fulfilment.ReadyForPickup: _ready,
    fulfilment.PickupCodeReissued: _ready,
    returns.ReturnApproved: _return_approved,
    payments.RefundIssued: _refunded,
    payments.StoreCreditChanged: _credited,
}
"""The rule of each event type the mail consumer subscribes to."""


def intents_for(event: Event) -> list[Intent]:
    """The mails ``event`` calls for (often none)."""
    rule = RULES.get(type(event))
    return [] if rule is None else rule(event)
