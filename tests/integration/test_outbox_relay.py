"""The relay delivers each event to each subscriber on its own, on SQLite and PostgreSQL.

Events are written the way services write them (``tx.record`` in a unit of work) and read back
by a relay built with the deployment's registry. The subscribers here are small consumers that
record what they receive; one of them fails on purpose, as a broken consumer would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
import structlog
from sqlalchemy import Engine, event, insert, select

from oms import inventory
from oms.app import event_registry, tasks
from oms.inventory.domain.events import StockReceived
from oms.platform.housekeeping import Housekeeper
from oms.platform.outbox import LogPublisher, event_deliveries, handled_events, outbox_table
from oms.platform.relay import Backoff, Relay
from oms.platform.subscriptions import Subscription, first_delivery
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.events import Envelope
from oms.shared.ids import new_id

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SKU_A, SKU_B = uuid4(), uuid4()


@dataclass
class Recorder:
    """A consumer that remembers what it received; it fails while ``broken`` says so."""

    received: list[Envelope] = field(default_factory=list)
    broken: Any = None
    """``True`` fails every event; a callable decides per envelope."""

    def __call__(self, envelope: Envelope, *, uow: UnitOfWork) -> None:
        del uow
        if self.broken is True or (callable(self.broken) and self.broken(envelope)):
            raise RuntimeError(f"consumer down at {envelope.position}")
        self.received.append(envelope)

    def references(self, variant: UUID | None = None) -> list[str]:
        return [
            e.event.reference  # type: ignore[attr-defined]
            for e in self.received
            if variant is None or e.event.aggregate_id == variant
        ]


def subscribe(consumer: str, handler: Any) -> Subscription:
    return Subscription(consumer=consumer, events=inventory.EVENTS, handler=handler)


def relay(engine: Engine, clock: FixedClock, *subscriptions: Subscription, **kw: Any) -> Relay:
    return Relay(
        engine,
        registry=event_registry.registry(),
        subscriptions=subscriptions,
        publishers=[LogPublisher()],
        unit_of_work=lambda: UnitOfWork(engine, clock),
        clock=clock,
        backoff=Backoff(first=timedelta(seconds=1), longest=timedelta(seconds=60)),
        **kw,
    )


def received(variant: UUID, reference: str, on_hand: int = 1) -> StockReceived:
    return StockReceived(
        aggregate_id=variant,
        movement_id=new_id(),
        location_id=new_id(),
        on_hand_delta=1,
        allocated_delta=0,
        unavailable_delta=0,
        on_hand=on_hand,
        allocated=0,
        unavailable=0,
        reason="receipt",
        reference=reference,
    )


def record(engine: Engine, clock: FixedClock, *references: str) -> None:
    """One transaction per event; ``A1`` is the first event of SKU A."""
    for reference in references:
        variant = SKU_A if reference.startswith("A") else SKU_B
        with UnitOfWork(engine, clock).begin() as tx:
            tx.record(received(variant, reference))


def deliveries(engine: Engine, subscriber: str) -> list[Any]:
    d, o = event_deliveries, outbox_table
    with engine.connect() as c:
        return list(
            c.execute(
                select(d, o.c.payload)
                .join(o, o.c.position == d.c.position)
                .where(d.c.subscriber == subscriber)
                .order_by(d.c.position)
            ).all()
        )


def test_a_subscriber_that_always_fails_delays_only_itself_and_loses_nothing(
    engine: Engine,
) -> None:
    clock = FixedClock(START)
    healthy, broken = Recorder(), Recorder(broken=True)
    box = relay(
        engine, clock, subscribe("tests.healthy", healthy), subscribe("tests.broken", broken)
    )
    record(engine, clock, "A1", "B1", "A2", "B2", "A3")

    box.drain()

    assert healthy.references() == ["A1", "B1", "A2", "B2", "A3"]
    rows = {row.payload["reference"]: row for row in deliveries(engine, "tests.broken")}
    assert {r: (rows[r].attempts, rows[r].delivered_at) for r in rows} == {
        "A1": (1, None),
        "B1": (1, None),
        "A2": (0, None),
        "B2": (0, None),
        "A3": (0, None),
    }, "only the head of each SKU was tried; the later ones wait behind it"
    assert rows["A1"].last_error.startswith("RuntimeError: consumer down")
    assert rows["A1"].next_attempt_at == START + timedelta(seconds=1)

    waits = []
    for _ in range(4):
        clock.advance_to(clock.now() + timedelta(seconds=120))
        box.drain()
        head = {row.payload["reference"]: row for row in deliveries(engine, "tests.broken")}["A1"]
        waits.append(head.next_attempt_at - clock.now())
    assert waits == [timedelta(seconds=s) for s in (2, 4, 8, 16)], "the backoff doubles"
    assert head.attempts == 5

    broken.broken = None
    clock.advance_to(clock.now() + timedelta(seconds=60))
    box.drain()

    assert broken.references() == ["A1", "B1", "A2", "B2", "A3"]
    assert all(row.delivered_at is not None for row in deliveries(engine, "tests.broken"))
    assert healthy.references() == ["A1", "B1", "A2", "B2", "A3"], "nothing delivered twice"


def test_a_failure_holds_back_the_later_events_of_its_aggregate_only(engine: Engine) -> None:
    clock = FixedClock(START)
    once: set[str] = set()

    def fails_once_on_a2(envelope: Envelope) -> bool:
        reference = envelope.event.reference  # type: ignore[attr-defined]
        if reference == "A2" and reference not in once:
            once.add(reference)
            return True
        return False

    flaky = Recorder(broken=fails_once_on_a2)
    box = relay(engine, clock, subscribe("tests.flaky", flaky))
    record(engine, clock, "A1", "A2", "B1", "A3", "B2")

    box.drain()
    assert flaky.references() == ["A1", "B1", "B2"]

    record(engine, clock, "A4", "B3")
    box.drain()
    assert flaky.references() == ["A1", "B1", "B2", "B3"], "A4 queues behind A2, B3 does not"

    clock.advance_to(START + timedelta(seconds=1))
    box.drain()
    assert flaky.references(SKU_A) == ["A1", "A2", "A3", "A4"]
    assert flaky.references(SKU_B) == ["B1", "B2", "B3"]
    positions = [e.position for e in flaky.received if e.event.aggregate_id == SKU_A]
    assert positions == sorted(positions)


def test_each_subscriber_receives_every_aggregate_in_the_order_it_was_written(
    engine: Engine,
) -> None:
    clock = FixedClock(START)
    first, second = Recorder(), Recorder()
    box = relay(
        engine,
        clock,
        subscribe("tests.first", first),
        subscribe("tests.second", second),
        batch_size=3,
    )
    references = [f"{'AB'[i % 2]}{i}" for i in range(20)]
    record(engine, clock, *references)

    box.drain()

    for recorder in (first, second):
        assert recorder.references() == references
        assert [e.position for e in recorder.received] == sorted(
            e.position for e in recorder.received
        )


@contextmanager
def crash_when_marking_delivered(engine: Engine) -> Iterator[None]:
    """The process dies after a handler ran, before its delivery row was marked: the marking
    statement never reaches the database."""

    def die(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("UPDATE event_deliveries") and "delivered_at" in statement:
            raise SystemExit("killed")

    event.listen(engine, "before_cursor_execute", die)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", die)


def test_a_crash_between_delivery_and_marking_delivers_again_and_the_effect_happens_once(
    engine: Engine,
) -> None:
    clock = FixedClock(START)
    calls: list[UUID] = []

    def idempotent(envelope: Envelope, *, uow: UnitOfWork) -> None:
        calls.append(envelope.event_id)
        with uow.begin():
            first_delivery(uow, "tests.idempotent", envelope)

    box = relay(engine, clock, subscribe("tests.idempotent", idempotent))
    record(engine, clock, "A1", "B1")

    with crash_when_marking_delivered(engine), pytest.raises(SystemExit):
        box.run_once()
    assert len(calls) == 2
    assert [row.delivered_at for row in deliveries(engine, "tests.idempotent")] == [None, None]

    box.drain()

    assert sorted(calls) == sorted(calls[:2] * 2), "both events were delivered a second time"
    with engine.connect() as c:
        handled = c.execute(select(handled_events.c.event_id)).scalars().all()
    assert sorted(handled) == sorted(calls[:2]), "and handled once"


def test_a_subscriber_may_write_while_the_relay_delivers_to_it(engine: Engine) -> None:
    """On SQLite the relay holds no write lock while a handler runs (it would wait 30 s)."""
    clock = FixedClock(START)

    def writes(envelope: Envelope, *, uow: UnitOfWork) -> None:
        with uow.begin() as tx:
            tx.record(received(SKU_B, f"echo of {envelope.position}"))

    box = relay(
        engine,
        clock,
        Subscription(consumer="tests.writer", events=(StockReceived,), handler=writes),
    )
    record(engine, clock, "A1")
    box.run_once()
    with engine.connect() as c:
        total = len(c.execute(select(outbox_table.c.position)).all())
    assert total == 2


def test_unknown_types_and_undecodable_payloads_are_reported_not_fatal(engine: Engine) -> None:
    clock = FixedClock(START)
    healthy = Recorder()
    box = relay(engine, clock, subscribe("tests.healthy", healthy))
    with engine.begin() as c:
        c.execute(
            insert(outbox_table),
            [
                {
                    "event_id": new_id(),
                    "event_type": "inventory.stock_teleported.v1",
                    "aggregate_type": "inventory_item",
                    "aggregate_id": SKU_A,
                    "payload": {"aggregate_id": str(SKU_A)},
                    "occurred_at": START,
                },
                {
                    "event_id": new_id(),
                    "event_type": StockReceived.type,
                    "aggregate_type": "inventory_item",
                    "aggregate_id": SKU_A,
                    "payload": {"aggregate_id": str(SKU_A), "quantity": "lots"},
                    "occurred_at": START,
                },
            ],
        )
    record(engine, clock, "B1")

    with structlog.testing.capture_logs() as logs:
        box.drain()

    assert healthy.references() == ["B1"]
    assert {"event": "unknown_event_type", "event_type": "inventory.stock_teleported.v1"} in [
        {k: entry.get(k) for k in ("event", "event_type")} for entry in logs
    ]
    stuck = deliveries(engine, "tests.healthy")[0]
    assert stuck.delivered_at is None
    assert stuck.last_error.startswith("UndecodablePayload: payload of inventory.stock_received")
    with engine.connect() as c:
        unpublished = c.execute(
            select(outbox_table.c.position).where(outbox_table.c.published_at.is_(None))
        ).all()
    assert unpublished == [], "the unknown type was fanned out to nobody and marked"


def test_the_deployment_relay_wires_every_consumer(engine: Engine) -> None:
    box = tasks.relay(engine)
    assert [s.consumer for s in box.subscriptions] == [
        "orders.backorders",
        "orders.erasure",
        "payments.order_money",
        "payments.authorizations",
        "payments.shipments",
        "payments.erasure",
        "invoicing.documents",
        "invoicing.erasure",
        "fulfilment.release",
        "fulfilment.completion",
        "returns.refunds",
        "returns.exchanges",
        "notifications.mail",
        "notifications.mail_erasure",
        "notifications.webhooks",
    ]
    assert [type(p) for p in box.publishers] == [LogPublisher]
    assert box.run_once() == 0


@pytest.mark.parametrize("waiting", [True, False], ids=["still waiting", "delivered"])
def test_housekeeping_keeps_an_event_while_a_subscriber_still_waits_for_it(
    engine: Engine, *, waiting: bool
) -> None:
    clock = FixedClock(START)
    slow = Recorder(broken=True if waiting else None)
    box = relay(engine, clock, subscribe("tests.slow", slow), subscribe("tests.fast", Recorder()))
    record(engine, clock, "A1")
    box.drain()

    clock.advance_to(START + timedelta(days=8))
    removed = Housekeeper(engine, clock=clock, outbox_retention=timedelta(days=7)).run_once()

    with engine.connect() as c:
        left = c.execute(select(outbox_table.c.position)).all()
        rows = c.execute(select(event_deliveries.c.subscriber)).scalars().all()
    if waiting:
        assert (len(left), sorted(rows)) == (1, ["tests.fast", "tests.slow"])
        assert removed["outbox_events"] == 0
    else:
        assert (len(left), rows) == (0, [])
        assert (removed["outbox_events"], removed["event_deliveries"]) == (1, 2)


def test_a_second_relay_stays_out_while_one_is_delivering(engine: Engine) -> None:
    """``oms worker`` beside an embedded relay, or ``oms serve --workers 2`` on SQLite."""
    clock = FixedClock(START)
    other = relay(engine, clock, subscribe("tests.other", Recorder()))
    progress_of_the_other: list[int] = []

    def meanwhile(envelope: Envelope, *, uow: UnitOfWork) -> None:
        del envelope, uow
        progress_of_the_other.append(other.run_once())

    box = relay(engine, clock, subscribe("tests.meanwhile", meanwhile))
    record(engine, clock, "A1", "B1")
    box.drain()

    assert progress_of_the_other == [0, 0]


def test_a_subscriber_gets_delivery_rows_only_for_the_types_it_wants_at_fan_out(
    engine: Engine,
) -> None:
    """The webhook fan-out's shape: a subscriber of every type that wants nothing costs no row."""
    clock = FixedClock(START)
    interest: set[str] = set()
    asked: list[int] = []

    def wanted(*, uow: UnitOfWork) -> frozenset[str]:
        del uow
        asked.append(1)
        return frozenset(interest)

    picky = Recorder()
    box = relay(
        engine,
        clock,
        Subscription(consumer="tests.picky", events=inventory.EVENTS, handler=picky, wanted=wanted),
        subscribe("tests.everything", Recorder()),
    )
    record(engine, clock, "A1", "B1")
    box.drain()
    assert deliveries(engine, "tests.picky") == []
    assert len(deliveries(engine, "tests.everything")) == 2
    assert len(asked) == 1, "asked once per fan-out batch, not per event"

    interest.add(StockReceived.type)
    record(engine, clock, "A2")
    box.drain()
    assert picky.references() == ["A2"]


def test_a_subscriber_whose_interest_cannot_be_read_gets_every_event(engine: Engine) -> None:
    clock = FixedClock(START)

    def broken(*, uow: UnitOfWork) -> frozenset[str]:
        raise RuntimeError("endpoints unreadable")

    picky = Recorder()
    box = relay(
        engine,
        clock,
        Subscription(consumer="tests.picky", events=inventory.EVENTS, handler=picky, wanted=broken),
    )
    record(engine, clock, "A1")
    box.drain()
    assert picky.references() == ["A1"]
