"""A mail to compose and the composed mail: the seam between deciding what to send (the
queue), writing it (templates in the customer's language) and sending it (SMTP or files)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class ComposedMail:
    """What the customer reads: subject, HTML (CSS inlined) and plain text, attachments."""

    subject: str
    html: str
    text: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MailRequest:
    """One queued notification, as the composer needs it.

    ``reference_id`` names what the mail is about beyond the order (a shipment, a fulfilment
    order for pickup, a return, a payment transaction, a store-credit entry); ``data`` holds the
    values the triggering event carried that cannot be read back later (a pickup code).
    """

    kind: NotificationKind
    order_id: UUID | None
    customer_id: UUID | None
    reference_id: UUID | None
    data: Mapping[str, Any] = field(default_factory=dict)
    locale: str
    settings: MailSettings


class NotReady(Exception):
    """The mail cannot be written yet (its return label or credit note is not there yet); the
    sender tries again later."""
