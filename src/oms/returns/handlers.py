"""Outbox consumers of the returns context.

``returns.refunds``: a resolved return or claim (``returns.return_completed.v1``,
``returns.claim_resolved.v1``) pays the refunds it decided. The request that resolved it pays
them right after its commit; this consumer makes that durable (a crash in between loses
nothing) and finds nothing more to do when the request did it, since payments keys each refund
by the id the decision stored. A provider that does not answer leaves the refund pending for
payments' sweeper; a failure is raised so the relay retries the event later.
"""

from __future__ import annotations

from oms import payments
from oms.platform.settings import Settings
from oms.platform.subscriptions import Subscription
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.events import ClaimResolved, ReturnCompleted
from oms.returns.services.refunds import pay_return
from oms.shared.events import Envelope

REFUNDS = "returns.refunds"


def handle_return_resolved(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """Pay what the resolution decided (nothing more if it was paid already)."""
    providers = payments.build_providers(Settings(), uow)
    pay_return(envelope.event.aggregate_id, uow=uow, providers=providers)


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(
        consumer=REFUNDS,
        events=(ReturnCompleted, ClaimResolved),
        handler=handle_return_resolved,
    ),
)
