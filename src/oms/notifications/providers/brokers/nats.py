"""Events to NATS JetStream: subject ``oms.<context>.<event>``, header ``Nats-Msg-Id`` = event id.

nats-py is asyncio and the relay's loops are plain threads, so the client lives on a private
event loop that runs in a daemon thread of its own for as long as the connection is open: the
client answers the server's pings between events and notices a dead connection by itself.
``publish`` hands that loop one coroutine and waits for its result, the stream's acknowledgement.

The client does not reconnect on its own (``allow_reconnect=False``): a message published while
it reconnects would wait in its buffer and reach the stream after the relay had given up on it.
This publisher opens a new connection on the next message instead, and the relay retries.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any, TypeVar

import nats
import nats.errors
import nats.js.errors
import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import PubAck

from oms.notifications.providers.brokers import PUBLISH_TIMEOUT_SECONDS, BrokerMessage, location
from oms.platform.subscriptions import SubscriberUnavailable

log = structlog.get_logger("oms.broker.nats")

SUBJECT_PREFIX = "oms"
DUPLICATE_WINDOW = timedelta(minutes=15)
"""How long JetStream remembers a message id, for a stream this publisher creates: longer than
the relay's longest backoff (10 minutes), so a retry after a lost acknowledgement is dropped."""

T = TypeVar("T")

_UNREACHABLE = (
    OSError,
    asyncio.TimeoutError,
    nats.errors.ConnectionClosedError,
    nats.errors.NoServersError,
    nats.errors.StaleConnectionError,
    nats.errors.OutboundBufferLimitError,
    nats.js.errors.NoStreamResponseError,
)
"""Errors that say nothing about the message and everything about the connection."""


def _described(error: BaseException) -> str:
    """The error's class and text (a JetStream error's text carries the server's reason)."""
    return f"{type(error).__name__}: {error}"


def subject(message: BrokerMessage) -> str:
    """``oms.orders.order_placed`` for ``orders.order_placed.v1``."""
    return f"{SUBJECT_PREFIX}.{message.topic}"


class NatsBroker:
    """Publishes to one JetStream stream (created with subjects ``oms.>`` when missing)."""

    def __init__(self, *, url: str, stream: str, timeout: float = PUBLISH_TIMEOUT_SECONDS) -> None:
        self.url = url
        self.where = location(url)
        self.stream = stream
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: Client | None = None
        self._jetstream: JetStreamContext | None = None

    def publish(self, message: BrokerMessage) -> None:
        """Publish and wait for the stream's acknowledgement (a duplicate is acknowledged too)."""
        ack = self._run(self._publish(message))
        if ack.duplicate:
            log.info("broker_duplicate_dropped", message_id=message.message_id, stream=ack.stream)

    def close(self) -> None:
        """Close the connection and stop the private event loop."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            self._run(self._disconnect())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=self.timeout)
            loop.close()
            self._loop = self._thread = None

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the private loop (started on first use) and wait for it."""
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="nats-broker", daemon=True
            )
            self._thread.start()
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=self.timeout * 3)
        except concurrent.futures.TimeoutError as error:
            future.cancel()
            raise SubscriberUnavailable(f"NATS at {self.where} did not answer") from error

    async def _publish(self, message: BrokerMessage) -> PubAck:
        jetstream = await self._connected()
        try:
            return await jetstream.publish(
                subject(message),
                message.body,
                timeout=self.timeout,
                headers={
                    "Nats-Msg-Id": message.message_id,
                    "Oms-Event-Type": message.event_type,
                    "Content-Type": "application/json",
                },
            )
        except _UNREACHABLE as error:
            await self._disconnect()
            raise SubscriberUnavailable(f"NATS at {self.where}: {_described(error)}") from error

    async def _connected(self) -> JetStreamContext:
        """The open connection's JetStream context; connects (and creates the stream) first
        when there is none or the last one died."""
        if self._client is not None and self._jetstream is not None:
            if self._client.is_connected:
                return self._jetstream
            await self._disconnect()
        try:
            client = await nats.connect(
                self.url,
                name="oms",
                allow_reconnect=False,
                connect_timeout=int(self.timeout),
                # nats-py tries a server max_reconnect_attempts + 1 times (0 means for ever):
                # two quick tries, then NoServersError; the relay's backoff does the waiting.
                max_reconnect_attempts=1,
                reconnect_time_wait=0,
                error_cb=self._log_error,
            )
        except _UNREACHABLE as error:
            raise SubscriberUnavailable(f"NATS at {self.where}: {_described(error)}") from error
        self._client, self._jetstream = client, client.jetstream(timeout=self.timeout)
        try:
            await self._ensure_stream(self._jetstream)
        except (*_UNREACHABLE, nats.js.errors.APIError) as error:
            # No stream, no publishing: a refused stream (its subjects overlap another's) is
            # the whole destination's failure, not this event's.
            await self._disconnect()
            raise SubscriberUnavailable(
                f"NATS at {self.where}, stream {self.stream}: {_described(error)}"
            ) from error
        return self._jetstream

    async def _ensure_stream(self, jetstream: JetStreamContext) -> None:
        try:
            await jetstream.stream_info(self.stream)
        except nats.js.errors.NotFoundError:
            await jetstream.add_stream(
                name=self.stream,
                subjects=[f"{SUBJECT_PREFIX}.>"],
                duplicate_window=DUPLICATE_WINDOW.total_seconds(),
            )
            log.info("broker_stream_created", stream=self.stream, subjects=f"{SUBJECT_PREFIX}.>")

    async def _disconnect(self) -> None:
        client, self._client, self._jetstream = self._client, None, None
        if client is not None and not client.is_closed:
            try:
                await client.close()
            except Exception as error:  # closing a dead connection may fail: it is gone anyway
                log.debug("broker_close_failed", error=repr(error))

    @staticmethod
    async def _log_error(error: Exception) -> None:
        log.warning("broker_connection_error", broker="nats", error=repr(error))
