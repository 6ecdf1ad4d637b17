"""Reading stock: per SKU with each channel's available-to-promise, per location, low stock,
and the movement history; plus the per-SKU stock settings (low-stock threshold, backorders).

A caller bound to a channel sees only that channel and the locations serving it; anything else
is reported as not found.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from oms import catalog, channels
from oms.inventory.domain import (
    InventoryItem,
    SkuNotFound,
    StockLevel,
    level_settings_problems,
    settings_problems,
)
from oms.inventory.domain.events import InventoryItemChanged
from oms.inventory.repository import STOCK
from oms.inventory.services._names import labels_for, location_codes
from oms.inventory.views import (
    LocationStock,
    MovementHistory,
    SkuStock,
    channel_availability,
)
from oms.platform.reference import PRELOAD_BOUND
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import collect
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class ChangeStockSettings:
    """Only the settings given (not None) change; at least one must be given.

    Available stock at or below ``low_stock_threshold`` at a location counts as low; with
    ``allows_backorders`` order capture records what it cannot allocate as backordered.
    """

    sku: str
    low_stock_threshold: int | None = None
    allows_backorders: bool | None = None
    preorder_release_on: date | None = None
    """Orders placed before this day pre-order the SKU (backordered, allocated on release)."""
    preorder_cap: int | None = None
    """At most this many units of the SKU may wait at once."""
    unit_cost: Money | None = None
    """What one unit cost the merchant (values the stock in the inventory report)."""
    cleared: frozenset[str] = frozenset()
    """Settings set back to none (``preorder_release_on``, ``preorder_cap``, ``unit_cost``)."""

    def changes(self) -> dict[str, object]:
        given: dict[str, object] = {
            "low_stock_threshold": self.low_stock_threshold,
            "allows_backorders": self.allows_backorders,
            "preorder_release_on": self.preorder_release_on,
            "preorder_cap": self.preorder_cap,
        }
        changes = {name: value for name, value in given.items() if value is not None}
        changes |= {name: None for name in self.cleared & {"preorder_release_on", "preorder_cap"}}
        if self.unit_cost is not None:
            changes |= {
                "unit_cost_minor": self.unit_cost.minor,
                "cost_currency": self.unit_cost.currency,
            }
        elif "unit_cost" in self.cleared:
            changes |= {"unit_cost_minor": None, "cost_currency": None}
        return changes


@dataclass(frozen=True, kw_only=True)
class ChangeLevelSettings:
    """A SKU's safety stock and bin at one location (both are set: the PUT is the whole)."""

    sku: str
    location: str
    safety_stock: int = 0
    bin: str | None = None


def _variant(sku: str, *, uow: UnitOfWork) -> catalog.VariantRef:
    variant = catalog.find_variants([sku], uow=uow).get(sku)
    if variant is None:
        raise SkuNotFound(sku)
    return variant


def _stock(item: InventoryItem, level: StockLevel, code: str) -> LocationStock:
    return LocationStock(
        sku=item.sku,
        location=code,
        location_id=level.location_id,
        on_hand=level.on_hand,
        allocated=level.allocated,
        unavailable=level.unavailable,
        low_stock_threshold=item.low_stock_threshold,
    )


def get_stock(sku: str, *, uow: UnitOfWork, visible_to: str | None = None) -> SkuStock:
    """A SKU's stock at every location and what each channel may promise of it, explained."""
    with uow.read() as tx:
        variant = _variant(sku, uow=uow)
        stock_rows = tx.repo(STOCK)
        item = stock_rows.items([variant.id]).get(variant.id) or InventoryItem(
            variant_id=variant.id, sku=variant.sku
        )
        levels = stock_rows.levels_of_variant(variant.id)
        serving = channels.serving_location_ids(
            uow=uow, channel_codes=None if visible_to is None else [visible_to]
        )
        seen = {lid for ids in serving.values() for lid in ids}
        codes = location_codes(seen | {level.location_id for level in levels}, uow=uow)
    stock = {
        lid: LocationStock(
            sku=item.sku,
            location=codes[lid],
            location_id=lid,
            low_stock_threshold=item.low_stock_threshold,
        )
        for lid in seen
    }
    stock |= {level.location_id: _stock(item, level, codes[level.location_id]) for level in levels}
    shown = [
        stock[level.location_id]
        for level in levels
        if visible_to is None or level.location_id in seen
    ]
    return SkuStock(
        sku=item.sku,
        variant_id=variant.id,
        low_stock_threshold=item.low_stock_threshold,
        allows_backorders=item.allows_backorders,
        locations=tuple(sorted(shown, key=lambda s: s.location)),
        channels=tuple(
            channel_availability(code, serving[code], stock) for code in sorted(serving)
        ),
        unit_cost=item.unit_cost if visible_to is None else None,
    )


def _visible_location(code: str, *, uow: UnitOfWork, visible_to: str | None) -> channels.Location:
    """A location by code; one that does not serve the caller's channel is not found."""
    location = channels.get_location(code, uow=uow)
    if visible_to is not None and location.id not in _serving(visible_to, uow=uow):
        raise channels.LocationNotFound(code)
    return location


