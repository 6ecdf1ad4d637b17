"""The transactional outbox and its relay.

Every state change writes its events here in the same transaction. The relay delivers them
at-least-once, in the order they were written (so per aggregate too), to the publishers it was
given, then stamps ``published_at``. Only one relay delivers at a time: on PostgreSQL a
transaction-scoped advisory lock guards each batch, on SQLite the write lock does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import structlog
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    Index,
    String,
    Table,
    Uuid,
    insert,
    select,
    text,
    update,
)

from oms.platform.database import BigId, UTCDateTime, metadata
from oms.shared.clock import Clock, SystemClock
from oms.shared.events import Event
from oms.shared.ids import new_id

log = structlog.get_logger("oms.outbox")

outbox_table = Table(
    "outbox",
    metadata,
    Column("position", BigId, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("event_type", String(120), nullable=False),
    Column("aggregate_type", String(60), nullable=False),
    Column("aggregate_id", Uuid, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime, nullable=True),
    Index("ix_outbox_unpublished", "published_at", "position"),
)

handled_events = Table(
    "handled_events",
    metadata,
    Column("consumer", String(120), primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("handled_at", UTCDateTime, nullable=False),
)
"""Consumers record the events they handled here, in the same transaction as their effect."""

_RELAY_LOCK_KEY = 0x6F6D73_0001  # "oms" + 1: the advisory lock id of the relay


@dataclass(frozen=True, slots=True)
class Message:
    """One outbox row as delivered to publishers."""

    position: int
    event_id: UUID
    event_type: str
    aggregate_type: str
    aggregate_id: UUID
    payload: dict[str, Any]
    occurred_at: datetime


class Publisher(Protocol):
    def publish(self, message: Message) -> None: ...


def append(connection: Connection, events: Sequence[Event], occurred_at: datetime) -> None:
    """Write events in one statement; called by the unit of work just before commit."""
    connection.execute(
        insert(outbox_table),
        [
            {
                "event_id": new_id(),
                "event_type": e.type,
                "aggregate_type": e.aggregate,
                "aggregate_id": e.aggregate_id,
                "payload": e.payload(),
                "occurred_at": occurred_at,
            }
            for e in events
        ],
    )


class LogPublisher:
    """Writes each event as one debug log line (ids and types only, no personal data)."""

    def publish(self, message: Message) -> None:
        log.debug(
            "event",
            event_type=message.event_type,
            event_id=str(message.event_id),
            aggregate_id=str(message.aggregate_id),
            position=message.position,
        )


def _message(row: Any) -> Message:
    payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
    return Message(
        position=row.position,
        event_id=row.event_id,
        event_type=row.event_type,
        aggregate_type=row.aggregate_type,
        aggregate_id=row.aggregate_id,
        payload=payload,
        occurred_at=row.occurred_at,
    )


class Relay:
    """Moves outbox rows to publishers, oldest first."""

    def __init__(
        self,
        engine: Engine,
        publishers: Iterable[Publisher],
        *,
        clock: Clock | None = None,
        batch_size: int = 200,
    ) -> None:
        self.engine = engine
        self.publishers = list(publishers)
        self.clock = clock or SystemClock()
        self.batch_size = batch_size

    def run_once(self) -> int:
        """Deliver one batch; returns how many events were delivered.

        Publishers run outside any transaction, so a subscriber may write to the database (on
        SQLite a held write lock would block it). A publisher that fails stops the batch: what
        was delivered before it is marked, the rest is tried again next time.
        """
        with self.engine.connect() as guard:
            if not self._lock(guard):
                return 0
            try:
                rows = self._pending()
                delivered: list[int] = []
                try:
                    for row in rows:
                        message = _message(row)
                        for publisher in self.publishers:
                            publisher.publish(message)
                        delivered.append(row.position)
                finally:
                    self._mark(delivered)
                return len(delivered)
            finally:
                self._unlock(guard)

    def _lock(self, guard: Connection) -> bool:
        """One relay at a time (PostgreSQL session lock); SQLite runs one relay per file."""
        if guard.dialect.name != "postgresql":
            return True
        locked = guard.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": _RELAY_LOCK_KEY}
        ).scalar_one()
        guard.commit()
        return bool(locked)

    def _unlock(self, guard: Connection) -> None:
        if guard.dialect.name == "postgresql":
            guard.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _RELAY_LOCK_KEY})
            guard.commit()

    def _pending(self) -> list[Any]:
        with self.engine.connect().execution_options(oms_write=False) as c, c.begin():
            return list(
                c.execute(
                    select(outbox_table)
                    .where(outbox_table.c.published_at.is_(None))
                    .order_by(outbox_table.c.position)
                    .limit(self.batch_size)
                ).all()
            )

    def _mark(self, positions: list[int]) -> None:
        if positions:
            with self.engine.begin() as c:
                c.execute(
                    update(outbox_table)
                    .where(outbox_table.c.position.in_(positions))
                    .values(published_at=self.clock.now())
                )

    def drain(self) -> int:
        """Deliver until nothing is pending; returns the total delivered."""
        total = 0
        while delivered := self.run_once():
            total += delivered
        return total

    def run_until(self, stop: threading.Event, interval: float) -> None:
        """Loop until ``stop`` is set, sleeping ``interval`` when idle; survives errors."""
        while not stop.is_set():
            try:
                delivered = self.run_once()
            except Exception:
                log.exception("relay_batch_failed")
                delivered = 0
            if not delivered:
                stop.wait(interval)
