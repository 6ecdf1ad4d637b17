"""Where providers' notifications (Stripe's webhook events) are kept: once per event id.

The port ``NOTIFICATIONS`` is declared here (not in the package's ``__init__``) so that this
module is the only one to change when notifications change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.payments.tables.notifications import provider_notifications
from oms.platform.unit_of_work import Port

OUTCOME_LENGTH = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderNotification:
    """One notification as received: which provider, its event id and type, the payload as
    sent, and once applied to the ledger, when and with what outcome (in words)."""

    id: UUID
    provider: str
    event_id: str
    type: str
    received_at: datetime
    payload: dict[str, Any]
    processed_at: datetime | None = None
    outcome: str | None = None


class Notifications(Protocol):
    """Notifications received from payment providers."""

    def add(self, notification: ProviderNotification) -> bool:
        """Keep a notification unless one with its provider and event id is already kept;
        False when it was (a redelivery): the caller then leaves the ledger alone."""
        ...

    def get(
        self, provider: str, event_id: str, *, lock: bool = False
    ) -> ProviderNotification | None: ...

    def mark_processed(self, notification_id: UUID, *, at: datetime | None, outcome: str) -> None:
        """Stamp a notification as applied (``at``) with what it did, or say why it is not
        applied yet (``at`` None)."""
        ...

    def unprocessed(
        self, provider: str, *, since: datetime, limit: int
    ) -> list[ProviderNotification]:
        """Notifications received since ``since`` and not applied yet (their payment was not
        known), oldest first."""
        ...


def _notification(row: Row[Any]) -> ProviderNotification:
    return ProviderNotification(
        id=row.id,
        provider=row.provider,
        event_id=row.event_id,
        type=row.type,
        received_at=row.received_at,
        payload=row.payload,
        processed_at=row.processed_at,
        outcome=row.outcome,
    )


class SqlNotifications:
    """``Notifications`` on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, notification: ProviderNotification) -> bool:
        dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
        inserted = self.c.execute(
            dialect.insert(provider_notifications)
            .values(
                id=notification.id,
                provider=notification.provider,
                event_id=notification.event_id,
                type=notification.type,
                received_at=notification.received_at,
                processed_at=notification.processed_at,
                outcome=notification.outcome,
                payload=notification.payload,
            )
            .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        )
        return inserted.rowcount == 1

    def get(
        self, provider: str, event_id: str, *, lock: bool = False
    ) -> ProviderNotification | None:
        query = select(provider_notifications).where(
            provider_notifications.c.provider == provider,
            provider_notifications.c.event_id == event_id,
        )
        if lock and self.c.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.c.execute(query).first()
        return _notification(row) if row is not None else None

    def mark_processed(self, notification_id: UUID, *, at: datetime | None, outcome: str) -> None:
        self.c.execute(
            update(provider_notifications)
            .where(provider_notifications.c.id == notification_id)
            .values(processed_at=at, outcome=outcome[:OUTCOME_LENGTH])
        )

    def unprocessed(
        self, provider: str, *, since: datetime, limit: int
    ) -> list[ProviderNotification]:
        query = (
            select(provider_notifications)
            .where(
                provider_notifications.c.provider == provider,
                provider_notifications.c.processed_at.is_(None),
                provider_notifications.c.received_at >= since,
            )
            .order_by(provider_notifications.c.received_at, provider_notifications.c.id)
            .limit(limit)
        )
        return [_notification(row) for row in self.c.execute(query)]


NOTIFICATIONS: Port[Notifications] = Port("payments.notifications", SqlNotifications)

__all__ = ["NOTIFICATIONS", "Notifications", "ProviderNotification", "SqlNotifications"]
