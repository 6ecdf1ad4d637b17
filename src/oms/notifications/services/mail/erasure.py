"""Erasing a customer from their mail (consumer ``notifications.mail_erasure`` of
``customers.customer_erased.v1``).

Every message to the customer forgets its address, the event's values and its subject; a mail
still waiting is skipped (``customer_erased``) and the order's timeline says so. What stays is
what the merchant needs to answer "was the customer told?": kind, status, dates, message id.
Erasing again finds nothing waiting and rewrites blank rows blank, so no handled-event record
is needed. The refused-address list holds keys, never addresses, and is left alone.

A mail a worker is handing to the mail server at this very moment may still go out (it read
the address before); its outcome is then not recorded over the erasure (its lease is gone).
"""

from __future__ import annotations

from uuid import UUID

from oms.notifications.repository.mail import MESSAGES
from oms.notifications.services.mail.timeline import note_outcome
from oms.platform.unit_of_work import UnitOfWork


def erase_customer_mail(customer_id: UUID, *, uow: UnitOfWork) -> int:
    """Blank every message to the customer; returns how many there were."""
    with uow.begin() as tx:
        messages = tx.repo(MESSAGES)
        found = messages.for_customer(customer_id)
        for message in found:
            waiting = not message.done
            message.erase(at=tx.now)
            messages.record(message, claim=None)
            if waiting:
                note_outcome(message, uow=uow)
    return len(found)
