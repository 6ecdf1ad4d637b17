"""The customer's view of an order (``GET /v1/orders/lookup``): status, items, where each part
is fulfilled and its parcels' tracking. No street address, no contact details, nothing of the
warehouse's work (reject reasons, notes, labels, pickup codes)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from oms.fulfilment.domain.lifecycle import Delivery, FulfilmentOrderStatus
from oms.fulfilment.domain.shipments import ShipmentKind, TrackingStatus
from oms.fulfilment.services.lookup import TrackedOrder, TrackedShipment
from oms.orders import FulfilmentStatus, OrderStatus
from oms.platform.schemas import MoneyOut, Output


class TrackedLineOut(Output):
    sku: str
    name: str
    quantity: int
    cancelled_quantity: int
    fulfilled_quantity: int = Field(description="Units shipped (or handed over in a store).")
    delivered_quantity: int = Field(description="Units delivered or picked up.")


class TrackedUnitsOut(Output):
    sku: str
    quantity: int


class TrackedFulfilmentOut(Output):
    """One part of the order, fulfilled from one location."""

    number: str = Field(examples=["SO-10001-F1"])
    status: FulfilmentOrderStatus
    delivery: Delivery
    location: str = Field(description="Where this part is sourced.")
    pickup_location: str | None = Field(description="The store to collect it from (pickups).")
    ship_by: datetime = Field(description="When it should leave the location (the promise).")
    ready_at: datetime | None
    pickup_expires_on: date | None = Field(description="The last day a pickup is held.")
    lines: list[TrackedUnitsOut]


class TrackedEventOut(Output):
    status: TrackingStatus
    occurred_at: datetime
    location: str | None
    description: str


class TrackedShipmentOut(Output):
    number: str
    kind: ShipmentKind = Field(description="`transfer`: on its way to the pickup store.")
    carrier: str
    service: str
    tracking_number: str | None
    tracking_url: str | None
    status: TrackingStatus
    shipped_at: datetime
    delivered_at: datetime | None
    lines: list[TrackedUnitsOut]
    events: list[TrackedEventOut] = Field(description="Oldest first.")

    @classmethod
    def of(cls, tracked: TrackedShipment, skus: dict[UUID, str]) -> TrackedShipmentOut:
        s = tracked.shipment
        return cls(
            number=s.number,
            kind=s.kind,
            carrier=s.carrier,
            service=s.service,
            tracking_number=s.tracking_number,
            tracking_url=s.tracking_url,
            status=s.status,
            shipped_at=s.shipped_at,
            delivered_at=s.delivered_at,
            lines=[
                TrackedUnitsOut(sku=skus.get(line.line_id, ""), quantity=line.quantity)
                for line in s.lines
            ],
            events=[
                TrackedEventOut(
                    status=e.status,
                    occurred_at=e.occurred_at,
                    location=e.location,
                    description=e.description,
                )
                for e in tracked.events
            ],
        )


class TrackedOrderOut(Output):
    """What a customer may see with their order number and email: no street, no contacts."""

    number: str
    status: OrderStatus
    fulfilment_status: FulfilmentStatus
    placed_at: datetime
    shipping_method: str = Field(examples=["standard", "express", "pickup"])
    pickup_location: str | None
    ship_to_city: str
    ship_to_country: str
    lines: list[TrackedLineOut]
    total: MoneyOut
    fulfilment_orders: list[TrackedFulfilmentOut]
    shipments: list[TrackedShipmentOut]

    @classmethod
    def of(cls, tracked: TrackedOrder) -> TrackedOrderOut:
        order = tracked.order
        skus: dict[UUID, str] = {line.id: line.sku for line in order.lines}
        return cls(
            number=order.number,
            status=order.status,
            fulfilment_status=order.fulfilment_status,
            placed_at=order.placed_at,
            shipping_method=str(order.shipping_method),
            pickup_location=order.pickup_location,
            ship_to_city=order.shipping_address.city,
            ship_to_country=order.shipping_address.country,
            lines=[
                TrackedLineOut(
                    sku=line.sku,
                    name=line.name,
                    quantity=line.quantity,
                    cancelled_quantity=line.cancelled_quantity,
                    fulfilled_quantity=line.fulfilled_quantity,
                    delivered_quantity=line.delivered_quantity,
                )
                for line in order.lines
            ],
            total=MoneyOut.of(order.totals.total),
            fulfilment_orders=[
                TrackedFulfilmentOut(
                    number=fo.number,
                    status=fo.status,
                    delivery=fo.delivery,
                    location=fo.location,
                    pickup_location=fo.pickup_location,
                    ship_by=fo.ship_by,
                    ready_at=fo.ready_at,
                    pickup_expires_on=fo.pickup_expires_on,
                    lines=[
                        TrackedUnitsOut(sku=line.sku, quantity=line.quantity - line.cancelled)
                        for line in fo.lines
                        if line.quantity > line.cancelled
                    ],
                )
                for fo in tracked.fulfilment_orders
            ],
            shipments=[TrackedShipmentOut.of(s, skus) for s in tracked.shipments],
        )
