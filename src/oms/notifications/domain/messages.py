"""A customer mail's life: queued, then sent, failed or skipped, each outcome with its reason.

A message is queued when an event calls for it (or a csr asks for it again) and is then tried
by the worker until it is sent, refused for good, or out of time. An event's message is queued
unaddressed (the outbox consumer only records what the event calls for, cheaply); the worker
addresses it on its first attempt (``address``: the order's buyer, their locale, the channel).
Its lifecycle is a transition table; ``Message`` is the only way through it::

    queued --send--> sent
    queued --retry-> queued      (a temporary failure: tried again later)
    queued --fail--> failed      (refused for good, or still failing a day after the first try)
    queued --skip--> skipped     (kind off, no consent, refused address, customer erased)

What is kept, and for how long: the recipient until the customer is erased (``erase``); the
event's values (``data``) until the mail reached a final state when they are secret (a pickup
code works at the counter, so it is not kept once mailed); errors without the address in them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum
from typing import Any
from uuid import UUID

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings
from oms.shared.errors import Conflict, NotFound
from oms.shared.state_machine import StateMachine


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class MessageAction(StrEnum):
    SEND = "send"
    RETRY = "retry"
    FAIL = "fail"
    SKIP = "skip"


LIFECYCLE: StateMachine[MessageStatus, MessageAction] = StateMachine(
    "notification",
    {
        (MessageStatus.QUEUED, MessageAction.SEND): MessageStatus.SENT,
        (MessageStatus.QUEUED, MessageAction.RETRY): MessageStatus.QUEUED,
        (MessageStatus.QUEUED, MessageAction.FAIL): MessageStatus.FAILED,
        (MessageStatus.QUEUED, MessageAction.SKIP): MessageStatus.SKIPPED,
    },
)


class SkipReason(StrEnum):
    """Why a mail was not sent although an event called for it."""

    KIND_DISABLED = "kind_disabled"
    """The channel turned this notification off."""
    NO_CONSENT = "no_marketing_consent"
    """Not transactional, and the customer has not consented to marketing (or withdrew)."""
    ADDRESS_SUPPRESSED = "address_suppressed"
    """The address was refused for good by a mail server before."""
    CUSTOMER_ERASED = "customer_erased"
    """The customer's personal data was erased: there is nobody to write to."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Audience:
    """Who a mail is for, as the skip rules need it (read when queued and again when sent)."""

    recipient: str
    marketing_consent: bool
    erased: bool
    suppressed: bool


def skip_reason(
    kind: NotificationKind, audience: Audience, settings: MailSettings, *, requested: bool
) -> SkipReason | None:
    """Why this mail must not go out now, or None. A mail a csr asked for (``requested``) goes
    even when the channel turned the kind off; consent, refusals and erasure still hold."""
    if audience.erased or not audience.recipient:
        return SkipReason.CUSTOMER_ERASED
    if not requested and kind not in settings.enabled:
        return SkipReason.KIND_DISABLED
    if not kind.transactional and not audience.marketing_consent:
        return SkipReason.NO_CONSENT
    if audience.suppressed:
        return SkipReason.ADDRESS_SUPPRESSED
    return None


