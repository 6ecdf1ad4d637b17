"""Orders: every channel's orders captured once, priced, allocated without overselling, held,
cancelled and edited, with a timeline of who did what.

Public interface for other contexts; everything else in this package is private.
"""

from oms.orders.domain import Order, OrderNotFound, OrderStatus
from oms.orders.services import (
    CancelOrder,
    CustomerDetails,
    NewLine,
    PlaceHold,
    Placement,
    PlaceOrder,
    ReleaseHold,
    allocate_backorders,
    cancel_order,
    get_order,
    handle_stock_event,
    place_hold,
    place_order,
    release_due_holds,
    release_hold,
)

__all__ = [
    "CancelOrder",
    "CustomerDetails",
    "NewLine",
    "Order",
    "OrderNotFound",
    "OrderStatus",
    "PlaceHold",
    "PlaceOrder",
    "Placement",
    "ReleaseHold",
    "allocate_backorders",
    "cancel_order",
    "get_order",
    "handle_stock_event",
    "place_hold",
    "place_order",
    "release_due_holds",
    "release_hold",
]
