"""Use cases of the inventory context: one function each."""

from oms.inventory.services.allocations import (
    StockLines,
    allocate,
    fulfil,
    levels_for_update,
    read_levels,
    release,
    restock,
)
from oms.inventory.services.movements import (
    AdjustStock,
    ChangeUnavailable,
    CountStock,
    ReceiveStock,
    TransferStock,
    adjust_stock,
    change_unavailable,
    count_stock,
    receive_stock,
    transfer_stock,
)
from oms.inventory.services.stock import (
    ChangeStockSettings,
    change_stock_settings,
    get_stock,
    list_low_stock,
    list_movements,
    list_stock_at,
    stock_settings,
)

__all__ = [
    "AdjustStock",
    "ChangeStockSettings",
    "ChangeUnavailable",
    "CountStock",
    "ReceiveStock",
    "StockLines",
    "TransferStock",
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
    "read_levels",
    "receive_stock",
    "release",
    "restock",
    "stock_settings",
    "transfer_stock",
]
