"""Webhook endpoints on SQLAlchemy Core, behind the ``ENDPOINTS`` port.

An endpoint is one row. Every write path loads it with ``get(lock=True)`` first (PostgreSQL
``FOR NO KEY UPDATE``, which does not block the fan-out's inserts of deliveries that reference
it; SQLite's writers are serialised by ``BEGIN IMMEDIATE``), so ``save`` may write by id. Lock
order, everywhere: the endpoint, then its deliveries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, delete, insert, select, update

from oms.notifications.domain.webhooks import WebhookEndpoint
from oms.notifications.tables.webhooks import webhook_endpoints
from oms.platform.unit_of_work import Port

_COLUMNS = (
    "url",
    "event_types",
    "description",
    "enabled",
    "secret",
    "previous_secret",
    "previous_secret_until",
    "disabled_reason",
    "disabled_at",
    "failing_since",
    "version",
    "created_at",
    "updated_at",
)


class Endpoints(Protocol):
    def add(self, endpoint: WebhookEndpoint) -> None:
        """Store a new endpoint."""
        ...

    def get(self, endpoint_id: UUID, *, lock: bool = False) -> WebhookEndpoint | None:
        """One endpoint; ``lock`` takes its row lock for a change."""
        ...

    def save(self, endpoint: WebhookEndpoint) -> None:
        """Store a locked endpoint as it is now."""
        ...

    def remove(self, endpoint_id: UUID) -> bool:
        """Delete an endpoint and (by cascade) its deliveries; whether it existed."""
        ...

    def page(self, *, after: UUID | None, limit: int) -> list[WebhookEndpoint]:
        """Endpoints in the order they were created (ids are time-ordered), after ``after``."""
        ...

    def subscribed(self) -> list[tuple[UUID, tuple[str, ...]]]:
        """The enabled endpoints' ids and patterns: what the fan-out matches events against."""
        ...

    def having(self, endpoint_ids: Sequence[UUID]) -> list[WebhookEndpoint]:
        """The endpoints among ``endpoint_ids`` that exist."""
        ...


class SqlEndpoints:
    """``Endpoints`` on one connection (one transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, endpoint: WebhookEndpoint) -> None:
        self.c.execute(insert(webhook_endpoints).values(id=endpoint.id, **_values(endpoint)))

    def get(self, endpoint_id: UUID, *, lock: bool = False) -> WebhookEndpoint | None:
        query = select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        if lock:
            query = query.with_for_update(key_share=True)
        row = self.c.execute(query).first()
        return None if row is None else _endpoint(row)

    def save(self, endpoint: WebhookEndpoint) -> None:
        self.c.execute(
            update(webhook_endpoints)
            .where(webhook_endpoints.c.id == endpoint.id)
            .values(_values(endpoint))
        )

    def remove(self, endpoint_id: UUID) -> bool:
        removed = self.c.execute(
            delete(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        ).rowcount
        return bool(removed)

    def page(self, *, after: UUID | None, limit: int) -> list[WebhookEndpoint]:
        query = select(webhook_endpoints).order_by(webhook_endpoints.c.id).limit(limit)
        if after is not None:
            query = query.where(webhook_endpoints.c.id > after)
        return [_endpoint(row) for row in self.c.execute(query)]

    def subscribed(self) -> list[tuple[UUID, tuple[str, ...]]]:
        t = webhook_endpoints
        rows = self.c.execute(select(t.c.id, t.c.event_types).where(t.c.enabled.is_(True)))
        return [(row.id, tuple(row.event_types)) for row in rows]

    def having(self, endpoint_ids: Sequence[UUID]) -> list[WebhookEndpoint]:
        if not endpoint_ids:
            return []
        query = select(webhook_endpoints).where(webhook_endpoints.c.id.in_(endpoint_ids))
        return [_endpoint(row) for row in self.c.execute(query)]


def _values(endpoint: WebhookEndpoint) -> dict[str, Any]:
    values = {name: getattr(endpoint, name) for name in _COLUMNS}
    values["event_types"] = list(endpoint.event_types)
    return values


def _endpoint(row: Row[Any]) -> WebhookEndpoint:
    values = {name: getattr(row, name) for name in _COLUMNS}
    values["event_types"] = tuple(row.event_types)
    return WebhookEndpoint(id=row.id, **values)


ENDPOINTS: Port[Endpoints] = Port("notifications.webhook_endpoints", SqlEndpoints)
