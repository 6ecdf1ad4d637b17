"""Order numbers by order id: how other desks link to an order people know by its number."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from sqlalchemy import Connection, select

from oms.orders.tables import orders
from oms.platform.unit_of_work import Port


class SqlOrderNumbers:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def numbers(self, order_ids: Collection[UUID]) -> dict[UUID, str]:
        """The numbers of the given orders (primary-key probes; unknown ids are absent)."""
        if not order_ids:
            return {}
        query = select(orders.c.id, orders.c.number).where(orders.c.id.in_(list(order_ids)))
        return {row.id: row.number for row in self.c.execute(query)}


ORDER_NUMBERS: Port[SqlOrderNumbers] = Port("orders.numbers", SqlOrderNumbers)
