"""Queueing customer mail: who it goes to, in which language, and whether it may go at all.

The consumer (``handlers.mail``) queues what an event calls for (``deciding``), a csr's resend
queues a mail again. Either way, in one transaction: the recipient and locale are the order's
buyer's (the customer's own for mail about no order), the channel's settings are read, and the
skip rules decide (kind off, no marketing consent, a refused address, an erased customer). A
skipped mail is still a row, with its reason, and is on the order's timeline at once; a queued
one gets there when it is sent or fails. The insert is idempotent on ``(event_id, kind)``, so
an event delivered twice queues once and notes once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms import customers, orders
from oms.notifications.domain.messages import Audience, Message, message_id_for, skip_reason
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
    """Who a mail goes to and how it is written, as read when it is queued."""

    recipient: str
    """'' once the customer is erased."""
    locale: str
    channel: str | None
    customer_id: UUID
    order_number: str | None
    marketing_consent: bool
    erased: bool


def addressee_of(order_id: UUID | None, customer_id: UUID | None, *, uow: UnitOfWork) -> Addressee:
    """The order's buyer (email and locale as the order took them: the channel's locale when
    the buyer gave none), or the customer's own for mail about no order."""
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


def channel_settings(channel: str | None, *, mail_from: str, tx: Transaction) -> MailSettings:
    """The channel's mail settings; mail about no order has the deployment's sender."""
    if channel is not None:
        return tx.repo(MAIL_SETTINGS).get(channel)
    name, _ = MailSettings.default("").sender(mail_from)
    return MailSettings(channel="", sender_name=name)


def audience_of(who: Addressee, *, tx: Transaction) -> Audience:
    """The skip rules' view of ``who``: consent, erasure and a refused address."""
    suppressed = bool(who.recipient) and tx.repo(SUPPRESSIONS).suppressed(who.recipient)
    return Audience(
        recipient=who.recipient,
        marketing_consent=who.marketing_consent,
        erased=who.erased,
        suppressed=suppressed,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Queueing:
    """Where a mail comes from: an event (``event_id``) or a csr (``requested_by``), and when
    it is due (a review request waits after its event; anything else is due at once)."""

    due_at: datetime
    mail_from: str
    event_id: UUID | None = None
    requested_by: str | None = None
    resend_of: UUID | None = None


def _follows(intent: Intent, messages: Messages) -> bool:
    """Whether the mail ``intent`` waits on (its ``after``) was queued about its reference."""
    if intent.after is None or intent.reference_id is None:
        return True
    return messages.for_reference(intent.after, intent.reference_id) is not None


def queue_mail(intent: Intent, how: Queueing, *, uow: UnitOfWork) -> Message | None:
    """Queue (or record as skipped) the mail ``intent`` calls for; None when nothing was
    added: the event queued it before, or it waits on a mail that was never queued."""
    with uow.begin() as tx:
        who = addressee_of(intent.order_id, intent.customer_id, uow=uow)
        messages = tx.repo(MESSAGES)
        if not _follows(intent, messages):
            return None
        settings = channel_settings(who.channel, mail_from=how.mail_from, tx=tx)
        id_ = new_id()
        sender = settings.sender_address or how.mail_from
        message = Message(
            id=id_,
            kind=intent.kind,
            channel=who.channel,
            order_id=intent.order_id,
            order_number=who.order_number,
            customer_id=who.customer_id,
            reference_id=intent.reference_id,
            event_id=how.event_id,
            data=dict(intent.data),
            recipient=who.recipient,
            locale=who.locale,
            message_id=message_id_for(id_, sender),
            next_attempt_at=max(how.due_at, tx.now),
            created_at=tx.now,
            requested_by=how.requested_by,
            resend_of=how.resend_of,
        )
        requested = how.requested_by is not None
        reason = skip_reason(intent.kind, audience_of(who, tx=tx), settings, requested=requested)
        if reason is not None:
            message.skip(reason, at=tx.now)
        if not messages.add(message):
            return None
        if message.done:
            note_outcome(message, uow=uow)
    return message


def queue_for_event(
    intents: list[Intent], *, event_id: UUID, occurred_at: datetime, mail_from: str, uow: UnitOfWork
) -> list[Message]:
    """The mails an event calls for, in one transaction (queued once per event and kind)."""
    queued = []
    with uow.begin():
        for intent in intents:
            how = Queueing(
                due_at=occurred_at + intent.kind.delay, mail_from=mail_from, event_id=event_id
            )
            message = queue_mail(intent, how, uow=uow)
            if message is not None:
                queued.append(message)
    return queued
