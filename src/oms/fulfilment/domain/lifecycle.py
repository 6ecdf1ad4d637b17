"""The fulfilment order's lifecycle as a transition table.

One fulfilment order (FO) is the work of one location for one order: the units it was given,
picked and packed, then shipped to the customer or made ready for pickup. A pickup FO sourced at
another location than the pickup store is first shipped there (a transfer) and becomes ready when
it arrives. ``on_hold`` remembers the status it left (``held_from``) and goes back to it.
"""

from __future__ import annotations

from enum import StrEnum

from oms.shared.state_machine import StateMachine


class FulfilmentOrderStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    """Picking and packing; some units may have shipped already (a partial shipment)."""
    SHIPPED = "shipped"
    READY_FOR_PICKUP = "ready_for_pickup"
    DELIVERED = "delivered"
    PICKED_UP = "picked_up"
    ON_HOLD = "on_hold"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Delivery(StrEnum):
    SHIP = "ship"
    PICKUP = "pickup"


class FulfilmentAction(StrEnum):
    START = "start"
    SHIP_SOME = "ship_some"
    """Some of the open units leave; the FO stays in progress."""
    SHIP = "ship"
    """The last open units leave."""
    MARK_READY = "mark_ready"
    HAND_OVER = "hand_over"
    DELIVER = "deliver"
    HOLD = "hold"
    RELEASE = "release"
    REJECT = "reject"
    CANCEL = "cancel"
    REDUCE = "reduce"
    """Units taken away (cancelled on the order or re-sourced) while some stay open."""


S = FulfilmentOrderStatus
A = FulfilmentAction
_WORKABLE = (S.OPEN, S.IN_PROGRESS)

FULFILMENT_ORDER_LIFECYCLE: StateMachine[FulfilmentOrderStatus, FulfilmentAction] = StateMachine(
    "fulfilment order",
    {
        (S.OPEN, A.START): S.IN_PROGRESS,
        **{(state, A.SHIP_SOME): S.IN_PROGRESS for state in _WORKABLE},
        **{(state, A.SHIP): S.SHIPPED for state in _WORKABLE},
        **{(state, A.MARK_READY): S.READY_FOR_PICKUP for state in (*_WORKABLE, S.SHIPPED)},
        (S.READY_FOR_PICKUP, A.HAND_OVER): S.PICKED_UP,
        (S.SHIPPED, A.DELIVER): S.DELIVERED,
        **{(state, A.HOLD): S.ON_HOLD for state in _WORKABLE},
        # RELEASE goes back to ``held_from``; the table names the default (open).
        (S.ON_HOLD, A.RELEASE): S.OPEN,
        **{(state, A.REJECT): S.REJECTED for state in (*_WORKABLE, S.ON_HOLD)},
        **{(state, A.CANCEL): S.CANCELLED for state in (*_WORKABLE, S.ON_HOLD, S.READY_FOR_PICKUP)},
        **{(state, A.REDUCE): state for state in (*_WORKABLE, S.ON_HOLD, S.READY_FOR_PICKUP)},
    },
)
"""``MARK_READY`` from ``shipped`` is a transfer that arrived at the pickup store; from open or in
progress, a pickup at the sourcing store itself. ``RELEASE`` returns to the status the FO was
held from (``held_from``: open or in progress); the aggregate checks that it is one of them.
Cancelling a ready FO is an uncollected pickup going back to stock."""

ACTIVE = frozenset({S.OPEN, S.IN_PROGRESS, S.ON_HOLD, S.READY_FOR_PICKUP})
"""Statuses in which a FO still holds units of the order (allocated at its location, or for a
ready pickup, shipped to the store but not handed over)."""

FINAL = frozenset({S.DELIVERED, S.PICKED_UP, S.REJECTED, S.CANCELLED})
