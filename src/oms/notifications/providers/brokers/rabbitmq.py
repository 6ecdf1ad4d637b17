"""Events to RabbitMQ: a durable topic exchange, routing key ``<context>.<event>``, persistent
messages with ``message_id`` = event id, ``type`` = the full event type, publisher confirms.

pika's ``BlockingConnection`` does its I/O (heartbeats included) only while it is called, so an
idle connection may have been closed by the broker when the next event comes: before publishing,
the connection is given a moment to process what arrived, and a dead one is replaced at once.
"""

from __future__ import annotations

from typing import Any

import pika  # type: ignore[import-untyped]
import pika.exceptions  # type: ignore[import-untyped]
import structlog

from oms.notifications.providers.brokers import PUBLISH_TIMEOUT_SECONDS, BrokerMessage, location
from oms.platform.subscriptions import SubscriberUnavailable

log = structlog.get_logger("oms.broker.rabbitmq")

_UNREACHABLE = (
    OSError,
    pika.exceptions.AMQPConnectionError,
    pika.exceptions.ChannelClosed,
    pika.exceptions.ChannelWrongStateError,
)
"""Errors of the connection or channel: nothing to do with the message."""


class RabbitMqBroker:
    """Publishes to one topic exchange (declared durable, idempotently, on each connection)."""

    def __init__(
        self, *, url: str, exchange: str, timeout: float = PUBLISH_TIMEOUT_SECONDS
    ) -> None:
        self.where = location(url)
        self.exchange = exchange
        self.parameters = pika.URLParameters(url)
        self.parameters.socket_timeout = timeout
        self.parameters.stack_timeout = timeout
        self.parameters.blocked_connection_timeout = timeout
        self.parameters.connection_attempts = 1
        self.parameters.client_properties = {"connection_name": "oms events"}
        self._connection: Any = None
        self._channel: Any = None

    def publish(self, message: BrokerMessage) -> None:
        """Publish and wait for the broker's confirm; a nack raises ``NackError``, the
        message's own failure (the relay retries it)."""
        channel = self._open_channel()
        properties = pika.BasicProperties(
            message_id=message.message_id,
            type=message.event_type,
            content_type="application/json",
            delivery_mode=pika.DeliveryMode.Persistent,
            timestamp=int(message.occurred_at.timestamp()),
            app_id="oms",
        )
        try:
            channel.basic_publish(
                exchange=self.exchange,
                routing_key=message.topic,
                body=message.body,
                properties=properties,
            )
        except _UNREACHABLE as error:
            self.close()
            raise SubscriberUnavailable(f"RabbitMQ at {self.where}: {error!r}") from error

    def close(self) -> None:
        """Close the connection, if one is open."""
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except _UNREACHABLE as error:  # it was dying anyway
                log.debug("broker_close_failed", error=repr(error))

    def _open_channel(self) -> Any:
        """The open channel in confirm mode; connects and declares the exchange when there is
        none or the last connection died."""
        if self._connection is not None:
            try:
                self._connection.process_data_events(time_limit=0)
            except _UNREACHABLE as error:
                log.info("broker_reconnecting", broker="rabbitmq", error=repr(error))
                self.close()
        if self._channel is not None and self._channel.is_open:
            return self._channel
        self.close()
        try:
            self._connection = pika.BlockingConnection(self.parameters)
            channel = self._connection.channel()
            channel.confirm_delivery()
            channel.exchange_declare(exchange=self.exchange, exchange_type="topic", durable=True)
        except _UNREACHABLE as error:
            self.close()
            raise SubscriberUnavailable(f"RabbitMQ at {self.where}: {error!r}") from error
        self._channel = channel
        return channel
