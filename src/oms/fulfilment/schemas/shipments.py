"""API schemas of shipments, tracking events and pick lists."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, Field

from oms.fulfilment.domain.documents import PickList
from oms.fulfilment.domain.shipments import (
    Package,
    Shipment,
    ShipmentKind,
    TrackingEvent,
    TrackingStatus,
)
from oms.platform.schemas import Input, Output
from oms.shared.errors import Invalid


class PackedLineIn(Input):
    line_id: UUID = Field(description="The order line (as on the fulfilment order).")
    quantity: int = Field(ge=1, le=100_000)


class PackageIn(Input):
    weight_grams: int = Field(gt=0, le=1_000_000, description="Packed weight in grams.")
    length_mm: int | None = Field(default=None, gt=0, le=10_000)
    width_mm: int | None = Field(default=None, gt=0, le=10_000)
    height_mm: int | None = Field(default=None, gt=0, le=10_000)
    tracking_number: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="Given when the label was made elsewhere: no label is bought for it.",
    )
    lines: list[PackedLineIn] = Field(min_length=1, max_length=500)

    def package(self, index: int) -> Package:
        units: dict[UUID, int] = {}
        for at, line in enumerate(self.lines):
            if line.line_id in units:
                raise Invalid(
                    "a line appears twice in the package",
                    field=f"packages.{index}.lines.{at}.line_id",
                )
            units[line.line_id] = line.quantity
        return Package(
            weight_grams=self.weight_grams,
            length_mm=self.length_mm,
            width_mm=self.width_mm,
            height_mm=self.height_mm,
            lines=units,
        )


class ShipmentIn(Input):
    packages: list[PackageIn] = Field(
        min_length=1, max_length=50, description="One shipment (label, tracking number) each."
    )
    carrier: str | None = Field(
        default=None,
        max_length=40,
        description="A karrio carrier name; default: the location's carrier (`generic`).",
    )
    service: str | None = Field(default=None, max_length=60)
    tracking_number: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="For a single package whose label was made elsewhere (or per package: "
        "`packages[].tracking_number`). Checked against the carrier's formats when known.",
    )

    def tracking_numbers(self) -> tuple[str | None, ...]:
        if self.tracking_number is not None:
            if len(self.packages) != 1:
                raise Invalid(
                    "with several packages, give each its own packages[].tracking_number",
                    field="tracking_number",
                )
            return (self.tracking_number,)
        return tuple(p.tracking_number for p in self.packages)


class ShipmentLineOut(Output):
    line_id: UUID
    sku: str
    name: str
    quantity: int


class ShipmentOut(Output):
    id: UUID
    number: str
    fulfilment_order_id: UUID
    order_id: UUID
    location: str
    kind: ShipmentKind
    carrier: str
    service: str
    tracking_number: str | None
    tracking_url: str | None
    status: TrackingStatus
    weight_grams: int
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    has_label: bool = Field(description="`GET /v1/shipments/{id}/label` returns it (PDF).")
    created_at: datetime
    shipped_at: datetime
    delivered_at: datetime | None
    last_event_at: datetime | None
    lines: list[ShipmentLineOut]

    @classmethod
    def of(cls, s: Shipment) -> ShipmentOut:
        return cls(
            id=s.id,
            number=s.number,
            fulfilment_order_id=s.fulfilment_order_id,
            order_id=s.order_id,
            location=s.location_code,
            kind=s.kind,
            carrier=s.carrier,
            service=s.service,
            tracking_number=s.tracking_number,
            tracking_url=s.tracking_url,
            status=s.status,
            weight_grams=s.weight_grams,
            length_mm=s.length_mm,
            width_mm=s.width_mm,
            height_mm=s.height_mm,
            has_label=s.label_format is not None,
            created_at=s.created_at,
            shipped_at=s.shipped_at,
            delivered_at=s.delivered_at,
            last_event_at=s.last_event_at,
            lines=[ShipmentLineOut.model_validate(line) for line in s.lines],
        )


class ShipmentsOut(Output):
    fulfilment_order_id: UUID
    shipments: list[ShipmentOut]


class TrackingEventIn(Input):
    status: TrackingStatus
    occurred_at: AwareDatetime = Field(description="ISO 8601 with its UTC offset.")
    location: str | None = Field(default=None, max_length=200)
    description: str = Field(default="", max_length=500)


class TrackingEventOut(Output):
    id: UUID
    status: TrackingStatus
    occurred_at: datetime
    location: str | None
    description: str
    source: str
    received_at: datetime

    @classmethod
    def of(cls, e: TrackingEvent) -> TrackingEventOut:
        return cls(
            id=e.id,
            status=e.status,
            occurred_at=e.occurred_at,
            location=e.location,
            description=e.description,
            source=e.source.value,
            received_at=e.received_at,
        )


class TrackingEventRecorded(Output):
    recorded: bool = Field(description="False: the same event was reported before (no change).")
    event: TrackingEventOut
    shipment: ShipmentOut


class PickLineOut(Output):
    line_id: UUID
    sku: str
    name: str
    quantity: int
    bin: str | None


class PickListOut(Output):
    fulfilment_order_id: UUID
    number: str
    order_number: str
    location: str
    delivery: str
    status: str
    ship_by: datetime
    by_bin: bool
    gift_message: str | None
    lines: list[PickLineOut]

    @classmethod
    def of(cls, p: PickList) -> PickListOut:
        return cls(
            fulfilment_order_id=p.fulfilment_order_id,
            number=p.number,
            order_number=p.order_number,
            location=p.location,
            delivery=p.delivery,
            status=p.status,
            ship_by=p.ship_by,
            by_bin=p.by_bin,
            gift_message=p.gift_message,
            lines=[PickLineOut.model_validate(line) for line in p.lines],
        )
