"""The order lifecycle as a transition table.

Status is coarse on purpose. ``on_hold`` is not a status but a flag computed from open holds,
and payment, fulfilment and return statuses are derived from ledgers and line quantities.

Every action an order takes is in the table, those that keep the status too (holding, editing,
cancelling some units): the table is the one place that says in which states each is legal, and
``Order`` consults it before every change.
"""

from __future__ import annotations

from enum import StrEnum

from oms.shared.state_machine import StateMachine


class OrderStatus(StrEnum):
    PENDING = "pending"
    """Placed, awaiting checks (holds) or payment."""
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    """Some fulfilment has started."""
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OrderAction(StrEnum):
    CONFIRM = "confirm"
    START_FULFILMENT = "start_fulfilment"
    COMPLETE = "complete"
    CANCEL = "cancel"
    CANCEL_UNITS = "cancel_units"
    """Cancel some units; the order cancels as a whole when the last open unit goes."""
    HOLD = "hold"
    RELEASE = "release"
    EDIT = "edit"
    """Confirm an order change (add or remove lines, quantities, shipping)."""
    ALLOCATE_BACKORDER = "allocate_backorder"
    """Allocate backordered units from stock that arrived."""
    SHIP = "ship"
    """Units left a location; the first shipment starts the order's fulfilment."""
    DELIVER = "deliver"
    """Shipped units were delivered or picked up."""
    REROUTE = "reroute"
    """Allocated units move to other locations (or back to the backorder queue)."""
    REQUEST_RETURN = "request_return"
    """Delivered units are asked back (a return request opened for them)."""
    WITHDRAW_RETURN = "withdraw_return"
    """Units asked back are not coming after all (the request declined or cancelled)."""
    RECEIVE_RETURN = "receive_return"
    """Units asked back arrived at the receiving location."""
    LINK_ORDER = "link_order"
    """An exchange or reship order was placed for this one (``Order.link_order``)."""


_OPEN = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS)
_NOT_STARTED = (OrderStatus.PENDING, OrderStatus.CONFIRMED)
_AFTER_SALES = (OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED)
"""Where returns, exchanges and claims happen: units reached the customer (delivered units
exist only once the order is in progress), and a completed order can still be returned."""

ORDER_LIFECYCLE: StateMachine[OrderStatus, OrderAction] = StateMachine(
    "order",
    {
        (OrderStatus.PENDING, OrderAction.CONFIRM): OrderStatus.CONFIRMED,
        (OrderStatus.CONFIRMED, OrderAction.START_FULFILMENT): OrderStatus.IN_PROGRESS,
        (OrderStatus.CONFIRMED, OrderAction.SHIP): OrderStatus.IN_PROGRESS,
        (OrderStatus.IN_PROGRESS, OrderAction.SHIP): OrderStatus.IN_PROGRESS,
        (OrderStatus.IN_PROGRESS, OrderAction.DELIVER): OrderStatus.IN_PROGRESS,
        (OrderStatus.IN_PROGRESS, OrderAction.COMPLETE): OrderStatus.COMPLETED,
        **{(state, OrderAction.CANCEL): OrderStatus.CANCELLED for state in _OPEN},
        **{(state, OrderAction.CANCEL_UNITS): state for state in _OPEN},
        **{(state, OrderAction.HOLD): state for state in _OPEN},
        **{(state, OrderAction.ALLOCATE_BACKORDER): state for state in _OPEN},
        **{(state, OrderAction.REROUTE): state for state in _OPEN},
        **{(state, OrderAction.EDIT): state for state in _NOT_STARTED},
        **{(state, OrderAction.RELEASE): state for state in OrderStatus},
        **{
            (state, action): state
            for state in _AFTER_SALES
            for action in (
                OrderAction.REQUEST_RETURN,
                OrderAction.WITHDRAW_RETURN,
                OrderAction.RECEIVE_RETURN,
                OrderAction.LINK_ORDER,
            )
        },
    },
)
"""Cancelling an order that is in progress is legal only while nothing has shipped; the order
itself checks that (``Order.cancel``). A held order can be edited (holds stop progress, not
corrections) and its holds released in any state, so a hold left on a cancelled order can still
be cleared.

Only a confirmed or started order ships (a pending one waits for its checks). Units are
delivered only once shipped, so only while the order is in progress; the order completes from
there once every billed unit is delivered. A completed order takes no further action but
releasing a hold and what happens after sales: units asked back, withdrawn or received
(returns), and exchange or reship orders linked to it; none of these moves the status (a
returned order stays completed: its ``return_status`` says what came back)."""

PROGRESSING = frozenset(
    {OrderAction.CONFIRM, OrderAction.START_FULFILMENT, OrderAction.SHIP, OrderAction.COMPLETE}
)
"""Actions a hold blocks. Cancelling a held order is always allowed, and so are delivering
(a parcel on its way arrives whatever the order's holds: the delivery is a fact to record,
not a step the merchant takes), rerouting (a correction of where units wait) and the return
actions (a customer sends goods back whatever the order's holds)."""


class PaymentStatus(StrEnum):
    """Derived by payments from the order's tenders (``oms.payments`` documents the rule) and
    kept on the order with the figures it shows (``PaymentFigures``)."""

    UNPAID = "unpaid"
    AUTHORIZED = "authorized"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"


class FulfilmentStatus(StrEnum):
    """Derived from the lines (``Order.fulfilment_status``): the furthest step any unit took,
    and whether every billed unit took it."""

    UNFULFILLED = "unfulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    PARTIALLY_DELIVERED = "partially_delivered"
    DELIVERED = "delivered"


class OrderReturnStatus(StrEnum):
    """Derived from the lines (``Order.return_status``), over the units delivered: nothing
    asked back; asked back and nothing received yet; some received (or received with more
    still asked back); every delivered unit received."""

    NONE = "none"
    RETURN_REQUESTED = "return_requested"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"
