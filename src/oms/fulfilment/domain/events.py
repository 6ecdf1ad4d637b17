"""Events of fulfilment orders (ids and values only; ``aggregate_id`` is the FO's id).

Every event names the FO, its order and its location, so a consumer (notifications, reports, a
warehouse system) needs no read back. The pickup events (ready, picked up) are in
``pickup_events``: the ready event carries the pickup code, which the FO itself never holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.shared.events import Event


@dataclass(frozen=True, kw_only=True)
class FulfilmentUnits:
    """Units of one order line, as events carry them."""

    line_id: UUID
    sku: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderEvent(Event):
    """The fields every fulfilment-order event carries (not registered itself)."""

    aggregate = "fulfilment_order"
    number: str
    order_id: UUID
    location: str
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderCreated(FulfilmentOrderEvent):
    """A location was given units of an order to ship or hand over: a new fulfilment order."""

    type = "fulfilment.fulfilment_order_created.v1"
    delivery: str
    pickup_location: str | None
    ship_by: datetime
    lines: tuple[FulfilmentUnits, ...]


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderUnitsAdded(FulfilmentOrderEvent):
    """More units given to an open FO (a backorder filled, units re-sourced here)."""

    type = "fulfilment.fulfilment_order_units_added.v1"
    lines: tuple[FulfilmentUnits, ...]


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderStarted(FulfilmentOrderEvent):
    """A location started working a fulfilment order (picking)."""

    type = "fulfilment.fulfilment_order_started.v1"
    actor: str


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderHeld(FulfilmentOrderEvent):
    """A fulfilment order was held because its order went on hold."""

    type = "fulfilment.fulfilment_order_held.v1"


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderReleased(FulfilmentOrderEvent):
    """A held fulfilment order was released to its location again."""

    type = "fulfilment.fulfilment_order_released.v1"
    status: str
    """The status it went back to."""


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderReduced(FulfilmentOrderEvent):
    """Units taken away (cancelled on the order, or re-sourced) while others stay open."""

    type = "fulfilment.fulfilment_order_reduced.v1"
    lines: tuple[FulfilmentUnits, ...]


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderRejected(FulfilmentOrderEvent):
    """A location rejected its fulfilment order's units (with a reason); they are re-sourced."""

    type = "fulfilment.fulfilment_order_rejected.v1"
    reason: str
    note: str | None
    actor: str
    lines: tuple[FulfilmentUnits, ...]
    """The units the location gave back (re-sourced elsewhere or backordered)."""


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderCancelled(FulfilmentOrderEvent):
    """A fulfilment order was cancelled (its order's lines cancelled or moved away)."""

    type = "fulfilment.fulfilment_order_cancelled.v1"
    lines: tuple[FulfilmentUnits, ...]
    """The units that were still open."""


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderShipped(FulfilmentOrderEvent):
    """Units left the location; ``complete`` when nothing is open any more."""

    type = "fulfilment.fulfilment_order_shipped.v1"
    lines: tuple[FulfilmentUnits, ...]
    complete: bool


@dataclass(frozen=True, kw_only=True)
class FulfilmentOrderDelivered(FulfilmentOrderEvent):
    """Every unit of a fulfilment order reached the customer."""

    type = "fulfilment.fulfilment_order_delivered.v1"


EVENTS: tuple[type[Event], ...] = (
    FulfilmentOrderCreated,
    FulfilmentOrderUnitsAdded,
    FulfilmentOrderStarted,
    FulfilmentOrderHeld,
    FulfilmentOrderReleased,
    FulfilmentOrderReduced,
    FulfilmentOrderRejected,
    FulfilmentOrderCancelled,
    FulfilmentOrderShipped,
    FulfilmentOrderDelivered,
)
