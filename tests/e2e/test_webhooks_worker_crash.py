"""A real ``oms worker`` delivering webhooks is killed with SIGKILL mid-delivery and started
again, on SQLite and PostgreSQL: nothing is lost. The receiver (in this process, verifying
every signature) holds the first two requests until the worker is dead, so those deliveries
are in flight with no outcome recorded; once their lease expires (four times the webhook
timeout: 6 s here) the restarted worker sends them again. The receiver sees every event, some
twice, with the same ``webhook-id`` each time (at least once)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from oms.notifications.services.webhooks import endpoints
from oms.notifications.tables.webhooks import webhook_deliveries
from oms.orders import OrderPlaced
from oms.platform.database import create_database_engine
from oms.platform.event_catalogue import example_event
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from tests.e2e.conftest import Cli, wait_for
from tests.faults.deployment import Daemon, environment
from tests.webhook_receiver import WebhookReceiver

EVENTS = 12
TIMEOUT_SECONDS = 1.5


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'oms.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """The migrated database, as the worker will see it."""
    Cli(worker_env(database_url, tmp_path)).run("db", "upgrade")
    created = create_database_engine(database_url)
    yield created
    created.dispose()


def worker_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return environment(database_url, tmp_path) | {
        "OMS_WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
        "OMS_WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "OMS_WEBHOOK_INTERVAL_SECONDS": "0.1",
        "OMS_WEBHOOK_CONCURRENCY": "4",
        "OMS_MAIL_DIRECTORY": str(tmp_path / "mail"),
    }


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    held = threading.Event()
    with WebhookReceiver(gate=held) as started:
        try:
            yield started
        finally:
            held.set()


def in_flight_without_outcome(engine: Engine) -> int:
    d = webhook_deliveries
    with engine.connect() as c:
        rows = c.execute(select(d.c.attempts, d.c.locked_until).where(d.c.status == "pending"))
        return sum(1 for row in rows if row.attempts == 0 and row.locked_until is not None)


def all_succeeded(engine: Engine) -> bool:
    with engine.connect() as c:
        statuses = list(c.execute(select(webhook_deliveries.c.status)).scalars())
    return len(statuses) == EVENTS and set(statuses) == {"succeeded"}


def test_a_worker_killed_mid_delivery_loses_nothing(
    engine: Engine, database_url: str, receiver: WebhookReceiver, tmp_path: Path
) -> None:
    webhook = endpoints.create_webhook(
        endpoints.CreateWebhook(url=receiver.url, event_types=["orders.order_placed.*"]),
        uow=UnitOfWork(engine),
        rules=endpoints.WebhookRules(known_types={OrderPlaced.type}, allow_private=True),
    )
    receiver.secret = webhook.secret
    with UnitOfWork(engine).begin() as tx:
        tx.record(*(example_event(OrderPlaced) for _ in range(EVENTS)))
    with engine.connect() as c:
        event_ids = {str(i) for i in c.execute(select(outbox_table.c.event_id)).scalars()}
    worker = Daemon(("worker",), worker_env(database_url, tmp_path), tmp_path / "worker.log")

    worker.start()
    try:
        assert receiver.wait_for_arrivals(2) >= 2, (tmp_path / "worker.log").read_text()
        worker.kill()
        assert in_flight_without_outcome(engine) == 2  # killed mid-delivery
        assert receiver.gate is not None
        receiver.gate.set()
        worker.start()
        assert wait_for(lambda: all_succeeded(engine), seconds=30), (
            tmp_path / "worker.log"
        ).read_text()
    finally:
        worker.kill()

    seen = Counter(receiver.ids())
    assert set(seen) == event_ids
    assert [r.error for r in receiver.received if not r.verified] == []
    assert all(r.payload["id"] == r.webhook_id for r in receiver.received)
    assert sum(seen.values()) >= EVENTS + 2  # the two in flight came again