def address_key(address: str) -> str:
    """How a refused address is remembered: a SHA-256 of its lower-cased form, so the
    suppression list holds no address (and erasure has nothing there to erase)."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def message_id_for(id_: UUID, sender: str) -> str:
    """The RFC 5322 Message-ID of a message, made when it is queued so that every retry sends
    the same one (a mail client shows a duplicate of an at-least-once send as one mail)."""
    _, address = parseaddr(sender)
    _, at, domain = address.rpartition("@")
    domain = domain if at and domain else "oms.invalid"
    return f"<{id_.hex}@{domain}>"


SECRET_DATA = frozenset({"pickup_code"})
"""Values of ``data`` that are not kept once the mail reached a final state."""


class NeverQueued(Conflict):
    """A resend of a notification the order never had: there is nothing to send again."""

    code = "notification-never-queued"
    title = "This notification was never queued for the order"

    def __init__(self, order: str, kind: NotificationKind) -> None:
        super().__init__(
            f"no {kind.value} mail was ever queued for order {order}; only a mail an event "
            "called for can be sent again",
            order=order,
            kind=kind.value,
        )


class PickupCodeNotKept(Conflict):
    """A ready-for-pickup mail cannot be sent again: its code is not kept once mailed."""

    code = "pickup-code-not-kept"
    title = "The pickup code is not kept"

    def __init__(self, order: str) -> None:
        super().__init__(
            f"the pickup code of order {order} was not kept once mailed; issue a new one "
            "(POST /v1/fulfilment/orders/{fo_id}/pickup-code), which mails it",
            order=order,
        )


class MessageNotFound(NotFound):
    """No such mail about the order (or about any order the caller can see)."""

    code = "notification-not-found"
    title = "Notification not found"

    def __init__(self, order: str, message_id: UUID) -> None:
        super().__init__(
            f"order {order} has no notification {message_id}",
            order=order,
            message_id=str(message_id),
        )


# -- send attempts -------------------------------------------------------------------------


class DeliveryFailed(Exception):
    """A transport could not hand the mail over; ``reason`` says why (server code and text)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeliveryDeferred(DeliveryFailed):
    """A temporary failure (4xx, no connection, timeout): tried again later."""


class DeliveryRefused(DeliveryFailed):
    """A permanent refusal (5xx). ``recipient`` when the address itself was refused: it is
    remembered and not written to again."""

    def __init__(self, reason: str, *, recipient: bool) -> None:
        super().__init__(reason)
        self.recipient = recipient


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """When a temporary failure is tried again: after a minute, then twice as long each time
    (capped at ``longest``), until a day has passed since the first attempt; then it failed.
    With the defaults that is 12 attempts over 20 h 31 min (0, 1, 3, 7, 15, 31 min, 1 h 03,
    2 h 07, 4 h 15, 8 h 31, 14 h 31, 20 h 31)."""

    first: timedelta = timedelta(minutes=1)
    longest: timedelta = timedelta(hours=6)
    give_up_after: timedelta = timedelta(days=1)

    def delay(self, attempts: int) -> timedelta:
        """How long to wait after the ``attempts``-th failed attempt."""
        doubled: timedelta = self.first * 2 ** min(attempts - 1, 30)
        return min(doubled, self.longest)

    def gives_up(self, first_attempt_at: datetime, next_at: datetime) -> bool:
        """Whether an attempt at ``next_at`` would be later than the schedule tries."""
        return next_at - first_attempt_at > self.give_up_after


RETRIES = RetrySchedule()

ERROR_LENGTH = 500


def _scrubbed(text: str, address: str) -> str:
    """An error as kept: without the recipient's address (servers quote it), shortened."""
    if address:
        text = text.replace(address, "<recipient>")
    return text[:ERROR_LENGTH]


