"""The real message brokers on this machine, as an integrator's consumer sees them, for tests.

- ``require_broker(kind)``: the broker's URL; skips the test when nothing answers on its port,
  fails it under ``CI=true`` (like the PostgreSQL suite).
- ``NatsConsumer``: reads what arrived in the JetStream stream since it was created, through a
  pull consumer that starts after the stream's last message at that moment.
- ``RabbitMqConsumer``: an exclusive queue bound with ``#`` to a topic exchange of its own.
- ``TcpProxy``: a port in front of a broker that the test takes down and brings back up, to see
  a broker outage from oms's side (the broker itself keeps running for other tests).

Every consumer returns ``Arrived`` messages: where they were routed, their message id, type,
headers or properties, and the decoded JSON body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import nats
import nats.js.errors
import pika  # type: ignore[import-untyped]
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

BROKER_URLS = {
    "nats": os.environ.get("OMS_TEST_NATS_URL", "nats://127.0.0.1:4222"),
    "rabbitmq": os.environ.get("OMS_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"),
}
IN_CI = os.environ.get("CI", "").lower() == "true"
STREAM = "OMS"


def require_broker(kind: str) -> str:
    """The URL of the ``kind`` broker; skip without one (fail under CI)."""
    url = BROKER_URLS[kind]
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError as error:
        if IN_CI:
            pytest.fail(f"CI=true but {kind} is unreachable at {parts.hostname}:{parts.port}")
        pytest.skip(f"{kind} unreachable at {parts.hostname}:{parts.port}: {error}")
    return url


@dataclass(frozen=True)
class Arrived:
    """One message as the broker delivered it."""

    route: str
    """NATS subject or RabbitMQ routing key."""
    message_id: str
    event_type: str
    body: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    """NATS headers, or RabbitMQ properties (delivery_mode, content_type, app_id)."""


class NatsConsumer:
    """What the ``OMS`` stream received after this consumer was made (the stream may not exist
    yet: the publisher creates it)."""

    def __init__(self, url: str, stream: str = STREAM) -> None:
        self.url = url
        self.stream = stream
        self.start = asyncio.run(self._last_sequence())

    def arrived(self) -> list[Arrived]:
        """Every message stored since, in stream order (duplicates JetStream dropped are not)."""
        return asyncio.run(self._fetch())

    async def _last_sequence(self) -> int:
        client = await nats.connect(self.url)
        try:
            info = await client.jetstream().stream_info(self.stream)
        except nats.js.errors.NotFoundError:
            return 0
        finally:
            await client.close()
        return int(info.state.last_seq)

    async def _fetch(self) -> list[Arrived]:
        client = await nats.connect(self.url)
        try:
            jetstream = client.jetstream()
            last = (await jetstream.stream_info(self.stream)).state.last_seq
            wanted = last - self.start
            if wanted <= 0:
                return []
            subscription = await jetstream.pull_subscribe(
                "oms.>",
                stream=self.stream,
                config=ConsumerConfig(
                    deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                    opt_start_seq=self.start + 1,
                    ack_policy=AckPolicy.EXPLICIT,
                ),
            )
            found: list[Arrived] = []
            while len(found) < wanted:
                for message in await subscription.fetch(batch=wanted - len(found), timeout=10):
                    headers = dict(message.headers or {})
                    found.append(
                        Arrived(
                            route=message.subject,
                            message_id=headers.get("Nats-Msg-Id", ""),
                            event_type=headers.get("Oms-Event-Type", ""),
                            body=json.loads(message.data),
                            meta=headers,
                        )
                    )
                    await message.ack()
            await subscription.unsubscribe()
            return found
        finally:
            await client.close()


class RabbitMqConsumer:
    """An exchange of the test's own (``oms.test.<random>``) and a queue bound to all of it."""

    def __init__(self, url: str) -> None:
        self.exchange = f"oms.test.{uuid.uuid4().hex[:12]}"
        self._connection = pika.BlockingConnection(pika.URLParameters(url))
        self._channel = self._connection.channel()
        self._channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
        self._queue = self._channel.queue_declare("", exclusive=True).method.queue
        self._taken: list[Arrived] = []
        self._channel.queue_bind(self._queue, self.exchange, routing_key="#")

    def arrived(self) -> list[Arrived]:
        """Every message queued since the consumer was made, in order."""
        while True:
            method, properties, body = self._channel.basic_get(self._queue, auto_ack=True)
            if method is None:
                return list(self._taken)
            self._taken.append(
                Arrived(
                    route=method.routing_key,
                    message_id=properties.message_id,
                    event_type=properties.type,
                    body=json.loads(body),
                    meta={
                        "delivery_mode": properties.delivery_mode,
                        "content_type": properties.content_type,
                        "app_id": properties.app_id,
                    },
                )
            )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._channel.exchange_delete(self.exchange)
        self._connection.close()


class TcpProxy:
    """Forwards a local port to ``target`` until ``down()``, which also cuts every connection
    through it; ``up()`` listens on the same port again."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        self.target = (str(parts.hostname), int(parts.port or 0))
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"127.0.0.1:{self.port}"
        self.url = parts._replace(netloc=f"{userinfo}@{netloc}" if userinfo else netloc).geturl()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            cut, self._sockets = self._sockets, []
        for connection in cut:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes until either side closes, then close the other direction too."""
    with contextlib.suppress(OSError):
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)
