"""A mail's outcome on its order's timeline: sent, skipped (and why) or failed for good."""

from __future__ import annotations

from oms import orders
from oms.notifications.domain.messages import Message, timeline_note
from oms.platform.unit_of_work import UnitOfWork

TIMELINE_KIND = "notification"


def note_outcome(message: Message, *, uow: UnitOfWork) -> None:
    """In the caller's transaction: put the message's outcome on its order's timeline (a mail
    about no order, store credit issued by hand, has none). Never the address."""
    if message.order_id is None:
        return
    summary, details = timeline_note(message)
    orders.note_on_timeline(
        message.order_id,
        kind=TIMELINE_KIND,
        summary=summary,
        details=details,
        actor=message.actor,
        uow=uow,
    )
