"""Managing webhook endpoints: register, read, change, rotate the secret, delete.

What an admin sends is checked before any transaction opens: the patterns against the
deployment's registered event types, and the URL's host by resolving it (a network call, so
never inside a transaction) and vetting every address (``domain.targets``). Both are reported
at once when both are wrong. A change loads the endpoint under its row lock and honours
``If-Match``; the delivery worker's own changes (a 410, persistent failure) take the same lock,
so neither overwrites the other.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from oms.notifications.domain.targets import WebhookTarget, vet
from oms.notifications.domain.webhooks import (
    WebhookEndpoint,
    WebhookNotFound,
    check_patterns,
    issue_secret,
)
from oms.notifications.providers.webhook_http import Resolver, resolve
from oms.notifications.repository.webhook_deliveries import DELIVERIES
from oms.notifications.repository.webhooks import ENDPOINTS
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.ids import new_id
from oms.shared.versions import ExpectedVersion, check_expected


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookRules:
    """What a webhook may subscribe to and call, in this deployment."""

    known_types: Collection[str]
    """Every registered event type (the composition root's registry)."""
    allow_private: bool = False
    resolver: Resolver = field(default=resolve)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateWebhook:
    url: str
    event_types: Sequence[str]
    description: str = ""
    enabled: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateWebhook:
    webhook_id: UUID
    url: str | None = None
    event_types: Sequence[str] | None = None
    description: str | None = None
    enabled: bool | None = None
    expected: ExpectedVersion | None = None


class WebhookInvalid(Invalid):
    code = "webhook-invalid"
    title = "Invalid webhook"


def check_target(url: str, rules: WebhookRules) -> WebhookTarget:
    """The URL as a target oms may call now: parsed, resolved, every address vetted."""
    target = WebhookTarget.parse(url)
    literal = target.literal_address
    addresses = [literal] if literal is not None else rules.resolver(target.host, target.port)
    vet(target.host, addresses, allow_private=rules.allow_private)
    return target


def create_webhook(
    command: CreateWebhook, *, uow: UnitOfWork, rules: WebhookRules
) -> WebhookEndpoint:
    """Register an endpoint with a new secret (the caller shows it once)."""
    target, patterns = _checked(command.url, command.event_types, rules)
    assert target is not None
    assert patterns is not None
    with uow.begin() as tx:
        endpoint = WebhookEndpoint.register(
            id=new_id(),
            target=target,
            event_types=patterns,
            description=command.description,
            enabled=command.enabled,
            secret=issue_secret(),
            at=tx.now,
        )
        tx.repo(ENDPOINTS).add(endpoint)
    return endpoint


def get_webhook(webhook_id: UUID, *, uow: UnitOfWork) -> WebhookEndpoint:
    with uow.read() as tx:
        return _found(tx.repo(ENDPOINTS).get(webhook_id), webhook_id)


def list_webhooks(*, uow: UnitOfWork, after: UUID | None, limit: int) -> list[WebhookEndpoint]:
    """Endpoints in the order they were registered."""
    with uow.read() as tx:
        return tx.repo(ENDPOINTS).page(after=after, limit=limit)


def update_webhook(
    command: UpdateWebhook, *, uow: UnitOfWork, rules: WebhookRules
) -> WebhookEndpoint:
    """Change what is given; enabling a disabled (or failing) endpoint clears its failure
    state and makes its waiting deliveries due at once."""
    target, patterns = _checked(command.url, command.event_types, rules)
    return _change(
        command.webhook_id,
        uow=uow,
        expected=command.expected,
        target=target,
        event_types=patterns,
        description=command.description,
        enabled=command.enabled,
    )


def enable_webhook(webhook_id: UUID, *, uow: UnitOfWork) -> WebhookEndpoint:
    """Enable an endpoint again (``oms webhooks enable``): as a PATCH with ``enabled: true``."""
    return _change(webhook_id, uow=uow, enabled=True)


def _change(
    webhook_id: UUID,
    *,
    uow: UnitOfWork,
    expected: ExpectedVersion | None = None,
    target: WebhookTarget | None = None,
    event_types: tuple[str, ...] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    with uow.begin() as tx:
        endpoints = tx.repo(ENDPOINTS)
        endpoint = _found(endpoints.get(webhook_id, lock=True), webhook_id)
        check_expected(expected, "webhook", str(endpoint.id), endpoint.version)
        was_enabled = endpoint.enabled
        changed = endpoint.change(
            at=tx.now,
            target=target,
            event_types=event_types,
            description=description,
            enabled=enabled,
        )
        if changed:
            endpoints.save(endpoint)
        if endpoint.enabled and not was_enabled:
            tx.repo(DELIVERIES).wake(endpoint.id, tx.now)
    return endpoint


def rotate_secret(
    webhook_id: UUID, *, uow: UnitOfWork, expected: ExpectedVersion | None = None
) -> WebhookEndpoint:
    """A new secret from now on (shown once); the old one signs beside it for a day."""
    with uow.begin() as tx:
        endpoints = tx.repo(ENDPOINTS)
        endpoint = _found(endpoints.get(webhook_id, lock=True), webhook_id)
        check_expected(expected, "webhook", str(webhook_id), endpoint.version)
        endpoint.rotate_secret(issue_secret(), tx.now)
        endpoints.save(endpoint)
    return endpoint


def delete_webhook(webhook_id: UUID, *, uow: UnitOfWork) -> None:
    """Delete an endpoint; its deliveries (pending ones too) and their history go with it."""
    with uow.begin() as tx:
        if not tx.repo(ENDPOINTS).remove(webhook_id):
            raise WebhookNotFound(webhook_id)


def _found(endpoint: WebhookEndpoint | None, webhook_id: UUID) -> WebhookEndpoint:
    if endpoint is None:
        raise WebhookNotFound(webhook_id)
    return endpoint


def _checked(
    url: str | None, event_types: Sequence[str] | None, rules: WebhookRules
) -> tuple[WebhookTarget | None, tuple[str, ...] | None]:
    """The target and patterns given, checked; every problem of both at once."""
    target: WebhookTarget | None = None
    patterns: tuple[str, ...] | None = None
    refused: list[Invalid] = []
    if event_types is not None:
        try:
            patterns = check_patterns(event_types, rules.known_types)
        except Invalid as error:
            refused.append(error)
    if url is not None:
        try:
            target = check_target(url, rules)
        except Invalid as error:
            refused.append(error)
    if len(refused) == 1:
        raise refused[0]
    if refused:
        problems: list[FieldProblem] = [p for error in refused for p in error.problems]
        raise WebhookInvalid(
            "; ".join(f"{p.field}: {p.message}" for p in problems), problems=problems
        )
    return target, patterns