@dataclass(slots=True, kw_only=True)
class Message:
    """One customer mail; see the module docstring for its lifecycle."""

    id: UUID
    kind: NotificationKind
    channel: str | None
    order_id: UUID | None
    order_number: str | None
    customer_id: UUID | None
    reference_id: UUID | None
    event_id: UUID | None
    data: Mapping[str, Any] = field(default_factory=dict)
    recipient: str = ""
    """'' until addressed, and once the customer is erased."""
    locale: str | None = None
    """None until addressed."""
    status: MessageStatus = MessageStatus.QUEUED
    skip_reason: SkipReason | None = None
    message_id: str
    attempts: int = 0
    next_attempt_at: datetime | None = None
    first_attempt_at: datetime | None = None
    last_error: str | None = None
    subject: str | None = None
    sent_at: datetime | None = None
    finished_at: datetime | None = None
    created_at: datetime
    requested_by: str | None = None
    """The staff member who asked for it again (a resend), else None: the system queued it."""
    resend_of: UUID | None = None

    @property
    def actor(self) -> str:
        """Who the order's timeline names for this mail."""
        return self.requested_by or "system:notifications"

    @property
    def done(self) -> bool:
        return self.status is not MessageStatus.QUEUED

    @property
    def addressed(self) -> bool:
        return self.locale is not None

    @property
    def language(self) -> str:
        """The locale of an addressed message (it is written only once addressed)."""
        if self.locale is None:
            raise ValueError(f"message {self.id} is not addressed yet")
        return self.locale

    def address(
        self,
        *,
        recipient: str,
        locale: str,
        channel: str | None,
        customer_id: UUID,
        order_number: str | None,
    ) -> None:
        """Who it goes to and how it is written, read when it is first tried (or queued by a
        csr); ``recipient`` is '' for an erased customer."""
        self.recipient = recipient
        self.locale = locale
        self.channel = channel
        self.customer_id = customer_id
        self.order_number = order_number

    def skip(self, reason: SkipReason, *, at: datetime) -> None:
        """Not sent, for ``reason`` (when queued, or found at sending time)."""
        self._move(MessageAction.SKIP, at)
        self.skip_reason = reason

    def sent(self, *, subject: str, at: datetime) -> None:
        """The transport took it."""
        self._attempted(at)
        self._move(MessageAction.SEND, at)
        self.subject = subject
        self.sent_at = at
        self.last_error = None

    def refused(self, error: DeliveryFailed, *, at: datetime) -> None:
        """Refused for good by the mail server: not tried again."""
        self.give_up(error.reason, at=at)

    def give_up(self, reason: str, *, at: datetime) -> None:
        """Failed for good on this attempt (refused, or a mail that can never be written)."""
        self._attempted(at)
        self.last_error = _scrubbed(reason, self.recipient)
        self._move(MessageAction.FAIL, at)

    def deferred(self, reason: str, *, at: datetime, schedule: RetrySchedule = RETRIES) -> None:
        """A temporary failure: due again later by ``schedule``, or failed once out of time."""
        self._attempted(at)
        self.last_error = _scrubbed(reason, self.recipient)
        assert self.first_attempt_at is not None
        next_at = at + schedule.delay(self.attempts)
        if schedule.gives_up(self.first_attempt_at, next_at):
            self._move(MessageAction.FAIL, at)
            return
        self.status = LIFECYCLE.next(self.status, MessageAction.RETRY)
        self.next_attempt_at = next_at

    def erase(self, *, at: datetime) -> None:
        """The customer was erased: forget the address and the event's values; a mail still
        waiting will not go."""
        if self.status is MessageStatus.QUEUED:
            self.skip(SkipReason.CUSTOMER_ERASED, at=at)
        self.recipient = ""
        self.data = {}
        self.subject = None
        self.last_error = None

    def _attempted(self, at: datetime) -> None:
        self.attempts += 1
        if self.first_attempt_at is None:
            self.first_attempt_at = at

    def _move(self, action: MessageAction, at: datetime) -> None:
        self.status = LIFECYCLE.next(self.status, action)
        self.next_attempt_at = None
        self.finished_at = at
        self.data = {k: v for k, v in self.data.items() if k not in SECRET_DATA}


def timeline_note(message: Message) -> tuple[str, dict[str, Any]]:
    """How the order's timeline tells a send, a skip or a failure: a summary and details that
    name the message, never the address (``order_shipped email sent (de)``)."""
    status = message.status.value
    summary = f"{message.kind.value} email {status}"
    if message.locale is not None:
        summary += f" ({message.locale})"
    details: dict[str, Any] = {
        "kind": message.kind.value,
        "status": status,
        "message_id": message.message_id,
        "locale": message.locale,
        "message": str(message.id),
    }
    if message.skip_reason is not None:
        details["reason"] = message.skip_reason.value
        summary += f": {message.skip_reason.value.replace('_', ' ')}"
    elif message.status is MessageStatus.FAILED and message.last_error:
        details["reason"] = message.last_error
        summary += f": {message.last_error}"
    if message.requested_by is not None:
        details["resend_of"] = str(message.resend_of) if message.resend_of else None
    return summary, details
