"""Every event to the real NATS JetStream and RabbitMQ on this machine, on SQLite and PostgreSQL.

Events are written to the outbox the way services write them, relayed by a relay whose broker
subscriber is built from settings exactly as the deployment builds it
(``broker_subscription``), and read back by a consumer of the broker as an integrator would
(``tests/brokers.py``). An outage is a proxy in front of the broker that goes down and comes
back; the broker itself never stops. Without a broker the tests skip, under ``CI=true`` they fail.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
import structlog
from sqlalchemy import Engine, event, select

from oms.app import event_registry, tasks
from oms.inventory.domain.events import StockReceived
from oms.notifications.handlers.broker import CONSUMER, broker_message, broker_subscription
from oms.notifications.providers.brokers.nats import NatsBroker
from oms.notifications.providers.brokers.rabbitmq import RabbitMqBroker
from oms.platform.event_catalogue import example_event
from oms.platform.outbox import event_deliveries, message, outbox_table
from oms.platform.relay import Relay
from oms.platform.settings import Settings
from oms.platform.subscriptions import SubscriberUnavailable, Subscription
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock, SystemClock
from oms.shared.events import Envelope, Event
from oms.shared.ids import new_id
from tests.brokers import (
    BROKER_URLS,
    STREAM,
    Arrived,
    NatsConsumer,
    RabbitMqConsumer,
    TcpProxy,
    require_broker,
)

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SKU_A, SKU_B = uuid4(), uuid4()


@dataclass
class BrokerAtHand:
    kind: str
    url: str
    consumer: NatsConsumer | RabbitMqConsumer

    def settings(self, url: str | None = None, **more: Any) -> Settings:
        exchange = getattr(self.consumer, "exchange", "oms.events")
        return Settings(
            broker=self.kind, broker_url=url or self.url, broker_exchange=exchange, **more
        )

    def route(self, event_type: str) -> str:
        """Where an event of ``event_type`` is expected: subject or routing key."""
        context, name, _ = event_type.split(".")
        return f"oms.{context}.{name}" if self.kind == "nats" else f"{context}.{name}"

    def arrived(self, ids: set[str]) -> list[Arrived]:
        """What arrived of these event ids (NATS's stream is shared with any other run)."""
        return [a for a in self.consumer.arrived() if a.message_id in ids]


@pytest.fixture(params=["nats", "rabbitmq"])
def broker(request: pytest.FixtureRequest) -> Iterator[BrokerAtHand]:
    url = require_broker(request.param)
    consumer = NatsConsumer(url) if request.param == "nats" else RabbitMqConsumer(url)
    yield BrokerAtHand(request.param, url, consumer)
    if isinstance(consumer, RabbitMqConsumer):
        consumer.close()


@contextmanager
def relay_to(
    engine: Engine, clock: FixedClock, settings: Settings, *others: Subscription
) -> Iterator[Relay]:
    """A relay with the deployment's broker subscriber (and ``others``); its connection is
    closed at the end."""
    registry = event_registry.registry()
    box = Relay(
        engine,
        registry=registry,
        subscriptions=[*others, *broker_subscription(tuple(registry), settings)],
        unit_of_work=lambda: UnitOfWork(engine, clock),
        clock=clock,
    )
    try:
        yield box
    finally:
        for loop in box.dedicated_loops():
            loop.close()


def record(engine: Engine, clock: FixedClock | SystemClock, *events: Event) -> None:
    for written in events:
        with UnitOfWork(engine, clock).begin() as tx:
            tx.record(written)


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


def outbox(engine: Engine) -> list[Any]:
    with engine.connect() as c:
        rows = c.execute(select(outbox_table).order_by(outbox_table.c.position)).all()
    return [message(row) for row in rows]


def ids(engine: Engine) -> set[str]:
    return {str(m.event_id) for m in outbox(engine)}


def test_every_event_type_arrives_once_routed_by_type_with_its_id_and_envelope(
    engine: Engine, broker: BrokerAtHand
) -> None:
    clock = FixedClock(START)
    classes = list(event_registry.registry())
    record(engine, clock, *(example_event(cls) for cls in classes))

    with relay_to(engine, clock, broker.settings()) as box:
        box.drain()

    written = outbox(engine)
    arrived = broker.arrived(ids(engine))
    assert [a.message_id for a in arrived] == [str(m.event_id) for m in written], (
        "every event once, in the order written"
    )
    assert {a.event_type for a in arrived} == {cls.type for cls in classes}
    for sent, got in zip(written, arrived, strict=True):
        assert got.route == broker.route(sent.event_type)
        assert got.body == {
            "id": str(sent.event_id),
            "type": sent.event_type,
            "version": int(sent.event_type.rsplit(".v", 1)[1]),
            "timestamp": START.isoformat(),
            "aggregate": {"type": sent.aggregate_type, "id": str(sent.aggregate_id)},
            "data": sent.payload,
        }
        if broker.kind == "rabbitmq":
            assert got.meta == {
                "delivery_mode": 2,
                "content_type": "application/json",
                "app_id": "oms",
            }
        else:
            assert got.meta["Content-Type"] == "application/json"


@contextmanager
def crash_when_marking_delivered(engine: Engine) -> Iterator[None]:
    """The process dies after the broker took the events, before their rows were marked."""

    def die(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("UPDATE event_deliveries") and "delivered_at" in statement:
            raise SystemExit("killed")

    event.listen(engine, "before_cursor_execute", die)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", die)


def test_an_event_published_again_after_a_crash_keeps_its_message_id(
    engine: Engine, broker: BrokerAtHand
) -> None:
    clock = FixedClock(START)
    record(engine, clock, received(SKU_A, "A1"), received(SKU_B, "B1"), received(SKU_A, "A2"))
    sent = [str(m.event_id) for m in outbox(engine)]

    with relay_to(engine, clock, broker.settings()) as box:
        with crash_when_marking_delivered(engine), pytest.raises(SystemExit):
            box.drain()
        with structlog.testing.capture_logs() as logs:
            box.drain()

    arrived = broker.arrived(set(sent))
    if broker.kind == "nats":
        assert [a.message_id for a in arrived] == sent, "JetStream dropped the second copies"
        dropped = [e["message_id"] for e in logs if e["event"] == "broker_duplicate_dropped"]
        assert dropped == sent
    else:
        assert [a.message_id for a in arrived] == sent + sent, "RabbitMQ keeps both copies"
        assert [a.body for a in arrived[:3]] == [a.body for a in arrived[3:]]


def broker_rows(engine: Engine) -> dict[str, Any]:
    """The broker subscriber's delivery rows by the event's reference."""
    d, o = event_deliveries, outbox_table
    with engine.connect() as c:
        rows = c.execute(
            select(d, o.c.payload)
            .join(o, o.c.position == d.c.position)
            .where(d.c.subscriber == CONSUMER)
        ).all()
    return {message_payload(row)["reference"]: row for row in rows}


def message_payload(row: Any) -> dict[str, Any]:
    return row.payload if isinstance(row.payload, dict) else json.loads(row.payload)


def test_a_broker_that_is_down_holds_back_only_the_events_on_their_way_to_it(
    engine: Engine, broker: BrokerAtHand
) -> None:
    clock = FixedClock(START)
    proxy = TcpProxy(broker.url)
    proxy.up()
    others: list[str] = []

    def healthy(envelope: Envelope, *, uow: UnitOfWork) -> None:
        del uow
        others.append(envelope.event.reference)  # type: ignore[attr-defined]

    everything = tuple(event_registry.registry())
    other = Subscription(consumer="tests.healthy", events=everything, handler=healthy)
    try:
        with relay_to(engine, clock, broker.settings(proxy.url), other) as box:
            record(engine, clock, received(SKU_A, "A1"))
            box.drain()
            proxy.down()
            record(engine, clock, received(SKU_A, "A2"), received(SKU_B, "B1"))
            record(engine, clock, received(SKU_A, "A3"))

            box.drain(include_dedicated=False)
            (to_the_broker,) = box.dedicated_loops()
            assert to_the_broker.run_once() == 0

            assert others == ["A1", "A2", "B1", "A3"], "the other subscriber got everything"
            rows = broker_rows(engine)
            assert {r: rows[r].attempts for r in rows} == {"A1": 1, "A2": 1, "B1": 0, "A3": 0}, (
                "the broker's pass ended at its first refusal"
            )
            assert rows["A2"].last_error.startswith("SubscriberUnavailable")
            assert [a.body["data"]["reference"] for a in broker.arrived(ids(engine))] == ["A1"]

            proxy.up()
            clock.advance_to(START + timedelta(seconds=1))
            box.drain()
    finally:
        proxy.down()

    arrived = broker.arrived(ids(engine))
    assert [a.body["data"]["reference"] for a in arrived] == ["A1", "A2", "B1", "A3"]
    assert all(row.delivered_at is not None for row in broker_rows(engine).values())
    assert others == ["A1", "A2", "B1", "A3"], "and nothing twice"


def test_the_worker_publishes_from_a_loop_of_its_own(engine: Engine, broker: BrokerAtHand) -> None:
    settings = broker.settings(relay_interval_seconds=0.05)
    stops = tasks.start(engine, settings, SystemClock())
    try:
        threads = {t.name for t in threading.enumerate()}
        assert {"relay", f"relay:{CONSUMER}"} <= threads
        record(engine, SystemClock(), received(SKU_A, "from the worker"))
        sent = ids(engine)
        arrived = wait_for(lambda: broker.arrived(sent))
    finally:
        for stop in stops:
            stop()
    assert [a.body["data"]["reference"] for a in arrived] == ["from the worker"]
    assert f"relay:{CONSUMER}" not in {t.name for t in threading.enumerate()}


def wait_for(arrived: Any, patience: float = 30.0) -> list[Arrived]:
    """Poll until something arrived: the worker runs on its own time (a failsafe, not a timing
    assertion: it normally takes a relay interval or two)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if found := arrived():
            return list(found)
        time.sleep(0.05)
    return []


def test_a_stream_that_cannot_take_the_subjects_makes_nats_unavailable() -> None:
    """Another stream already takes ``oms.>``: no event can be published until the setting names
    it, so every event waits (the relay backs off) instead of failing one by one."""
    url = require_broker("nats")
    taken = NatsBroker(url=url, stream=STREAM)
    elsewhere = NatsBroker(url=url, stream=f"OMS_ELSEWHERE_{uuid4().hex[:8].upper()}")
    envelope = Envelope(
        event_id=new_id(), position=1, occurred_at=START, event=received(SKU_A, "A1")
    )
    try:
        taken.publish(broker_message(envelope))  # OMS takes oms.> (created if it was missing)
        with pytest.raises(SubscriberUnavailable, match="overlap"):
            elsewhere.publish(broker_message(envelope))
    finally:
        taken.close()
        elsewhere.close()


def test_rabbitmq_replaces_a_connection_that_died_while_idle_without_failing_an_event() -> None:
    """pika does its I/O only when called, so the broker may have dropped an idle connection
    (heartbeats unanswered, a restart, a proxy): the next event finds out before publishing and
    goes out on a new connection, not as a failed attempt."""
    consumer = RabbitMqConsumer(require_broker("rabbitmq"))
    proxy = TcpProxy(BROKER_URLS["rabbitmq"])
    proxy.up()
    publisher = RabbitMqBroker(url=proxy.url, exchange=consumer.exchange)
    before, after = (
        Envelope(event_id=new_id(), position=n, occurred_at=START, event=received(SKU_A, ref))
        for n, ref in enumerate(("before", "after"), start=1)
    )
    try:
        publisher.publish(broker_message(before))
        proxy.down()
        proxy.up()
        publisher.publish(broker_message(after))
    finally:
        publisher.close()
        proxy.down()
        arrived = consumer.arrived()
        consumer.close()
    assert [a.body["data"]["reference"] for a in arrived] == ["before", "after"]
