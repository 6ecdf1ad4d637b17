"""Doubles of the inventory port: items, levels and the movement ledger over dicts.

``apply_changes`` keeps the ledger's rule exactly as the guarded UPDATE does: a change that
would push available stock, ``allocated`` or ``unavailable`` below zero, or a count that
expected another on-hand, leaves its level alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from oms.inventory.domain import Change, InventoryItem, Key, Movement, StockLevel
from oms.inventory.repository import STOCK, Stock


class InMemoryStock:
    """``Stock`` over dicts: items by variant id, levels by key, movements in order."""

    def __init__(self) -> None:
        self.stored_items: dict[UUID, InventoryItem] = {}
        self.stored_levels: dict[Key, StockLevel] = {}
        self.movements: list[Movement] = []

    def ensure_items(self, skus: Mapping[UUID, str], now: datetime) -> None:
        for variant_id, sku in skus.items():
            self.stored_items.setdefault(variant_id, InventoryItem(variant_id=variant_id, sku=sku))

    def ensure_levels(self, keys: Collection[Key], now: datetime) -> None:
        for variant_id, location_id in keys:
            self.stored_levels.setdefault(
                (variant_id, location_id),
                StockLevel(variant_id=variant_id, location_id=location_id),
            )

    def lock_levels(self, keys: Collection[Key]) -> None:
        """Nothing to lock: one test runs one transaction at a time."""

    def apply_changes(self, changes: Sequence[Change], now: datetime) -> dict[Key, StockLevel]:
        applied: dict[Key, StockLevel] = {}
        for change in changes:
            level = self.stored_levels.get(change.key)
            if level is None or not _takes(level, change):
                continue
            level = dataclasses.replace(
                level,
                on_hand=level.on_hand + change.delta.on_hand,
                allocated=level.allocated + change.delta.allocated,
                unavailable=level.unavailable + change.delta.unavailable,
            )
            self.stored_levels[change.key] = applied[change.key] = level
        return applied

    def levels(self, keys: Collection[Key], *, lock: bool = False) -> dict[Key, StockLevel]:
        return {key: self.stored_levels[key] for key in sorted(keys) if key in self.stored_levels}

    def insert_movements(self, movements: Sequence[Movement]) -> None:
        self.movements.extend(movements)

    def items(self, variant_ids: Collection[UUID]) -> dict[UUID, InventoryItem]:
        return {vid: self.stored_items[vid] for vid in variant_ids if vid in self.stored_items}

    def all_items(self, bound: int) -> dict[UUID, InventoryItem] | None:
        return None if len(self.stored_items) > bound else dict(self.stored_items)

    def save_settings(
        self, variant_id: UUID, sku: str, changes: Mapping[str, object], now: datetime
    ) -> InventoryItem:
        item = self.stored_items.get(variant_id) or InventoryItem(variant_id=variant_id, sku=sku)
        item = dataclasses.replace(item, **changes)  # type: ignore[arg-type]
        self.stored_items[variant_id] = item
        return item

    def levels_of_variant(self, variant_id: UUID) -> list[StockLevel]:
        found = [level for key, level in self.stored_levels.items() if key[0] == variant_id]
        return sorted(found, key=lambda level: level.location_id)

    def _listed(self, levels: list[StockLevel]) -> list[tuple[InventoryItem, StockLevel]]:
        return [(self.stored_items[level.variant_id], level) for level in levels]

    def levels_at_location(
        self, location_id: UUID, *, after_sku: str | None, limit: int
    ) -> list[tuple[InventoryItem, StockLevel]]:
        found = self._listed(
            [level for key, level in self.stored_levels.items() if key[1] == location_id]
        )
        found.sort(key=lambda pair: pair[0].sku)
        return [p for p in found if after_sku is None or p[0].sku > after_sku][:limit]

    def low_levels(
        self,
        *,
        location_ids: Collection[UUID] | None,
        after: tuple[str, UUID] | None,
        limit: int,
    ) -> list[tuple[InventoryItem, StockLevel]]:
        found = [
            (item, level)
            for item, level in self._listed(list(self.stored_levels.values()))
            if level.available <= item.low_stock_threshold
            and (location_ids is None or level.location_id in location_ids)
            and (after is None or (item.sku, level.location_id) > after)
        ]
        found.sort(key=lambda pair: (pair[0].sku, pair[1].location_id))
        return found[:limit]

    def movements_of_variant(
        self, variant_id: UUID, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[Movement]:
        found = [
            m
            for m in self.movements
            if m.variant_id == variant_id and (before is None or (m.occurred_at, m.id) < before)
        ]
        found.sort(key=lambda m: (m.occurred_at, m.id), reverse=True)
        return found[:limit]


def _takes(level: StockLevel, change: Change) -> bool:
    """The ledger's rule, as the guarded UPDATE's WHERE clause states it."""
    return (
        level.available + change.delta.available >= 0
        and level.allocated + change.delta.allocated >= 0
        and level.unavailable + change.delta.unavailable >= 0
        and change.expected_on_hand in (None, level.on_hand)
    )


def inventory_doubles() -> dict[str, Any]:
    """An empty double of the inventory port."""
    return {STOCK.name: InMemoryStock()}


def _typed() -> None:
    """mypy proves the double implements its port's protocol (never called)."""
    check: Stock = InMemoryStock()
    del check
