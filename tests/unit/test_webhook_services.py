"""The webhook services without a database (an in-memory unit of work): a URL's host is
resolved before anything is stored and every address vetted, a change re-vets only what
changed, enabling wakes the waiting deliveries, and the fan-out queues one delivery per
endpoint that wants an event, with the catalogue's envelope as its body, and nothing when none
does."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from ipaddress import ip_address
from uuid import UUID

import pytest

from oms.notifications.domain.targets import IPAddress, WebhookTargetRefused
from oms.notifications.domain.webhook_deliveries import WebhookDelivery
from oms.notifications.domain.webhooks import EventTypesInvalid, WebhookEndpoint
from oms.notifications.services.webhooks import endpoints
from oms.notifications.services.webhooks.fan_out import fan_out
from oms.orders import OrderPlaced
from oms.platform.event_catalogue import envelope_body, example_event
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.events import Envelope
from oms.shared.ids import new_id

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
DNS = {"erp.example.com": ["93.184.216.34"], "intranet.example.com": ["10.1.1.1"]}


class MemoryEndpoints:
    def __init__(self) -> None:
        self.rows: dict[UUID, WebhookEndpoint] = {}

    def add(self, endpoint: WebhookEndpoint) -> None:
        self.rows[endpoint.id] = endpoint

    def get(self, endpoint_id: UUID, *, lock: bool = False) -> WebhookEndpoint | None:
        return self.rows.get(endpoint_id)

    def save(self, endpoint: WebhookEndpoint) -> None:
        self.rows[endpoint.id] = endpoint

    def subscribed(self) -> list[tuple[UUID, tuple[str, ...]]]:
        return [(e.id, e.event_types) for e in self.rows.values() if e.enabled]


class MemoryDeliveries:
    def __init__(self) -> None:
        self.added: list[WebhookDelivery] = []
        self.woken: list[UUID] = []

    def add_new(self, deliveries: Sequence[WebhookDelivery]) -> int:
        self.added.extend(deliveries)
        return len(deliveries)

    def wake(self, endpoint_id: UUID, at: datetime) -> None:
        self.woken.append(endpoint_id)


@pytest.fixture
def repositories() -> tuple[MemoryEndpoints, MemoryDeliveries]:
    return MemoryEndpoints(), MemoryDeliveries()


@pytest.fixture
def uow(repositories: tuple[MemoryEndpoints, MemoryDeliveries]) -> FakeUnitOfWork:
    stored, deliveries = repositories
    return FakeUnitOfWork(
        {"notifications.webhook_endpoints": stored, "notifications.webhook_deliveries": deliveries},
        clock=FixedClock(AT),
    )


class FakeDns:
    """Answers ``DNS`` and remembers which hosts it was asked about."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.asked.append(host)
        return [ip_address(a) for a in DNS.get(host, [])]


dns = FakeDns()
RULES = endpoints.WebhookRules(
    known_types={"orders.order_placed.v1", "returns.return_approved.v1"}, resolver=dns
)


@pytest.fixture(autouse=True)
def forget_questions() -> None:
    dns.asked.clear()


def register(uow: FakeUnitOfWork, url: str, *patterns: str) -> WebhookEndpoint:
    return endpoints.create_webhook(
        endpoints.CreateWebhook(url=url, event_types=list(patterns or ("orders.*",))),
        uow=uow,
        rules=RULES,
    )


def test_registering_resolves_the_host_and_stores_the_endpoint(
    uow: FakeUnitOfWork, repositories: tuple[MemoryEndpoints, MemoryDeliveries]
) -> None:
    created = register(uow, "https://erp.example.com/in", "orders.*")

    assert dns.asked == ["erp.example.com"]
    assert repositories[0].rows == {created.id: created}
    assert (created.created_at, created.version, created.enabled) == (AT, 1, True)


def test_a_host_on_the_private_network_is_refused_and_nothing_stored(
    uow: FakeUnitOfWork, repositories: tuple[MemoryEndpoints, MemoryDeliveries]
) -> None:
    with pytest.raises(WebhookTargetRefused) as refused:
        register(uow, "https://intranet.example.com/in")

    assert refused.value.facts["address"] == "10.1.1.1"
    assert repositories[0].rows == {}
    assert uow.commits == 0


def test_the_deployment_may_allow_private_targets(uow: FakeUnitOfWork) -> None:
    allowing = endpoints.WebhookRules(
        known_types=RULES.known_types, resolver=dns, allow_private=True
    )

    created = endpoints.create_webhook(
        endpoints.CreateWebhook(url="https://intranet.example.com/in", event_types=["*"]),
        uow=uow,
        rules=allowing,
    )

    assert created.url == "https://intranet.example.com/in"


def test_a_change_of_description_asks_no_dns_and_checks_no_pattern(uow: FakeUnitOfWork) -> None:
    created = register(uow, "https://erp.example.com/in")
    dns.asked.clear()

    changed = endpoints.update_webhook(
        endpoints.UpdateWebhook(webhook_id=created.id, description="ERP (prod)"),
        uow=uow,
        rules=endpoints.WebhookRules(known_types=(), resolver=dns),
    )

    assert dns.asked == []
    assert (changed.description, changed.version) == ("ERP (prod)", 2)


def test_a_change_to_unknown_patterns_is_refused(uow: FakeUnitOfWork) -> None:
    created = register(uow, "https://erp.example.com/in")

    with pytest.raises(EventTypesInvalid):
        endpoints.update_webhook(
            endpoints.UpdateWebhook(webhook_id=created.id, event_types=["payments.*"]),
            uow=uow,
            rules=RULES,
        )


def test_enabling_a_disabled_endpoint_wakes_its_waiting_deliveries(
    uow: FakeUnitOfWork, repositories: tuple[MemoryEndpoints, MemoryDeliveries]
) -> None:
    created = register(uow, "https://erp.example.com/in")
    created.disable("the endpoint answered 410 Gone", AT)

    enabled = endpoints.enable_webhook(created.id, uow=uow)

    assert enabled.enabled
    assert repositories[1].woken == [created.id]
    endpoints.enable_webhook(created.id, uow=uow)
    assert repositories[1].woken == [created.id]  # enabled already: nothing to wake


def envelope() -> Envelope:
    return Envelope(event_id=new_id(), position=7, occurred_at=AT, event=example_event(OrderPlaced))


def test_the_fan_out_queues_one_delivery_per_endpoint_that_wants_the_event(
    uow: FakeUnitOfWork, repositories: tuple[MemoryEndpoints, MemoryDeliveries]
) -> None:
    wanting = [register(uow, "https://erp.example.com/in", p) for p in ("*", "orders.*")]
    register(uow, "https://erp.example.com/in", "returns.*")
    placed = envelope()

    assert fan_out(placed, uow=uow) == 2

    added = repositories[1].added
    assert {d.endpoint_id for d in added} == {e.id for e in wanting}
    assert {(d.event_id, d.status.value, d.next_attempt_at) for d in added} == {
        (placed.event_id, "pending", AT)
    }
    assert json.loads(added[0].body) == envelope_body(placed)


def test_the_fan_out_writes_nothing_when_no_endpoint_wants_the_event(
    uow: FakeUnitOfWork, repositories: tuple[MemoryEndpoints, MemoryDeliveries]
) -> None:
    register(uow, "https://erp.example.com/in", "returns.*")
    commits = uow.commits

    assert fan_out(envelope(), uow=uow) == 0

    assert repositories[1].added == []
    assert uow.commits == commits
