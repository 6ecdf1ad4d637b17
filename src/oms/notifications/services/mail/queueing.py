"""Queueing customer mail, and addressing it: who it goes to, in which language, and whether it
may go at all.

The consumer (``handlers.mail``) only records what an event calls for (``deciding``): one
``INSERT ... ON CONFLICT (event_id, kind) DO NOTHING`` per mail, unaddressed, with no read of
the order or the customer. It runs in the relay for every order, so it stays cheap; a relay
redelivering the event queues nothing more. The worker addresses a message when it first
tries it (``address``), and a csr's resend is addressed at once (``queue_requested``).

Addressing reads the order's buyer (email and locale as the order took them: the channel's
locale when the buyer gave none), or the customer's own address for mail about no order, and
the customer's profile (consent, erasure). The skip rules then decide (kind off, no marketing
consent, a refused address, an erased customer): a skipped mail is still a row, with its
reason, and on the order's timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms import customers, orders
from oms.notifications.domain.messages import (
    Audience,
    Message,
    message_id_for,
    skip_reason,
)
from oms.notifications.domain.settings import MailSettings
from oms.notifications.repository.mail import MESSAGES, Messages
from oms.notifications.repository.mail_settings import MAIL_SETTINGS
from oms.notifications.repository.mail_suppressions import SUPPRESSIONS
from oms.notifications.services.mail.deciding import Intent
from oms.notifications.services.mail.timeline import note_outcome
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.ids import new_id

DEFAULT_LOCALE = "en"
"""The language of mail about no order to a customer who chose none."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Addressee:
    """Who a mail goes to and how it is written, and what the skip rules need of them."""

    recipient: str
    """'' once the customer is erased."""
    locale: str
    channel: str | None
    customer_id: UUID
    order_number: str | None
    marketing_consent: bool
    erased: bool


def addressee_of(order_id: UUID | None, customer_id: UUID | None, *, uow: UnitOfWork) -> Addressee:
    """The order's buyer, or the customer's own address for mail about no order."""
    if order_id is not None:
        order = orders.get_order(order_id, uow=uow)
        customer = customers.get_customer(order.buyer.customer_id, uow=uow)
        email, locale = order.buyer.email, order.buyer.locale
        channel, number = order.channel, order.number
    elif customer_id is not None:
        customer = customers.get_customer(customer_id, uow=uow)
        email, locale = customer.email, customer.locale or DEFAULT_LOCALE
        channel, number = None, None
    else:
        raise ValueError("a mail is about an order or a customer")
    return Addressee(
        recipient="" if customer.erased else email,
        locale=locale,
        channel=channel,
        customer_id=customer.id,
        order_number=number,
        marketing_consent=customer.marketing_consent,
        erased=customer.erased,
    )


def address(message: Message, *, uow: UnitOfWork) -> Addressee:
    """Address ``message`` to its order's buyer (or its customer) as they are now."""
    who = addressee_of(message.order_id, message.customer_id, uow=uow)
    message.address(
        recipient=who.recipient,
        locale=who.locale,
        channel=who.channel,
        customer_id=who.customer_id,
        order_number=who.order_number,
    )
    return who


def channel_settings(channel: str | None, *, mail_from: str, tx: Transaction) -> MailSettings:
    """The channel's mail settings; mail about no order has the deployment's sender."""
    if channel is not None:
        return tx.repo(MAIL_SETTINGS).get(channel)
    name, _ = MailSettings.default("").sender(mail_from)
    return MailSettings(channel="", sender_name=name)


def audience_of(recipient: str, *, consent: bool, erased: bool, tx: Transaction) -> Audience:
    """The skip rules' view of a recipient: consent, erasure and a refused address."""
    suppressed = bool(recipient) and tx.repo(SUPPRESSIONS).suppressed(recipient)
    return Audience(
        recipient=recipient, marketing_consent=consent, erased=erased, suppressed=suppressed
    )


def _new(intent: Intent, *, mail_from: str, at: datetime, due_at: datetime) -> Message:
    id_ = new_id()
    return Message(
        id=id_,
        kind=intent.kind,
        channel=None,
        order_id=intent.order_id,
        order_number=intent.order_number,
        customer_id=intent.customer_id,
        reference_id=intent.reference_id,
        event_id=None,
        data=dict(intent.data),
        message_id=message_id_for(id_, mail_from),
        next_attempt_at=max(due_at, at),
        created_at=at,
    )


def _follows(intent: Intent, messages: Messages) -> bool:
    """Whether the mail ``intent`` waits on (its ``after``) was queued about its reference."""
    if intent.after is None or intent.reference_id is None:
        return True
    return messages.for_reference(intent.after, intent.reference_id) is not None


def queue_for_event(
    intents: Sequence[Intent],
    *,
    event_id: UUID,
    occurred_at: datetime,
    mail_from: str,
    uow: UnitOfWork,
) -> list[Message]:
    """Queue, unaddressed, the mails an event calls for, in one transaction; due at once, or
    a while after the event (a review request). The Message-ID is made now, at the
    deployment's domain (``OMS_MAIL_FROM``), so every attempt sends the same one."""
    queued = []
    with uow.begin() as tx:
        messages = tx.repo(MESSAGES)
        for intent in intents:
            if not _follows(intent, messages):
                continue
            due = occurred_at + intent.kind.delay
            message = _new(intent, mail_from=mail_from, at=tx.now, due_at=due)
            message.event_id = event_id
            if messages.add(message):
                queued.append(message)
    return queued


@dataclass(frozen=True, slots=True, kw_only=True)
class Requested:
    """A mail a person asked for: who, and the message it sends again."""

    requested_by: str
    resend_of: UUID
    mail_from: str


def queue_requested(intent: Intent, how: Requested, *, uow: UnitOfWork) -> Message:
    """Queue a mail a csr asked for, addressed and checked at once (the answer shows where it
    goes, or why it will not): it goes even when the channel turned the kind off."""
    with uow.begin() as tx:
        message = _new(intent, mail_from=how.mail_from, at=tx.now, due_at=tx.now)
        message.requested_by = how.requested_by
        message.resend_of = how.resend_of
        who = address(message, uow=uow)
        settings = channel_settings(who.channel, mail_from=how.mail_from, tx=tx)
        audience = audience_of(
            who.recipient, consent=who.marketing_consent, erased=who.erased, tx=tx
        )
        reason = skip_reason(intent.kind, audience, settings, requested=True)
        if reason is not None:
            message.skip(reason, at=tx.now)
        tx.repo(MESSAGES).add(message)
        if message.done:
            note_outcome(message, uow=uow)
    return message
