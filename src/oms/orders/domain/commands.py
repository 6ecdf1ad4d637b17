"""What callers ask the orders context to do: one frozen command per use case.

They carry values only (no I/O, no HTTP); the services in ``oms.orders.services`` carry them
out, and routes, the CLI and other contexts build them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.orders.domain.changes import Operation
from oms.orders.domain.holds import HoldReason, HoldRule
from oms.orders.pricing.domain import ShippingMethod
from oms.shared.address import Address
from oms.shared.geo import GeoPoint
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class NewLine:
    sku: str
    quantity: int
    unit_price: Money | None = None
    """Only marketplaces send their own price; other channels sell at their price list."""
    discount: Money | None = None


@dataclass(frozen=True, kw_only=True)
class CustomerDetails:
    email: str
    name: str
    phone: str | None = None
    locale: str | None = None


@dataclass(frozen=True, kw_only=True)
class PlaceOrder:
    channel: str
    customer: CustomerDetails
    shipping_address: Address
    lines: tuple[NewLine, ...]
    actor: str
    shipping_method: ShippingMethod = ShippingMethod.STANDARD
    billing_address: Address | None = None
    pickup_location: str | None = None
    external_id: str | None = None
    notes: str = ""
    gift_message: str | None = None
    """Printed on the packing slip."""
    destination: GeoPoint | None = None
    """Where the parcel goes, when the channel knows its coordinates: sourcing measures
    distances from it (else from the postal code or country). Not stored on the order."""


@dataclass(frozen=True, kw_only=True)
class PlaceHold:
    order_id: UUID
    reason: HoldReason
    actor: str
    note: str = ""
    auto_release_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ReleaseHold:
    order_id: UUID
    hold_id: UUID
    actor: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class SetHoldRule:
    rule: HoldRule
    enabled: bool
    thresholds: dict[str, Money]


@dataclass(frozen=True, kw_only=True)
class CancelOrder:
    """Cancel the whole order (``lines`` None) or the given units per line id."""

    order_id: UUID
    reason: str
    actor: str
    lines: Mapping[UUID, int] | None = None


@dataclass(frozen=True, kw_only=True)
class PreviewChange:
    order_id: UUID
    operations: tuple[Operation, ...]
    actor: str


@dataclass(frozen=True, kw_only=True)
class ConfirmChange:
    order_id: UUID
    change_id: UUID
    if_match: str | None
    """The order's ETag as the caller saw it; required."""
    actor: str


@dataclass(frozen=True, kw_only=True)
class LinkedLine:
    """A line of an exchange or reship order, at the price the caller settled (the price
    difference of an exchange, zero for a reship): no price list is looked up."""

    sku: str
    quantity: int
    unit_price: Money
