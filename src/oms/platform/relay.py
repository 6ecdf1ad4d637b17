"""The relay: fans outbox events out, then delivers them to each subscriber on its own.

One pass (``run_once``) has two steps:

1. **Fan-out.** The oldest unpublished outbox rows go to every publisher (the log); then one
   write transaction adds a delivery row per subscriber of each row's type and stamps
   ``published_at``. The business transaction wrote only the outbox row: the fan-out cost
   is paid here, in batches, off the hot path.
2. **Delivery.** For each subscriber, its due delivery rows are read (oldest first), decoded into
   typed events with the registry and handed to its handler *outside* any transaction (so on
   SQLite the handler can take the write lock itself). One write transaction then marks them
   delivered, or records the failure: attempts, last error and the next attempt after an
   exponential backoff.

At-least-once: a crash after a handler ran and before its row was marked delivers it again;
handlers are idempotent (``first_delivery``). Order per aggregate and subscriber: an event waits
while an earlier event of its aggregate is pending for that subscriber, so a failing subscriber
holds back only its own later events of the same aggregate, and no other subscriber at all.
One relay runs a pass at a time: on PostgreSQL a session advisory lock, on SQLite a file lock.

**Dedicated subscribers.** A subscription marked ``dedicated`` (the broker publisher) is left out
of the pass: ``dedicated_loops()`` gives one ``DedicatedLoop`` per such subscriber, which the
worker runs in a thread of its own under a lock of its own (derived from the consumer name), so
a slow or unreachable destination holds back neither the fan-out nor any other subscriber. The
delivery step, its order per aggregate and its backoff are the same code. ``drain()`` (tests,
the demo) delivers to them too, so "drain, then look" still sees everything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple
from uuid import UUID

import structlog
from sqlalchemy import Connection, Engine, Select, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.platform.outbox import (
    LAST_ERROR_LENGTH,
    Publisher,
    event_deliveries,
    message,
    outbox_table,
)
from oms.platform.relay_lock import RELAY_LOCK, PassLock
from oms.platform.subscriptions import Closable, SubscriberUnavailable, Subscription
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock, SystemClock
from oms.shared.events import Envelope, EventRegistry

log = structlog.get_logger("oms.relay")

_LONGEST_EXPONENT = 30  # 2**30 first delays are far beyond any cap; keeps timedelta in range


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long a subscriber waits after its n-th failed attempt at one event: doubling, capped.

    No jitter: one relay retries, so there is no herd of clients to spread out.
    """

    first: timedelta = timedelta(seconds=1)
    longest: timedelta = timedelta(minutes=10)

    def after(self, attempts: int) -> timedelta:
        doubled: timedelta = self.first * 2 ** min(attempts - 1, _LONGEST_EXPONENT)
        return min(doubled, self.longest)


class Pass(NamedTuple):
    """What one delivery pass did for one subscriber."""

    delivered: int = 0
    unavailable: bool = False
    """It ended early: the subscriber's destination could not be reached at all."""


class _Failure(NamedTuple):
    error: str
    unavailable: bool


