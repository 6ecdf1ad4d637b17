"""Message brokers every outbox event can be published to: NATS JetStream or RabbitMQ.

A broker takes ``BrokerMessage``s one at a time and returns only once the broker has the message
(JetStream's publish acknowledgement, RabbitMQ's publisher confirm), so the relay marks an event
delivered only when it is safe in the broker. A broker connects on first use, keeps its
connection across messages and opens a new one after a failure. When it cannot reach the broker
at all it raises ``SubscriberUnavailable``: the relay then stops the batch and backs off, instead
of trying every other event against the same closed door. Any other error is the event's own and
is retried with the relay's backoff.

The event id is the message id everywhere, so consumers (and JetStream itself) can drop the
duplicates that at-least-once delivery allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from oms.platform.settings import Settings

PUBLISH_TIMEOUT_SECONDS = 5.0
"""How long one connection attempt or one publish may take before the broker counts as down."""

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"


@dataclass(frozen=True, slots=True)
class BrokerMessage:
    """One event as a broker carries it."""

    message_id: str
    """The event id: the same on every retry, so the duplicates of a retry can be dropped."""
    event_type: str
    """The full type, with its version: ``orders.order_placed.v1``."""
    topic: str
    """``<context>.<event>`` without the version (``orders.order_placed``): the RabbitMQ
    routing key; the NATS subject is ``oms.`` + topic."""
    body: bytes
    """The event's envelope as UTF-8 JSON, the same bytes a webhook carries."""
    occurred_at: datetime


class Broker(Protocol):
    """Publishes messages; holds a connection between them."""

    def publish(self, message: BrokerMessage) -> None:
        """Return once the broker has stored ``message``; raise if it may not have."""
        ...

    def close(self) -> None:
        """Close the connection (a later ``publish`` opens a new one)."""
        ...


def location(url: str) -> str:
    """``host:port`` of a broker URL, for errors and logs: a URL may carry a password."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def open_broker(settings: Settings) -> Broker | None:
    """The broker ``settings`` name, not yet connected; None when events go to no broker."""
    if settings.broker == "nats":
        from oms.notifications.providers.brokers.nats import NatsBroker

        return NatsBroker(
            url=settings.broker_url or DEFAULT_NATS_URL, stream=settings.broker_stream
        )
    if settings.broker == "rabbitmq":
        from oms.notifications.providers.brokers.rabbitmq import RabbitMqBroker

        return RabbitMqBroker(
            url=settings.broker_url or DEFAULT_RABBITMQ_URL, exchange=settings.broker_exchange
        )
    return None
