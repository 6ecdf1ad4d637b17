"""Reading many orders: filtered pages and the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import Connection, and_, or_, select

from oms.orders.domain import Order, OrderStatus, TimelineEntry
from oms.orders.repository.rows import load_orders
from oms.orders.tables import order_timeline, orders


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFilter:
    status: OrderStatus | None = None
    channel: str | None = None
    customer_email: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    on_hold: bool | None = None
    q: str | None = None


def search_orders(
    c: Connection, f: OrderFilter, *, after: tuple[datetime, UUID] | None, limit: int
) -> list[Order]:
    """Newest first, keyset-paged on (placed_at, id)."""
    conditions = []
    if f.status is not None:
        conditions.append(orders.c.status == f.status.value)
    if f.channel is not None:
        conditions.append(orders.c.channel_code == f.channel)
    if f.customer_email is not None:
        conditions.append(orders.c.customer_email == f.customer_email.strip().lower())
    if f.placed_from is not None:
        conditions.append(orders.c.placed_at >= f.placed_from)
    if f.placed_to is not None:
        conditions.append(orders.c.placed_at < f.placed_to)
    if f.on_hold is not None:
        conditions.append(orders.c.on_hold.is_(f.on_hold))
    if f.q:
        conditions.append(
            or_(orders.c.number == f.q.strip().upper(), orders.c.external_id == f.q.strip())
        )
    if after is not None:
        placed, order_id = after
        conditions.append(
            or_(
                orders.c.placed_at < placed,
                and_(orders.c.placed_at == placed, orders.c.id < order_id),
            )
        )
    query = (
        select(orders)
        .where(*conditions)
        .order_by(orders.c.placed_at.desc(), orders.c.id.desc())
        .limit(limit)
    )
    return load_orders(c, c.execute(query).all())


class Timeline(Protocol):
    """What happened to each order, oldest first (entries are appended when orders are saved)."""

    def entries(
        self, order_id: UUID, *, after: int | None, limit: int
    ) -> list[tuple[int, TimelineEntry]]:
        """(position, entry) after the position ``after``."""
        ...


class SqlTimeline:
    """``Timeline`` on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def entries(
        self, order_id: UUID, *, after: int | None, limit: int
    ) -> list[tuple[int, TimelineEntry]]:
        query = (
            select(order_timeline)
            .where(order_timeline.c.order_id == order_id)
            .order_by(order_timeline.c.position)
            .limit(limit)
        )
        if after is not None:
            query = query.where(order_timeline.c.position > after)
        return [
            (
                row.position,
                TimelineEntry(
                    at=row.at,
                    actor=row.actor,
                    kind=row.kind,
                    summary=row.summary,
                    details=row.details,
                ),
            )
            for row in self.c.execute(query)
        ]
