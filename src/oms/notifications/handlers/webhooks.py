"""Outbox consumers of notifications: webhooks."""

from __future__ import annotations

from collections.abc import Sequence

from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

SUBSCRIPTIONS: tuple[Subscription, ...] = ()


def webhook_subscription(events: Sequence[type[Event]]) -> tuple[Subscription, ...]:
    """The webhook fan-out as a subscriber of every event type."""
    del events
    return ()
