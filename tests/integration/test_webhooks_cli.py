"""``oms webhooks ...`` on SQLite and PostgreSQL: list, show (never the secret), deliveries,
replay and enable; a malformed id is one readable line with exit code 2, an endpoint or
delivery that does not exist exit code 1, never a traceback."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from oms.notifications.cli import webhooks_app
from oms.notifications.domain.webhooks import WebhookEndpoint
from oms.notifications.handlers.webhooks import handle_event
from oms.notifications.repository.webhook_deliveries import DeliveryFilter
from oms.notifications.services.webhooks import deliveries, endpoints
from oms.orders import OrderPlaced
from oms.platform.event_catalogue import example_event
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope
from oms.shared.ids import new_id

RULES = endpoints.WebhookRules(known_types={OrderPlaced.type})


@pytest.fixture(autouse=True)
def database_url(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def webhook(engine: Engine) -> WebhookEndpoint:
    """An endpoint for orders' events with one pending delivery of an order placed."""
    created = endpoints.create_webhook(
        endpoints.CreateWebhook(
            url="https://93.184.216.34/oms", event_types=["orders.*"], description="ERP"
        ),
        uow=UnitOfWork(engine),
        rules=RULES,
    )
    envelope = Envelope(
        event_id=new_id(),
        position=1,
        occurred_at=datetime.now(UTC),
        event=example_event(OrderPlaced),
    )
    handle_event(envelope, uow=UnitOfWork(engine))
    return created


def oms_webhooks(*args: str) -> Result:
    return CliRunner().invoke(webhooks_app, list(args))


def delivery_id(engine: Engine, webhook_id: UUID) -> str:
    (found,) = deliveries.list_deliveries(
        webhook_id, DeliveryFilter(), uow=UnitOfWork(engine), after=None, limit=5
    )
    return str(found.id)


def test_list_and_show_name_the_endpoint_but_never_its_secret(webhook: WebhookEndpoint) -> None:
    listed = oms_webhooks("list")
    shown = oms_webhooks("show", str(webhook.id))

    assert listed.exit_code == shown.exit_code == 0, listed.output + shown.output
    assert str(webhook.id) in listed.output
    assert "https://93.184.216.34/oms" in listed.output
    assert "orders.*" in shown.output
    assert "ERP" in shown.output
    assert webhook.secret not in listed.output + shown.output


def test_deliveries_lists_each_with_its_status(engine: Engine, webhook: WebhookEndpoint) -> None:
    listed = oms_webhooks("deliveries", str(webhook.id))
    none_failed = oms_webhooks("deliveries", str(webhook.id), "--status", "failed")

    assert listed.exit_code == 0, listed.output
    assert delivery_id(engine, webhook.id) in listed.output
    assert "orders.order_placed.v1" in listed.output
    assert "pending" in listed.output
    assert "no deliveries match" in none_failed.output


def test_replay_queues_a_delivery_again(engine: Engine, webhook: WebhookEndpoint) -> None:
    replayed = oms_webhooks("replay", str(webhook.id), delivery_id(engine, webhook.id))

    assert replayed.exit_code == 0, replayed.output
    assert "queued again" in replayed.output


def test_enable_starts_a_disabled_endpoint_again(engine: Engine, webhook: WebhookEndpoint) -> None:
    endpoints.update_webhook(
        endpoints.UpdateWebhook(webhook_id=webhook.id, enabled=False),
        uow=UnitOfWork(engine),
        rules=RULES,
    )
    assert "disabled: disabled by an admin" in oms_webhooks("show", str(webhook.id)).output

    enabled = oms_webhooks("enable", str(webhook.id))

    assert enabled.exit_code == 0, enabled.output
    assert "state: enabled" in enabled.output


def test_a_malformed_id_is_one_readable_line_with_exit_code_2() -> None:
    refused = oms_webhooks("show", "hook-1")

    assert refused.exit_code == 2
    assert "'hook-1' is not a webhook id" in refused.output
    assert "Traceback" not in refused.output


def test_what_does_not_exist_is_exit_code_1(webhook: WebhookEndpoint) -> None:
    missing_webhook = oms_webhooks("deliveries", str(new_id()))
    missing_delivery = oms_webhooks("replay", str(webhook.id), str(new_id()))

    assert (missing_webhook.exit_code, missing_delivery.exit_code) == (1, 1)
    assert "no webhook" in missing_webhook.output
    assert "has no delivery" in missing_delivery.output
