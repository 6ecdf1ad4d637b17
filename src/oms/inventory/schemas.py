"""API schemas of the inventory context."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import ConfigDict, Field

from oms.inventory.domain import (
    MAX_QUANTITY,
    MAX_TEXT,
    InventoryItem,
    Movement,
    MovementKind,
    StockLevel,
    UnavailableReason,
)
from oms.inventory.views import (
    ChannelAvailability,
    Labels,
    LocationStock,
    MovementHistory,
    SkuStock,
    StockChange,
)
from oms.platform.inputs import exact_money
from oms.platform.schemas import Input, MoneyIn, MoneyOut, Output
from oms.shared.money import Money

SKU = Field(min_length=1, max_length=64, examples=["TS-1"])
LOCATION = Field(min_length=1, max_length=40, examples=["wh-de"], description="A location code.")
QUANTITY = Field(strict=True, ge=1, le=MAX_QUANTITY, description="Whole units, at least one.")
DELTA = Field(
    strict=True,
    ge=-MAX_QUANTITY,
    le=MAX_QUANTITY,
    description="Signed whole units; zero is refused.",
)
REFERENCE = Field(
    default="", max_length=MAX_TEXT, description="The document behind it (PO, ticket, count)."
)


class StockReceiptIn(Input):
    sku: str = SKU
    location: str = LOCATION
    quantity: int = QUANTITY
    reference: str = REFERENCE


class StockAdjustmentIn(Input):
    sku: str = SKU
    location: str = LOCATION
    delta: int = DELTA
    reason: str = Field(
        min_length=1,
        max_length=MAX_TEXT,
        examples=["found in returns cage"],
        description="Why; `damage` writes damaged stock off (the delta must then be negative).",
    )
    reference: str = REFERENCE


class StockCountIn(Input):
    sku: str = SKU
    location: str = LOCATION
    counted: int = Field(
        strict=True, ge=0, le=MAX_QUANTITY, description="Units found on the shelf."
    )
    expected_on_hand: int = Field(
        strict=True,
        ge=0,
        le=MAX_QUANTITY,
        description="The on-hand the count started from; if it has changed since, 409.",
    )
    reference: str = REFERENCE


class StockTransferIn(Input):
    sku: str = SKU
    from_location: str = LOCATION
    to_location: str = LOCATION
    quantity: int = QUANTITY
    reason: str = Field(default="", max_length=MAX_TEXT)
    reference: str = REFERENCE


class UnavailableStockIn(Input):
    sku: str = SKU
    location: str = LOCATION
    delta: int = Field(
        strict=True,
        ge=-MAX_QUANTITY,
        le=MAX_QUANTITY,
        description="Positive sets stock aside as unavailable; negative makes it available again.",
    )
    reason: UnavailableReason
    reference: str = REFERENCE


class StockSettingsIn(Input):
    """The settings to change; those left out stay as they are, and so do the first two when
    null (an explicit null ends a pre-order setting). Give at least one."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    low_stock_threshold: int | None = Field(
        default=None,
        strict=True,
        ge=0,
        le=MAX_QUANTITY,
        description="Available stock at or below this, at any one location, counts as low.",
    )
    allows_backorders: bool | None = Field(
        default=None,
        description="Orders may take more than is available; the rest is recorded as backordered.",
    )
    preorder_release_on: date | None = Field(
        default=None,
        description="Sell the SKU as a pre-order until this day: order lines are backordered "
        "whole and allocated on release, oldest order first. An explicit null ends it.",
    )
    preorder_cap: int | None = Field(
        default=None,
        strict=True,
        ge=0,
        le=MAX_QUANTITY,
        description="At most this many units may wait at once (null: no cap; an explicit null "
        "removes it). An order that would pass it is refused with 409 `preorder-cap-reached`.",
    )
    unit_cost: MoneyIn | None = Field(
        default=None,
        description="What one unit cost the merchant; the inventory report values stock at it "
        "(`value_at_cost_minor`). An explicit null forgets it.",
    )

    def cleared(self) -> frozenset[str]:
        """The settings the body sets to null explicitly (to end or forget them)."""
        return frozenset(
            name
            for name in ("preorder_release_on", "preorder_cap", "unit_cost")
            if name in self.model_fields_set and getattr(self, name) is None
        )

    def cost(self) -> Money | None:
        """The unit cost given, exact to the currency's minor unit (422 for more places)."""
        if self.unit_cost is None:
            return None
        return exact_money(self.unit_cost.amount, self.unit_cost.currency, field="unit_cost")


class LevelSettingsIn(Input):
    """A SKU's settings at one location (the whole of them: what is left out is reset)."""

    safety_stock: int = Field(
        default=0,
        strict=True,
        ge=0,
        le=MAX_QUANTITY,
        description="Units sourcing leaves at this location (for walk-in customers, miscounts).",
    )
    bin: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="Where the SKU is shelved here; pick lists sort by it.",
    )


class LevelSettingsOut(Output):
    sku: str
    location: str
    safety_stock: int
    bin: str | None


