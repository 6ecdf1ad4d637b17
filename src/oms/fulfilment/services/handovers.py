"""When each line of an order reached the customer: for returns, whose window opens then.

A line's units may travel in several parcels; what counts is the last of them (the window of a
line opens when the whole of it arrived). A parcel counts from its delivery scan when the
carrier sent one, else from when it left; units picked up in store were delivered and handed
over at once, when they were picked up. Transfers to a pickup store are not deliveries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.fulfilment.domain.lifecycle import Delivery
from oms.fulfilment.domain.shipments import ShipmentKind
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.repository.shipments import SHIPMENTS
from oms.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class LineHandover:
    """The last time units of a line left for the customer, and the last delivery, if any."""

    shipped_at: datetime
    delivered_at: datetime | None = None

    def merged(self, shipped_at: datetime, delivered_at: datetime | None) -> LineHandover:
        delivered = [at for at in (self.delivered_at, delivered_at) if at is not None]
        return LineHandover(
            shipped_at=max(self.shipped_at, shipped_at),
            delivered_at=max(delivered) if delivered else None,
        )


def delivery_times(order_id: UUID, *, uow: UnitOfWork) -> dict[UUID, LineHandover]:
    """Per order line (id): when its units last left for the customer and were last delivered
    (lines that never shipped are left out). Joins the caller's transaction if one is open."""
    found: dict[UUID, LineHandover] = {}

    def note(line_id: UUID, shipped_at: datetime, delivered_at: datetime | None) -> None:
        seen = found.get(line_id)
        found[line_id] = (
            seen.merged(shipped_at, delivered_at)
            if seen
            else LineHandover(shipped_at=shipped_at, delivered_at=delivered_at)
        )

    with uow.read() as tx:
        for shipment in tx.repo(SHIPMENTS).for_order(order_id):
            if shipment.kind is ShipmentKind.PARCEL:
                for line in shipment.lines:
                    note(line.line_id, shipment.shipped_at, shipment.delivered_at)
        for fo in tx.repo(FULFILMENT_ORDERS).for_order(order_id):
            if fo.delivery is Delivery.PICKUP and fo.picked_up_at is not None:
                for line_id in fo.shipped_units:
                    note(line_id, fo.picked_up_at, fo.picked_up_at)
    return found
