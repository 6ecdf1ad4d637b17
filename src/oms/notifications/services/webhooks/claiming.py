"""Claiming due deliveries and recording how each attempt went: the two short transactions
around every webhook sent (the HTTP call itself runs between them, outside any transaction).

``claim_due`` leases up to ``slots`` due deliveries, at most ``PER_ENDPOINT`` in flight per
endpoint across every worker (a slow endpoint ties up two senders, never all of them), taking
endpoints in random order so that none is always served last. ``record_attempt`` takes the
endpoint's lock, then the delivery's (the lock order of every write path), keeps the attempt in
the history, lets the delivery decide what comes next (``WebhookDelivery.record``) and the
endpoint whether it must stop (``WebhookEndpoint.note_attempt``: a 410, three days of failure).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from oms.notifications.domain.targets import WebhookTarget
from oms.notifications.domain.webhook_deliveries import Attempt, RetrySchedule, WebhookDelivery
from oms.notifications.repository.webhook_deliveries import DELIVERIES
from oms.notifications.repository.webhooks import ENDPOINTS
from oms.platform.unit_of_work import UnitOfWork

PER_ENDPOINT = 2
"""Deliveries in flight to one endpoint at most, across every worker."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Outgoing:
    """A claimed delivery, with everything needed to send it without the database."""

    delivery_id: UUID
    endpoint_id: UUID
    event_id: UUID
    target: WebhookTarget
    body: str
    secrets: tuple[str, ...]
    lease: datetime
    """The ``locked_until`` it was claimed with: the claim's token when the outcome is saved."""


def claim_due(*, uow: UnitOfWork, slots: int, lease_for: timedelta) -> list[Outgoing]:
    """Lease up to ``slots`` due deliveries for ``lease_for``; what to send."""
    if slots <= 0:
        return []
    with uow.read() as tx:  # idle most of the time: no write lock (SQLite) just to find nothing
        if not tx.repo(DELIVERIES).due_endpoints(tx.now):
            return []
    with uow.begin() as tx:
        deliveries = tx.repo(DELIVERIES)
        deliveries.serialise_claims()
        until = tx.now + lease_for
        candidates = deliveries.due_endpoints(tx.now)
        random.shuffle(candidates)
        claimed: list[WebhookDelivery] = []
        for endpoint_id, in_flight in candidates:
            room = min(PER_ENDPOINT - in_flight, slots - len(claimed))
            if room > 0:
                claimed += deliveries.claim(endpoint_id, now=tx.now, limit=room, until=until)
            if len(claimed) >= slots:
                break
        endpoints = {e.id: e for e in tx.repo(ENDPOINTS).having([d.endpoint_id for d in claimed])}
        return [
            Outgoing(
                delivery_id=delivery.id,
                endpoint_id=delivery.endpoint_id,
                event_id=delivery.event_id,
                target=WebhookTarget.parse(endpoints[delivery.endpoint_id].url),
                body=delivery.body,
                secrets=endpoints[delivery.endpoint_id].signing_secrets(tx.now),
                lease=until,
            )
            for delivery in claimed
        ]


def record_attempt(
    outgoing: Outgoing,
    attempt: Attempt,
    *,
    uow: UnitOfWork,
    schedule: RetrySchedule,
    draw: float,
) -> None:
    """Keep the attempt and its consequences (nothing when the endpoint or delivery was deleted
    meanwhile). ``draw`` in [-1, 1] spreads the next retry."""
    with uow.begin() as tx:
        endpoints = tx.repo(ENDPOINTS)
        endpoint = endpoints.get(outgoing.endpoint_id, lock=True)
        deliveries = tx.repo(DELIVERIES)
        delivery = (
            None
            if endpoint is None
            else deliveries.get(outgoing.endpoint_id, outgoing.delivery_id, lock=True)
        )
        if endpoint is None or delivery is None:
            return
        delivery.record(attempt, lease=outgoing.lease, schedule=schedule, draw=draw)
        deliveries.add_attempt(delivery.id, delivery.attempts, attempt)
        deliveries.save(delivery)
        if endpoint.note_attempt(
            succeeded=attempt.succeeded, status_code=attempt.status_code, at=attempt.at
        ):
            endpoints.save(endpoint)
