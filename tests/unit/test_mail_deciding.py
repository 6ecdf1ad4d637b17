"""Which mail each event calls for: one example of every event type the mail consumer takes
(the event catalogue's), and the variants that call for nothing."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest

from oms import customers, fulfilment, orders, payments, returns
from oms.app import event_registry
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.handlers.mail import SUBSCRIPTIONS
from oms.notifications.services.mail.deciding import RULES, Intent, intents_for
from oms.platform.event_catalogue import example_event
from oms.shared.events import Event

K = NotificationKind


def kinds(event: Event) -> list[tuple[NotificationKind, UUID | None, UUID | None]]:
    return [(i.kind, i.order_id, i.reference_id) for i in intents_for(event)]


def only(event: Event) -> Intent:
    (intent,) = intents_for(event)
    return intent


def test_the_consumer_takes_exactly_the_events_with_a_rule_and_the_erasure() -> None:
    mail, erasure = SUBSCRIPTIONS
    assert set(mail.events) == set(RULES)
    assert erasure.events == (customers.CustomerErased,)
    registered = event_registry.registry()
    assert all(registered.decode(e.type, example_event(e).payload()) for e in RULES)


def test_a_confirmed_order_calls_for_its_confirmation() -> None:
    event = example_event(orders.OrderConfirmed)
    assert kinds(event) == [(K.ORDER_CONFIRMATION, event.aggregate_id, None)]
    assert only(event).order_number == event.number


def test_only_a_payment_hold_tells_the_customer_the_order_waits_for_payment() -> None:
    fraud = example_event(orders.OrderHeld)
    payment = replace(fraud, reason="payment", rule=None)
    assert kinds(fraud) == []
    assert kinds(payment) == [(K.PAYMENT_PENDING, payment.aggregate_id, payment.hold_id)]


@pytest.mark.parametrize("event_class", [orders.OrderPlaced, orders.OrderRerouted])
def test_backordered_units_at_placement_or_reroute_tell_the_delay(
    event_class: type[orders.OrderPlaced] | type[orders.OrderRerouted],
) -> None:
    event = example_event(event_class)
    assert only(event).kind is K.BACKORDER_DELAYED
    assert only(event).data == {"lines": [{"sku": "NW-TSH-BLA-M", "quantity": 2}]}
    assert kinds(replace(event, backordered=())) == []


def test_a_parcel_is_mailed_with_its_tracking_and_a_transfer_to_a_store_is_not() -> None:
    parcel = example_event(fulfilment.ShipmentCreated)
    intent = only(parcel)
    assert (intent.kind, intent.order_id, intent.reference_id) == (
        K.ORDER_SHIPPED,
        parcel.order_id,
        parcel.aggregate_id,
    )
    assert intent.data["tracking_url"] == parcel.tracking_url
    assert intent.data["carrier"] == "dhl"
    assert kinds(replace(parcel, kind="transfer")) == []


def test_a_delivery_is_mailed_only_after_the_parcels_shipping() -> None:
    delivered = example_event(fulfilment.ShipmentDelivered)
    intent = only(delivered)
    assert (intent.kind, intent.reference_id, intent.after) == (
        K.ORDER_DELIVERED,
        delivered.aggregate_id,
        K.ORDER_SHIPPED,
    )


@pytest.mark.parametrize("event_class", [fulfilment.ReadyForPickup, fulfilment.PickupCodeReissued])
def test_a_pickup_code_is_mailed_when_ready_and_when_reissued(
    event_class: type[fulfilment.ReadyForPickup] | type[fulfilment.PickupCodeReissued],
) -> None:
    event = example_event(event_class)
    intent = only(event)
    assert (intent.kind, intent.reference_id) == (K.READY_FOR_PICKUP, event.aggregate_id)
    assert intent.data["pickup_code"] == event.pickup_code
    assert intent.data["expires_on"] == event.expires_on.isoformat()


def test_an_approved_return_is_mailed_and_an_approved_claim_is_not() -> None:
    approved = example_event(returns.ReturnApproved)
    assert kinds(approved) == [(K.RETURN_APPROVED, approved.order_id, approved.aggregate_id)]
    assert only(replace(approved, kind="exchange")).data["return_kind"] == "exchange"
    assert kinds(replace(approved, kind="claim")) == []


def test_a_refund_is_mailed_about_its_ledger_transaction() -> None:
    refund = example_event(payments.RefundIssued)
    intent = only(refund)
    assert (intent.kind, intent.order_id, intent.reference_id) == (
        K.REFUND_ISSUED,
        refund.order_id,
        refund.transaction_id,
    )
    assert intent.data["amount_minor"] == refund.amount_minor


def test_only_issued_store_credit_is_mailed_even_without_an_order() -> None:
    issued = replace(example_event(payments.StoreCreditChanged), order_id=None)
    intent = only(issued)
    assert (intent.kind, intent.order_id, intent.customer_id, intent.reference_id) == (
        K.STORE_CREDIT_ISSUED,
        None,
        issued.customer_id,
        issued.entry_id,
    )
    for kind in ("spend", "refund", "deduct", "restore"):
        assert kinds(replace(issued, kind=kind)) == []


def test_a_review_is_asked_once_every_unit_arrived() -> None:
    delivered = replace(example_event(orders.UnitsDelivered), all_delivered=True)
    assert kinds(delivered) == [(K.REVIEW_REQUEST, delivered.aggregate_id, None)]
    assert kinds(replace(delivered, all_delivered=False)) == []


def test_other_events_call_for_nothing() -> None:
    assert intents_for(example_event(orders.OrderCancelled)) == []
    assert intents_for(example_event(customers.CustomerErased)) == []
