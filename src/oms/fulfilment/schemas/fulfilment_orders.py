"""API schemas of fulfilment orders, rerouting, sourcing decisions and location settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder, RejectReason
from oms.fulfilment.domain.lifecycle import Delivery, FulfilmentOrderStatus
from oms.fulfilment.domain.promises import LocationSettings
from oms.platform.schemas import Input, Output, Quantity


class FulfilmentLineOut(Output):
    line_id: UUID
    sku: str
    name: str
    quantity: int = Field(description="Units given to this location.")
    open: int = Field(description="Still to ship (given, not shipped, not taken away).")
    shipped: int
    cancelled: int = Field(
        description="Taken away again: cancelled on the order, re-sourced, or given back by "
        "a rejection."
    )


class FulfilmentOrderOut(Output):
    id: UUID
    number: str = Field(examples=["SO-10001-F1"])
    order_id: UUID
    order_number: str
    channel: str
    location: str
    delivery: Delivery
    pickup_location: str | None
    status: FulfilmentOrderStatus
    held_from: FulfilmentOrderStatus | None
    reject_reason: RejectReason | None
    reject_note: str | None
    ship_by: datetime = Field(
        description="The promise: the location's cut-off on the last of its handling days."
    )
    late: bool = Field(description="Units still wait to leave and `ship_by` has passed.")
    lines: list[FulfilmentLineOut]
    created_at: datetime
    updated_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    ready_at: datetime | None
    picked_up_at: datetime | None
    cancelled_at: datetime | None
    pickup_expires_on: date | None
    version: int

    @classmethod
    def of(cls, fo: FulfilmentOrder, now: datetime) -> FulfilmentOrderOut:
        return cls(
            id=fo.id,
            number=fo.number,
            order_id=fo.order_id,
            order_number=fo.order_number,
            channel=fo.channel,
            location=fo.location,
            delivery=fo.delivery,
            pickup_location=fo.pickup_location,
            status=fo.status,
            held_from=fo.held_from,
            reject_reason=fo.reject_reason,
            reject_note=fo.reject_note,
            ship_by=fo.ship_by,
            late=fo.late(now),
            lines=[
                FulfilmentLineOut(
                    line_id=line.line_id,
                    sku=line.sku,
                    name=line.name,
                    quantity=line.quantity,
                    open=line.open,
                    shipped=line.shipped,
                    cancelled=line.cancelled,
                )
                for line in fo.lines
            ],
            created_at=fo.created_at,
            updated_at=fo.updated_at,
            shipped_at=fo.shipped_at,
            delivered_at=fo.delivered_at,
            ready_at=fo.ready_at,
            picked_up_at=fo.picked_up_at,
            cancelled_at=fo.cancelled_at,
            pickup_expires_on=fo.pickup_expires_on,
            version=fo.version,
        )


class RejectIn(Input):
    reason: RejectReason
    note: str | None = Field(default=None, max_length=500, examples=["shelf B-12 empty"])


class UnitsIn(Input):
    line_id: UUID
    quantity: Quantity


class RerouteIn(Input):
    lines: list[UnitsIn] | None = Field(
        default=None,
        max_length=500,
        description="Units per order line to move; omit to move every open unit there.",
    )
    away_from: list[str] = Field(
        min_length=1, max_length=50, description="Location codes to move the units away from."
    )
    reason: str = Field(min_length=1, max_length=200, examples=["warehouse flooded"])


class SourcingDecisionOut(Output):
    at: datetime
    actor: str
    summary: str
    explanation: dict[str, Any] = Field(
        description="The engine's explanation: rule version, each location considered, why it "
        "was excluded or how it ranked, and what was chosen."
    )


class LocationFulfilmentIn(Input):
    cutoff_time: str = Field(
        default="15:00", max_length=5, description="24-hour HH:MM, local time of the location."
    )
    timezone: str = Field(default="Europe/Berlin", max_length=60, examples=["Europe/Berlin"])
    handling_days: int = Field(default=1, ge=1, le=30, strict=True)
    pickup_hold_days: int = Field(default=7, ge=1, le=90, strict=True)
    carrier: str | None = Field(
        default=None, max_length=40, description="A karrio carrier name, e.g. `generic`."
    )
    carrier_service: str | None = Field(default=None, max_length=60)
    carrier_config: dict[str, Any] = Field(
        default_factory=dict, description="Non-secret carrier settings (secrets: environment)."
    )


class LocationFulfilmentOut(Output):
    location: str
    cutoff_time: str
    timezone: str
    handling_days: int
    pickup_hold_days: int
    carrier: str | None
    carrier_service: str | None
    carrier_config: dict[str, Any]
    version: int = Field(description="0 while the location runs on the defaults.")

    @classmethod
    def of(cls, settings: LocationSettings) -> LocationFulfilmentOut:
        return cls(
            location=settings.location,
            cutoff_time=settings.cutoff_time,
            timezone=settings.timezone,
            handling_days=settings.handling_days,
            pickup_hold_days=settings.pickup_hold_days,
            carrier=settings.carrier,
            carrier_service=settings.carrier_service,
            carrier_config=settings.carrier_config,
            version=settings.version,
        )
