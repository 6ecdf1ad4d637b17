"""Webhooks delivered end to end on SQLite and PostgreSQL, to a real receiver in this process
that verifies every signature with ``standardwebhooks``: every registered event type arrives;
a 500 is retried with the same ``webhook-id``; a 410 disables the endpoint and an admin
enables it again; three days of failures fail the delivery and disable the endpoint; a
loopback target is refused at delivery when private targets are not allowed.

The outbox is relayed with only the webhook fan-out subscribed, as the worker's relay would,
then the dispatcher sends. A fixed clock that starts now moves retries on without sleeping
(signatures carry its time, so it stays within the receiver's five minutes of tolerance)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms.app.event_registry import registry
from oms.app.http import create_app
from oms.notifications.handlers.webhooks import handle_event, webhook_subscription
from oms.notifications.providers.webhook_http import WebhookHttp
from oms.notifications.services.webhooks.dispatching import Dispatcher
from oms.notifications.tables.webhooks import webhook_deliveries
from oms.orders import OrderPlaced
from oms.platform.event_catalogue import example_event
from oms.platform.outbox import outbox_table
from oms.platform.relay import Relay
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.events import Envelope, Event
from tests.conftest import KeyMaker
from tests.webhook_receiver import WebhookReceiver


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC))


@pytest.fixture
def api(engine: Engine, clock: FixedClock) -> Iterator[TestClient]:
    """The API of a deployment that allows private targets (the receiver is on loopback)."""
    settings = Settings(webhooks_allow_private_targets=True)
    with TestClient(create_app(settings, engine=engine, clock=clock, run_relay=False)) as client:
        yield client


@pytest.fixture
def admin(key_for: KeyMaker) -> dict[str, str]:
    return key_for("admin")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as started:
        yield started


def subscribe(
    api: TestClient, admin: dict[str, str], receiver: WebhookReceiver, *patterns: str
) -> dict[str, Any]:
    """Register the receiver's URL; the receiver verifies with the secret shown once."""
    answer = api.post(
        "/v1/webhooks",
        json={"url": receiver.url, "event_types": list(patterns or ("*",))},
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    receiver.secret = answer.json()["secret"]
    return dict(answer.json())


def publish(engine: Engine, clock: FixedClock, *events: Event) -> None:
    """Events committed to the outbox, then fanned out by a relay with only the webhook
    consumer subscribed."""
    with UnitOfWork(engine, clock).begin() as tx:
        tx.record(*events)
    known = registry()
    Relay(
        engine, registry=known, subscriptions=webhook_subscription(tuple(known)), clock=clock
    ).drain()


def dispatcher(engine: Engine, clock: FixedClock, *, allow_private: bool = True) -> Dispatcher:
    return Dispatcher(
        unit_of_work=lambda: UnitOfWork(engine, clock),
        http=WebhookHttp(timeout_seconds=2, allow_private=allow_private, max_connections=8),
        clock=clock,
        concurrency=8,
        lease_for=timedelta(seconds=8),
        draw=lambda: 0.0,
    )


def deliveries(api: TestClient, admin: dict[str, str], webhook: dict[str, Any]) -> list[Any]:
    url = f"/v1/webhooks/{webhook['id']}/deliveries"
    return list(api.get(url, headers=admin).json()["items"])


def detail(api: TestClient, admin: dict[str, str], webhook: dict[str, Any]) -> dict[str, Any]:
    (delivery,) = deliveries(api, admin, webhook)
    url = f"/v1/webhooks/{webhook['id']}/deliveries/{delivery['id']}"
    return dict(api.get(url, headers=admin).json())


def test_the_receiver_gets_every_registered_event_type_and_verifies_each(
    engine: Engine,
    clock: FixedClock,
    api: TestClient,
    admin: dict[str, str],
    receiver: WebhookReceiver,
) -> None:
    subscribe(api, admin, receiver, "*")
    types = {cls.type for cls in registry()}
    publish(engine, clock, *(example_event(cls) for cls in registry()))

    sent = dispatcher(engine, clock).drain()

    with engine.connect() as c:
        event_ids = {str(i) for i in c.execute(select(outbox_table.c.event_id)).scalars()}
        statuses = set(c.execute(select(webhook_deliveries.c.status)).scalars())
    assert sent == len(event_ids)  # the examples, and the admin key's creation
    assert [r.error for r in receiver.received if not r.verified] == []
    assert receiver.verified_types() == types
    assert {r.webhook_id for r in receiver.received} == event_ids
    assert all(r.payload["id"] == r.webhook_id for r in receiver.received)
    assert statuses == {"succeeded"}


def test_a_500_is_retried_after_five_seconds_with_the_same_webhook_id(
    engine: Engine,
    clock: FixedClock,
    api: TestClient,
    admin: dict[str, str],
    receiver: WebhookReceiver,
) -> None:
    webhook = subscribe(api, admin, receiver, "orders.*")
    receiver.script(500, 200)
    publish(engine, clock, example_event(OrderPlaced))
    sending = dispatcher(engine, clock)
    started = clock.now()

    assert sending.drain() == 1
    (waiting,) = deliveries(api, admin, webhook)
    assert (waiting["status"], waiting["attempts"], waiting["last_status_code"]) == (
        "pending",
        1,
        500,
    )
    assert waiting["next_attempt_at"] == (started + timedelta(seconds=5)).isoformat().replace(
        "+00:00", "Z"
    )
    assert sending.drain() == 0
    clock.advance_to(started + timedelta(seconds=5))
    assert sending.drain() == 1

    first, second = receiver.received
    assert (first.status, second.status) == (500, 200)
    assert first.verified
    assert second.verified
    assert first.webhook_id == second.webhook_id
    done = detail(api, admin, webhook)
    assert done["status"] == "succeeded"
    assert [(a["number"], a["status_code"]) for a in done["history"]] == [(1, 500), (2, 200)]
    assert done["history"][0]["error"] == 'HTTP 500: {"status": 500}'
    healthy = api.get(f"/v1/webhooks/{webhook['id']}", headers=admin).json()
    assert (healthy["enabled"], healthy["failing_since"]) == (True, None)


def test_a_410_disables_the_endpoint_until_an_admin_enables_it(
    engine: Engine,
    clock: FixedClock,
    api: TestClient,
    admin: dict[str, str],
    receiver: WebhookReceiver,
) -> None:
    webhook = subscribe(api, admin, receiver, "orders.*")
    url = f"/v1/webhooks/{webhook['id']}"
    receiver.script(410)
    publish(engine, clock, example_event(OrderPlaced))
    sending = dispatcher(engine, clock)
    sending.drain()

    gone = api.get(url, headers=admin).json()
    assert (gone["enabled"], gone["disabled_reason"]) == (False, "the endpoint answered 410 Gone")
    publish(engine, clock, example_event(OrderPlaced))
    clock.advance_to(clock.now() + timedelta(minutes=1))
    assert len(deliveries(api, admin, webhook)) == 1  # no new delivery while disabled
    assert sending.drain() == 0  # and the pending one waits

    enabled = api.patch(url, json={"enabled": True}, headers=admin)
    assert enabled.status_code == 200, enabled.text
    assert sending.drain() == 1
    assert [r.status for r in receiver.received] == [410, 200]
    assert detail(api, admin, webhook)["status"] == "succeeded"


def test_three_days_of_failures_fail_the_delivery_and_disable_the_endpoint(
    engine: Engine,
    clock: FixedClock,
    api: TestClient,
    admin: dict[str, str],
    receiver: WebhookReceiver,
) -> None:
    webhook = subscribe(api, admin, receiver, "orders.order_placed.*")
    receiver.script(*[503] * 100)
    publish(engine, clock, example_event(OrderPlaced))
    started, sending = clock.now(), dispatcher(engine, clock)

    while sending.drain():
        (current,) = deliveries(api, admin, webhook)
        if current["status"] != "pending":
            break
        clock.advance_to(datetime.fromisoformat(current["next_attempt_at"]))

    failed = detail(api, admin, webhook)
    assert failed["status"] == "failed"
    assert failed["history"][-1]["attempted_at"] == (
        started + timedelta(days=3)
    ).isoformat().replace("+00:00", "Z")
    assert 20 <= failed["attempts"] <= 30
    stopped = api.get(f"/v1/webhooks/{webhook['id']}", headers=admin).json()
    assert stopped["enabled"] is False
    assert stopped["disabled_reason"].endswith("(3 days)")


def test_a_loopback_target_is_refused_at_delivery_when_the_setting_is_off(
    engine: Engine,
    clock: FixedClock,
    api: TestClient,
    admin: dict[str, str],
    receiver: WebhookReceiver,
) -> None:
    webhook = subscribe(api, admin, receiver, "orders.*")
    publish(engine, clock, example_event(OrderPlaced))

    assert dispatcher(engine, clock, allow_private=False).drain() == 1

    assert receiver.received == []
    (refused,) = deliveries(api, admin, webhook)
    assert refused["status"] == "pending"
    assert refused["last_status_code"] is None
    assert refused["last_error"] == (
        "refused: 127.0.0.1 is refused (loopback); webhooks are only sent to public addresses"
    )


def test_the_fan_out_adds_one_delivery_per_endpoint_that_wants_the_event(
    engine: Engine,
    clock: FixedClock,
    api: TestClient,
    admin: dict[str, str],
    receiver: WebhookReceiver,
) -> None:
    orders = subscribe(api, admin, receiver, "orders.*", "orders.order_placed.v1")
    returns = subscribe(api, admin, receiver, "returns.*")
    paused = subscribe(api, admin, receiver, "*")
    api.patch(f"/v1/webhooks/{paused['id']}", json={"enabled": False}, headers=admin)

    placed = example_event(OrderPlaced)
    publish(engine, clock, placed)
    with engine.connect() as c:
        row = c.execute(select(outbox_table).where(outbox_table.c.event_type == placed.type)).one()
    again = Envelope(
        event_id=row.event_id, position=row.position, occurred_at=row.occurred_at, event=placed
    )
    handle_event(again, uow=UnitOfWork(engine, clock))  # delivered twice by the relay

    assert len(deliveries(api, admin, orders)) == 1
    assert deliveries(api, admin, returns) == deliveries(api, admin, paused) == []
