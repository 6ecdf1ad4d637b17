"""Reading orders: one, a filtered page, the timeline, and the customer's lookup."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from oms.orders.domain import Order, OrderNotFound, TimelineEntry
from oms.orders.repository import ORDERS, TIMELINE, OrderFilter
from oms.platform.unit_of_work import UnitOfWork


def get_order(order_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """One order; another channel's order does not exist for a channel key."""
    with uow.read() as tx:
        return tx.repo(ORDERS).get(order_id, visible_to=visible_to)


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
        return tx.repo(ORDERS).search(filters, after=after, limit=limit)


def order_timeline(
    order_id: UUID, *, uow: UnitOfWork, after: int | None, limit: int, visible_to: str | None = None
) -> list[tuple[int, TimelineEntry]]:
    """What happened to an order, oldest first."""
    with uow.read() as tx:
        tx.repo(ORDERS).get(order_id, visible_to=visible_to)
        return tx.repo(TIMELINE).entries(order_id, after=after, limit=limit)


def lookup_order(number: str, email: str, *, uow: UnitOfWork) -> Order:
    """The order with this number, if ``email`` is the buyer's: what a tracking page may show.

    A wrong email and a wrong number answer alike and cost the same work (one query matching
    both, which finds nothing either way), so the lookup reveals nothing to guessers, not even
    by its timing. Buyer emails are stored lower-cased.
    """
    with uow.read() as tx:
        order = tx.repo(ORDERS).find_by_number(
            number.strip().upper(), buyer_email=email.strip().lower()
        )
    if order is None:
        raise OrderNotFound(number)
    return order


def sourcing_decisions(
    order_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None
) -> list[TimelineEntry]:
    """Every sourcing decision taken for the order, oldest first, each as the engine explained
    it (placement, backorder fills, reroutes): the timeline's ``sourced`` entries."""
    with uow.read() as tx:
        tx.repo(ORDERS).get(order_id, visible_to=visible_to)
        return tx.repo(TIMELINE).of_kind(order_id, "sourced")
