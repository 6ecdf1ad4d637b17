"""Outbox consumer ``notifications.broker``: every event to the configured message broker.

When ``settings.broker`` names NATS or RabbitMQ, one subscriber of every event type publishes each
event, wrapped in the catalogue's envelope (the same JSON as a webhook body), with the event id as
the message id. It is a *dedicated* subscriber: the worker delivers to it in a loop of its own, so
a slow or unreachable broker delays only the events on their way to it; the relay's at-least-once
delivery, order per aggregate and backoff apply as for any subscriber. Nothing is recorded in the
database besides the subscriber's delivery rows: the broker is the record.
"""

from __future__ import annotations

from collections.abc import Sequence

from oms.notifications.domain.webhooks import encode_document
from oms.notifications.providers.brokers import Broker, BrokerMessage, open_broker
from oms.platform.event_catalogue import envelope_body
from oms.platform.settings import Settings
from oms.platform.subscriptions import Subscription
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope, Event

CONSUMER = "notifications.broker"


def broker_subscription(
    events: Sequence[type[Event]], settings: Settings
) -> tuple[Subscription, ...]:
    """The broker publisher as a dedicated subscriber of every event type, when a broker is
    configured (it connects on its first event, not here)."""
    broker = open_broker(settings)
    if broker is None:
        return ()
    return (
        Subscription(
            consumer=CONSUMER,
            events=tuple(events),
            handler=BrokerPublishing(broker),
            dedicated=True,
        ),
    )


def broker_message(envelope: Envelope) -> BrokerMessage:
    """The message that carries ``envelope``: topic ``orders.order_placed`` for
    ``orders.order_placed.v1`` (the version is in the body and the message's type)."""
    event_type = envelope.event.type
    return BrokerMessage(
        message_id=str(envelope.event_id),
        event_type=event_type,
        topic=event_type.rsplit(".", 1)[0],
        body=encode_document(envelope_body(envelope)).encode(),
        occurred_at=envelope.occurred_at,
    )


class BrokerPublishing:
    """The handler: publishes each event it is handed and waits until the broker has it."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker

    def __call__(self, envelope: Envelope, /, *, uow: UnitOfWork) -> None:
        del uow  # the broker is the record: no transaction of ours
        self.broker.publish(broker_message(envelope))

    def close(self) -> None:
        """Close the broker connection (the dedicated loop does when it stops)."""
        self.broker.close()