def _serving(channel: str, *, uow: UnitOfWork) -> list[UUID]:
    return channels.serving_location_ids(uow=uow, channel_codes=[channel]).get(channel, [])


def list_stock_at(
    location: str,
    *,
    uow: UnitOfWork,
    after: str | None,
    limit: int,
    visible_to: str | None = None,
) -> list[LocationStock]:
    """Every SKU's level at one location, by SKU."""
    with uow.read() as tx:
        found = _visible_location(location, uow=uow, visible_to=visible_to)
        rows = tx.repo(STOCK).levels_at_location(found.id, after_sku=after, limit=limit)
    return [_stock(item, level, found.code) for item, level in rows]


def list_low_stock(
    *,
    uow: UnitOfWork,
    after: tuple[str, UUID] | None,
    limit: int,
    location: str | None = None,
    visible_to: str | None = None,
) -> list[LocationStock]:
    """SKU and location pairs whose available stock is at or below the SKU's threshold."""
    with uow.read() as tx:
        within: Collection[UUID] | None = None
        if location is not None:
            within = [_visible_location(location, uow=uow, visible_to=visible_to).id]
        elif visible_to is not None:
            within = _serving(visible_to, uow=uow)
        rows = tx.repo(STOCK).low_levels(location_ids=within, after=after, limit=limit)
        codes = location_codes({level.location_id for _, level in rows}, uow=uow)
    return [_stock(item, level, codes[level.location_id]) for item, level in rows]


def list_movements(
    sku: str,
    *,
    uow: UnitOfWork,
    before: tuple[datetime, UUID] | None,
    limit: int,
    visible_to: str | None = None,
) -> MovementHistory:
    """A SKU's ledger, newest first. Staff only: it names other channels' orders and people."""
    if visible_to is not None:
        raise SkuNotFound(sku)
    with uow.read() as tx:
        variant = _variant(sku, uow=uow)
        movements = tx.repo(STOCK).movements_of_variant(variant.id, before=before, limit=limit)
        labels = labels_for([variant.id], {m.location_id for m in movements}, uow=uow)
    return MovementHistory(movements=tuple(movements), labels=labels)


def change_stock_settings(cmd: ChangeStockSettings, *, uow: UnitOfWork) -> InventoryItem:
    """Change how little stock of a SKU counts as low, whether orders may backorder it, or
    whether (until when, and how many units) it is sold as a pre-order."""
    changes = cmd.changes()
    collect(settings_problems(changes))
    with uow.begin() as tx:
        variant = _variant(cmd.sku, uow=uow)
        item = tx.repo(STOCK).save_settings(variant.id, variant.sku, changes, tx.now)
        tx.record(
            InventoryItemChanged(
                aggregate_id=item.variant_id,
                sku=item.sku,
                low_stock_threshold=item.low_stock_threshold,
                allows_backorders=item.allows_backorders,
                preorder_release_on=None
                if item.preorder_release_on is None
                else item.preorder_release_on.isoformat(),
                preorder_cap=item.preorder_cap,
                unit_cost_minor=None if item.unit_cost is None else item.unit_cost.minor,
                cost_currency=None if item.unit_cost is None else item.unit_cost.currency,
            )
        )
    return item


def change_level_settings(cmd: ChangeLevelSettings, *, uow: UnitOfWork) -> StockLevel:
    """Set how many units of a SKU sourcing leaves at a location (safety stock) and where it is
    shelved there (its bin, for pick lists)."""
    collect(level_settings_problems(cmd.safety_stock))
    with uow.begin() as tx:
        variant = _variant(cmd.sku, uow=uow)
        location = channels.get_location(cmd.location, uow=uow)
        stock_rows = tx.repo(STOCK)
        stock_rows.ensure_items({variant.id: variant.sku}, tx.now)
        return stock_rows.save_level_settings(
            (variant.id, location.id), safety_stock=cmd.safety_stock, bin=cmd.bin, now=tx.now
        )


def bins(variant_ids: Collection[UUID], location_id: UUID, *, uow: UnitOfWork) -> dict[UUID, str]:
    """Where each of these SKUs is shelved at a location (pick lists walk the bins in order);
    SKUs without a bin there are absent."""
    if not variant_ids:
        return {}
    with uow.read() as tx:
        return tx.repo(STOCK).bins(variant_ids, location_id)


SETTINGS = "inventory.settings"
"""The reference-data kind of stock settings, keyed by variant id."""


def stock_settings(variant_ids: Collection[UUID], *, uow: UnitOfWork) -> dict[UUID, InventoryItem]:
    """Settings of the variants that have any (absent: the defaults, so no backorders); cached
    reference data."""
    with uow.read() as tx:
        repo = tx.repo(STOCK)
        return tx.reference.many(
            SETTINGS, variant_ids, repo.items, lambda: repo.all_items(PRELOAD_BOUND)
        )


def preload_stock_settings(*, uow: UnitOfWork) -> bool:
    """Load every SKU's stock settings into the process's cache (a server does it before it
    reports ready); False when there are more than the bound."""
    with uow.read() as tx:
        repo = tx.repo(STOCK)
        return tx.reference.preload(SETTINGS, lambda: repo.all_items(PRELOAD_BOUND))
