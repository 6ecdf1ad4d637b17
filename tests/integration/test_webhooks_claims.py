"""Sharing the sending between workers, on SQLite and PostgreSQL: a claim leases at most two
deliveries per endpoint across every claimer, concurrent claims never take the same delivery, an
expired lease (a worker that died mid-send) is claimed again, and in the worker's own loop a
slow endpoint holds two senders while another endpoint's deliveries all go out."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from sqlalchemy import Engine

from oms.notifications.handlers.webhooks import handle_event
from oms.notifications.providers.webhook_http import WebhookHttp
from oms.notifications.services.webhooks import endpoints
from oms.notifications.services.webhooks.claiming import Outgoing, claim_due
from oms.notifications.services.webhooks.dispatching import Dispatcher
from oms.orders import OrderPlaced
from oms.platform.event_catalogue import example_event
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock, FixedClock, SystemClock
from oms.shared.events import Envelope
from oms.shared.ids import new_id
from tests.webhook_receiver import WebhookReceiver

LEASE = timedelta(seconds=8)
RULES = endpoints.WebhookRules(known_types={OrderPlaced.type}, allow_private=True)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC))


def endpoint(engine: Engine, clock: Clock, url: str = "http://127.0.0.1:9/hook") -> UUID:
    created = endpoints.create_webhook(
        endpoints.CreateWebhook(url=url, event_types=["orders.*"]),
        uow=UnitOfWork(engine, clock),
        rules=RULES,
    )
    return created.id


def placed(engine: Engine, clock: Clock, count: int) -> None:
    """``count`` orders placed, fanned out to every endpoint."""
    for _ in range(count):
        envelope = Envelope(
            event_id=new_id(), position=1, occurred_at=clock.now(), event=example_event(OrderPlaced)
        )
        handle_event(envelope, uow=UnitOfWork(engine, clock))


def claim(engine: Engine, clock: Clock, slots: int) -> list[Outgoing]:
    return claim_due(uow=UnitOfWork(engine, clock), slots=slots, lease_for=LEASE)


def test_a_claim_leases_at_most_two_deliveries_per_endpoint(
    engine: Engine, clock: FixedClock
) -> None:
    first, second = endpoint(engine, clock), endpoint(engine, clock)
    placed(engine, clock, 5)

    claimed = claim(engine, clock, slots=10)

    assert Counter(o.endpoint_id for o in claimed) == {first: 2, second: 2}
    assert claim(engine, clock, slots=10) == []  # both endpoints have two in flight
    assert {o.lease for o in claimed} == {clock.now() + LEASE}


def test_an_expired_lease_is_claimed_again(engine: Engine, clock: FixedClock) -> None:
    endpoint(engine, clock)
    placed(engine, clock, 1)
    (taken,) = claim(engine, clock, slots=4)

    clock.advance_to(clock.now() + LEASE)  # the worker that took it died without an answer
    (again,) = claim(engine, clock, slots=4)

    assert again.delivery_id == taken.delivery_id
    assert again.event_id == taken.event_id
    assert again.lease > taken.lease


def test_concurrent_claims_never_take_the_same_delivery(engine: Engine, clock: FixedClock) -> None:
    targets = [endpoint(engine, clock) for _ in range(6)]
    placed(engine, clock, 3)
    start = threading.Barrier(4)

    def claimer() -> list[Outgoing]:
        start.wait()
        return claim(engine, clock, slots=4)

    with ThreadPoolExecutor(4) as pool:
        claimed = [o for found in pool.map(lambda _: claimer(), range(4)) for o in found]

    assert len({o.delivery_id for o in claimed}) == len(claimed) == 12
    assert Counter(o.endpoint_id for o in claimed) == dict.fromkeys(targets, 2)


@pytest.fixture
def receivers() -> Iterator[tuple[WebhookReceiver, WebhookReceiver]]:
    held = threading.Event()
    with WebhookReceiver(gate=held) as slow, WebhookReceiver() as fast:
        try:
            yield slow, fast
        finally:
            held.set()


def test_a_slow_endpoint_holds_two_senders_while_the_others_deliver(
    engine: Engine, receivers: tuple[WebhookReceiver, WebhookReceiver]
) -> None:
    slow, fast = receivers
    clock = SystemClock()
    endpoint(engine, clock, slow.url)
    endpoint(engine, clock, fast.url)
    placed(engine, clock, 6)
    worker = Dispatcher(
        unit_of_work=lambda: UnitOfWork(engine, clock),
        http=WebhookHttp(timeout_seconds=10, allow_private=True, max_connections=4),
        clock=clock,
        concurrency=4,
        lease_for=LEASE * 5,
    )
    stop = threading.Event()
    loop = threading.Thread(target=worker.run_until, args=(stop, 0.05))
    loop.start()
    try:
        assert len(fast.wait_for(6)) == 6  # all of them, while the slow one holds its two
        assert slow.wait_for_arrivals(2) == 2
        assert slow.received == []
        assert slow.gate is not None
        slow.gate.set()
        assert len(slow.wait_for(6)) == 6
    finally:
        stop.set()
        loop.join(timeout=20)
    assert max(Counter(r.webhook_id for r in slow.received).values()) == 1
