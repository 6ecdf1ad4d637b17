"""Events of the orders context; ids and values only (no names, emails or addresses)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms.shared.events import Event
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class LineUnits:
    sku: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(Event):
    """An order was placed on a channel: its lines, total and any units backordered."""

    type = "orders.order_placed.v1"
    aggregate = "order"
    number: str
    channel: str
    customer_id: UUID
    total: Money
    lines: tuple[LineUnits, ...]
    backordered: tuple[LineUnits, ...]


@dataclass(frozen=True, kw_only=True)
class OrderConfirmed(Event):
    """An order left its holds behind and is confirmed for fulfilment."""

    type = "orders.order_confirmed.v1"
    aggregate = "order"
    number: str


@dataclass(frozen=True, kw_only=True)
class OrderHeld(Event):
    """An order was put on hold (payment, fraud review, address, stock, customer, manual)."""

    type = "orders.order_held.v1"
    aggregate = "order"
    number: str
    hold_id: UUID
    reason: str
    rule: str | None


@dataclass(frozen=True, kw_only=True)
class HoldReleased(Event):
    """A hold on an order was released; `still_on_hold` says whether others remain."""

    type = "orders.hold_released.v1"
    aggregate = "order"
    number: str
    hold_id: UUID
    reason: str
    still_on_hold: bool


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(Event):
    """A whole order was cancelled; its stock was released."""

    type = "orders.order_cancelled.v1"
    aggregate = "order"
    number: str
    reason: str
    lines: tuple[LineUnits, ...]


@dataclass(frozen=True, kw_only=True)
class LinesCancelled(Event):
    """Some units of an order were cancelled; their stock was released."""

    type = "orders.lines_cancelled.v1"
    aggregate = "order"
    number: str
    reason: str
    lines: tuple[LineUnits, ...]


@dataclass(frozen=True, kw_only=True)
class OrderChanged(Event):
    """An order change (edit) was confirmed: its operations, the new version and the money
    difference."""

    type = "orders.order_changed.v1"
    aggregate = "order"
    number: str
    version: int
    changes: tuple[str, ...]
    difference: Money


@dataclass(frozen=True, kw_only=True)
class BackorderAllocated(Event):
    """Backordered units of an order were allocated when stock arrived (first come first served)."""

    type = "orders.backorder_allocated.v1"
    aggregate = "order"
    number: str
    lines: tuple[LineUnits, ...]


@dataclass(frozen=True, kw_only=True)
class PlacedUnits:
    """Units of a SKU at a location (where rerouted units went)."""

    sku: str
    location: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class UnitsShipped(Event):
    """Units of an order left a location."""

    type = "orders.units_shipped.v1"
    aggregate = "order"
    number: str
    location: str
    lines: tuple[LineUnits, ...]
    reference: str
    """The shipment (or transfer) that took them, as fulfilment names it."""


@dataclass(frozen=True, kw_only=True)
class UnitsDelivered(Event):
    """Units of an order reached the customer; `all_delivered` once nothing is left on the way."""

    type = "orders.units_delivered.v1"
    aggregate = "order"
    number: str
    how: str
    """``delivered`` (by a carrier) or ``picked_up`` (handed over in a store)."""
    lines: tuple[LineUnits, ...]
    all_delivered: bool
    """Every billed unit of the order has now arrived."""


@dataclass(frozen=True, kw_only=True)
class OrderRerouted(Event):
    """An order's open units were sourced again (a location rejected them or staff rerouted)."""

    type = "orders.order_rerouted.v1"
    aggregate = "order"
    number: str
    reason: str
    away_from: tuple[str, ...]
    released: tuple[PlacedUnits, ...]
    """Units taken away from the locations they were allocated at."""
    allocated: tuple[PlacedUnits, ...]
    """Where they were allocated again."""
    backordered: tuple[LineUnits, ...]
    """What no other location had: waiting for stock."""


@dataclass(frozen=True, kw_only=True)
class OrderCompleted(Event):
    """Every unit of an order was delivered, picked up, returned or cancelled: the order is
    complete."""

    type = "orders.order_completed.v1"
    aggregate = "order"
    number: str


@dataclass(frozen=True, kw_only=True)
class ReturnRequested(Event):
    """Delivered units were asked back (a return request opened, or grew)."""

    type = "orders.return_requested.v1"
    aggregate = "order"
    number: str
    rma: str | None
    """The return's RMA when it has one already (requests get theirs at approval)."""
    lines: tuple[LineUnits, ...]
    return_status: str


@dataclass(frozen=True, kw_only=True)
class ReturnWithdrawn(Event):
    """Units asked back are not coming (the request was declined or cancelled)."""

    type = "orders.return_withdrawn.v1"
    aggregate = "order"
    number: str
    lines: tuple[LineUnits, ...]
    return_status: str


@dataclass(frozen=True, kw_only=True)
class UnitsReturned(Event):
    """Units asked back arrived at the receiving location."""

    type = "orders.units_returned.v1"
    aggregate = "order"
    number: str
    lines: tuple[LineUnits, ...]
    return_status: str


@dataclass(frozen=True, kw_only=True)
class LinkedOrderPlaced(Event):
    """An exchange or reship order was placed for this order (the event is the parent's; the
    new order announces itself with ``OrderPlaced``)."""

    type = "orders.linked_order_placed.v1"
    aggregate = "order"
    number: str
    linked_order_id: UUID
    linked_number: str
    kind: str
    return_id: UUID
    total: Money
