"""Reading many orders: filtered pages, the timeline, allocation sums."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Connection, and_, func, or_, select

from oms.orders.domain import (
    Order,
    OrderStatus,
    TimelineEntry,
)
from oms.orders.repository.rows import load_orders
from oms.orders.tables import (
    order_allocations,
    order_timeline,
    orders,
)


def timeline(
    c: Connection, order_id: UUID, *, after: int | None, limit: int
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
                at=row.at, actor=row.actor, kind=row.kind, summary=row.summary, details=row.details
            ),
        )
        for row in c.execute(query)
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFilter:
    status: OrderStatus | None = None
    channel: str | None = None
    customer_email: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    on_hold: bool | None = None
    q: str | None = None


def list_orders(
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


def allocated_by_stock(c: Connection) -> dict[tuple[UUID, UUID], int]:
    """Open allocations summed per (variant, location): must equal the stock levels' allocated."""
    rows = c.execute(
        select(
            order_allocations.c.variant_id,
            order_allocations.c.location_id,
            func.sum(order_allocations.c.quantity),
        ).group_by(order_allocations.c.variant_id, order_allocations.c.location_id)
    )
    return {(row[0], row[1]): int(row[2]) for row in rows}
