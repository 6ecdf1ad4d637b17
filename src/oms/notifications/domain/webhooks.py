"""Webhook endpoints: where events are sent, which ones, signed with what, and when oms stops.

An endpoint is a URL, the event types it wants (patterns such as ``orders.*``), a description,
whether it is enabled and the secret its deliveries are signed with (Standard Webhooks:
``whsec_`` + base64 of random bytes). Its rules, all here:

- Patterns are ``*`` (every type), ``<context>.*``, ``<context>.<event>.*`` (every version) or
  one full type (``orders.order_placed.v1``); each must match at least one registered type, so a
  typo is refused when it is made instead of silently receiving nothing.
- A new or rotated secret is shown once. After a rotation the previous secret keeps signing
  beside the new one for a day (Standard Webhooks sends several signatures), so a receiver can
  switch without refusing deliveries in between.
- An endpoint that answers ``410 Gone`` is disabled at once; one whose deliveries have failed
  without any success for three days is disabled too, with the reason kept. A disabled endpoint
  gets no new deliveries and its pending ones wait; enabling it (an admin's decision) clears the
  failure state.

The body of a delivery is the event's envelope (``oms.platform.event_catalogue.envelope_body``,
the same object a broker message carries), encoded once by ``encode_document`` and kept.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from oms.notifications.domain.targets import WebhookTarget
from oms.shared.errors import FieldProblem, Invalid, NotFound

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not one
SECRET_BYTES = 32
PREVIOUS_SECRET_GRACE = timedelta(days=1)
"""How long the secret replaced by a rotation keeps signing beside the new one."""
FAILING_LIMIT = timedelta(days=3)
"""An endpoint with no successful delivery for this long after a failure is disabled."""
GONE = 410
MAX_PATTERNS = 100
MAX_DESCRIPTION = 500

_PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*\.(\*|v[1-9][0-9]*)))$")


class WebhookNotFound(NotFound):
    code = "webhook-not-found"
    title = "Webhook not found"

    def __init__(self, webhook_id: UUID) -> None:
        super().__init__(f"no webhook {webhook_id}", webhook_id=str(webhook_id))


class EventTypesInvalid(Invalid):
    """Patterns that are malformed or match no registered event type, each named."""

    code = "webhook-event-types-invalid"
    title = "Invalid event types"

    def __init__(self, problems: list[FieldProblem]) -> None:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(f"the event types cannot be subscribed to: {detail}", problems=problems)


def matches(pattern: str, event_type: str) -> bool:
    """Whether ``pattern`` (``*``, ``orders.*``, ``orders.order_placed.*`` or a full type)
    covers ``event_type``."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return event_type == pattern


def check_patterns(patterns: Iterable[str], known_types: Collection[str]) -> tuple[str, ...]:
    """The patterns, each once and in the given order, if every one is well formed and matches
    a registered type; ``EventTypesInvalid`` naming each that is not (``event_types.2``)."""
    given = list(patterns)
    problems: list[FieldProblem] = []
    if not given:
        problems.append(FieldProblem("event_types", "name at least one event type or pattern"))
    if len(given) > MAX_PATTERNS:
        problems.append(FieldProblem("event_types", f"at most {MAX_PATTERNS} patterns"))
    for index, pattern in enumerate(given):
        where = f"event_types.{index}"
        if not _PATTERN.match(pattern):
            problems.append(
                FieldProblem(
                    where,
                    f"{pattern!r} is not an event type or a pattern such as '*', 'orders.*' "
                    "or 'orders.order_placed.v1'",
                )
            )
        elif not any(matches(pattern, known) for known in known_types):
            problems.append(FieldProblem(where, f"{pattern!r} matches no registered event type"))
    if problems:
        raise EventTypesInvalid(problems)
    return tuple(dict.fromkeys(given))


