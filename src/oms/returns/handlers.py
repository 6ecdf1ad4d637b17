"""Outbox consumers of the returns context.

``returns.refunds``: a resolved return or claim (``returns.return_completed.v1``,
``returns.claim_resolved.v1``) pays the refunds it decided. The request that resolved it pays
them right after its commit; this consumer makes that durable (a crash in between loses
nothing) and finds nothing more to do when the request did it, since payments keys each refund
by the id the decision stored. A provider that does not answer leaves the refund pending for
payments' sweeper; a failure is raised so the relay retries the event later.

``returns.exchanges``: an exchange's steps after its approval (``services.exchanges``): its
replacement order exists once approved, the replacement is released and a cheaper one's
difference refunded once every unit arrived, ``returns.exchange_shipped.v1`` follows the
replacement order's shipments, and a cancelled exchange's replacement order is cancelled.
Each step is idempotent under the return's lock.
"""

from __future__ import annotations

from oms import orders, payments
from oms.platform.settings import Settings
from oms.platform.subscriptions import Subscription
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.events import (
    ClaimResolved,
    ReturnApproved,
    ReturnCancelled,
    ReturnCompleted,
    ReturnEvent,
    ReturnReceived,
)
from oms.returns.services import exchanges
from oms.returns.services.refunds import pay_return
from oms.shared.events import Envelope

REFUNDS = "returns.refunds"
EXCHANGES = "returns.exchanges"
ACTOR = "system:returns"


def handle_return_resolved(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """Pay what the resolution decided (nothing more if it was paid already)."""
    providers = payments.build_providers(Settings(), uow)
    pay_return(envelope.event.aggregate_id, uow=uow, providers=providers)


def handle_exchange_step(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """Take an exchange one step on (returns of another kind, orders not linked: nothing)."""
    event = envelope.event
    if isinstance(event, orders.UnitsShipped):
        shipped = [(line.sku, line.quantity) for line in event.lines]
        exchanges.note_exchange_shipped(event.aggregate_id, shipped, uow=uow)
        return
    if not isinstance(event, ReturnEvent) or event.kind != "exchange":
        return
    if isinstance(event, ReturnApproved):
        exchanges.ensure_exchange_order(event.aggregate_id, actor=ACTOR, uow=uow)
    elif isinstance(event, ReturnReceived):
        providers = payments.build_providers(Settings(), uow)
        exchanges.settle_receipt(event.aggregate_id, actor=ACTOR, uow=uow, providers=providers)
    elif isinstance(event, ReturnCancelled):
        exchanges.withdraw_exchange_order(event.aggregate_id, actor=ACTOR, uow=uow)


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(
        consumer=REFUNDS,
        events=(ReturnCompleted, ClaimResolved),
        handler=handle_return_resolved,
    ),
    Subscription(
        consumer=EXCHANGES,
        events=(ReturnApproved, ReturnReceived, ReturnCancelled, orders.UnitsShipped),
        handler=handle_exchange_step,
    ),
)
