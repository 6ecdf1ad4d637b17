"""Outbox consumers of the payments context: an order's cancellation and edits move its money,
an authorisation may release the order's payment hold and be captured, and a customer's erasure
removes what staff typed about them.

Each handler asks ``services.order_money`` to make the money match the order *as it stands*, so
a repeated delivery finds nothing left to do, and a provider that does not answer leaves the
movement pending for the sweeper. A handler opens its own units of work and calls providers
outside them (the relay holds no transaction). A failure (a movement still in flight, say) is
raised, so the relay retries the event later, in order for that order.
"""

from __future__ import annotations

from oms import customers, orders
from oms.payments.domain import PaymentAuthorized
from oms.payments.providers.registry import build_providers
from oms.payments.services.credit import erase_customer_texts
from oms.payments.services.order_money import (
    capture_authorized,
    capture_shipped_value,
    hold_until_paid,
    release_payment_hold_if_covered,
    settle_order_money,
)
from oms.platform.settings import Settings
from oms.platform.subscriptions import Subscription, first_delivery
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope

ORDER_MONEY = "payments.order_money"
AUTHORIZATIONS = "payments.authorizations"
ERASURE = "payments.erasure"
SHIPMENTS = "payments.shipments"


def handle_order_changed(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """A cancellation (whole or of lines) or a confirmed edit: a higher total waits under a
    ``payment`` hold until it is covered; anything else gives back what the order no longer
    costs (voids and refunds)."""
    event = envelope.event
    if isinstance(event, orders.OrderChanged) and event.difference.amount > 0:
        hold_until_paid(event.aggregate_id, uow=uow)
        return
    providers = build_providers(Settings(), uow)
    settle_order_money(event.aggregate_id, uow=uow, providers=providers)


def handle_payment_authorized(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """An authorisation succeeded: release the order's payment hold if it is now covered, and
    capture the tender when its channel captures at placement."""
    event = envelope.event
    assert isinstance(event, PaymentAuthorized)
    release_payment_hold_if_covered(event.order_id, uow=uow)
    providers = build_providers(Settings(), uow)
    capture_authorized(event.payment_id, uow=uow, providers=providers)
    capture_shipped_value(event.order_id, uow=uow, providers=providers)


def handle_units_shipped(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """Units shipped: a channel that captures at shipment captures what they are worth. The
    shipping request does it right after its commit; this consumer makes it durable (a crash
    in between loses nothing) and finds nothing left to do when the request did it."""
    capture_shipped_value(
        envelope.event.aggregate_id, uow=uow, providers=build_providers(Settings(), uow)
    )


def handle_customer_erased(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """A customer was erased: remove what staff typed about them, once per event."""
    with uow.begin():
        if first_delivery(uow, ERASURE, envelope):
            erase_customer_texts(envelope.event.aggregate_id, uow=uow)


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(
        consumer=ORDER_MONEY,
        events=(orders.OrderCancelled, orders.LinesCancelled, orders.OrderChanged),
        handler=handle_order_changed,
    ),
    Subscription(
        consumer=AUTHORIZATIONS, events=(PaymentAuthorized,), handler=handle_payment_authorized
    ),
    Subscription(consumer=SHIPMENTS, events=(orders.UnitsShipped,), handler=handle_units_shipped),
    Subscription(
        consumer=ERASURE, events=(customers.CustomerErased,), handler=handle_customer_erased
    ),
)
"""The payments context's consumers (``oms.payments.SUBSCRIPTIONS`` re-exports them)."""