def issue_secret() -> str:
    """A new signing secret: ``whsec_`` + base64 of 32 random bytes (Standard Webhooks)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


@dataclass(slots=True, kw_only=True)
class WebhookEndpoint:
    """One subscription of an outside system to oms's events, and the only way it changes."""

    id: UUID
    url: str
    event_types: tuple[str, ...]
    description: str
    enabled: bool
    secret: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    previous_secret: str | None = None
    previous_secret_until: datetime | None = None
    disabled_reason: str | None = None
    disabled_at: datetime | None = None
    failing_since: datetime | None = None
    """The first failed attempt since the last success (None while deliveries succeed)."""

    @classmethod
    def register(
        cls,
        *,
        id: UUID,
        target: WebhookTarget,
        event_types: tuple[str, ...],
        description: str,
        enabled: bool,
        secret: str,
        at: datetime,
    ) -> WebhookEndpoint:
        """A new endpoint at version 1 (patterns and target already checked)."""
        return cls(
            id=id,
            url=target.url,
            event_types=event_types,
            description=description,
            enabled=enabled,
            secret=secret,
            created_at=at,
            updated_at=at,
            disabled_at=None if enabled else at,
            disabled_reason=None if enabled else "created disabled",
        )

    def signing_secrets(self, at: datetime) -> tuple[str, ...]:
        """The secrets a delivery at ``at`` is signed with: the current one, and the previous
        one during its day of grace after a rotation."""
        until = self.previous_secret_until
        if self.previous_secret is not None and until is not None and at < until:
            return (self.secret, self.previous_secret)
        return (self.secret,)

    def change(
        self,
        *,
        at: datetime,
        target: WebhookTarget | None = None,
        event_types: tuple[str, ...] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> bool:
        """Change what an admin sets (only what is given, checked by the caller), as one new
        version; whether anything changed. Enabling clears the failure state (an enabled
        endpoint that was failing starts afresh); disabling keeps who did it."""
        before = self._settings()
        if target is not None:
            self.url = target.url
        if event_types is not None:
            self.event_types = event_types
        if description is not None:
            self.description = description
        if enabled is True and (not self.enabled or self.failing_since is not None):
            self._enable()
        elif enabled is False and self.enabled:
            self._disable("disabled by an admin", at)
        changed = self._settings() != before
        if changed:
            self._changed(at)
        return changed

    def disable(self, reason: str, at: datetime) -> None:
        """Stop delivering (a 410, persistent failure); its pending deliveries wait."""
        if self.enabled:
            self._disable(reason, at)
            self._changed(at)

    def rotate_secret(self, secret: str, at: datetime) -> None:
        """Sign with ``secret`` from now on; the old one signs too for a day of grace."""
        self.previous_secret = self.secret
        self.previous_secret_until = at + PREVIOUS_SECRET_GRACE
        self.secret = secret
        self._changed(at)

    def note_attempt(self, *, succeeded: bool, status_code: int | None, at: datetime) -> bool:
        """Take a delivery attempt's outcome into the failure state: a success clears it, a 410
        disables at once, three days of failures without a success disable. Whether anything
        changed (the caller saves only then)."""
        if succeeded:
            changed = self.failing_since is not None
            self.failing_since = None
            return changed
        changed = self.failing_since is None
        if self.failing_since is None:
            self.failing_since = at
        if not self.enabled:
            return changed
        if status_code == GONE:
            self.disable("the endpoint answered 410 Gone", at)
            return True
        if at - self.failing_since >= FAILING_LIMIT:
            since = self.failing_since.strftime("%Y-%m-%d %H:%M UTC")
            self.disable(f"no delivery succeeded since {since} (3 days)", at)
            return True
        return changed

    def _settings(self) -> tuple[object, ...]:
        return (self.url, self.event_types, self.description, self.enabled, self.failing_since)

    def _enable(self) -> None:
        self.enabled = True
        self.disabled_reason = None
        self.disabled_at = None
        self.failing_since = None

    def _disable(self, reason: str, at: datetime) -> None:
        self.enabled = False
        self.disabled_reason = reason
        self.disabled_at = at

    def _changed(self, at: datetime) -> None:
        self.version += 1
        self.updated_at = at


def encode_document(document: Mapping[str, Any]) -> str:
    """The exact text sent and signed (compact JSON, UTF-8 kept as it is)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
