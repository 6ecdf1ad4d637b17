"""Webhooks (``/v1/webhooks``): endpoints listed in the order they were registered, registered
(URL, event types, description), disabled and enabled again, each with its recent deliveries.

The signing secret is never shown here: the console renders no secret but an API key's, once.
An endpoint registered here gets its secret through ``POST /v1/webhooks/{id}/secret`` (the
rotation answers with it), which the page says.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from oms.console.pages.settings.fields import (
    FormReader,
    attempt_form,
    id_cursor,
    prefix_of,
    redirect,
)
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.notifications.domain.webhooks import MAX_DESCRIPTION, WebhookEndpoint
from oms.notifications.services.webhooks import endpoints, recent
from oms.platform.security import Permission

router = APIRouter(prefix="/console/settings", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.WEBHOOKS_READ))]
Manager = Annotated[Staff, Depends(ConsoleRequires(Permission.WEBHOOKS_MANAGE))]
Form = Annotated[FormData, Depends(form_data)]

PAGE = 50
DELIVERIES_SHOWN = 25


def rules_of(request: Request) -> endpoints.WebhookRules:
    """As the API's: the deployment's registered event types and whether private targets are
    allowed."""
    registry = request.app.state.event_registry
    return endpoints.WebhookRules(
        known_types=frozenset(cls.type for cls in registry),
        allow_private=request.app.state.settings.webhooks_allow_private_targets,
    )


def _page(
    request: Request,
    staff: Staff,
    *,
    after: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    found = endpoints.list_webhooks(
        uow=uow_of(request), after=id_cursor(after, "a webhook's id"), limit=PAGE + 1
    )
    shown = found[:PAGE]
    more = len(found) > PAGE
    context = {
        "webhooks": shown,
        "next_url": f"/console/settings/webhooks?after={shown[-1].id}" if more else None,
        "values": values if values is not None else {"enabled": True},
        "errors": errors,
        "can": staff.can(Permission.WEBHOOKS_MANAGE),
        "done": done,
    }
    return render(request, "console/settings/webhooks.html", context, status=status)


@router.get("/webhooks")
def webhooks(
    request: Request, staff: Reader, after: str | None = None, done: str | None = None
) -> Response:
    return _page(request, staff, after=after, done=done)


@router.post("/webhooks")
def register_webhook(request: Request, staff: Manager, form: Form) -> Response:
    """Register an endpoint; every bad pattern and a refused URL are named at once."""
    read = FormReader(form)
    url = read.text("url", required=True, max_length=2000)
    patterns = [p for p in read.text("event_types").replace(",", " ").split() if p]
    description = read.text("description", max_length=MAX_DESCRIPTION)
    enabled = read.flag("enabled")
    command = endpoints.CreateWebhook(
        url=url, event_types=patterns, description=description, enabled=enabled
    )

    def register() -> WebhookEndpoint:
        read.done("the webhook has invalid fields")
        return endpoints.create_webhook(command, uow=uow_of(request), rules=rules_of(request))

    created, errors, status = attempt_form(register, rename=prefix_of(1))
    if errors is not None or created is None:
        return _page(request, staff, values=read.values, errors=errors, status=status)
    return redirect(f"/console/settings/webhooks/{created.id}", "created")


@router.get("/webhooks/{webhook_id}")
def webhook(request: Request, staff: Reader, webhook_id: UUID, done: str | None = None) -> Response:
    """One endpoint and its latest deliveries: status, attempts, last answer, next attempt."""
    uow = uow_of(request)
    endpoint = endpoints.get_webhook(webhook_id, uow=uow)
    context = {
        "webhook": endpoint,
        "deliveries": recent.recent_deliveries(endpoint.id, uow=uow, limit=DELIVERIES_SHOWN),
        "can": staff.can(Permission.WEBHOOKS_MANAGE),
        "done": done,
    }
    return render(request, "console/settings/webhook.html", context)


def _switch(request: Request, webhook_id: UUID, *, enabled: bool) -> Response:
    command = endpoints.UpdateWebhook(webhook_id=webhook_id, enabled=enabled)
    endpoints.update_webhook(command, uow=uow_of(request), rules=rules_of(request))
    done = "enabled" if enabled else "disabled"
    return redirect(f"/console/settings/webhooks/{webhook_id}", done)


@router.post("/webhooks/{webhook_id}/disable")
def disable_webhook(request: Request, _staff: Manager, webhook_id: UUID) -> Response:
    """Stop sending to the endpoint; its pending deliveries wait."""
    return _switch(request, webhook_id, enabled=False)


@router.post("/webhooks/{webhook_id}/enable")
def enable_webhook(request: Request, _staff: Manager, webhook_id: UUID) -> Response:
    """Send again: clears the failure state and makes waiting deliveries due at once."""
    return _switch(request, webhook_id, enabled=True)
