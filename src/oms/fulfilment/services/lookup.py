"""The customer's order lookup: the order, its fulfilment orders and its parcels with their
tracking, by order number and the buyer's email.

The order is found exactly as ``oms.orders.lookup_order`` finds it (a wrong number and a wrong
email cost the same single query and answer alike); only a found order reads its fulfilment
orders and shipments, so the extra work tells a guesser nothing it did not know.
"""

from __future__ import annotations

from dataclasses import dataclass

from oms import orders
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder
from oms.fulfilment.domain.shipments import Shipment, TrackingEvent
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.repository.shipments import SHIPMENTS
from oms.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class TrackedShipment:
    shipment: Shipment
    events: tuple[TrackingEvent, ...]


@dataclass(frozen=True, slots=True)
class TrackedOrder:
    """What the customer's tracking page shows, before it is cut down to what they may see."""

    order: orders.Order
    fulfilment_orders: tuple[FulfilmentOrder, ...]
    shipments: tuple[TrackedShipment, ...]


def track_order(number: str, email: str, *, uow: UnitOfWork) -> TrackedOrder:
    """The order with this number if ``email`` is the buyer's, with its fulfilment and
    tracking; ``OrderNotFound`` alike for a wrong number and a wrong email."""
    with uow.read() as tx:
        order = orders.lookup_order(number, email, uow=uow)
        fulfilment = tx.repo(FULFILMENT_ORDERS).for_order(order.id)
        shipments = tx.repo(SHIPMENTS)
        parcels = sorted(shipments.for_order(order.id), key=lambda s: (s.created_at, s.number))
        tracked = tuple(TrackedShipment(s, tuple(shipments.events(s.id))) for s in parcels)
    return TrackedOrder(order, tuple(sorted(fulfilment, key=lambda fo: fo.number)), tracked)
