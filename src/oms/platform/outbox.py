"""The transactional outbox: the events of every state change, written in its transaction.

A business transaction writes one ``outbox`` row per event and nothing else (placement is a hot
path). The relay (``oms.platform.relay``) later fans each row out: it hands it to the publishers
(the log), writes one ``event_deliveries`` row per subscriber of its type and
stamps ``published_at``. Each subscriber then receives its events through its own rows, so one
that fails is retried with backoff while the others go on. Consumers record what they handled in
``handled_events`` (``oms.platform.subscriptions``), which makes at-least-once delivery safe.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import structlog
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
)

from oms.platform.database import BigId, UTCDateTime, metadata
from oms.platform.driver_sql import DriverInsert, binder
from oms.shared.events import Event
from oms.shared.ids import new_id

log = structlog.get_logger("oms.outbox")

LAST_ERROR_LENGTH = 500

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

event_deliveries = Table(
    "event_deliveries",
    metadata,
    Column("subscriber", String(120), primary_key=True),
    Column(
        "position",
        BigId,
        ForeignKey("outbox.position", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("aggregate_id", Uuid, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", String(LAST_ERROR_LENGTH), nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Index("ix_event_deliveries_pending", "subscriber", "delivered_at", "position"),
    Index("ix_event_deliveries_aggregate", "subscriber", "aggregate_id", "position"),
)
"""One row per (subscriber, event): the subscriber's own progress on the event.

``aggregate_id`` is copied from the outbox row so that "is an earlier event of this aggregate
still pending for this subscriber?" is answered from one index (per-aggregate order).
"""

handled_events = Table(
    "handled_events",
    metadata,
    Column("consumer", String(120), primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("handled_at", UTCDateTime, nullable=False),
)
"""Consumers record the events they handled here, in the same transaction as their effect."""


@dataclass(frozen=True, slots=True)
class Message:
    """One outbox row as publishers receive it: raw JSON, as a broker would carry it."""

    position: int
    event_id: UUID
    event_type: str
    aggregate_type: str
    aggregate_id: UUID
    payload: dict[str, Any]
    occurred_at: datetime


class Publisher(Protocol):
    """Sees every event once, when the relay fans it out; a failure retries the whole batch."""

    def publish(self, message: Message) -> None: ...


_APPEND = DriverInsert(
    "outbox",
    ("event_id", "event_type", "aggregate_type", "aggregate_id", "payload", "occurred_at"),
    json=("payload",),
)


def append(connection: Connection, events: Sequence[Event], occurred_at: datetime) -> None:
    """Write events in one statement (driver SQL written once per row count); called by the
    unit of work just before commit."""
    b = binder(connection)
    at = b.at(occurred_at)
    _APPEND.run(
        connection,
        [
            (b.uuid(new_id()), e.type, e.aggregate, b.uuid(e.aggregate_id), b.json(e.payload()), at)
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


def message(row: Any) -> Message:
    """The ``Message`` of an outbox row (SQLite may hand JSON back as text)."""
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
