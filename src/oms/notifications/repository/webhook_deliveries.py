"""Webhook deliveries and their attempts on SQLAlchemy Core, behind the ``DELIVERIES`` port.

Claiming is how several workers share the sending. It runs in one short write transaction:

1. ``serialise_claims``: on PostgreSQL a transaction-scoped advisory lock, so two workers never
   count an endpoint's deliveries in flight at the same moment (at most 2 per endpoint holds
   across workers); SQLite's ``BEGIN IMMEDIATE`` serialises the claim already.
2. ``due_endpoints``: the enabled endpoints that have a due delivery, each with how many of its
   deliveries are in flight (leased). Disabled endpoints' waiting deliveries are never scanned.
3. ``claim``: per endpoint, its oldest due deliveries ``FOR UPDATE SKIP LOCKED`` (a row a
   replay or an outcome is writing is skipped, not waited for), leased until the given time.

Saving a delivery writes its row by id: callers lock it first (``get(lock=True)``), after its
endpoint (the lock order of ``repository.webhooks``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, Row, and_, exists, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.notifications.domain.webhook_deliveries import Attempt, DeliveryStatus, WebhookDelivery
from oms.notifications.tables.webhooks import (
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
)
from oms.platform.unit_of_work import Port

ListKey = tuple[datetime, UUID]
"""Where a page of an endpoint's deliveries ends: (created_at, id) of its last delivery."""

_CLAIM_LOCK_KEY = 0x6F6D73_0C01
"""The advisory lock that serialises claims on PostgreSQL ("oms" + webhooks' 0x0c01)."""

