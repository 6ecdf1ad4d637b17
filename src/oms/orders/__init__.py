"""Orders: every channel's orders captured once, priced, allocated without overselling, held,
cancelled and edited, with a timeline of who did what.

Public interface for other contexts; everything else in this package is private.
"""

from oms import customers, inventory
from oms.orders.domain import (
    Allocation,
    FulfilmentStatus,
    HoldReason,
    InvariantBroken,
    NotAllocatedThere,
    NotDone,
    NothingToReroute,
    NotShipped,
    Order,
    OrderLine,
    OrderNotFound,
    OrderStatus,
    PaymentFigures,
    PaymentNote,
    PaymentStatus,
    TimelineEntry,
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
    OrderCompleted,
    OrderConfirmed,
    OrderHeld,
    OrderPlaced,
    OrderRerouted,
    UnitsDelivered,
    UnitsShipped,
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
    complete_if_done,
    confirm_change,
    deliver_units,
    get_order,
    handle_stock_event,
    list_changes,
    lookup_order,
    note_on_timeline,
    order_for_fulfilment,
    order_for_payment,
    place_hold,
    place_order,
    preview_change,
    record_payment_figures,
    release_due_holds,
    release_hold,
    reroute_order,
    ship_units,
    sourcing_decisions,
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
    "Allocation",
    "CancelOrder",
    "ChangeQuantity",
    "ChangeShippingAddress",
    "ChangeShippingMethod",
    "ChangeStatus",
    "ConfirmChange",
    "CustomerDetails",
    "FulfilmentStatus",
    "HoldReason",
    "InvariantBroken",
    "LinesCancelled",
    "NewLine",
    "NotAllocatedThere",
    "NotDone",
    "NotShipped",
    "NothingToReroute",
    "Operation",
    "Order",
    "OrderCancelled",
    "OrderChange",
    "OrderChanged",
    "OrderCompleted",
    "OrderLine",
    "OrderNotFound",
    "OrderRerouted",
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
    "TimelineEntry",
    "UnitsDelivered",
    "UnitsShipped",
    "allocate_backorders",
    "cancel_order",
    "complete_if_done",
    "confirm_change",
    "deliver_units",
    "get_order",
    "handle_stock_event",
    "list_changes",
    "lookup_order",
    "note_on_timeline",
    "order_for_fulfilment",
    "order_for_payment",
    "place_hold",
    "place_order",
    "preview_change",
    "record_payment_figures",
    "release_due_holds",
    "release_hold",
    "reroute_order",
    "ship_units",
    "sourcing_decisions",
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
    UnitsShipped,
    UnitsDelivered,
    OrderRerouted,
    OrderCompleted,
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
