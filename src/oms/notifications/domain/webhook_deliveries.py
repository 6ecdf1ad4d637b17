"""Webhook deliveries: one event for one endpoint, its attempts and when it is tried again.

A delivery is ``pending`` until an attempt gets a 2xx (``succeeded``) or its retries run out
(``failed``); a replay makes any delivery ``pending`` again with the same body, so the receiver
sees the same ``webhook-id``. The lifecycle is a transition table (``DELIVERY_LIFECYCLE``).

Retries follow ``RetrySchedule``: the first after about 5 seconds, then doubling, each spread by
up to ±25 % (many deliveries failing together do not all come back at the same second), never
more than 6 hours apart, for up to 3 days from the first attempt of the round (a replay starts
a new round). The attempt at the deadline is the last.

A worker claims a pending delivery with a lease (``locked_until``) before it sends, so a worker
that dies mid-send leaves a row another worker takes over once the lease expires (at least
once). The lease a worker claimed with is its token: when its answer comes back after the lease
moved on (expired and claimed again, or replayed), the attempt is recorded but only the current
holder decides what happens next; a success is a success whoever reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from oms.shared.errors import NotFound
from oms.shared.state_machine import StateMachine

LAST_ERROR_LENGTH = 500


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class DeliveryAction(StrEnum):
    SUCCEED = "succeed"
    RETRY = "retry"
    FAIL = "fail"
    REPLAY = "replay"


_P, _S, _F = DeliveryStatus.PENDING, DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED
DELIVERY_LIFECYCLE: StateMachine[DeliveryStatus, DeliveryAction] = StateMachine(
    "webhook delivery",
    {
        (_P, DeliveryAction.SUCCEED): _S,
        (_P, DeliveryAction.RETRY): _P,
        (_P, DeliveryAction.FAIL): _F,
        (_P, DeliveryAction.REPLAY): _P,
        (_S, DeliveryAction.REPLAY): _P,
        (_F, DeliveryAction.REPLAY): _P,
    },
)


class DeliveryNotFound(NotFound):
    code = "webhook-delivery-not-found"
    title = "Webhook delivery not found"

    def __init__(self, webhook_id: UUID, delivery_id: UUID) -> None:
        super().__init__(
            f"webhook {webhook_id} has no delivery {delivery_id}",
            webhook_id=str(webhook_id),
            delivery_id=str(delivery_id),
        )


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """When a failed delivery is tried again; see the module docstring."""

    first: timedelta = timedelta(seconds=5)
    jitter: float = 0.25
    longest: timedelta = timedelta(hours=6)
    give_up_after: timedelta = timedelta(days=3)

    def delay(self, attempts: int, draw: float) -> timedelta:
        """The wait after the ``attempts``-th failed attempt; ``draw`` in [-1, 1] spreads it."""
        doubled = self.first * (1 << min(max(attempts - 1, 0), 32))
        spread = min(doubled, self.longest) * (1 + self.jitter * max(-1.0, min(1.0, draw)))
        return min(spread, self.longest)

    def next_attempt(
        self, *, attempts: int, first_attempt_at: datetime, at: datetime, draw: float
    ) -> datetime | None:
        """When to try again after a failure at ``at``; None once the round's time is up."""
        deadline = first_attempt_at + self.give_up_after
        if at >= deadline:
            return None
        return min(at + self.delay(attempts, draw), deadline)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """One HTTP attempt: when, the status code (None when no response came), how long it took
    and what went wrong (None for a 2xx)."""

    at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(slots=True, kw_only=True)
class WebhookDelivery:
    id: UUID
    endpoint_id: UUID
    event_id: UUID
    event_type: str
    body: str
    """The exact JSON text sent (and signed) on every attempt."""
    status: DeliveryStatus
    created_at: datetime
    next_attempt_at: datetime | None
    attempts: int = 0
    first_attempt_at: datetime | None = None
    """The first attempt of the current round (a replay starts a new one)."""
    locked_until: datetime | None = None
    last_status_code: int | None = None
    last_latency_ms: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None

    def record(
        self, attempt: Attempt, *, lease: datetime, schedule: RetrySchedule, draw: float
    ) -> None:
        """Take one attempt made under ``lease``: count it, then succeed, retry or fail."""
        self.attempts += 1
        self.last_status_code = attempt.status_code
        self.last_latency_ms = attempt.latency_ms
        self.last_error = None if attempt.error is None else attempt.error[:LAST_ERROR_LENGTH]
        if self.first_attempt_at is None:
            self.first_attempt_at = attempt.at
        if self.status is not DeliveryStatus.PENDING:
            return  # a late answer after the delivery was settled
        if attempt.succeeded:
            self._move(DeliveryAction.SUCCEED)
            self.delivered_at = attempt.at
            self.next_attempt_at = None
            self.locked_until = None
            return
        if self.locked_until != lease:
            return  # the lease moved on: its current holder decides
        retry_at = schedule.next_attempt(
            attempts=self.attempts, first_attempt_at=self.first_attempt_at, at=attempt.at, draw=draw
        )
        self._move(DeliveryAction.FAIL if retry_at is None else DeliveryAction.RETRY)
        self.next_attempt_at = retry_at
        self.locked_until = None

    def replay(self, at: datetime) -> None:
        """Queue it again now, same body and ``webhook-id``; a new round of retries."""
        self._move(DeliveryAction.REPLAY)
        self.next_attempt_at = at
        self.first_attempt_at = None
        self.locked_until = None

    def _move(self, action: DeliveryAction) -> None:
        self.status = DELIVERY_LIFECYCLE.next(self.status, action)
