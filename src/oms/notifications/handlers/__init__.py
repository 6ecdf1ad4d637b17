"""Outbox consumers of the notifications context (each module declares its own).

``SUBSCRIPTIONS`` handle the events that trigger customer mail and erase a customer's mail;
``outbound_subscriptions`` subscribe to every event type of the deployment (the composition root
hands them over): the webhook fan-out, and the broker publisher when a broker is configured.
"""

from collections.abc import Sequence

from oms.notifications.handlers import mail, webhooks
from oms.notifications.handlers.broker import broker_subscription
from oms.notifications.handlers.webhooks import webhook_subscription
from oms.platform.settings import Settings
from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

SUBSCRIPTIONS: tuple[Subscription, ...] = mail.SUBSCRIPTIONS + webhooks.SUBSCRIPTIONS


def outbound_subscriptions(
    events: Sequence[type[Event]], settings: Settings
) -> tuple[Subscription, ...]:
    """Subscribers of every event type: webhooks always, the broker when one is set."""
    return webhook_subscription(events) + broker_subscription(events, settings)
