"""Fulfilment: each order's work per location (fulfilment orders), picking, packing, shipping with
carriers and labels, tracking to the door, pickup in store.

Public interface for other contexts; everything else in this package is private. Fulfilment sits
above orders and payments: it changes an order only through ``oms.orders``' functions, in its own
transaction, and hears of orders' changes through their events.
"""

from oms.fulfilment.domain.events import EVENTS as _ORDER_EVENTS
from oms.fulfilment.domain.pickup_events import EVENTS as _PICKUP_EVENTS
from oms.fulfilment.domain.shipment_events import EVENTS as _SHIPMENT_EVENTS
from oms.fulfilment.handlers import SUBSCRIPTIONS as _HANDLED
from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

__all__ = ["EVENTS", "SUBSCRIPTIONS"]

EVENTS: tuple[type[Event], ...] = _ORDER_EVENTS + _SHIPMENT_EVENTS + _PICKUP_EVENTS
SUBSCRIPTIONS: tuple[Subscription, ...] = _HANDLED
