"""Events of shipments: created (label and tracking number known), status changed, delivered.

They carry the order's and the fulfilment order's ids so that notifications ("your parcel is on
its way") and the customer's order lookup need not read the shipment back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.shared.events import Event


@dataclass(frozen=True, kw_only=True)
class PackedUnits:
    """Units of an order line in a package."""

    line_id: UUID
    sku: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class ShipmentCreated(Event):
    """A parcel left a location: carrier, service, tracking number and link, the units in it."""

    type = "fulfilment.shipment_created.v1"
    aggregate = "shipment"
    number: str
    order_id: UUID
    fulfilment_order_id: UUID
    location: str
    kind: str
    carrier: str
    service: str
    tracking_number: str | None
    tracking_url: str | None
    lines: tuple[PackedUnits, ...]


@dataclass(frozen=True, kw_only=True)
class ShipmentStatusChanged(Event):
    """A shipment's tracking status changed (in transit, out for delivery, exception...)."""

    type = "fulfilment.shipment_status_changed.v1"
    aggregate = "shipment"
    number: str
    order_id: UUID
    status: str
    previous: str
    occurred_at: datetime
    location: str | None


@dataclass(frozen=True, kw_only=True)
class ShipmentDelivered(Event):
    """A shipment was delivered (by the carrier's tracking or by hand)."""

    type = "fulfilment.shipment_delivered.v1"
    aggregate = "shipment"
    number: str
    order_id: UUID
    fulfilment_order_id: UUID
    delivered_at: datetime
    lines: tuple[PackedUnits, ...]


EVENTS: tuple[type[Event], ...] = (ShipmentCreated, ShipmentStatusChanged, ShipmentDelivered)
