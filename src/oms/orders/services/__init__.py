"""Use cases of the orders context."""

from oms.orders.services.backorders import allocate_backorders, handle_stock_event
from oms.orders.services.cancellation import CancelOrder, cancel_order
from oms.orders.services.changes import (
    ConfirmChange,
    PreviewChange,
    confirm_change,
    list_changes,
    preview_change,
)
from oms.orders.services.holding import (
    PlaceHold,
    ReleaseHold,
    SetHoldRule,
    hold_rule_settings,
    place_hold,
    release_due_holds,
    release_hold,
    set_hold_rule,
)
from oms.orders.services.placement import (
    CustomerDetails,
    NewLine,
    Placement,
    PlaceOrder,
    place_order,
)
from oms.orders.services.queries import get_order, list_orders, lookup_order, order_timeline

__all__ = [
    "CancelOrder",
    "ConfirmChange",
    "CustomerDetails",
    "NewLine",
    "PlaceHold",
    "PlaceOrder",
    "Placement",
    "PreviewChange",
    "ReleaseHold",
    "SetHoldRule",
    "allocate_backorders",
    "cancel_order",
    "confirm_change",
    "get_order",
    "handle_stock_event",
    "hold_rule_settings",
    "list_changes",
    "list_orders",
    "lookup_order",
    "order_timeline",
    "place_hold",
    "place_order",
    "preview_change",
    "release_due_holds",
    "release_hold",
    "set_hold_rule",
]
