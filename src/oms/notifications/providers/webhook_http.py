"""Sending one webhook over HTTP: signed per Standard Webhooks, to vetted addresses only.

Built on httpcore (the engine under httpx) because its network backend is the one place where
a name becomes an address: ``VettingBackend.connect_tcp`` resolves the host itself, vets every
address (``domain.targets.vet``) and connects to a vetted address, while TLS still verifies the
certificate for the *name* (SNI and ``Host`` stay the URL's host). So a DNS answer that changed
since the endpoint was saved (rebinding) cannot make oms call a private address.

httpcore never follows redirects: a 3xx is a failed attempt. Each attempt has short connect,
write and read timeouts; the response body is read only up to ``EXCERPT_BYTES`` for the error
message. Connections are pooled and kept alive between deliveries to the same endpoint.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from ipaddress import ip_address
from typing import Any

import httpcore
from standardwebhooks import Webhook

import oms
from oms.notifications.domain.targets import (
    IPAddress,
    WebhookTarget,
    WebhookTargetRefused,
    vet,
)
from oms.notifications.domain.webhook_deliveries import Attempt

Resolver = Callable[[str, int], list[IPAddress]]

EXCERPT_BYTES = 300
USER_AGENT = f"oms-webhooks/{oms.__version__}"


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` resolves to (none when it does not resolve)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return [ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]


class TargetRefusedAtConnect(httpcore.ConnectError):
    """The host resolved to an address oms does not call; nothing was connected."""


class VettingBackend(httpcore.NetworkBackend):
    """httpcore's network backend that connects only to addresses ``vet`` accepts."""

    def __init__(
        self,
        *,
        allow_private: bool,
        resolver: Resolver = resolve,
        backend: httpcore.NetworkBackend | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.backend = backend or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve, vet every address, then connect to the first vetted one that answers."""
        try:
            addresses = vet(host, self.resolver(host, port), allow_private=self.allow_private)
        except WebhookTargetRefused as refused:
            raise TargetRefusedAtConnect(refused.detail) from None
        failure: Exception | None = None
        for address in addresses:
            try:
                return self.backend.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None  # vet returns at least one address
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        del path, timeout, socket_options
        raise httpcore.ConnectError("webhooks are not sent over unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def signature(secrets: Iterable[str], message_id: str, at: datetime, body: str) -> str:
    """The ``webhook-signature`` header: one ``v1,<base64>`` per secret, space-separated."""
    return " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets)


class WebhookHttp:
    """Posts signed webhook bodies; one instance per worker, shared by its sending threads."""

    def __init__(
        self,
        *,
        timeout_seconds: float,
        allow_private: bool,
        max_connections: int = 10,
        resolver: Resolver = resolve,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=30.0,
            network_backend=VettingBackend(allow_private=allow_private, resolver=resolver),
        )

    def send(
        self,
        target: WebhookTarget,
        *,
        message_id: str,
        body: str,
        secrets: Iterable[str],
        at: datetime,
    ) -> Attempt:
        """POST ``body`` to ``target`` signed with ``secrets`` at ``at``; the attempt as it went.

        Never raises for what the network or the receiver did: that is the attempt's outcome.
        """
        headers = {
            "Host": _host_header(target),
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": message_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": signature(secrets, message_id, at, body),
        }
        started = time.monotonic()
        try:
            status, excerpt, location = self._post(target, headers, body.encode("utf-8"))
        except TargetRefusedAtConnect as refused:
            return Attempt(at=at, status_code=None, latency_ms=0, error=f"refused: {refused}")
        except httpcore.TimeoutException as error:
            described = f"{type(error).__name__}: {error or 'timed out'}"
            return Attempt(at=at, status_code=None, latency_ms=_since(started), error=described)
        except (httpcore.NetworkError, httpcore.ProtocolError, OSError) as error:
            described = f"{type(error).__name__}: {error}"
            return Attempt(at=at, status_code=None, latency_ms=_since(started), error=described)
        return Attempt(
            at=at,
            status_code=status,
            latency_ms=_since(started),
            error=_answer_error(status, excerpt, location),
        )

    def _post(
        self, target: WebhookTarget, headers: Mapping[str, str], content: bytes
    ) -> tuple[int, str, str | None]:
        url = httpcore.URL(
            scheme=target.scheme.encode("ascii"),
            host=target.host.encode("ascii"),
            port=target.port,
            target=target.target.encode("utf-8"),
        )
        timeout = self.timeout_seconds
        extensions = {
            "timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
        }
        with self._pool.stream(
            "POST", url, headers=list(headers.items()), content=content, extensions=extensions
        ) as response:
            excerpt = _read_excerpt(response)
            location = _header(response.headers, b"location")
        return response.status, excerpt, location

    def close(self) -> None:
        self._pool.close()


def _host_header(target: WebhookTarget) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _read_excerpt(response: httpcore.Response) -> str:
    """At most ``EXCERPT_BYTES`` of the body: enough to say why, never a whole page."""
    read = b""
    for chunk in response.iter_stream():
        read += chunk
        if len(read) >= EXCERPT_BYTES:
            break
    return read[:EXCERPT_BYTES].decode("utf-8", errors="replace").strip()


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _answer_error(status: int, excerpt: str, location: str | None) -> str | None:
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return f"HTTP {status}: redirects are not followed (Location: {location or 'none'})"
    return f"HTTP {status}: {excerpt}" if excerpt else f"HTTP {status}"


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
