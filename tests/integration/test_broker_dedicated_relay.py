"""Dedicated subscribers (the broker publisher's kind) on SQLite and PostgreSQL: the relay's pass
leaves them to loops of their own, and a loop that is slow or facing a destination that is down
holds back neither the pass nor any other subscriber.

The subscribers here are small consumers that record what they receive; one waits inside its
handler until the test lets it go, as a publisher waiting on a slow broker would.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Engine, select

from oms import inventory
from oms.app import event_registry
from oms.inventory.domain.events import StockReceived
from oms.platform import background
from oms.platform.outbox import event_deliveries, outbox_table
from oms.platform.relay import Backoff, DedicatedLoop, Relay
from oms.platform.subscriptions import SubscriberUnavailable, Subscription
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.events import Envelope
from oms.shared.ids import new_id

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SKU_A, SKU_B = uuid4(), uuid4()
PATIENCE = 30.0
"""A failsafe for waits on another thread; the waits end as soon as what they wait for happens."""


@dataclass
class Recorder:
    """Remembers the references it received. ``gate`` (when set) holds each call until opened;
    ``down`` raises SubscriberUnavailable, as a publisher facing a closed port does."""

    received: list[str] = field(default_factory=list)
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    down: bool = False
    calls: int = 0
    closed: bool = False

    def __call__(self, envelope: Envelope, *, uow: UnitOfWork) -> None:
        del uow
        self.calls += 1
        if self.down:
            raise SubscriberUnavailable("destination refused the connection")
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(PATIENCE), "the test never opened the gate"
        self.received.append(envelope.event.reference)  # type: ignore[attr-defined]

    def close(self) -> None:
        self.closed = True


def subscribe(consumer: str, handler: Any, *, dedicated: bool = False) -> Subscription:
    return Subscription(
        consumer=consumer, events=inventory.EVENTS, handler=handler, dedicated=dedicated
    )


def relay(engine: Engine, clock: FixedClock, *subscriptions: Subscription) -> Relay:
    return Relay(
        engine,
        registry=event_registry.registry(),
        subscriptions=subscriptions,
        unit_of_work=lambda: UnitOfWork(engine, clock),
        clock=clock,
        backoff=Backoff(first=timedelta(seconds=60), longest=timedelta(minutes=10)),
    )


def received(variant: UUID, reference: str) -> StockReceived:
    return StockReceived(
        aggregate_id=variant,
        movement_id=new_id(),
        location_id=new_id(),
        on_hand_delta=1,
        allocated_delta=0,
        unavailable_delta=0,
        on_hand=1,
        allocated=0,
        unavailable=0,
        reason="receipt",
        reference=reference,
    )


def record(engine: Engine, clock: FixedClock, *references: str) -> None:
    for reference in references:
        variant = SKU_A if reference.startswith("A") else SKU_B
        with UnitOfWork(engine, clock).begin() as tx:
            tx.record(received(variant, reference))


def attempts(engine: Engine, subscriber: str) -> dict[str, int]:
    d, o = event_deliveries, outbox_table
    with engine.connect() as c:
        rows = c.execute(
            select(d.c.attempts, o.c.payload)
            .join(o, o.c.position == d.c.position)
            .where(d.c.subscriber == subscriber)
        ).all()
    return {_reference(row.payload): row.attempts for row in rows}


def _reference(payload: Any) -> str:
    return str((payload if isinstance(payload, dict) else json.loads(payload))["reference"])


def test_the_pass_leaves_a_dedicated_subscriber_to_its_own_loop(engine: Engine) -> None:
    clock = FixedClock(START)
    shared, dedicated = Recorder(), Recorder()
    box = relay(
        engine,
        clock,
        subscribe("tests.shared", shared),
        subscribe("tests.dedicated", dedicated, dedicated=True),
    )
    record(engine, clock, "A1", "B1", "A2")

    box.run_once()

    assert shared.received == ["A1", "B1", "A2"]
    assert dedicated.received == []
    assert attempts(engine, "tests.dedicated") == {"A1": 0, "B1": 0, "A2": 0}, "fanned out"

    (loop,) = box.dedicated_loops()
    assert loop.name == "relay:tests.dedicated"
    assert loop.run_once() == 3
    assert dedicated.received == ["A1", "B1", "A2"]


def test_drain_delivers_to_dedicated_subscribers_unless_told_not_to(engine: Engine) -> None:
    clock = FixedClock(START)
    dedicated = Recorder()
    box = relay(engine, clock, subscribe("tests.dedicated", dedicated, dedicated=True))
    record(engine, clock, "A1", "B1")

    box.drain(include_dedicated=False)
    assert dedicated.received == []

    box.drain()
    assert dedicated.received == ["A1", "B1"]


@contextmanager
def running(loop: DedicatedLoop) -> Iterator[threading.Thread]:
    """One pass of ``loop`` on another thread, as the worker runs it."""
    thread = threading.Thread(target=loop.run_once, name=loop.name)
    thread.start()
    try:
        yield thread
    finally:
        thread.join(PATIENCE)


def test_a_dedicated_subscriber_stuck_in_its_handler_holds_back_nobody(engine: Engine) -> None:
    """The stuck loop holds its own lock and no transaction: the pass runs, the other subscriber
    gets every event, and a second loop of the same subscriber stays out."""
    clock = FixedClock(START)
    shared, slow = Recorder(), Recorder(gate=threading.Event())
    box = relay(
        engine,
        clock,
        subscribe("tests.shared", shared),
        subscribe("tests.slow", slow, dedicated=True),
    )
    record(engine, clock, "A1")
    box.run_once()
    (loop,) = box.dedicated_loops()
    in_another_process = relay(engine, clock, subscribe("tests.slow", Recorder(), dedicated=True))

    with running(loop):
        assert slow.entered.wait(PATIENCE)
        record(engine, clock, "B1", "A2")
        assert box.run_once() == 4, "two events fanned out, two delivered to the other"
        assert shared.received == ["A1", "B1", "A2"]
        assert in_another_process.dedicated_loops()[0].run_once() == 0, "one loop at a time"
        assert slow.gate is not None
        slow.gate.set()

    assert slow.received == ["A1"]
    assert loop.run_once() == 2
    assert slow.received == ["A1", "B1", "A2"]


def test_an_unreachable_destination_ends_the_batch_at_the_first_refusal(engine: Engine) -> None:
    clock = FixedClock(START)
    broker = Recorder(down=True)
    box = relay(engine, clock, subscribe("tests.broker", broker, dedicated=True))
    record(engine, clock, "A1", "B1", "A2")
    box.run_once()
    (loop,) = box.dedicated_loops()

    assert loop.run_once() == 0
    assert attempts(engine, "tests.broker") == {"A1": 1, "B1": 0, "A2": 0}

    broker.down = False
    clock.advance_to(START + timedelta(seconds=60))
    assert loop.run_once() == 3
    assert broker.received == ["A1", "B1", "A2"]


def test_a_loop_facing_a_refusal_waits_its_backoff_and_closes_its_handler_when_stopped(
    engine: Engine,
) -> None:
    """The relay interval is a millisecond and the backoff a minute: stopped after the first
    refusal, the loop has not tried again."""
    clock = FixedClock(START)
    broker = Recorder(down=True)
    box = relay(engine, clock, subscribe("tests.broker", broker, dedicated=True))
    record(engine, clock, "A1", "B1")
    box.run_once()
    (loop,) = box.dedicated_loops()

    stop = background.start_in_thread(loop, 0.001, loop.name)
    try:
        assert wait_until(lambda: broker.calls >= 1)
    finally:
        stop()

    assert broker.calls == 1
    assert broker.closed
    assert attempts(engine, "tests.broker") == {"A1": 1, "B1": 0}


def wait_until(condition: Any) -> bool:
    """Poll ``condition`` until true (a failsafe of PATIENCE seconds, not a timing assertion)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False
