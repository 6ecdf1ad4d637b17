"""Stock at a glance for people: per-SKU totals over every location, and each location's
safety stock and bin next to its level (the console's stock list and SKU page)."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from oms.inventory.repository.overview import STOCK_OVERVIEW, LevelSettings, StockTotals
from oms.platform.unit_of_work import UnitOfWork

__all__ = ["LevelSettings", "StockTotals", "level_settings", "stock_totals"]


def stock_totals(variant_ids: Collection[UUID], *, uow: UnitOfWork) -> dict[UUID, StockTotals]:
    """Each variant's stock summed over its locations (zeros for one never stocked)."""
    with uow.read() as tx:
        found = tx.repo(STOCK_OVERVIEW).totals(variant_ids)
    return {vid: found.get(vid, StockTotals()) for vid in variant_ids}


def level_settings(variant_id: UUID, *, uow: UnitOfWork) -> dict[UUID, LevelSettings]:
    """A variant's safety stock and bin per location id, where it has a level."""
    with uow.read() as tx:
        return tx.repo(STOCK_OVERVIEW).level_settings(variant_id)
