"""The stock ledger behind the ``STOCK`` port: what inventory's services may ask of storage.

``Stock`` is the protocol (an in-memory double serves it in unit tests); ``SqlStock`` in
``stock.py`` is the SQL implementation that ``tx.repo(STOCK)`` binds to the transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from oms.inventory.domain import Change, InventoryItem, Key, Movement, StockLevel
from oms.inventory.repository.stock import SqlStock
from oms.platform.unit_of_work import Port


class Stock(Protocol):
    """Inventory items (per variant), levels (per variant and location) and movements."""

    def ensure_items(self, skus: Mapping[UUID, str], now: datetime) -> None:
        """Create the items not yet known (SKU by variant id), in key order."""
        ...

    def ensure_levels(self, keys: Collection[Key], now: datetime) -> None:
        """Create empty levels for the keys that have none, in key order."""
        ...

    def lock_levels(self, keys: Collection[Key]) -> None:
        """Lock existing levels in key order so concurrent postings cannot deadlock."""
        ...

    def apply_changes(self, changes: Sequence[Change], now: datetime) -> dict[Key, StockLevel]:
        """Apply each change its level can take, at once; the levels changed, as they are now.

        A level is left alone when the change would make ``allocated`` or ``unavailable``
        negative, push ``available`` below zero, or when a count expected another on-hand.
        """
        ...

    def levels(self, keys: Collection[Key], *, lock: bool = False) -> dict[Key, StockLevel]:
        """The levels of ``keys`` that exist, locked in key order when ``lock`` is set."""
        ...

    def insert_movements(self, movements: Sequence[Movement]) -> None:
        """Append movements to the ledger."""
        ...

    def items(self, variant_ids: Collection[UUID]) -> dict[UUID, InventoryItem]: ...

    def all_items(self, bound: int) -> dict[UUID, InventoryItem] | None:
        """Every SKU's settings as ``items`` keys them; None if more than ``bound``."""
        ...

    def save_settings(
        self, variant_id: UUID, sku: str, changes: Mapping[str, object], now: datetime
    ) -> InventoryItem:
        """Apply ``changes`` to the SKU's item, creating it (defaults for the rest) if needed."""
        ...

    def levels_of_variant(self, variant_id: UUID) -> list[StockLevel]: ...

    def save_level_settings(
        self, key: Key, *, safety_stock: int, bin: str | None, now: datetime
    ) -> StockLevel:
        """Set a level's safety stock and bin, creating the (empty) level if it has none."""
        ...

    def bins(self, variant_ids: Collection[UUID], location_id: UUID) -> dict[UUID, str]:
        """The bins set for these variants at one location (variants without one are absent)."""
        ...

    def levels_at_location(
        self, location_id: UUID, *, after_sku: str | None, limit: int
    ) -> list[tuple[InventoryItem, StockLevel]]:
        """Levels at one location with their items, by SKU."""
        ...

    def low_levels(
        self,
        *,
        location_ids: Collection[UUID] | None,
        after: tuple[str, UUID] | None,
        limit: int,
    ) -> list[tuple[InventoryItem, StockLevel]]:
        """Levels whose available stock is at or below their SKU's threshold."""
        ...

    def movements_of_variant(
        self, variant_id: UUID, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[Movement]:
        """A variant's movements, newest first, older than ``before``."""
        ...


STOCK: Port[Stock] = Port("inventory.stock", SqlStock)
