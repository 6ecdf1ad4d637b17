"""How many stock levels are low (SQLAlchemy Core), behind the ``LOW_STOCK`` port: the same
rule as ``Stock.low_levels`` (available at or below the SKU's threshold), counted."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol
from uuid import UUID

from sqlalchemy import Connection, func, select

from oms.inventory.tables import inventory_items, stock_levels
from oms.platform.unit_of_work import Port


class LowStock(Protocol):
    def count(self, *, location_ids: Collection[UUID] | None) -> int:
        """SKU and location pairs whose available stock is at or below the SKU's threshold."""
        ...


class SqlLowStock:
    """``LowStock`` on the inventory tables: one pass over the levels (one per SKU and
    location, however many orders there are)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def count(self, *, location_ids: Collection[UUID] | None) -> int:
        s, i = stock_levels.c, inventory_items.c
        query = (
            select(func.count())
            .select_from(stock_levels.join(inventory_items, i.variant_id == s.variant_id))
            .where(s.on_hand - s.allocated - s.unavailable <= i.low_stock_threshold)
        )
        if location_ids is not None:
            query = query.where(s.location_id.in_(list(location_ids)))
        return int(self.c.execute(query).scalar_one())


LOW_STOCK: Port[LowStock] = Port("inventory.low_stock", SqlLowStock)
