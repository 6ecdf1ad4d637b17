"""In-process consumers of events: who handles which event types, each event at most once.

A context declares its consumers as ``Subscription``s (``oms.orders.SUBSCRIPTIONS``): a stable
name, the event classes it handles and the handler. The relay gives each subscription its own
delivery rows, so its failures and retries touch no other consumer. A handler records the ids of
the events it handled in ``handled_events`` (``first_delivery``) in the same transaction as its
effect, so the relay's at-least-once delivery becomes an exactly-once effect.

A subscription that talks to the world outside the database (a message broker) is ``dedicated``:
the relay's pass leaves it out and the worker delivers to it in a loop of its own, so a slow or
unreachable destination holds back no other subscriber. Such a handler raises
``SubscriberUnavailable`` when its destination cannot be reached at all, and may be ``Closable``
(its connections are closed when its loop stops).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from uuid import UUID

from sqlalchemy.dialects import postgresql, sqlite

from oms.platform.outbox import handled_events
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope, Event

CONSUMER_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
"""``context.consumer`` (``orders.backorders``): the name its delivery rows are kept under."""


class Handler(Protocol):
    """Handles one delivered event in its own unit of work (the relay holds no transaction)."""

    def __call__(self, envelope: Envelope, /, *, uow: UnitOfWork) -> None: ...


class Wanted(Protocol):
    """Reads, in its own unit of work, which of its event types a subscriber wants now."""

    def __call__(self, *, uow: UnitOfWork) -> Collection[str]: ...


@dataclass(frozen=True, kw_only=True)
class Subscription:
    """A named consumer and the event classes it handles.

    The name is stored in each delivery row: renaming a subscription starts a new consumer with
    no history, so a name is kept as long as the consumer exists.
    """

    consumer: str
    events: tuple[type[Event], ...]
    handler: Handler
    dedicated: bool = False
    """Delivered by a loop of its own (``Relay.dedicated_loops``), not by the relay's pass: for
    subscribers whose handler waits on the network, so their waits and outages are theirs."""
    wanted: Wanted | None = None
    """The event types the subscriber wants at the moment, asked once per fan-out batch; None
    means every type it subscribes to. A subscriber of every type whose interest depends on data
    (the webhook fan-out: what the enabled endpoints ask for) then gets delivery rows only for
    what it wants, so while nobody wants anything it costs the relay nothing."""

    def __post_init__(self) -> None:
        if not CONSUMER_PATTERN.match(self.consumer):
            raise ValueError(f"consumer {self.consumer!r} is not named context.consumer")
        if not self.events:
            raise ValueError(f"consumer {self.consumer!r} subscribes to no event")

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(e.type for e in self.events)


class SubscriberUnavailable(Exception):
    """The handler's destination cannot be reached at all (a broker that is down or refuses
    the connection): not this event's fault. The relay records the failed attempt and ends the
    subscriber's batch there, since every other event would fail the same way; its loop waits
    before the next try."""


@runtime_checkable
class Closable(Protocol):
    """A handler that holds connections; its dedicated loop closes it when the loop stops."""

    def close(self) -> None: ...


class Identified(Protocol):
    @property
    def event_id(self) -> UUID: ...


def first_delivery(uow: UnitOfWork, consumer: str, delivered: Identified) -> bool:
    """Inside ``uow``'s transaction: record the event as handled; False if it already was."""
    with uow.begin() as tx:
        dialect = postgresql if tx.dialect == "postgresql" else sqlite
        inserted = tx.connection.execute(
            dialect.insert(handled_events)
            .values(consumer=consumer, event_id=delivered.event_id, handled_at=tx.now)
            .on_conflict_do_nothing()
            .returning(handled_events.c.event_id)
        ).first()
    return inserted is not None
