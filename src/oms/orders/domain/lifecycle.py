"""The order lifecycle as a transition table.

Status is coarse on purpose. ``on_hold`` is not a status but a flag computed from open holds,
and payment, fulfilment and return statuses are derived from ledgers and line quantities.
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


ORDER_LIFECYCLE: StateMachine[OrderStatus, OrderAction] = StateMachine(
    "order",
    {
        (OrderStatus.PENDING, OrderAction.CONFIRM): OrderStatus.CONFIRMED,
        (OrderStatus.PENDING, OrderAction.CANCEL): OrderStatus.CANCELLED,
        (OrderStatus.CONFIRMED, OrderAction.START_FULFILMENT): OrderStatus.IN_PROGRESS,
        (OrderStatus.CONFIRMED, OrderAction.CANCEL): OrderStatus.CANCELLED,
        (OrderStatus.IN_PROGRESS, OrderAction.COMPLETE): OrderStatus.COMPLETED,
        (OrderStatus.IN_PROGRESS, OrderAction.CANCEL): OrderStatus.CANCELLED,
    },
)
"""Cancelling an order that is in progress is legal only while nothing has shipped; the order
itself checks that (``Order.cancellable_quantities``)."""

PROGRESSING = frozenset({OrderAction.CONFIRM, OrderAction.START_FULFILMENT, OrderAction.COMPLETE})
"""Actions a hold blocks. Cancelling a held order is always allowed."""


class PaymentStatus(StrEnum):
    NONE = "none"


class FulfilmentStatus(StrEnum):
    UNFULFILLED = "unfulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"


class ReturnStatus(StrEnum):
    NONE = "none"
