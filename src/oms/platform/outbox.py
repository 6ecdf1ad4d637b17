"""The transactional outbox and its relay.

Every state change writes its events here in the same transaction. The relay delivers them
at-least-once, in the order they were written (so per aggregate too), to the publishers it was
given, then stamps ``published_at``. Only one relay delivers at a time: on PostgreSQL a
transaction-scoped advisory lock guards each batch, on SQLite the write lock does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
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
        """Deliver one batch; returns how many events were delivered."""
        with self.engine.connect() as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                locked = connection.execute(
                    text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _RELAY_LOCK_KEY}
                ).scalar_one()
                if not locked:
                    return 0
            rows = connection.execute(
                select(outbox_table)
                .where(outbox_table.c.published_at.is_(None))
                .order_by(outbox_table.c.position)
                .limit(self.batch_size)
            ).all()
            for row in rows:
                message = Message(
                    position=row.position,
                    event_id=row.event_id,
                    event_type=row.event_type,
                    aggregate_type=row.aggregate_type,
                    aggregate_id=row.aggregate_id,
                    payload=row.payload
                    if isinstance(row.payload, dict)
                    else json.loads(row.payload),
                    occurred_at=row.occurred_at,
                )
                for publisher in self.publishers:
                    publisher.publish(message)
            if rows:
                connection.execute(
                    update(outbox_table)
                    .where(outbox_table.c.position.in_([r.position for r in rows]))
                    .values(published_at=self.clock.now())
                )
            return len(rows)

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


class Loop(Protocol):
    def run_until(self, stop: threading.Event, interval: float) -> None: ...


def start_in_thread(loop: Loop, interval: float, name: str) -> Callable[[], None]:
    """Run a background loop in a daemon thread; returns a function that stops it."""
    stop = threading.Event()
    thread = threading.Thread(target=loop.run_until, args=(stop, interval), name=name)
    thread.daemon = True
    thread.start()

    def _stop() -> None:
        stop.set()
        thread.join(timeout=10)

    return _stop