class Relay:
    """Moves outbox events to publishers and subscribers; see the module docstring."""

    def __init__(
        self,
        engine: Engine,
        *,
        registry: EventRegistry,
        subscriptions: Iterable[Subscription] = (),
        publishers: Iterable[Publisher] = (),
        unit_of_work: Callable[[], UnitOfWork] | None = None,
        clock: Clock | None = None,
        batch_size: int = 200,
        backoff: Backoff | None = None,
    ) -> None:
        self.engine = engine
        self.registry = registry
        self.subscriptions = list(subscriptions)
        self.publishers = list(publishers)
        self.clock = clock or SystemClock()
        self.unit_of_work = unit_of_work or (lambda: UnitOfWork(engine, self.clock))
        self.batch_size = batch_size
        self.backoff = backoff or Backoff()
        self._subscribers_of = _routes(registry, self.subscriptions)
        self._shared = [s for s in self.subscriptions if not s.dedicated]
        self._dedicated = tuple(DedicatedLoop(self, s) for s in self.subscriptions if s.dedicated)

    def run_once(self) -> int:
        """One pass (the fan-out, then every subscriber that is not dedicated); returns how many
        events were fanned out plus how many were delivered.

        Failed attempts do not count, so ``drain`` ends while a subscriber is backing off.
        """
        with RELAY_LOCK.held(self.engine) as alone:
            if not alone:
                return 0
            progress = self._fan_out()
            for subscription in self._shared:
                progress += self.deliver(subscription).delivered
            return progress

    def drain(self, *, include_dedicated: bool = True) -> int:
        """Run passes until one makes no progress; returns the total. Dedicated subscribers are
        delivered to as well (each under its own lock) unless ``include_dedicated`` is False."""
        total = 0
        while True:
            progress = self.run_once()
            if include_dedicated:
                progress += sum(loop.run_once() for loop in self._dedicated)
            if not progress:
                return total
            total += progress

    def dedicated_loops(self) -> tuple[DedicatedLoop, ...]:
        """One loop per dedicated subscriber, for the worker to run in threads of their own."""
        return self._dedicated

    def run_until(self, stop: threading.Event, interval: float) -> None:
        """Loop until ``stop`` is set, sleeping ``interval`` when idle; survives errors."""
        while not stop.is_set():
            try:
                progress = self.run_once()
            except Exception:
                log.exception("relay_batch_failed")
                progress = 0
            if not progress:
                stop.wait(interval)

    def _fan_out(self) -> int:
        with self._reading() as c:
            rows = c.execute(
                select(outbox_table)
                .where(outbox_table.c.published_at.is_(None))
                .order_by(outbox_table.c.position)
                .limit(self.batch_size)
            ).all()
        if not rows:
            return 0
        deliveries: list[dict[str, Any]] = []
        now = self.clock.now()
        wanting = self._interest()
        for row in rows:
            published = message(row)
            for publisher in self.publishers:
                publisher.publish(published)
            if published.event_type not in self.registry:
                log.warning(
                    "unknown_event_type",
                    event_type=published.event_type,
                    position=published.position,
                )
            deliveries.extend(
                {
                    "subscriber": name,
                    "position": row.position,
                    "aggregate_id": row.aggregate_id,
                    "attempts": 0,
                    "next_attempt_at": now,
                }
                for name in self._subscribers_of.get(published.event_type, ())
                if name not in wanting or published.event_type in wanting[name]
            )
        positions = [row.position for row in rows]
        with self.engine.begin() as c:
            if deliveries:
                c.execute(_insert_new_deliveries(c), deliveries)
            c.execute(
                update(outbox_table)
                .where(
                    outbox_table.c.position.in_(positions), outbox_table.c.published_at.is_(None)
                )
                .values(published_at=now)
            )
        return len(rows)

    def _interest(self) -> dict[str, frozenset[str]]:
        """What each subscriber with a ``wanted`` reader wants now (one read per fan-out batch).
        A reader that fails wants everything: a needless delivery row is harmless, a lost one
        is not."""
        interest: dict[str, frozenset[str]] = {}
        for subscription in self.subscriptions:
            if subscription.wanted is None:
                continue
            try:
                interest[subscription.consumer] = frozenset(
                    subscription.wanted(uow=self.unit_of_work())
                )
            except Exception:
                log.exception("subscriber_interest_unknown", subscriber=subscription.consumer)
        return interest

    def deliver(self, subscription: Subscription) -> Pass:
        """Hand ``subscription`` its due events (one batch) and record the outcome. The caller
        holds the pass's lock: the relay's own, or the dedicated loop's."""
        with self._reading() as c:
            due = c.execute(self._due(subscription.consumer)).all()
        blocked: set[UUID] = set()
        delivered: list[int] = []
        failed: list[tuple[Any, str]] = []
        unavailable = False
        try:
            for row in due:
                if row.aggregate_id in blocked:
                    continue
                failure = self._hand_over(subscription, row)
                if failure is None:
                    delivered.append(row.position)
                    continue
                blocked.add(row.aggregate_id)
                failed.append((row, failure.error))
                if failure.unavailable:
                    unavailable = True
                    break
        finally:
            self._record(subscription.consumer, delivered, failed)
        return Pass(len(delivered), unavailable)

    def _due(self, consumer: str) -> Select[Any]:
        """The subscriber's due rows, oldest first, whose aggregate has no earlier row waiting."""
        now = self.clock.now()
        d, o = event_deliveries.alias("d"), outbox_table
        earlier = event_deliveries.alias("earlier")
        earlier_waiting = (
            select(literal(1))
            .where(
                earlier.c.subscriber == d.c.subscriber,
                earlier.c.aggregate_id == d.c.aggregate_id,
                earlier.c.position < d.c.position,
                earlier.c.delivered_at.is_(None),
                earlier.c.next_attempt_at > now,
            )
            .exists()
        )
        return (
            select(
                d.c.position,
                d.c.aggregate_id,
                d.c.attempts,
                o.c.event_id,
                o.c.event_type,
                o.c.aggregate_type,
                o.c.payload,
                o.c.occurred_at,
            )
            .join(o, o.c.position == d.c.position)
            .where(
                d.c.subscriber == consumer,
                d.c.delivered_at.is_(None),
                d.c.next_attempt_at <= now,
                ~earlier_waiting,
            )
            .order_by(d.c.position)
            .limit(self.batch_size)
        )

    def _hand_over(self, subscription: Subscription, row: Any) -> _Failure | None:
        """Decode the row and call the handler; what went wrong if either failed."""
        try:
            stored = message(row)
            event = self.registry.decode(stored.event_type, stored.payload)
            subscription.handler(
                Envelope(
                    event_id=stored.event_id,
                    position=stored.position,
                    occurred_at=stored.occurred_at,
                    event=event,
                ),
                uow=self.unit_of_work(),
            )
        except Exception as error:
            described = f"{type(error).__name__}: {error}"[:LAST_ERROR_LENGTH]
            log.warning(
                "delivery_failed",
                subscriber=subscription.consumer,
                event_type=row.event_type,
                position=row.position,
                attempt=row.attempts + 1,
                error=described,
            )
            return _Failure(described, isinstance(error, SubscriberUnavailable))
        return None

    def _record(
        self, consumer: str, delivered: Sequence[int], failed: Sequence[tuple[Any, str]]
    ) -> None:
        if not delivered and not failed:
            return
        now = self.clock.now()
        d = event_deliveries
        mine = d.c.subscriber == consumer
        with self.engine.begin() as c:
            if delivered:
                c.execute(
                    update(d)
                    .where(mine, d.c.position.in_(delivered))
                    .values(attempts=d.c.attempts + 1, delivered_at=now)
                )
            for row, error in failed:
                attempts = row.attempts + 1
                c.execute(
                    update(d)
                    .where(mine, d.c.position == row.position)
                    .values(
                        attempts=attempts,
                        last_error=error,
                        next_attempt_at=now + self.backoff.after(attempts),
                    )
                )

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(oms_write=False) as c, c.begin():
            yield c


