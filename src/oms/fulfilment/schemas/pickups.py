"""API schemas of pickup in store: the code shown once, the handover, uncollected pickups."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from oms.fulfilment.repository.pickups import ReadyPickup
from oms.fulfilment.schemas.fulfilment_orders import FulfilmentOrderOut
from oms.fulfilment.services.pickup import IssuedCode
from oms.platform.schemas import Input, Output


class PickupCodeOut(Output):
    fulfilment_order: FulfilmentOrderOut
    pickup_code: str = Field(
        pattern=r"^[0-9]{6}$",
        examples=["042917"],
        description="Shown this once (and mailed to the customer); only its hash is kept.",
    )
    expires_on: date = Field(description="The last day the units are held at the store.")

    @classmethod
    def of(cls, issued: IssuedCode, now: datetime) -> PickupCodeOut:
        fo = issued.fulfilment_order
        assert fo.pickup_expires_on is not None, "a ready pickup has an expiry"
        return cls(
            fulfilment_order=FulfilmentOrderOut.of(fo, now),
            pickup_code=issued.code,
            expires_on=fo.pickup_expires_on,
        )


class HandoverIn(Input):
    code: str = Field(
        pattern=r"^[0-9]{6}$", examples=["042917"], description="The customer's pickup code."
    )


class CancelPickupIn(Input):
    reason: str = Field(min_length=1, max_length=200, examples=["not collected within 7 days"])


class UncollectedPickupOut(Output):
    fulfilment_order_id: UUID
    number: str = Field(examples=["SO-10001-F1"])
    order_id: UUID
    order_number: str
    location: str = Field(description="Where the units were sourced.")
    pickup_location: str = Field(description="The store where they wait.")
    ready_at: datetime
    expires_on: date = Field(description="The last day they were held; it has passed.")
    units: int

    @classmethod
    def of(cls, found: ReadyPickup) -> UncollectedPickupOut:
        return cls(
            fulfilment_order_id=found.fulfilment_order_id,
            number=found.number,
            order_id=found.order_id,
            order_number=found.order_number,
            location=found.location,
            pickup_location=found.pickup_location,
            ready_at=found.ready_at,
            expires_on=found.expires_on,
            units=found.units,
        )
