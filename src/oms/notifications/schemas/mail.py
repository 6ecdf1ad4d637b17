"""API schemas of customer mail: an order's messages and a channel's mail settings.

The settings' shape is checked here (types, known kinds, lengths); what the values must be (a
mail address, ``#rrggbb``, an https logo) is the domain's (``MailSettings.checked``), which
names every bad field at once. A message names its recipient and subject only to those who may
see customers' contact details.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.messages import Message, MessageStatus, SkipReason
from oms.notifications.domain.settings import MailSettings
from oms.platform.schemas import Input, Output
from oms.platform.security import Principal


class NotificationOut(Output):
    id: UUID
    kind: NotificationKind
    status: MessageStatus
    skip_reason: SkipReason | None = Field(description="Why it was not sent, when skipped.")
    channel: str | None
    order_id: UUID | None
    reference_id: UUID | None = Field(
        description="What it is about beyond the order: a shipment, a fulfilment order (pickup),"
        " a return, a refund's ledger transaction, a store-credit entry."
    )
    recipient: str | None = Field(
        description="Only for roles that see contact details; null until the mail is first "
        "tried (then it is addressed), blank once the customer is erased."
    )
    locale: str | None = Field(description="The mail's language; null until first tried.")
    subject: str | None = Field(description="Once sent; only for roles that see contacts.")
    message_id: str = Field(description="The RFC 5322 Message-ID, the same on every attempt.")
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="When it is tried next, while queued.")
    created_at: datetime
    sent_at: datetime | None
    finished_at: datetime | None
    requested_by: str | None = Field(description="Who asked for a resend; null: an event.")
    resend_of: UUID | None
    event_id: UUID | None

    @classmethod
    def of(cls, message: Message, viewer: Principal | None = None) -> NotificationOut:
        contacts = viewer is None or viewer.sees_contacts
        return cls(
            id=message.id,
            kind=message.kind,
            status=message.status,
            skip_reason=message.skip_reason,
            channel=message.channel,
            order_id=message.order_id,
            reference_id=message.reference_id,
            recipient=message.recipient if contacts and message.addressed else None,
            locale=message.locale,
            subject=message.subject if contacts else None,
            message_id=message.message_id,
            attempts=message.attempts,
            last_error=message.last_error,
            next_attempt_at=message.next_attempt_at,
            created_at=message.created_at,
            sent_at=message.sent_at,
            finished_at=message.finished_at,
            requested_by=message.requested_by,
            resend_of=message.resend_of,
            event_id=message.event_id,
        )


class MailSettingsIn(Input):
    enabled: list[NotificationKind] = Field(
        default_factory=lambda: list(NotificationKind),
        max_length=len(NotificationKind),
        description="The notifications the channel sends (default: all of them).",
    )
    sender_name: str = Field(default="", max_length=100, description="The From name.")
    sender_address: str | None = Field(
        default=None,
        max_length=320,
        description="The From address; null: the deployment's `OMS_MAIL_FROM`.",
    )
    reply_to: str | None = Field(default=None, max_length=320)
    brand_colour: str = Field(default="#1f4e79", max_length=7, description="`#rrggbb`.")
    logo_url: str | None = Field(
        default=None, max_length=2000, description="An https URL mail clients load the logo from."
    )


class MailSettingsOut(Output):
    channel: str
    version: int = Field(description="0 while the channel has the defaults.")
    enabled: list[NotificationKind]
    sender_name: str
    sender_address: str | None
    reply_to: str | None
    brand_colour: str
    logo_url: str | None

    @classmethod
    def of(cls, settings: MailSettings) -> MailSettingsOut:
        order = list(NotificationKind)
        return cls(
            channel=settings.channel,
            version=settings.version,
            enabled=sorted(settings.enabled, key=order.index),
            sender_name=settings.sender_name,
            sender_address=settings.sender_address,
            reply_to=settings.reply_to,
            brand_colour=settings.brand_colour,
            logo_url=settings.logo_url,
        )
