"""Dedicated subscribers without a database: which subscriptions get loops of their own, the locks
those loops take, and the broker subscriber that settings produce (it connects on first use, so
building it touches no network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import create_engine

from oms import inventory
from oms.app import event_registry
from oms.notifications.handlers.broker import CONSUMER, broker_message, broker_subscription
from oms.notifications.providers.brokers import location
from oms.notifications.providers.brokers.nats import subject
from oms.platform.event_catalogue import envelope_body, example_event
from oms.platform.relay import Relay
from oms.platform.relay_lock import RELAY_LOCK, PassLock
from oms.platform.settings import Settings
from oms.platform.subscriptions import Closable, Subscription
from oms.shared.events import Envelope

EVENT_ID = UUID("01a23d3d-fa79-7c22-a4f3-886fdb031e2a")
AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
CLOSED_PORT = "127.0.0.1:9"  # discard: nothing answers there; nothing may try


def ignore(envelope: Envelope, *, uow: Any) -> None:
    del envelope, uow


def subscription(consumer: str, *, dedicated: bool = False) -> Subscription:
    return Subscription(
        consumer=consumer, events=inventory.EVENTS, handler=ignore, dedicated=dedicated
    )


def test_a_subscription_is_shared_unless_marked_dedicated() -> None:
    assert subscription("tests.shared").dedicated is False


def test_the_relay_makes_one_loop_per_dedicated_subscriber_named_after_it() -> None:
    box = Relay(
        create_engine("sqlite://"),  # never connected: nothing runs here
        registry=event_registry.registry(),
        subscriptions=[
            subscription("tests.shared"),
            subscription("tests.first", dedicated=True),
            subscription("tests.second", dedicated=True),
        ],
    )
    assert [loop.name for loop in box.dedicated_loops()] == [
        "relay:tests.first",
        "relay:tests.second",
    ]
    assert [s.consumer for s in box.subscriptions] == [
        "tests.shared",
        "tests.first",
        "tests.second",
    ], "every subscriber is still fanned out to"


def test_a_dedicated_loop_locks_by_its_consumer_name_apart_from_the_relay() -> None:
    broker = PassLock.of_subscriber("notifications.broker")
    assert broker == PassLock.of_subscriber("notifications.broker")
    assert broker.key == -1754564540624822864, "stable across processes and releases"
    assert broker.suffix == "-relay-notifications.broker.lock"
    others = {PassLock.of_subscriber(f"tests.loop_{n}").key for n in range(1000)}
    assert len(others | {broker.key, RELAY_LOCK.key}) == 1002
    assert all(-(2**63) <= key < 2**63 for key in others), "a PostgreSQL bigint"


def test_no_broker_means_no_broker_subscriber() -> None:
    events = tuple(event_registry.registry())
    assert broker_subscription(events, Settings(broker="none")) == ()


@pytest.mark.parametrize("kind", ["nats", "rabbitmq"])
def test_a_broker_setting_makes_one_dedicated_subscriber_of_every_event_type(kind: str) -> None:
    events = tuple(event_registry.registry())
    url = f"{'nats' if kind == 'nats' else 'amqp'}://{CLOSED_PORT}"
    (publisher,) = broker_subscription(events, Settings(broker=kind, broker_url=url))
    assert publisher.consumer == CONSUMER == "notifications.broker"
    assert publisher.dedicated
    assert publisher.events == events
    assert isinstance(publisher.handler, Closable)
    publisher.handler.close()  # never connected: closing is a no-op


@pytest.mark.parametrize("cls", list(event_registry.registry()), ids=lambda cls: cls.type)
def test_every_event_type_becomes_a_message_routed_by_context_and_event(cls: Any) -> None:
    envelope = Envelope(event_id=EVENT_ID, position=7, occurred_at=AT, event=example_event(cls))
    message = broker_message(envelope)
    context, name, version = cls.type.split(".")
    assert message.topic == f"{context}.{name}"
    assert subject(message) == f"oms.{context}.{name}"
    assert (message.message_id, message.event_type) == (str(EVENT_ID), cls.type)
    assert json.loads(message.body) == envelope_body(envelope)
    assert json.loads(message.body)["version"] == int(version.removeprefix("v"))


def test_errors_name_the_broker_without_its_password() -> None:
    assert location("amqp://oms:s3cret@rabbit.internal:5672/prod") == "rabbit.internal:5672"
    assert location("nats://token@nats.internal") == "nats.internal"
