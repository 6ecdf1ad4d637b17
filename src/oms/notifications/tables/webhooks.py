"""Tables of webhooks: endpoints (subscriptions), their deliveries and each delivery's attempts.

A delivery keeps the whole body it sends: the outbox row it came from is deleted by
housekeeping a week after its fan-out, and a replay months later must send the same bytes.
``(endpoint_id, event_id)`` is unique, so the fan-out consumer, delivered at least once, adds a
delivery once. The worker finds an endpoint's due deliveries by ``(endpoint_id, status,
next_attempt_at)`` and counts those in flight by ``(endpoint_id, locked_until)`` (only leased
rows have one); an endpoint's list reads ``(endpoint_id, created_at, id)``. Deleting an endpoint
deletes its deliveries and their attempts.

Secrets are stored as they are: every delivery is signed with them, so they cannot be hashed
like API keys; they never leave through the API after the response that issued them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from oms.notifications.domain.targets import MAX_URL_LENGTH
from oms.notifications.domain.webhook_deliveries import LAST_ERROR_LENGTH
from oms.notifications.domain.webhooks import MAX_DESCRIPTION
from oms.platform.database import UTCDateTime, metadata

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("url", String(MAX_URL_LENGTH), nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("description", String(MAX_DESCRIPTION), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("secret", String(100), nullable=False),
    Column("previous_secret", String(100), nullable=True),
    Column("previous_secret_until", UTCDateTime, nullable=True),
    Column("disabled_reason", String(300), nullable=True),
    Column("disabled_at", UTCDateTime, nullable=True),
    Column("failing_since", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("version >= 1", name="version_positive"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "endpoint_id",
        Uuid,
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", Uuid, nullable=False),
    Column("event_type", String(120), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("first_attempt_at", UTCDateTime, nullable=True),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_latency_ms", Integer, nullable=True),
    Column("last_error", String(LAST_ERROR_LENGTH), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    UniqueConstraint("endpoint_id", "event_id"),
    CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="status_known"),
    CheckConstraint(
        "status <> 'pending' OR next_attempt_at IS NOT NULL", name="pending_has_next_attempt"
    ),
    Index("ix_webhook_deliveries_due", "endpoint_id", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_leased", "endpoint_id", "locked_until"),
    Index("ix_webhook_deliveries_listed", "endpoint_id", "created_at", "id"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column(
        "delivery_id",
        Uuid,
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("number", Integer, nullable=False),
    Column("attempted_at", UTCDateTime, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("latency_ms", Integer, nullable=False),
    Column("error", String(LAST_ERROR_LENGTH), nullable=True),
    PrimaryKeyConstraint("delivery_id", "number"),
)
"""Every attempt of a delivery, numbered from 1 (the delivery's ``attempts`` after it)."""
