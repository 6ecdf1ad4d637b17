"""``oms webhooks ...``: endpoints and their deliveries from the command line (the root CLI adds
this group).

    oms webhooks list
    oms webhooks show WEBHOOK_ID
    oms webhooks deliveries WEBHOOK_ID [--status failed] [--event-type orders.order_placed.v1]
    oms webhooks replay WEBHOOK_ID DELIVERY_ID
    oms webhooks enable WEBHOOK_ID

Endpoints are registered over the API (``POST /v1/webhooks``), which shows their secret once;
the commands never show it. They call the same services as the routes, as an operator who may
do everything. A malformed id or a refusal is one readable line on stderr with exit code 2; an
endpoint or delivery that does not exist, exit code 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, NoReturn
from uuid import UUID

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from oms.notifications.domain.webhook_deliveries import DeliveryStatus, WebhookDelivery
from oms.notifications.domain.webhooks import WebhookEndpoint
from oms.notifications.repository.webhook_deliveries import DeliveryFilter
from oms.notifications.services.webhooks import deliveries, endpoints
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import DomainError, NotFound

app = typer.Typer(help="Webhook endpoints and their deliveries.", no_args_is_help=True)

WebhookId = Annotated[str, typer.Argument(help="The endpoint's id.")]
DeliveryId = Annotated[str, typer.Argument(help="The delivery's id (see `deliveries`).")]


@app.callback()
def _group() -> None:
    """Webhook endpoints and their deliveries."""


@contextmanager
def _database() -> Iterator[UnitOfWork]:
    """A unit of work on the configured database; refusals end the command readably."""
    engine = create_database_engine(Settings().database_url)
    try:
        yield UnitOfWork(engine)
    except NotFound as error:
        _fail(error.detail, code=1)
    except DomainError as error:
        _fail(error.detail)
    finally:
        engine.dispose()


def _fail(detail: str, *, code: int = 2) -> NoReturn:
    Console(stderr=True).print(
        f"[red]error:[/red] {escape(detail)}", highlight=False, soft_wrap=True
    )
    raise typer.Exit(code=code)


def _id(text: str, what: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        _fail(f"{text!r} is not {what} id (a UUID such as 0192f3c4-...)")


def _when(at: datetime | None) -> str:
    return "" if at is None else at.strftime("%Y-%m-%d %H:%M:%S")


def _state(endpoint: WebhookEndpoint) -> str:
    if not endpoint.enabled:
        return f"disabled: {endpoint.disabled_reason or 'by an admin'}"
    if endpoint.failing_since is not None:
        return f"enabled, failing since {_when(endpoint.failing_since)}"
    return "enabled"


@app.command("list")
def list_webhooks() -> None:
    """Every endpoint: URL, event types, whether it is enabled (and why not)."""
    with _database() as uow:
        found = endpoints.list_webhooks(uow=uow, after=None, limit=1000)
    out = Console()
    if not found:
        out.print("no webhooks (register one with POST /v1/webhooks)")
        return
    table = Table(title=f"Webhooks ({len(found)})", box=box.SIMPLE_HEAD)
    table.add_column("id", no_wrap=True)
    table.add_column("url", overflow="fold")
    table.add_column("event types", overflow="fold")
    table.add_column("state", overflow="fold")
    for e in found:
        table.add_row(str(e.id), e.url, ", ".join(e.event_types), _state(e))
    out.print(table)


@app.command("show")
def show(webhook_id: WebhookId) -> None:
    """One endpoint (its secret is never shown again)."""
    with _database() as uow:
        endpoint = endpoints.get_webhook(_id(webhook_id, "a webhook"), uow=uow)
    _print_endpoint(endpoint)


@app.command("deliveries")
def list_deliveries(
    webhook_id: WebhookId,
    status: Annotated[DeliveryStatus | None, typer.Option(help="Only in this status.")] = None,
    event_type: Annotated[str | None, typer.Option(help="Only of this event type.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many, newest first.")] = 50,
) -> None:
    """The endpoint's deliveries, newest first: status, attempts, last answer."""
    with _database() as uow:
        found = deliveries.list_deliveries(
            _id(webhook_id, "a webhook"),
            DeliveryFilter(status=status, event_type=event_type),
            uow=uow,
            after=None,
            limit=limit,
        )
    out = Console()
    if not found:
        out.print("no deliveries match")
        return
    table = Table(title=f"Deliveries ({len(found)})", box=box.SIMPLE_HEAD)
    for column in ("id", "event type", "status", "attempts", "last answer", "next attempt"):
        table.add_column(column, overflow="fold")
    for d in found:
        table.add_row(
            str(d.id),
            d.event_type,
            d.status.value,
            str(d.attempts),
            _answer(d),
            _when(d.next_attempt_at),
        )
    out.print(table)


@app.command("replay")
def replay(webhook_id: WebhookId, delivery_id: DeliveryId) -> None:
    """Queue a delivery again now, with the same body and webhook-id."""
    with _database() as uow:
        delivery = deliveries.replay_delivery(
            _id(webhook_id, "a webhook"), _id(delivery_id, "a delivery"), uow=uow
        )
    due = _when(delivery.next_attempt_at)
    Console().print(f"delivery {delivery.id} ({delivery.event_type}) queued again, due {due}")


@app.command("enable")
def enable(webhook_id: WebhookId) -> None:
    """Enable an endpoint again: its failure state is cleared, waiting deliveries go out."""
    with _database() as uow:
        endpoint = endpoints.enable_webhook(_id(webhook_id, "a webhook"), uow=uow)
    _print_endpoint(endpoint)


def _answer(delivery: WebhookDelivery) -> str:
    if delivery.attempts == 0:
        return ""
    code = (
        "no response" if delivery.last_status_code is None else f"HTTP {delivery.last_status_code}"
    )
    latency = f" in {delivery.last_latency_ms} ms" if delivery.last_latency_ms else ""
    error = f": {delivery.last_error}" if delivery.last_error else ""
    return f"{code}{latency}{error}"


def _print_endpoint(endpoint: WebhookEndpoint) -> None:
    out = Console()
    out.print(f"[bold]{endpoint.id}[/bold] {escape(endpoint.url)}", soft_wrap=True)
    rows = [
        ("event types", ", ".join(endpoint.event_types)),
        ("description", endpoint.description),
        ("state", _state(endpoint)),
        ("version", str(endpoint.version)),
        ("created", _when(endpoint.created_at)),
        ("updated", _when(endpoint.updated_at)),
    ]
    for name, value in rows:
        if value:
            out.print(f"  {name}: {escape(value)}", highlight=False, soft_wrap=True)
