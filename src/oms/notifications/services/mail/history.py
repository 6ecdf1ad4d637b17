"""What was mailed about an order: every message, sent, waiting, failed or skipped."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from oms import orders
from oms.notifications.domain.messages import Message, MessageNotFound
from oms.notifications.repository.mail import MESSAGES
from oms.platform.unit_of_work import UnitOfWork


def order_notifications(
    order_id: UUID,
    *,
    uow: UnitOfWork,
    after: tuple[datetime, UUID] | None = None,
    limit: int = 50,
    visible_to: str | None = None,
) -> list[Message]:
    """The order's messages, newest first; 404 for an order the caller cannot see."""
    order = orders.get_order(order_id, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        return tx.repo(MESSAGES).for_order(order.id, after=after, limit=limit)


def order_message(
    order_id: UUID, message_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None
) -> Message:
    """One of the order's messages (to resend it by its kind); 404 for an order the caller
    cannot see or a message about another order."""
    order = orders.get_order(order_id, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        message = tx.repo(MESSAGES).get(message_id)
    if message is None or message.order_id != order.id:
        raise MessageNotFound(order.number, message_id)
    return message


def order_by_number(number: str, *, uow: UnitOfWork) -> UUID | None:
    """The id of the order numbered ``number`` (``SO-10001``), when any mail was queued for it:
    the commands name orders by number, which orders finds only with the buyer's email."""
    with uow.read() as tx:
        return tx.repo(MESSAGES).order_numbered(number.strip().upper())
