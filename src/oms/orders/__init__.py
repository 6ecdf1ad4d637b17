"""Orders: every channel's orders captured once, priced, allocated without overselling, held,
cancelled and edited, with a timeline of who did what.

Public interface for other contexts; everything else in this package is private.
"""

from oms import customers, inventory
from oms.orders.domain import (
    HoldReason,
    Order,
    OrderNotFound,
    OrderStatus,
    PaymentFigures,
    PaymentNote,
    PaymentStatus,
)
from oms.orders.domain.changes import (
    AddLine,
    ChangeQuantity,
    ChangeShippingAddress,
    ChangeShippingMethod,
    ChangeStatus,
    Operation,
    OrderChange,
    RemoveLine,
)
from oms.orders.domain.events import (
    BackorderAllocated,
    HoldReleased,
    LinesCancelled,
    OrderCancelled,
    OrderChanged,
    OrderConfirmed,
    OrderHeld,
    OrderPlaced,
)
from oms.orders.pricing.domain.events import ShippingZoneChanged, TaxRateChanged
from oms.orders.services import (
    CancelOrder,
    ConfirmChange,
    CustomerDetails,
    NewLine,
    PlaceHold,
    Placement,
    PlaceOrder,
    PreviewChange,
    ReleaseHold,
    allocate_backorders,
    cancel_order,
    confirm_change,
    get_order,
    handle_stock_event,
    list_changes,
    order_for_payment,
    place_hold,
    place_order,
    preview_change,
    record_payment_figures,
    release_due_holds,
    release_hold,
)
from oms.orders.services.backorders import CONSUMER as _BACKORDERS
from oms.orders.services.erasure import CONSUMER as _ERASURE
from oms.orders.services.erasure import handle_customer_erased
from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

__all__ = [
    "EVENTS",
    "SUBSCRIPTIONS",
    "AddLine",
    "CancelOrder",
    "ChangeQuantity",
    "ChangeShippingAddress",
    "ChangeShippingMethod",
    "ChangeStatus",
    "ConfirmChange",
    "CustomerDetails",
    "HoldReason",
    "LinesCancelled",
    "NewLine",
    "Operation",
    "Order",
    "OrderCancelled",
    "OrderChange",
    "OrderChanged",
    "OrderNotFound",
    "OrderStatus",
    "PaymentFigures",
    "PaymentNote",
    "PaymentStatus",
    "PlaceHold",
    "PlaceOrder",
    "Placement",
    "PreviewChange",
    "ReleaseHold",
    "RemoveLine",
    "allocate_backorders",
    "cancel_order",
    "confirm_change",
    "get_order",
    "handle_stock_event",
    "list_changes",
    "order_for_payment",
    "place_hold",
    "place_order",
    "preview_change",
    "record_payment_figures",
    "release_due_holds",
    "release_hold",
]

EVENTS: tuple[type[Event], ...] = (
    OrderPlaced,
    OrderConfirmed,
    OrderHeld,
    HoldReleased,
    OrderCancelled,
    LinesCancelled,
    OrderChanged,
    BackorderAllocated,
    TaxRateChanged,
    ShippingZoneChanged,
)
"""The event types this context publishes (the composition root registers them)."""

SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(consumer=_BACKORDERS, events=inventory.EVENTS, handler=handle_stock_event),
    Subscription(
        consumer=_ERASURE, events=(customers.CustomerErased,), handler=handle_customer_erased
    ),
)
"""This context's consumers: backorders are filled when any stock movement of their SKU is
announced (every kind, so that a fill that stopped at its batch limit is resumed by the
allocation events it wrote itself); a customer's erasure pseudonymises the buyer on their
orders."""