class LocationLevelOut(Output):
    location: str
    on_hand: int
    allocated: int
    unavailable: int
    available: int = Field(description="on_hand - allocated - unavailable")

    @classmethod
    def of(cls, stock: LocationStock) -> LocationLevelOut:
        return cls(
            location=stock.location,
            on_hand=stock.on_hand,
            allocated=stock.allocated,
            unavailable=stock.unavailable,
            available=stock.available,
        )


class StockLevelOut(LocationLevelOut):
    sku: str

    @classmethod
    def of_level(cls, level: StockLevel, labels: Labels) -> StockLevelOut:
        return cls(
            sku=labels.sku(level.variant_id),
            location=labels.location(level.location_id),
            on_hand=level.on_hand,
            allocated=level.allocated,
            unavailable=level.unavailable,
            available=level.available,
        )


class WatchedLevelOut(StockLevelOut):
    """A level with the SKU's low-stock threshold and whether it is at or below it."""

    low_stock_threshold: int
    low: bool

    @classmethod
    def of_stock(cls, stock: LocationStock) -> WatchedLevelOut:
        return cls(
            sku=stock.sku,
            location=stock.location,
            on_hand=stock.on_hand,
            allocated=stock.allocated,
            unavailable=stock.unavailable,
            available=stock.available,
            low_stock_threshold=stock.low_stock_threshold,
            low=stock.is_low,
        )


class ChannelAvailabilityOut(Output):
    channel: str
    available_to_promise: int = Field(description="The sum of `available` over `breakdown`.")
    breakdown: list[LocationLevelOut] = Field(
        description="The channel's serving locations, most preferred first."
    )

    @classmethod
    def of(cls, availability: ChannelAvailability) -> ChannelAvailabilityOut:
        return cls(
            channel=availability.channel,
            available_to_promise=availability.available_to_promise,
            breakdown=[LocationLevelOut.of(s) for s in availability.breakdown],
        )


class SkuStockOut(Output):
    sku: str
    low_stock_threshold: int
    allows_backorders: bool
    locations: list[LocationLevelOut] = Field(description="Every location holding a level.")
    channels: list[ChannelAvailabilityOut]
    unit_cost: MoneyOut | None = Field(
        default=None, description="What one unit cost the merchant (not shown to channel keys)."
    )

    @classmethod
    def of(cls, stock: SkuStock) -> SkuStockOut:
        return cls(
            sku=stock.sku,
            low_stock_threshold=stock.low_stock_threshold,
            allows_backorders=stock.allows_backorders,
            locations=[LocationLevelOut.of(s) for s in stock.locations],
            channels=[ChannelAvailabilityOut.of(c) for c in stock.channels],
            unit_cost=None if stock.unit_cost is None else MoneyOut.of(stock.unit_cost),
        )


class MovementOut(Output):
    id: UUID
    kind: MovementKind
    sku: str
    location: str
    on_hand_delta: int
    allocated_delta: int
    unavailable_delta: int
    reason: str
    actor: str
    reference: str
    correlation_id: UUID | None = Field(description="Shared by both sides of a transfer.")
    occurred_at: datetime

    @classmethod
    def of(cls, movement: Movement, labels: Labels) -> MovementOut:
        return cls(
            id=str(movement.id),
            kind=movement.kind,
            sku=labels.sku(movement.variant_id),
            location=labels.location(movement.location_id),
            on_hand_delta=movement.delta.on_hand,
            allocated_delta=movement.delta.allocated,
            unavailable_delta=movement.delta.unavailable,
            reason=movement.reason,
            actor=movement.actor,
            reference=movement.reference,
            correlation_id=str(movement.correlation_id) if movement.correlation_id else None,
            occurred_at=movement.occurred_at,
        )

    @classmethod
    def page(cls, history: MovementHistory) -> list[MovementOut]:
        return [cls.of(m, history.labels) for m in history.movements]


class StockChangeOut(Output):
    """The movements a request appended and the levels they left."""

    movements: list[MovementOut]
    levels: list[StockLevelOut]

    @classmethod
    def of(cls, change: StockChange) -> StockChangeOut:
        return cls(
            movements=[MovementOut.of(m, change.labels) for m in change.posting.movements],
            levels=[StockLevelOut.of_level(lv, change.labels) for lv in change.posting.levels],
        )


class InventoryItemOut(Output):
    sku: str
    low_stock_threshold: int
    allows_backorders: bool
    preorder_release_on: date | None = None
    preorder_cap: int | None = None
    unit_cost: MoneyOut | None = None

    @classmethod
    def of(cls, item: InventoryItem) -> InventoryItemOut:
        return cls(
            sku=item.sku,
            low_stock_threshold=item.low_stock_threshold,
            allows_backorders=item.allows_backorders,
            preorder_release_on=item.preorder_release_on,
            preorder_cap=item.preorder_cap,
            unit_cost=None if item.unit_cost is None else MoneyOut.of(item.unit_cost),
        )
