"""Fulfilment: each order's work per location (fulfilment orders), picking, packing, shipping with
carriers and labels, tracking to the door, pickup in store.

Public interface for other contexts; everything else in this package is private. Fulfilment sits
above orders and payments: it changes an order only through ``oms.orders``' functions, in its own
transaction, and hears of orders' changes through their events.
"""

from oms.fulfilment.domain.documents import ReturnSlip, SlipLine
from oms.fulfilment.domain.events import EVENTS as _ORDER_EVENTS
from oms.fulfilment.domain.pickup_events import EVENTS as _PICKUP_EVENTS
from oms.fulfilment.domain.pickup_events import PickupCodeReissued, ReadyForPickup
from oms.fulfilment.domain.shipment_events import EVENTS as _SHIPMENT_EVENTS
from oms.fulfilment.domain.shipment_events import ShipmentCreated, ShipmentDelivered
from oms.fulfilment.domain.shipments import CarrierFailed
from oms.fulfilment.handlers import SUBSCRIPTIONS as _HANDLED
from oms.fulfilment.providers.carriers import CarrierAccount, Label, LabelItem
from oms.fulfilment.services.handovers import LineHandover, delivery_times
from oms.fulfilment.services.return_parcels import (
    ReturnParcel,
    buy_return_label,
    receiving_address,
    render_return_slip,
)
from oms.fulfilment.services.shipping import Carriers, karrio_carriers
from oms.fulfilment.services.tracking import get_shipment
from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

__all__ = [
    "EVENTS",
    "SUBSCRIPTIONS",
    "CarrierAccount",
    "CarrierFailed",
    "Carriers",
    "Label",
    "LabelItem",
    "LineHandover",
    "PickupCodeReissued",
    "ReadyForPickup",
    "ReturnParcel",
    "ReturnSlip",
    "ShipmentCreated",
    "ShipmentDelivered",
    "SlipLine",
    "buy_return_label",
    "delivery_times",
    "get_shipment",
    "karrio_carriers",
    "receiving_address",
    "render_return_slip",
]

EVENTS: tuple[type[Event], ...] = _ORDER_EVENTS + _SHIPMENT_EVENTS + _PICKUP_EVENTS
SUBSCRIPTIONS: tuple[Subscription, ...] = _HANDLED
