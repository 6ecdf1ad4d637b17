"""Outbox consumers of the fulfilment context.

``fulfilment.release`` hears every event of an order (placed, confirmed, held, released,
cancelled, edited, backorder filled, rerouted, shipped...) and makes the order's fulfilment
orders match it (``sync_fulfilment_orders``): it locks the order, then its FOs (the lock order),
and writes only what differs, so a repeated or out-of-date delivery finds nothing to change.

``fulfilment.completion`` hears the payment events that can settle what an order owes (a
capture, a won dispute): an order whose units all arrived completes when it is paid, whichever
of the two comes last (``orders.complete_if_done``).
"""

from __future__ import annotations

from oms import orders, payments
from oms.fulfilment.services.sync import sync_fulfilment_orders
from oms.platform.subscriptions import Subscription
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope

IGNORED = (orders.OrderPlaced,)
"""Events that cannot change an order's fulfilment orders by themselves: a placed order is
pending (no work released yet) or confirmed in the same transaction, whose ``OrderConfirmed``
follows. Skipping it halves the relay's work per placement (the consumer loads and locks the
order for every event it takes)."""

RELEASE = "fulfilment.release"
COMPLETION = "fulfilment.completion"
ACTOR = "system:fulfilment"


def handle_order_event(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """An order changed: bring its fulfilment orders in line (idempotent by construction)."""
    event = envelope.event
    if event.aggregate != "order":  # orders also publishes pricing configuration events
        return
    if isinstance(event, IGNORED):
        return
    with uow.begin():
        order = orders.order_for_fulfilment(event.aggregate_id, uow=uow)
        sync_fulfilment_orders(order, actor=ACTOR, uow=uow)


def handle_payment_settled(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """Money came in for an order: complete it if every unit arrived and it is now paid."""
    event = envelope.event
    assert isinstance(event, payments.PaymentCaptured | payments.ChargebackClosed)
    orders.complete_if_done(event.order_id, actor=ACTOR, uow=uow)


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(consumer=RELEASE, events=orders.EVENTS, handler=handle_order_event),
    Subscription(
        consumer=COMPLETION,
        events=(payments.PaymentCaptured, payments.ChargebackClosed),
        handler=handle_payment_settled,
    ),
)
"""The fulfilment context's consumers (``oms.fulfilment.SUBSCRIPTIONS`` re-exports them)."""
