"""Events of the stock ledger, one type per movement kind.

Their aggregate is the inventory item (one per variant), so a consumer receives each SKU's
movements in the order they happened. Each carries the movement's deltas and the level it left,
so a consumer can keep its own copy of availability without reading ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from oms.inventory.domain import Movement, MovementKind, StockLevel
from oms.shared.events import Event


@dataclass(frozen=True, kw_only=True)
class StockMoved(Event):
    """Base of the per-kind events: one movement at one location and the level it left there."""

    aggregate = "inventory_item"
    movement_id: UUID
    location_id: UUID
    on_hand_delta: int
    allocated_delta: int
    unavailable_delta: int
    on_hand: int
    allocated: int
    unavailable: int
    reason: str
    reference: str


@dataclass(frozen=True, kw_only=True)
class StockReceived(StockMoved):
    """Units were received into a location (goods in); the levels it left there."""

    type = "inventory.stock_received.v1"


@dataclass(frozen=True, kw_only=True)
class StockAdjusted(StockMoved):
    """Stock at a location was corrected by hand; the levels it left there."""

    type = "inventory.stock_adjusted.v1"


@dataclass(frozen=True, kw_only=True)
class StockWrittenOff(StockMoved):
    """Damaged stock left the books (an adjustment with reason ``damage``)."""

    type = "inventory.stock_written_off.v1"


@dataclass(frozen=True, kw_only=True)
class StockCounted(StockMoved):
    """A stock count set a location's on-hand; the levels it left there."""

    type = "inventory.stock_counted.v1"


@dataclass(frozen=True, kw_only=True)
class StockAllocated(StockMoved):
    """Units at a location were allocated to an order; the levels it left there."""

    type = "inventory.stock_allocated.v1"


@dataclass(frozen=True, kw_only=True)
class StockReleased(StockMoved):
    """Allocated units went back to available (an order cancelled, edited or rerouted)."""

    type = "inventory.stock_released.v1"


@dataclass(frozen=True, kw_only=True)
class StockFulfilled(StockMoved):
    """Allocated units left a location in a shipment; the levels it left there."""

    type = "inventory.stock_fulfilled.v1"


@dataclass(frozen=True, kw_only=True)
class StockRestocked(StockMoved):
    """Returned goods went back on the shelf."""

    type = "inventory.stock_restocked.v1"


@dataclass(frozen=True, kw_only=True)
class StockAvailabilityChanged(StockMoved):
    """Stock was marked unavailable (damaged, quality control, safety stock) or released again."""

    type = "inventory.stock_availability_changed.v1"


@dataclass(frozen=True, kw_only=True)
class StockTransferred(Event):
    """Stock moved between two locations; both ledger entries share ``transfer_id``."""

    type = "inventory.stock_transferred.v1"
    aggregate = "inventory_item"
    transfer_id: UUID
    from_location_id: UUID
    to_location_id: UUID
    quantity: int
    from_on_hand: int
    to_on_hand: int
    reason: str
    reference: str


_EVENT_BY_KIND: Mapping[MovementKind, type[StockMoved]] = {
    MovementKind.RECEIPT: StockReceived,
    MovementKind.ADJUSTMENT: StockAdjusted,
    MovementKind.DAMAGE: StockWrittenOff,
    MovementKind.CYCLE_COUNT: StockCounted,
    MovementKind.ALLOCATION: StockAllocated,
    MovementKind.RELEASE: StockReleased,
    MovementKind.FULFILMENT: StockFulfilled,
    MovementKind.RETURN_RESTOCK: StockRestocked,
    MovementKind.STATUS_CHANGE: StockAvailabilityChanged,
}


def stock_moved(movement: Movement, level: StockLevel) -> StockMoved:
    """The event telling others about ``movement`` and the ``level`` it left (not transfers)."""
    return _EVENT_BY_KIND[movement.kind](
        aggregate_id=movement.variant_id,
        movement_id=movement.id,
        location_id=movement.location_id,
        on_hand_delta=movement.delta.on_hand,
        allocated_delta=movement.delta.allocated,
        unavailable_delta=movement.delta.unavailable,
        on_hand=level.on_hand,
        allocated=level.allocated,
        unavailable=level.unavailable,
        reason=movement.reason,
        reference=movement.reference,
    )


@dataclass(frozen=True, kw_only=True)
class InventoryItemChanged(Event):
    """A SKU's stock settings (low-stock threshold, whether it may be backordered) changed.

    Carries every setting as it now is, not just the changed ones, so a consumer needs no other.
    """

    type = "inventory.item_changed.v1"
    aggregate = "inventory_item"
    sku: str
    low_stock_threshold: int
    allows_backorders: bool
    preorder_release_on: str | None = None
    """ISO date until which orders of the SKU are pre-orders (None: not a pre-order SKU)."""
    preorder_cap: int | None = None
    unit_cost_minor: int | None = None
    """What one unit cost the merchant, in minor units of ``cost_currency`` (None: unknown)."""
    cost_currency: str | None = None
