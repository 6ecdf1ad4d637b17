"""Use cases of the inventory context: one function each."""

from oms.inventory.services.allocations import (
    StockLines,
    allocate,
    fulfil,
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
    SetLowStockThreshold,
    get_stock,
    list_low_stock,
    list_movements,
    list_stock_at,
    set_low_stock_threshold,
)

__all__ = [
    "AdjustStock",
    "ChangeUnavailable",
    "CountStock",
    "ReceiveStock",
    "SetLowStockThreshold",
    "StockLines",
    "TransferStock",
    "adjust_stock",
    "allocate",
    "change_unavailable",
    "count_stock",
    "fulfil",
    "get_stock",
    "list_low_stock",
    "list_movements",
    "list_stock_at",
    "receive_stock",
    "release",
    "restock",
    "set_low_stock_threshold",
    "transfer_stock",
]
