"""Use cases of the orders context: each loads an order, calls it, saves it.

The use-case modules (``placement``, ``holding``, ``cancellation``, ``backorders``, ``changes``,
``queries``, ``payments``, ``fulfilment``, ``rerouting``, ``returns``, ``linking``) never import
each other; what several
of them need is a step below them (``validation``, ``sourcing``, ``repricing``), and a step
imports no use case. So every use case reads top-down. The commands they take are in
``oms.orders.domain.commands``.
"""

from oms.orders.domain.commands import (
    CancelOrder,
    ConfirmChange,
    CustomerDetails,
    LinkedLine,
    NewLine,
    PlaceHold,
    PlaceOrder,
    PreviewChange,
    ReleaseHold,
    SetHoldRule,
)
from oms.orders.services.backorders import (
    Released,
    allocate_backorders,
    handle_stock_event,
    release_preorders,
)
from oms.orders.services.cancellation import cancel_order
from oms.orders.services.changes import confirm_change, list_changes, preview_change
from oms.orders.services.fulfilment import (
    complete_if_done,
    deliver_units,
    note_on_timeline,
    order_for_fulfilment,
    ship_units,
)
from oms.orders.services.holding import (
    hold_rule_settings,
    place_hold,
    release_due_holds,
    release_hold,
    set_hold_rule,
)
from oms.orders.services.linking import place_linked_order
from oms.orders.services.payments import order_for_payment, record_payment_figures
from oms.orders.services.placement import Placement, place_order
from oms.orders.services.queries import (
    get_order,
    list_orders,
    lookup_order,
    order_timeline,
    sourcing_decisions,
)
from oms.orders.services.rerouting import reroute_order
from oms.orders.services.returns import (
    receive_returned_units,
    release_return_hold,
    request_return_units,
    withdraw_return_units,
)

__all__ = [
    "CancelOrder",
    "ConfirmChange",
    "CustomerDetails",
    "LinkedLine",
    "NewLine",
    "PlaceHold",
    "PlaceOrder",
    "Placement",
    "PreviewChange",
    "ReleaseHold",
    "Released",
    "SetHoldRule",
    "allocate_backorders",
    "cancel_order",
    "complete_if_done",
    "confirm_change",
    "deliver_units",
    "get_order",
    "handle_stock_event",
    "hold_rule_settings",
    "list_changes",
    "list_orders",
    "lookup_order",
    "note_on_timeline",
    "order_for_fulfilment",
    "order_for_payment",
    "order_timeline",
    "place_hold",
    "place_linked_order",
    "place_order",
    "preview_change",
    "receive_returned_units",
    "record_payment_figures",
    "release_due_holds",
    "release_hold",
    "release_preorders",
    "release_return_hold",
    "request_return_units",
    "reroute_order",
    "set_hold_rule",
    "ship_units",
    "sourcing_decisions",
    "withdraw_return_units",
]