class DedicatedLoop:
    """Delivers to one dedicated subscriber in a loop of its own (a worker thread).

    Its passes run under a lock of its own, so one loop per subscriber is active across all
    processes, beside the relay's pass and the other dedicated loops. A pass that finds the
    destination unreachable (``SubscriberUnavailable``) makes the loop wait as the relay's
    backoff says, doubling while it stays unreachable, instead of trying again every interval.
    """

    def __init__(self, relay: Relay, subscription: Subscription) -> None:
        self.relay = relay
        self.subscription = subscription
        self.name = f"relay:{subscription.consumer}"
        self._lock = PassLock.of_subscriber(subscription.consumer)

    def run_once(self) -> int:
        """One pass; how many events were delivered (0 when another loop holds the lock)."""
        return self._pass().delivered

    def run_until(self, stop: threading.Event, interval: float) -> None:
        """Loop until ``stop`` is set; survives errors; closes the handler's connections last."""
        refusals = 0
        try:
            while not stop.is_set():
                try:
                    outcome = self._pass()
                except Exception:
                    log.exception("relay_batch_failed", subscriber=self.subscription.consumer)
                    outcome = Pass()
                refusals = refusals + 1 if outcome.unavailable else 0
                if refusals:
                    stop.wait(self.relay.backoff.after(refusals).total_seconds())
                elif not outcome.delivered:
                    stop.wait(interval)
        finally:
            self.close()

    def close(self) -> None:
        """Close the handler's connections, if it holds any (it reopens them when used again)."""
        handler = self.subscription.handler
        if isinstance(handler, Closable):
            handler.close()

    def _pass(self) -> Pass:
        with self._lock.held(self.relay.engine) as alone:
            return self.relay.deliver(self.subscription) if alone else Pass()


def _routes(
    registry: EventRegistry, subscriptions: Sequence[Subscription]
) -> dict[str, tuple[str, ...]]:
    """Subscriber names by event type; refuses duplicate names and unregistered event classes."""
    names = [s.consumer for s in subscriptions]
    if len(set(names)) != len(names):
        raise ValueError(f"two subscriptions share a consumer name: {sorted(names)}")
    routes: dict[str, list[str]] = {}
    for subscription in subscriptions:
        for cls in subscription.events:
            if cls.type not in registry or registry.event_class(cls.type) is not cls:
                raise ValueError(f"{subscription.consumer} subscribes to unregistered {cls.type}")
            routes.setdefault(cls.type, []).append(subscription.consumer)
    return {event_type: tuple(dict.fromkeys(found)) for event_type, found in routes.items()}


def _insert_new_deliveries(connection: Connection) -> Any:
    """An INSERT that skips rows already there (two relays on one SQLite file may both fan out
    the same outbox rows; the second adds nothing)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(event_deliveries).on_conflict_do_nothing()
