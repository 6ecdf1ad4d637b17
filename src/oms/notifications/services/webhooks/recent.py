"""An endpoint's most recent deliveries, for an admin's screen (the staff console's webhook
page): the newest first, bounded, with no filter. The API's list (``deliveries.list_deliveries``)
pages and filters; a page that shows the latest few needs neither, nor the repository's filter
type."""

from __future__ import annotations

from uuid import UUID

from oms.notifications.domain.webhook_deliveries import WebhookDelivery
from oms.notifications.repository.webhook_deliveries import DeliveryFilter
from oms.notifications.services.webhooks.deliveries import list_deliveries
from oms.platform.unit_of_work import UnitOfWork

MOST = 200


def recent_deliveries(
    webhook_id: UUID, *, uow: UnitOfWork, limit: int = 20
) -> list[WebhookDelivery]:
    """The endpoint's latest ``limit`` deliveries (at most 200), newest first; 404 for an
    endpoint that does not exist."""
    return list_deliveries(
        webhook_id, DeliveryFilter(), uow=uow, after=None, limit=min(limit, MOST)
    )
