"""API schemas of webhooks: endpoints as an admin sends and reads them, deliveries and attempts.

The shapes are checked here (unknown fields refused, lengths); whether a URL may be called and
whether a pattern matches a registered event type are the services' checks, which name every
bad field at once. The secret appears only in ``WebhookWithSecretOut``: the responses of a
registration and of a rotation.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from oms.notifications.domain.targets import MAX_URL_LENGTH
from oms.notifications.domain.webhook_deliveries import Attempt, DeliveryStatus, WebhookDelivery
from oms.notifications.domain.webhooks import MAX_DESCRIPTION, MAX_PATTERNS, WebhookEndpoint
from oms.notifications.services.webhooks.deliveries import DeliveryRecord
from oms.platform.schemas import Input, Output

Pattern = Annotated[str, Field(min_length=1, max_length=200)]
Url = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        examples=["https://erp.example.com/oms-events"],
        description="http(s), no user name or password, a host that resolves to public "
        "addresses only (unless the deployment allows private targets).",
    ),
]
Patterns = Annotated[
    list[Pattern],
    Field(
        min_length=1,
        max_length=MAX_PATTERNS,
        examples=[["orders.*", "fulfilment.shipment_created.v1"]],
        description="Event types to receive: `*` (all), `<context>.*`, `<context>.<event>.*` "
        "(every version) or a full type; each must match a registered type.",
    ),
]


class WebhookIn(Input):
    url: Url
    event_types: Patterns
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    enabled: bool = True


class WebhookPatch(Input):
    """Only the fields given change. `enabled: true` on a disabled or failing endpoint clears
    its failure state and makes its waiting deliveries due at once."""

    url: Url | None = None
    event_types: Patterns | None = None
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    enabled: bool | None = None


class WebhookOut(Output):
    id: UUID
    url: str
    event_types: list[str]
    description: str
    enabled: bool
    disabled_reason: str | None = Field(
        description="Why it stopped: `the endpoint answered 410 Gone`, three days of failures, "
        "or an admin; null while enabled."
    )
    disabled_at: datetime | None
    failing_since: datetime | None = Field(
        description="The first failed attempt since the last success; null while healthy."
    )
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookOut:
        return cls(**_endpoint_fields(endpoint))


class WebhookWithSecretOut(WebhookOut):
    secret: str = Field(
        description="The signing secret (`whsec_...`) for Standard Webhooks verification. Shown "
        "only in this response: keep it now.",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )

    @classmethod
    def issued(cls, endpoint: WebhookEndpoint) -> WebhookWithSecretOut:
        return cls(**_endpoint_fields(endpoint), secret=endpoint.secret)


def _endpoint_fields(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "event_types": list(endpoint.event_types),
        "description": endpoint.description,
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
        "disabled_at": endpoint.disabled_at,
        "failing_since": endpoint.failing_since,
        "version": endpoint.version,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }


class WebhookDeliveryOut(Output):
    id: UUID
    webhook_id: UUID
    event_id: UUID = Field(description="Also the `webhook-id` header of every attempt.")
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_latency_ms: int | None
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="Null unless pending.")
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> WebhookDeliveryOut:
        return cls(**_delivery_fields(delivery))


class WebhookAttemptOut(Output):
    number: int
    attempted_at: datetime
    status_code: int | None = Field(description="Null when no response came.")
    latency_ms: int
    error: str | None

    @classmethod
    def of(cls, number: int, attempt: Attempt) -> WebhookAttemptOut:
        return cls(
            number=number,
            attempted_at=attempt.at,
            status_code=attempt.status_code,
            latency_ms=attempt.latency_ms,
            error=attempt.error,
        )


class WebhookDeliveryDetailOut(WebhookDeliveryOut):
    body: dict[str, Any] = Field(description="The JSON body every attempt sends.")
    history: list[WebhookAttemptOut] = Field(description="Every attempt, first first.")

    @classmethod
    def of_record(cls, record: DeliveryRecord) -> WebhookDeliveryDetailOut:
        return cls(
            **_delivery_fields(record.delivery),
            body=json.loads(record.delivery.body),
            history=[WebhookAttemptOut.of(n, a) for n, a in record.attempts],
        )


def _delivery_fields(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "webhook_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_latency_ms": delivery.last_latency_ms,
        "last_error": delivery.last_error,
        "next_attempt_at": delivery.next_attempt_at,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
    }