_MUTABLE = (
    "status",
    "attempts",
    "first_attempt_at",
    "next_attempt_at",
    "locked_until",
    "last_status_code",
    "last_latency_ms",
    "last_error",
    "delivered_at",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryFilter:
    status: DeliveryStatus | None = None
    event_type: str | None = None


class Deliveries(Protocol):
    def add_new(self, deliveries: Sequence[WebhookDelivery]) -> int:
        """Store deliveries, skipping any (endpoint, event) already there; how many were new."""
        ...

    def get(
        self, endpoint_id: UUID, delivery_id: UUID, *, lock: bool = False
    ) -> WebhookDelivery | None:
        """One of the endpoint's deliveries; ``lock`` takes its row lock."""
        ...

    def save(self, delivery: WebhookDelivery) -> None:
        """Store a locked delivery as it is now."""
        ...

    def add_attempt(self, delivery_id: UUID, number: int, attempt: Attempt) -> None:
        """Keep one attempt in the delivery's history."""
        ...

    def attempts(self, delivery_id: UUID) -> list[tuple[int, Attempt]]:
        """The delivery's attempts, first first, with their numbers."""
        ...

    def page(
        self, endpoint_id: UUID, filters: DeliveryFilter, *, after: ListKey | None, limit: int
    ) -> list[WebhookDelivery]:
        """The endpoint's deliveries, newest first, after ``after``."""
        ...

    def wake(self, endpoint_id: UUID, at: datetime) -> None:
        """Make the endpoint's pending deliveries due at ``at`` (it was enabled again)."""
        ...

    def serialise_claims(self) -> None:
        """Wait until no other worker is claiming (until this transaction ends)."""
        ...

    def due_endpoints(self, now: datetime) -> list[tuple[UUID, int]]:
        """Enabled endpoints with a delivery due at ``now``, with how many are in flight."""
        ...

    def claim(
        self, endpoint_id: UUID, *, now: datetime, limit: int, until: datetime
    ) -> list[WebhookDelivery]:
        """Lease up to ``limit`` of the endpoint's due deliveries until ``until``, oldest due
        first."""
        ...

    def prune(self, created_before: datetime, *, limit: int) -> int:
        """Delete up to ``limit`` finished deliveries (succeeded or failed) created before
        ``created_before``, with their attempts; how many went."""
        ...


class SqlDeliveries:
    """``Deliveries`` on one connection (one transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def prune(self, created_before: datetime, *, limit: int) -> int:
        return _prune(self.c, created_before, limit=limit)

    def add_new(self, deliveries: Sequence[WebhookDelivery]) -> int:
        if not deliveries:
            return 0
        dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(webhook_deliveries).on_conflict_do_nothing(
            index_elements=["endpoint_id", "event_id"]
        )
        rows = [_row_values(d) for d in deliveries]
        return int(self.c.execute(statement, rows).rowcount)

    def get(
        self, endpoint_id: UUID, delivery_id: UUID, *, lock: bool = False
    ) -> WebhookDelivery | None:
        d = webhook_deliveries
        query = select(d).where(d.c.id == delivery_id, d.c.endpoint_id == endpoint_id)
        if lock:
            query = query.with_for_update()
        row = self.c.execute(query).first()
        return None if row is None else _delivery(row)

    def save(self, delivery: WebhookDelivery) -> None:
        d = webhook_deliveries
        values = {name: getattr(delivery, name) for name in _MUTABLE}
        self.c.execute(update(d).where(d.c.id == delivery.id).values(values))

    def add_attempt(self, delivery_id: UUID, number: int, attempt: Attempt) -> None:
        self.c.execute(
            webhook_attempts.insert().values(
                delivery_id=delivery_id,
                number=number,
                attempted_at=attempt.at,
                status_code=attempt.status_code,
                latency_ms=attempt.latency_ms,
                error=attempt.error,
            )
        )

    def attempts(self, delivery_id: UUID) -> list[tuple[int, Attempt]]:
        a = webhook_attempts
        rows = self.c.execute(
            select(a).where(a.c.delivery_id == delivery_id).order_by(a.c.number)
        ).all()
        return [
            (
                row.number,
                Attempt(
                    at=row.attempted_at,
                    status_code=row.status_code,
                    latency_ms=row.latency_ms,
                    error=row.error,
                ),
            )
            for row in rows
        ]

    def page(
        self, endpoint_id: UUID, filters: DeliveryFilter, *, after: ListKey | None, limit: int
    ) -> list[WebhookDelivery]:
        d = webhook_deliveries
        query = select(d).where(d.c.endpoint_id == endpoint_id)
        if filters.status is not None:
            query = query.where(d.c.status == filters.status.value)
        if filters.event_type is not None:
            query = query.where(d.c.event_type == filters.event_type)
        if after is not None:
            at, last = after
            query = query.where(or_(d.c.created_at < at, and_(d.c.created_at == at, d.c.id < last)))
        query = query.order_by(d.c.created_at.desc(), d.c.id.desc()).limit(limit)
        return [_delivery(row) for row in self.c.execute(query)]

    def wake(self, endpoint_id: UUID, at: datetime) -> None:
        d = webhook_deliveries
        self.c.execute(
            update(d)
            .where(
                d.c.endpoint_id == endpoint_id,
                d.c.status == DeliveryStatus.PENDING.value,
                d.c.next_attempt_at > at,
            )
            .values(next_attempt_at=at)
        )

    def serialise_claims(self) -> None:
        if self.c.dialect.name == "postgresql":
            self.c.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CLAIM_LOCK_KEY})

    def due_endpoints(self, now: datetime) -> list[tuple[UUID, int]]:
        e, d = webhook_endpoints, webhook_deliveries
        in_flight = (
            select(func.count())
            .where(
                d.c.endpoint_id == e.c.id,
                d.c.locked_until > now,
                d.c.status == DeliveryStatus.PENDING.value,
            )
            .scalar_subquery()
        )
        due = exists(select(d.c.id).where(*_due(now, e.c.id)))
        query = select(e.c.id, in_flight).where(e.c.enabled.is_(True), due)
        return [(row[0], int(row[1])) for row in self.c.execute(query)]

    def claim(
        self, endpoint_id: UUID, *, now: datetime, limit: int, until: datetime
    ) -> list[WebhookDelivery]:
        d = webhook_deliveries
        rows = self.c.execute(
            select(d)
            .where(*_due(now, endpoint_id))
            .order_by(d.c.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = [_delivery(row) for row in rows]
        if claimed:
            self.c.execute(
                update(d).where(d.c.id.in_([c.id for c in claimed])).values(locked_until=until)
            )
        for delivery in claimed:
            delivery.locked_until = until
        return claimed


def _due(now: datetime, endpoint: Any) -> tuple[ColumnElement[bool], ...]:
    """An endpoint's deliveries due at ``now`` and not leased (a lease past is expired)."""
    d = webhook_deliveries
    return (
        d.c.endpoint_id == endpoint,
        d.c.status == DeliveryStatus.PENDING.value,
        d.c.next_attempt_at <= now,
        or_(d.c.locked_until.is_(None), d.c.locked_until <= now),
    )


def _row_values(delivery: WebhookDelivery) -> dict[str, Any]:
    values = {name: getattr(delivery, name) for name in _MUTABLE}
    return values | {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "body": delivery.body,
        "created_at": delivery.created_at,
    }


def _delivery(row: Row[Any]) -> WebhookDelivery:
    values = {name: getattr(row, name) for name in _MUTABLE}
    values["status"] = DeliveryStatus(row.status)
    return WebhookDelivery(
        id=row.id,
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        event_type=row.event_type,
        body=row.body,
        created_at=row.created_at,
        **values,
    )


DELIVERIES: Port[Deliveries] = Port("notifications.webhook_deliveries", SqlDeliveries)


FINISHED = (DeliveryStatus.SUCCEEDED.value, DeliveryStatus.FAILED.value)


def _prune(connection: Connection, created_before: datetime, *, limit: int) -> int:
    """``SqlDeliveries.prune``: the oldest finished deliveries first, their attempts before them
    (not left to the foreign key's cascade)."""
    d = webhook_deliveries
    doomed = [
        row.id
        for row in connection.execute(
            select(d.c.id)
            .where(d.c.status.in_(FINISHED), d.c.created_at < created_before)
            .order_by(d.c.created_at)
            .limit(limit)
        )
    ]
    if not doomed:
        return 0
    connection.execute(webhook_attempts.delete().where(webhook_attempts.c.delivery_id.in_(doomed)))
    connection.execute(d.delete().where(d.c.id.in_(doomed)))
    return len(doomed)
