"""Pre-order SKUs due for release, behind the ``PREORDERS`` port (read only).

One indexed-enough statement: pre-order SKUs are few (``preorder_release_on`` is null for every
other item), and the release task asks once in a while.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol
from uuid import UUID

from sqlalchemy import Connection, select

from oms.inventory.tables import inventory_items
from oms.platform.unit_of_work import Port


class Preorders(Protocol):
    def due(self, today: date, *, sku: str | None = None) -> list[UUID]:
        """Variant ids of pre-order SKUs whose release day is ``today`` or past (only ``sku``'s
        when given), earliest release first."""
        ...


class SqlPreorders:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def due(self, today: date, *, sku: str | None = None) -> list[UUID]:
        items = inventory_items.c
        query = (
            select(items.variant_id)
            .where(items.preorder_release_on.is_not(None), items.preorder_release_on <= today)
            .order_by(items.preorder_release_on, items.sku)
        )
        if sku is not None:
            query = query.where(items.sku == sku.strip().upper())
        return list(self.c.execute(query).scalars())


PREORDERS: Port[Preorders] = Port("inventory.preorders", SqlPreorders)
