"""Outbox consumers of notifications: mail.

``notifications.mail`` queues the customer mail an event calls for (``services.mail.deciding``
says which; ``queueing`` addresses it and applies the skip rules). Its insert is idempotent on
(event id, kind), so a redelivered event queues nothing more. It only queues: the worker's mail
loop sends, so a slow mail server never holds back the relay.

``notifications.mail_erasure`` forgets an erased customer's address and values on every mail
to them (``services.mail.erasure``).
"""

from __future__ import annotations

from functools import cache

from oms import customers
from oms.notifications.services.mail.deciding import RULES, intents_for
from oms.notifications.services.mail.erasure import erase_customer_mail
from oms.notifications.services.mail.queueing import queue_for_event
from oms.platform.settings import Settings
from oms.platform.subscriptions import Subscription
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope

MAIL = "notifications.mail"
ERASURE = "notifications.mail_erasure"


@cache
def deployment_mail_from() -> str:
    """``OMS_MAIL_FROM``, whose domain names the Message-IDs: read once per process (reading
    the settings costs more than queueing a mail, and this runs in the relay per event)."""
    return Settings().mail_from


def handle_mail_event(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """Queue (or record as skipped) the mails the event calls for."""
    intents = intents_for(envelope.event)
    if not intents:
        return
    queue_for_event(
        intents,
        event_id=envelope.event_id,
        occurred_at=envelope.occurred_at,
        mail_from=deployment_mail_from(),
        uow=uow,
    )


def handle_customer_erased(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """Erase the customer from their mail."""
    erase_customer_mail(envelope.event.aggregate_id, uow=uow)


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(consumer=MAIL, events=tuple(RULES), handler=handle_mail_event),
    Subscription(
        consumer=ERASURE, events=(customers.CustomerErased,), handler=handle_customer_erased
    ),
)
