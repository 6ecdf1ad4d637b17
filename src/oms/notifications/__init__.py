"""Notifications: everything that leaves oms for the outside world, from the outbox, at least once
and recorded: customer emails in their language, signed webhooks with retries, and every event
to a message broker (NATS JetStream or RabbitMQ) when one is configured.

Public interface for other contexts and the composition root; everything else in this package is
private. Notifications sits on top of every context: it reads orders, customers, shipments,
returns and credit notes to write its mails, and changes nothing of theirs except the order
timeline (through ``oms.orders``).
"""

from oms.notifications.domain.events import EVENTS as _EVENTS
from oms.notifications.handlers import SUBSCRIPTIONS as _HANDLED
from oms.notifications.handlers import outbound_subscriptions
from oms.notifications.services.background import background_work
from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

__all__ = ["EVENTS", "SUBSCRIPTIONS", "background_work", "outbound_subscriptions"]

EVENTS: tuple[type[Event], ...] = _EVENTS
SUBSCRIPTIONS: tuple[Subscription, ...] = _HANDLED
