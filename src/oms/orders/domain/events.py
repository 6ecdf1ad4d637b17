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
    type = "orders.order_confirmed.v1"
    aggregate = "order"
    number: str


@dataclass(frozen=True, kw_only=True)
class OrderHeld(Event):
    type = "orders.order_held.v1"
    aggregate = "order"
    number: str
    hold_id: UUID
    reason: str
    rule: str | None


@dataclass(frozen=True, kw_only=True)
class HoldReleased(Event):
    type = "orders.hold_released.v1"
    aggregate = "order"
    number: str
    hold_id: UUID
    reason: str
    still_on_hold: bool


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(Event):
    type = "orders.order_cancelled.v1"
    aggregate = "order"
    number: str
    reason: str
    lines: tuple[LineUnits, ...]


@dataclass(frozen=True, kw_only=True)
class LinesCancelled(Event):
    type = "orders.lines_cancelled.v1"
    aggregate = "order"
    number: str
    reason: str
    lines: tuple[LineUnits, ...]


@dataclass(frozen=True, kw_only=True)
class OrderChanged(Event):
    type = "orders.order_changed.v1"
    aggregate = "order"
    number: str
    version: int
    changes: tuple[str, ...]
    difference: Money


@dataclass(frozen=True, kw_only=True)
class BackorderAllocated(Event):
    type = "orders.backorder_allocated.v1"
    aggregate = "order"
    number: str
    lines: tuple[LineUnits, ...]
