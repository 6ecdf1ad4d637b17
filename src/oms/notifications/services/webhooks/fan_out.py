"""The webhook fan-out: one delivery per enabled endpoint that wants an event.

It runs for every event of the deployment (consumer ``notifications.webhooks``), so the common
case, no endpoint wants it, costs one small read and no write transaction (on SQLite no write
lock is taken). The body is built and stored here, whole: the outbox row is deleted a week
after its fan-out, and retries and replays must send the same bytes. Inserting skips a delivery
that exists, so a redelivered event adds nothing.

The endpoints are read outside the writing transaction: one disabled in between still gets this
delivery, which then waits like its other pending ones; one deleted in between fails the insert
(its endpoint is gone) and the relay delivers the event again, when it is no longer listed.
"""

from __future__ import annotations

from collections.abc import Iterable

from oms.notifications.domain.webhook_deliveries import DeliveryStatus, WebhookDelivery
from oms.notifications.domain.webhooks import encode_document, matches
from oms.notifications.repository.webhook_deliveries import DELIVERIES
from oms.notifications.repository.webhooks import ENDPOINTS
from oms.platform.event_catalogue import envelope_body
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope
from oms.shared.ids import new_id


def wanted_types(event_types: Iterable[str], *, uow: UnitOfWork) -> frozenset[str]:
    """Which of ``event_types`` some enabled endpoint wants (the relay asks once per batch)."""
    with uow.read() as tx:
        subscribed = tx.repo(ENDPOINTS).subscribed()
    patterns = {pattern for _, endpoint_patterns in subscribed for pattern in endpoint_patterns}
    return frozenset(t for t in event_types if any(matches(p, t) for p in patterns))


def fan_out(envelope: Envelope, *, uow: UnitOfWork) -> int:
    """Queue the event for every enabled endpoint whose patterns match it; how many new."""
    event_type = envelope.event.type
    with uow.read() as tx:
        subscribed = tx.repo(ENDPOINTS).subscribed()
    wanted = [
        endpoint_id
        for endpoint_id, patterns in subscribed
        if any(matches(pattern, event_type) for pattern in patterns)
    ]
    if not wanted:
        return 0
    body = encode_document(envelope_body(envelope))
    with uow.begin() as tx:
        deliveries = [
            WebhookDelivery(
                id=new_id(),
                endpoint_id=endpoint_id,
                event_id=envelope.event_id,
                event_type=event_type,
                body=body,
                status=DeliveryStatus.PENDING,
                created_at=tx.now,
                next_attempt_at=tx.now,
            )
            for endpoint_id in wanted
        ]
        return tx.repo(DELIVERIES).add_new(deliveries)
