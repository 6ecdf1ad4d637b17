"""Routes of webhooks: endpoints (``/v1/webhooks``), their deliveries and replays.

Reading needs ``webhooks:read``, everything else ``webhooks:manage``. An endpoint's ``ETag`` is
its version; a change with a stale ``If-Match`` is refused with 412. The signing secret is in
the response that registers the endpoint and in the one that rotates it, never again.
Registration takes no ``Idempotency-Key`` on purpose (as API keys): a replay could only repeat
the secret if it were stored with the response; a lost response means delete or rotate.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from oms.notifications.domain.webhook_deliveries import DeliveryStatus
from oms.notifications.repository.webhook_deliveries import DeliveryFilter
from oms.notifications.schemas.webhooks import (
    WebhookDeliveryDetailOut,
    WebhookDeliveryOut,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
    WebhookWithSecretOut,
)
from oms.notifications.services.webhooks import deliveries, endpoints
from oms.notifications.services.webhooks.endpoints import WebhookRules
from oms.platform.http import IfMatch, Tagged, UoW, send_version
from oms.platform.pagination import BY_ID, BY_TIME, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["webhooks"])

Reader = Annotated[Principal, Depends(Requires(Permission.WEBHOOKS_READ))]
Manager = Annotated[Principal, Depends(Requires(Permission.WEBHOOKS_MANAGE))]


async def webhook_rules(request: Request) -> WebhookRules:
    """The deployment's event types (``app.state.event_registry``, set by the composition root)
    and whether private targets are allowed (its settings)."""
    registry = request.app.state.event_registry
    return WebhookRules(
        known_types=frozenset(cls.type for cls in registry),
        allow_private=request.app.state.settings.webhooks_allow_private_targets,
    )


Rules = Annotated[WebhookRules, Depends(webhook_rules)]


@router.post("/webhooks", status_code=201, responses=responses(401, 403, 422))
def create_webhook(
    body: WebhookIn, _: Manager, uow: UoW, rules: Rules, response: Tagged
) -> WebhookWithSecretOut:
    """Register an endpoint: its URL, the event types it receives (`orders.*`,
    `fulfilment.shipment_created.v1`, `*`), a description, enabled or not.

    The response carries the signing `secret` (`whsec_...`), shown this once. Refused with 422:
    a pattern that matches no registered event type (named), a URL that is not http(s) or
    carries a user name, and a host that does not resolve or resolves to a private, loopback,
    link-local or otherwise non-public address (`webhook-target-refused`, naming the address).
    """
    command = endpoints.CreateWebhook(
        url=body.url,
        event_types=body.event_types,
        description=body.description,
        enabled=body.enabled,
    )
    endpoint = endpoints.create_webhook(command, uow=uow, rules=rules)
    send_version(response, endpoint.version)
    response.headers["Location"] = f"/v1/webhooks/{endpoint.id}"
    return WebhookWithSecretOut.issued(endpoint)


@router.get("/webhooks", responses=responses(401, 403, 422))
def list_webhooks(
    _: Reader, uow: UoW, limit: Limit = 50, cursor: Cursor = None
) -> Page[WebhookOut]:
    """Endpoints in the order they were registered (secrets are never shown)."""
    key = read_cursor(cursor, BY_ID)
    found = endpoints.list_webhooks(uow=uow, after=key[0] if key else None, limit=limit + 1)
    return Page.of(found, limit, lambda e: (e.id,), WebhookOut.of)


@router.get("/webhooks/{webhook_id}", responses=responses(401, 403, 404))
def get_webhook(webhook_id: UUID, _: Reader, uow: UoW, response: Tagged) -> WebhookOut:
    """One endpoint; `ETag` is its version."""
    endpoint = endpoints.get_webhook(webhook_id, uow=uow)
    send_version(response, endpoint.version)
    return WebhookOut.of(endpoint)


@router.patch("/webhooks/{webhook_id}", responses=responses(401, 403, 404, 412, 422))
def update_webhook(
    webhook_id: UUID,
    body: WebhookPatch,
    _: Manager,
    uow: UoW,
    rules: Rules,
    response: Tagged,
    if_match: IfMatch,
) -> WebhookOut:
    """Change the URL, event types, description or `enabled` (only what is sent).

    `enabled: true` re-enables an endpoint that was disabled (by an admin, a `410 Gone` or three
    days of failures), clears its failure state and sends its waiting deliveries at once. With
    `If-Match` (optional), an endpoint changed since that ETag is refused with 412.
    """
    command = endpoints.UpdateWebhook(
        webhook_id=webhook_id,
        url=body.url,
        event_types=body.event_types,
        description=body.description,
        enabled=body.enabled,
        expected=if_match,
    )
    endpoint = endpoints.update_webhook(command, uow=uow, rules=rules)
    send_version(response, endpoint.version)
    return WebhookOut.of(endpoint)


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=responses(401, 403, 404))
def delete_webhook(webhook_id: UUID, _: Manager, uow: UoW) -> Response:
    """Delete an endpoint; its pending deliveries are dropped, its history goes with it."""
    endpoints.delete_webhook(webhook_id, uow=uow)
    return Response(status_code=204)


@router.post("/webhooks/{webhook_id}/secret", responses=responses(401, 403, 404, 412))
def issue_webhook_secret(
    webhook_id: UUID, _: Manager, uow: UoW, response: Tagged, if_match: IfMatch
) -> WebhookWithSecretOut:
    """Issue a new signing secret, shown in this response only. For a day, deliveries carry a
    signature with the previous secret too, so the receiver can switch without a gap."""
    endpoint = endpoints.rotate_secret(webhook_id, uow=uow, expected=if_match)
    send_version(response, endpoint.version)
    return WebhookWithSecretOut.issued(endpoint)


@router.get("/webhooks/{webhook_id}/deliveries", responses=responses(401, 403, 404, 422))
def list_webhook_deliveries(
    webhook_id: UUID,
    _: Reader,
    uow: UoW,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    event_type: Annotated[str | None, Query(max_length=120)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[WebhookDeliveryOut]:
    """The endpoint's deliveries, newest first: status, attempts, the last response's code,
    latency and error, and when the next attempt is due."""
    found = deliveries.list_deliveries(
        webhook_id,
        DeliveryFilter(status=status, event_type=event_type),
        uow=uow,
        after=read_cursor(cursor, BY_TIME),
        limit=limit + 1,
    )
    return Page.of(found, limit, lambda d: (d.created_at, d.id), WebhookDeliveryOut.of)


@router.get("/webhooks/{webhook_id}/deliveries/{delivery_id}", responses=responses(401, 403, 404))
def get_webhook_delivery(
    webhook_id: UUID, delivery_id: UUID, _: Reader, uow: UoW
) -> WebhookDeliveryDetailOut:
    """One delivery with the body it sends and every attempt (code, latency, error)."""
    record = deliveries.get_delivery(webhook_id, delivery_id, uow=uow)
    return WebhookDeliveryDetailOut.of_record(record)


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/replay",
    status_code=202,
    responses=responses(401, 403, 404),
)
def replay_webhook_delivery(
    webhook_id: UUID, delivery_id: UUID, _: Manager, uow: UoW
) -> WebhookDeliveryOut:
    """Queue the delivery again now, with the same body and `webhook-id` (the receiver can tell
    it is the same event). A disabled endpoint's replay waits until it is enabled."""
    delivery = deliveries.replay_delivery(webhook_id, delivery_id, uow=uow)
    return WebhookDeliveryOut.of(delivery)
