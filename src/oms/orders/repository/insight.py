"""Aggregate reads over many orders (SQLAlchemy Core), behind the ``INSIGHT`` port: the
dashboard's figures and one customer's buying history.

Each figure is one statement over an index: sales read ``ix_orders_placed`` for the days asked
(grouped by a CASE of the day boundaries, which both databases run alike), open holds
``ix_order_holds_due`` (``released_at IS NULL``), orders waiting for stock the partial
``ix_order_lines_waiting``, and a customer's orders ``ix_orders_customer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, and_, case, func, literal_column, or_, select

from oms.orders.domain.insight import CurrencyFigures, CustomerFigures, CustomerOrder, DaySales
from oms.orders.tables import order_holds, order_lines, orders
from oms.platform.unit_of_work import Port

CANCELLED = "cancelled"


class Insight(Protocol):
    def sales(self, boundaries: Sequence[datetime]) -> list[DaySales]:
        """Orders placed between the first and the last boundary, per day (between two
        consecutive boundaries), channel and currency."""
        ...

    def open_holds(self) -> dict[str, int]:
        """Orders with an open hold, per reason."""
        ...

    def backordered_orders(self) -> int: ...

    def customer_orders(
        self, customer_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[CustomerOrder]:
        """The customer's orders, newest first, keyset-paged on (placed_at, id)."""
        ...

    def customer_figures(self, customer_id: UUID) -> CustomerFigures: ...


class SqlInsight:
    """``Insight`` on the orders tables."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def sales(self, boundaries: Sequence[datetime]) -> list[DaySales]:
        o = orders.c
        ends = boundaries[1:-1]
        day = case(
            *((o.placed_at < end, index) for index, end in enumerate(ends)), else_=len(ends)
        ).label("day")
        kept = func.sum(case((o.status != CANCELLED, o.total_minor), else_=0))
        query = (
            select(day, o.channel_code, o.currency, func.count().label("n"), kept.label("kept"))
            .where(o.placed_at >= boundaries[0], o.placed_at < boundaries[-1])
            .group_by(literal_column("day"), o.channel_code, o.currency)
        )
        return [
            DaySales(
                day=int(row.day),
                channel=row.channel_code,
                currency=row.currency,
                orders=int(row.n),
                revenue_minor=int(row.kept or 0),
            )
            for row in self.c.execute(query)
        ]

    def open_holds(self) -> dict[str, int]:
        h = order_holds.c
        query = (
            select(h.reason, func.count(h.order_id.distinct()))
            .where(h.released_at.is_(None))
            .group_by(h.reason)
        )
        return {reason: int(count) for reason, count in self.c.execute(query)}

    def backordered_orders(self) -> int:
        lines = order_lines.c
        waiting = lines.backordered_quantity > literal_column("0")  # the partial index's predicate
        query = select(func.count(lines.order_id.distinct())).where(waiting)
        return int(self.c.execute(query).scalar_one())

    def customer_orders(
        self, customer_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[CustomerOrder]:
        o = orders.c
        query = (
            select(
                o.id,
                o.number,
                o.channel_code,
                o.status,
                o.payment_status,
                o.return_status,
                o.on_hold,
                o.currency,
                o.total_minor,
                o.placed_at,
            )
            .where(o.customer_id == customer_id)
            .order_by(o.placed_at.desc(), o.id.desc())
            .limit(limit)
        )
        if after is not None:
            at, order_id = after
            query = query.where(or_(o.placed_at < at, and_(o.placed_at == at, o.id < order_id)))
        return [
            CustomerOrder(
                id=row.id,
                number=row.number,
                channel=row.channel_code,
                status=row.status,
                payment_status=row.payment_status,
                return_status=row.return_status,
                on_hold=row.on_hold,
                currency=row.currency,
                total_minor=row.total_minor,
                placed_at=row.placed_at,
            )
            for row in self.c.execute(query)
        ]

    def customer_figures(self, customer_id: UUID) -> CustomerFigures:
        o = orders.c
        kept = o.status != CANCELLED
        per_currency = self.c.execute(
            select(
                o.currency,
                func.count().label("n"),
                func.sum(case((kept, 1), else_=0)).label("kept"),
                func.sum(case((kept, o.total_minor), else_=0)).label("total"),
                func.sum(case((kept, o.amount_refunded_minor), else_=0)).label("refunded"),
                func.min(o.placed_at).label("first"),
                func.max(o.placed_at).label("last"),
            )
            .where(o.customer_id == customer_id)
            .group_by(o.currency)
            .order_by(o.currency)
        ).all()
        lines = order_lines.c
        units = self.c.execute(
            select(
                func.coalesce(func.sum(lines.delivered_quantity), 0),
                func.coalesce(func.sum(lines.returned_quantity), 0),
            )
            .select_from(order_lines.join(orders, orders.c.id == lines.order_id))
            .where(o.customer_id == customer_id)
        ).one()
        return _figures(per_currency, int(units[0]), int(units[1]))


def _figures(rows: Sequence[Any], delivered: int, returned: int) -> CustomerFigures:
    placed = sum(int(row.n) for row in rows)
    kept = sum(int(row.kept or 0) for row in rows)
    return CustomerFigures(
        orders=placed,
        cancelled=placed - kept,
        first_order_at=min((row.first for row in rows), default=None),
        last_order_at=max((row.last for row in rows), default=None),
        units_delivered=delivered,
        units_returned=returned,
        by_currency=tuple(
            CurrencyFigures(
                currency=row.currency,
                orders=int(row.kept or 0),
                total_minor=int(row.total or 0),
                refunded_minor=int(row.refunded or 0),
            )
            for row in rows
            if row.kept
        ),
    )


INSIGHT: Port[Insight] = Port("orders.insight", SqlInsight)
