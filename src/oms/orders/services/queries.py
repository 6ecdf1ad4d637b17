"""Reading orders: one, a filtered page, the timeline, and the customer's lookup."""

from __future__ import annotations

import hmac
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from oms.orders import repository as repo
from oms.orders.domain import Order, OrderNotFound, TimelineEntry
from oms.orders.repository import OrderFilter
from oms.platform.unit_of_work import UnitOfWork


def get_order(order_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """One order; another channel's order does not exist for a channel key."""
    with uow.read() as tx:
        order = repo.order_by_id(tx.connection, order_id)
    if order is None or (visible_to is not None and order.channel != visible_to):
        raise OrderNotFound(str(order_id))
    return order


def list_orders(
    filters: OrderFilter,
    *,
    uow: UnitOfWork,
    after: tuple[datetime, UUID] | None,
    limit: int,
    visible_to: str | None = None,
) -> list[Order]:
    """Orders newest first, filtered; a channel key sees only its channel's."""
    if visible_to is not None:
        if filters.channel not in (None, visible_to):
            return []
        filters = replace(filters, channel=visible_to)
    with uow.read() as tx:
        return repo.list_orders(tx.connection, filters, after=after, limit=limit)


def order_timeline(
    order_id: UUID, *, uow: UnitOfWork, after: int | None, limit: int, visible_to: str | None = None
) -> list[tuple[int, TimelineEntry]]:
    """What happened to an order, oldest first."""
    get_order(order_id, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        return repo.timeline(tx.connection, order_id, after=after, limit=limit)


def lookup_order(number: str, email: str, *, uow: UnitOfWork) -> Order:
    """The order with this number, if ``email`` is the buyer's: what a tracking page may show.

    A wrong email and a wrong number answer alike, so the lookup reveals nothing to guessers.
    """
    with uow.read() as tx:
        order = repo.order_by_number(tx.connection, number.strip().upper())
    given = email.strip().lower().encode()
    if order is None or not hmac.compare_digest(order.buyer.email.lower().encode(), given):
        raise OrderNotFound(number)
    return order
