"""An endpoint's deliveries: the list, one delivery with its attempts, and a replay.

A replay queues the delivery again at once with the same body, so the receiver sees the same
``webhook-id`` and can tell it from a new event; it starts a new round of retries. An endpoint
that is disabled keeps a replayed delivery waiting until it is enabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms.notifications.domain.webhook_deliveries import Attempt, DeliveryNotFound, WebhookDelivery
from oms.notifications.domain.webhooks import WebhookNotFound
from oms.notifications.repository.webhook_deliveries import DELIVERIES, DeliveryFilter, ListKey
from oms.notifications.repository.webhooks import ENDPOINTS
from oms.platform.unit_of_work import Transaction, UnitOfWork


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """A delivery and its attempts, first first, numbered from 1."""

    delivery: WebhookDelivery
    attempts: list[tuple[int, Attempt]]


def list_deliveries(
    webhook_id: UUID,
    filters: DeliveryFilter,
    *,
    uow: UnitOfWork,
    after: ListKey | None,
    limit: int,
) -> list[WebhookDelivery]:
    """The endpoint's deliveries, newest first (404 for an endpoint that does not exist)."""
    with uow.read() as tx:
        _require_endpoint(tx, webhook_id)
        return tx.repo(DELIVERIES).page(webhook_id, filters, after=after, limit=limit)


def get_delivery(webhook_id: UUID, delivery_id: UUID, *, uow: UnitOfWork) -> DeliveryRecord:
    with uow.read() as tx:
        _require_endpoint(tx, webhook_id)
        deliveries = tx.repo(DELIVERIES)
        delivery = deliveries.get(webhook_id, delivery_id)
        if delivery is None:
            raise DeliveryNotFound(webhook_id, delivery_id)
        return DeliveryRecord(delivery, deliveries.attempts(delivery_id))


def replay_delivery(webhook_id: UUID, delivery_id: UUID, *, uow: UnitOfWork) -> WebhookDelivery:
    """Queue the delivery again now: same body, same ``webhook-id``, a new round."""
    with uow.begin() as tx:
        if tx.repo(ENDPOINTS).get(webhook_id, lock=True) is None:
            raise WebhookNotFound(webhook_id)
        deliveries = tx.repo(DELIVERIES)
        delivery = deliveries.get(webhook_id, delivery_id, lock=True)
        if delivery is None:
            raise DeliveryNotFound(webhook_id, delivery_id)
        delivery.replay(tx.now)
        deliveries.save(delivery)
    return delivery


def _require_endpoint(tx: Transaction, webhook_id: UUID) -> None:
    if tx.repo(ENDPOINTS).get(webhook_id) is None:
        raise WebhookNotFound(webhook_id)
