"""Pre-orders reaching their release day: which SKUs are due, and ending their pre-order.

A pre-order SKU (``preorder_release_on``, ``preorder_cap``) takes orders up to its cap before
the day, all backordered whatever the stock. On the day its pre-order ends: the settings are
cleared (an ``inventory.item_changed.v1`` event says so) and the waiting orders are filled
first come first served by orders' backorder path (``oms.orders.release_preorders``).
"""

from __future__ import annotations

from datetime import date

from oms.inventory.domain import InventoryItem
from oms.inventory.repository.preorders import PREORDERS
from oms.inventory.services.stock import (
    ChangeStockSettings,
    change_stock_settings,
    stock_settings,
)
from oms.platform.unit_of_work import UnitOfWork

PREORDER_SETTINGS = frozenset({"preorder_release_on", "preorder_cap"})


def due_preorders(today: date, *, uow: UnitOfWork, sku: str | None = None) -> list[InventoryItem]:
    """Pre-order SKUs whose release day has come (``today`` or before), earliest first; only
    ``sku`` when given (empty when it is no pre-order or not due)."""
    with uow.read() as tx:
        due = tx.repo(PREORDERS).due(today, sku=sku)
    if not due:
        return []
    found = stock_settings(due, uow=uow)
    return [found[variant_id] for variant_id in due if variant_id in found]


def end_preorder(sku: str, *, uow: UnitOfWork) -> InventoryItem:
    """The SKU is sold as usual from now on: its release day and cap are cleared."""
    return change_stock_settings(ChangeStockSettings(sku=sku, cleared=PREORDER_SETTINGS), uow=uow)
