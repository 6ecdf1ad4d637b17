"""The stock ledger: movements, levels per SKU and location, allocations and ATP per channel.

Public interface for other contexts; everything else in this package is private. Order capture
calls ``allocate`` (and later ``release``, ``fulfil``, ``restock``) with its unit of work, so the
order and its stock movements commit together; a refusal is ``InsufficientStock`` naming every
line that fell short, and leaves every level as it was. To source an order from exact figures it
first locks the candidate levels with ``levels_for_update`` in the same transaction, and asks
``stock_settings`` which SKUs may be backordered.
"""

from oms.inventory.domain import (
    Delta,
    InsufficientAllocation,
    InsufficientStock,
    InsufficientUnavailable,
    InventoryItem,
    Movement,
    MovementKind,
    Posting,
    Shortfall,
    SkuNotFound,
    StaleCount,
    StockLevel,
    StockLine,
    UnavailableReason,
)
from oms.inventory.domain.events import (
    InventoryItemChanged,
    StockAdjusted,
    StockAllocated,
    StockAvailabilityChanged,
    StockCounted,
    StockFulfilled,
    StockMoved,
    StockReceived,
    StockReleased,
    StockRestocked,
    StockTransferred,
    StockWrittenOff,
)
from oms.inventory.services import (
    AdjustStock,
    ChangeStockSettings,
    ChangeUnavailable,
    CountStock,
    ReceiveStock,
    StockLines,
    TransferStock,
    adjust_stock,
    allocate,
    change_stock_settings,
    change_unavailable,
    count_stock,
    fulfil,
    get_stock,
    levels_for_update,
    list_low_stock,
    list_movements,
    list_stock_at,
    receive_stock,
    release,
    restock,
    stock_settings,
    transfer_stock,
)
from oms.inventory.views import ChannelAvailability, LocationStock, SkuStock, StockChange
from oms.shared.events import Event

__all__ = [
    "EVENTS",
    "AdjustStock",
    "ChangeStockSettings",
    "ChangeUnavailable",
    "ChannelAvailability",
    "CountStock",
    "Delta",
    "InsufficientAllocation",
    "InsufficientStock",
    "InsufficientUnavailable",
    "InventoryItem",
    "LocationStock",
    "Movement",
    "MovementKind",
    "Posting",
    "ReceiveStock",
    "Shortfall",
    "SkuNotFound",
    "SkuStock",
    "StaleCount",
    "StockChange",
    "StockLevel",
    "StockLine",
    "StockLines",
    "StockMoved",
    "TransferStock",
    "UnavailableReason",
    "adjust_stock",
    "allocate",
    "change_stock_settings",
    "change_unavailable",
    "count_stock",
    "fulfil",
    "get_stock",
    "levels_for_update",
    "list_low_stock",
    "list_movements",
    "list_stock_at",
    "receive_stock",
    "release",
    "restock",
    "stock_settings",
    "transfer_stock",
]

EVENTS: tuple[type[Event], ...] = (
    StockReceived,
    StockAdjusted,
    StockWrittenOff,
    StockCounted,
    StockAllocated,
    StockReleased,
    StockFulfilled,
    StockRestocked,
    StockAvailabilityChanged,
    StockTransferred,
    InventoryItemChanged,
)
"""The event types this context publishes (the composition root registers them)."""
