"""Outbox consumer ``notifications.webhooks``: every event of the deployment, fanned out to the
webhook endpoints that want it (``services.webhooks.fan_out``).

It only writes delivery rows; sending is the worker's webhook loop, so a slow endpoint never
holds back the relay. It subscribes to every event type the composition root hands over, and
needs no ``handled_events`` row: the deliveries' unique (endpoint, event) makes it idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence

from oms.notifications.services.webhooks.fan_out import fan_out, wanted_types
from oms.platform.subscriptions import Subscription
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope, Event

CONSUMER = "notifications.webhooks"

SUBSCRIPTIONS: tuple[Subscription, ...] = ()


def handle_event(envelope: Envelope, /, *, uow: UnitOfWork) -> None:
    """Queue the event for each enabled endpoint whose patterns match it."""
    fan_out(envelope, uow=uow)


def webhook_subscription(events: Sequence[type[Event]]) -> tuple[Subscription, ...]:
    """The webhook fan-out as a subscriber of every event type (none when there are none).

    The relay asks it once per fan-out batch which types the enabled endpoints want, and makes
    delivery rows for those only: with no endpoint, webhooks cost the relay nothing per event.
    """
    if not events:
        return ()
    types = tuple(e.type for e in events)

    def wanted(*, uow: UnitOfWork) -> frozenset[str]:
        return wanted_types(types, uow=uow)

    return (
        Subscription(consumer=CONSUMER, events=tuple(events), handler=handle_event, wanted=wanted),
    )
