"""Finding an order the way a person names it: its number as the customer sees it, or its id."""

from __future__ import annotations

from uuid import UUID

from oms.orders.domain import Order, OrderNotFound
from oms.orders.repository import ORDERS
from oms.platform.unit_of_work import UnitOfWork


def order_by_reference(reference: str, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """The order numbered ``reference`` (``SO-10001``, any case) or with that id: what staff
    type or paste. Another channel's order does not exist for a channel-scoped caller."""
    text = reference.strip()
    try:
        order_id = UUID(text)
    except ValueError:
        order_id = None
    with uow.read() as tx:
        repo = tx.repo(ORDERS)
        if order_id is not None:
            return repo.get(order_id, visible_to=visible_to)
        order = repo.find_by_number(text.upper())
    if order is None or (visible_to is not None and order.channel != visible_to):
        raise OrderNotFound(text)
    return order
