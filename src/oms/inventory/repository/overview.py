"""Stock summed per SKU over its locations, and the per-location settings beside the levels
(safety stock, bin): what the console's stock list and SKU page show next to the ledger.

Both read ``stock_levels`` by its primary key's leading column (``variant_id``): one probe per
SKU asked about, one statement per call.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Connection, case, func, select

from oms.inventory.tables import inventory_items, stock_levels
from oms.platform.unit_of_work import Port


@dataclass(frozen=True, slots=True, kw_only=True)
class StockTotals:
    """One SKU's levels added up over every location that has one."""

    on_hand: int = 0
    allocated: int = 0
    unavailable: int = 0
    locations: int = 0
    low_locations: int = 0
    """Locations where available stock is at or below the SKU's low-stock threshold."""

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated - self.unavailable


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelSettings:
    """A SKU's settings at one location: units sourcing leaves alone, and its shelf."""

    safety_stock: int = 0
    bin: str | None = None


class SqlStockOverview:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def totals(self, variant_ids: Collection[UUID]) -> dict[UUID, StockTotals]:
        """Totals of the given variants that have any level (absent: none anywhere)."""
        if not variant_ids:
            return {}
        s, i = stock_levels.c, inventory_items.c
        available = s.on_hand - s.allocated - s.unavailable
        query = (
            select(
                s.variant_id,
                func.sum(s.on_hand).label("on_hand"),
                func.sum(s.allocated).label("allocated"),
                func.sum(s.unavailable).label("unavailable"),
                func.count().label("locations"),
                func.sum(case((available <= i.low_stock_threshold, 1), else_=0)).label("low"),
            )
            .join(inventory_items, i.variant_id == s.variant_id)
            .where(s.variant_id.in_(list(variant_ids)))
            .group_by(s.variant_id)
        )
        return {
            row.variant_id: StockTotals(
                on_hand=int(row.on_hand),
                allocated=int(row.allocated),
                unavailable=int(row.unavailable),
                locations=int(row.locations),
                low_locations=int(row.low),
            )
            for row in self.c.execute(query)
        }

    def level_settings(self, variant_id: UUID) -> dict[UUID, LevelSettings]:
        """The variant's safety stock and bin per location id (locations with a level)."""
        s = stock_levels.c
        rows = self.c.execute(
            select(s.location_id, s.safety_stock, s.bin).where(s.variant_id == variant_id)
        )
        return {
            row.location_id: LevelSettings(safety_stock=row.safety_stock, bin=row.bin)
            for row in rows
        }


STOCK_OVERVIEW: Port[SqlStockOverview] = Port("inventory.stock_overview", SqlStockOverview)
