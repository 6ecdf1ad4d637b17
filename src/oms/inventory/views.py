"""Read models of the stock ledger, labelled with SKUs and location codes for people.

``SkuStock`` is what ``GET /v1/inventory/{sku}`` shows: the SKU's level at each location and, per
channel, the available-to-promise figure with the per-location breakdown that explains it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from oms.inventory.domain import Movement, Posting
from oms.shared.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class Labels:
    """Human names for ids in a result: SKUs by variant id, location codes by location id."""

    skus: Mapping[UUID, str]
    locations: Mapping[UUID, str]

    def sku(self, variant_id: UUID) -> str:
        """The SKU of ``variant_id``, or the id itself when it has none."""
        return self.skus.get(variant_id, str(variant_id))

    def location(self, location_id: UUID) -> str:
        """The code of ``location_id``, or the id itself when it has none."""
        return self.locations.get(location_id, str(location_id))


@dataclass(frozen=True, slots=True, kw_only=True)
class StockChange:
    """A posting with the names its ids go by, as the HTTP use cases return it."""

    posting: Posting
    labels: Labels


@dataclass(frozen=True, slots=True, kw_only=True)
class LocationStock:
    """One SKU's level at one location, by their names, with the SKU's low-stock threshold."""

    sku: str
    location: str
    location_id: UUID
    on_hand: int = 0
    allocated: int = 0
    unavailable: int = 0
    low_stock_threshold: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated - self.unavailable

    @property
    def is_low(self) -> bool:
        return self.available <= self.low_stock_threshold


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelAvailability:
    """What a channel may promise: the available stock of its serving locations, in its order."""

    channel: str
    breakdown: tuple[LocationStock, ...]

    @property
    def available_to_promise(self) -> int:
        return sum(stock.available for stock in self.breakdown)


@dataclass(frozen=True, slots=True, kw_only=True)
class SkuStock:
    sku: str
    variant_id: UUID
    low_stock_threshold: int
    allows_backorders: bool
    locations: tuple[LocationStock, ...]
    channels: tuple[ChannelAvailability, ...]
    unit_cost: Money | None = None
    """What one unit cost the merchant (never shown to a channel)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MovementHistory:
    movements: tuple[Movement, ...]
    labels: Labels


def channel_availability(
    channel: str, serving: Sequence[UUID], stock: Mapping[UUID, LocationStock]
) -> ChannelAvailability:
    """ATP of one channel: the stock of each serving location, in the channel's preference order.

    ``stock`` must hold every serving location, with zeros where the SKU was never stocked, so
    the breakdown explains the total location by location.
    """
    return ChannelAvailability(channel=channel, breakdown=tuple(stock[lid] for lid in serving))
