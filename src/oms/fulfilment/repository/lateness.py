"""Late fulfilment orders counted per location (SQLAlchemy Core), behind the ``LATENESS``
port: one statement over ``ix_fulfilment_orders_late`` (status, ship_by)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, func, select

from oms.fulfilment.domain.fulfilment_orders import LATE_STATUSES
from oms.fulfilment.tables.orders import fulfilment_orders
from oms.platform.unit_of_work import Port


class Lateness(Protocol):
    def late_per_location(self, now: datetime, *, location: str | None) -> dict[str, int]:
        """FOs whose units still wait to leave after their ship-by time, per location code
        (of one location, or all)."""
        ...


class SqlLateness:
    """``Lateness`` on the fulfilment orders table."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def late_per_location(self, now: datetime, *, location: str | None) -> dict[str, int]:
        t = fulfilment_orders.c
        query = (
            select(t.location_code, func.count())
            .where(t.status.in_(sorted(s.value for s in LATE_STATUSES)), t.ship_by < now)
            .group_by(t.location_code)
            .order_by(t.location_code)
        )
        if location is not None:
            query = query.where(t.location_code == location)
        return {code: int(count) for code, count in self.c.execute(query)}


LATENESS: Port[Lateness] = Port("fulfilment.lateness", SqlLateness)
