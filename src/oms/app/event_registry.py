"""Every context's events and consumers, gathered in one place: the event registry.

Each context exports its event classes (``EVENTS``) and its consumers (``SUBSCRIPTIONS``); this
module is the only one that sees them all. The relay decodes stored payloads with ``registry()``
and delivers to ``subscriptions()``. A context that publishes or consumes events is listed here,
or its events are reported as unknown and its consumers never run.
"""

from __future__ import annotations

from functools import cache

from oms import (
    auth,
    catalog,
    channels,
    customers,
    fulfilment,
    inventory,
    invoicing,
    notifications,
    orders,
    payments,
    returns,
    sourcing,
)
from oms.platform.settings import Settings
from oms.platform.subscriptions import Subscription
from oms.shared.events import Event, EventRegistry

CONTEXTS_EVENTS: tuple[tuple[type[Event], ...], ...] = (
    auth.EVENTS,
    catalog.EVENTS,
    channels.EVENTS,
    customers.EVENTS,
    inventory.EVENTS,
    orders.EVENTS,
    payments.EVENTS,
    invoicing.EVENTS,
    sourcing.EVENTS,
    fulfilment.EVENTS,
    returns.EVENTS,
    notifications.EVENTS,
)


@cache
def registry() -> EventRegistry:
    """Every event type of the deployment by its type string (checked when first built)."""
    return EventRegistry(e for events in CONTEXTS_EVENTS for e in events)


def subscriptions(settings: Settings | None = None) -> tuple[Subscription, ...]:
    """Every consumer of the deployment: the contexts' own, then the outbound ones that take
    every event type (webhooks; the broker when ``settings`` name one)."""
    outbound = notifications.outbound_subscriptions(tuple(registry()), settings or Settings())
    return (
        orders.SUBSCRIPTIONS
        + payments.SUBSCRIPTIONS
        + invoicing.SUBSCRIPTIONS
        + fulfilment.SUBSCRIPTIONS
        + returns.SUBSCRIPTIONS
        + notifications.SUBSCRIPTIONS
        + outbound
    )
