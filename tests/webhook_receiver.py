"""A real webhook receiver for tests: an HTTP server on a loopback port, in threads of the test
process, that verifies every request's signature with ``standardwebhooks`` as an integrator's
receiver would, and answers what the test scripts (200 by default, a list of codes, a delay).

    with WebhookReceiver() as receiver:
        receiver.secret = issued["secret"]       # the secret the API showed once
        receiver.script(500, 200)                # first request 500, then 200
        ...
        assert receiver.verified_types() == {...}
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass(frozen=True)
class Received:
    """One request as it arrived, and what verifying its signature said."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    """What the receiver answered."""
    payload: Any
    """The verified JSON body, or None when verification failed."""
    error: str | None

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def verified(self) -> bool:
        return self.error is None


class WebhookReceiver:
    """See the module docstring. ``url`` is ``http://127.0.0.1:<port>/hooks``."""

    def __init__(self, *, delay_seconds: float = 0.0, gate: threading.Event | None = None) -> None:
        self.secret: str | None = None
        self.delay_seconds = delay_seconds
        self.gate = gate
        """When given, each request waits for it to be set before it is answered."""
        self.arrived = 0
        """Requests that reached the handler, answered or still waiting."""
        self.received: list[Received] = []
        self._script: list[int] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def _serve(self) -> None:
        self._server.serve_forever(poll_interval=0.05)

    def script(self, *statuses: int) -> None:
        """Answer the next requests with these codes, in order; 200 after them."""
        with self._lock:
            self._script = list(statuses)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, seconds: float = 30) -> list[Received]:
        """Block until ``count`` requests were answered (or the time is up); what was."""
        self._wait(lambda: len(self.received) >= count, seconds)
        with self._lock:
            return list(self.received)

    def wait_for_arrivals(self, count: int, seconds: float = 30) -> int:
        """Block until ``count`` requests reached the handler (answered or held at the gate)."""
        self._wait(lambda: self.arrived >= count, seconds)
        return self.arrived

    def _wait(self, done: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        with self._arrived:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._arrived.wait(left)

    def _arrive(self) -> None:
        with self._arrived:
            self.arrived += 1
            self._arrived.notify_all()

    def verified_types(self) -> set[str]:
        """The event types of every request whose signature verified."""
        return {r.payload["type"] for r in self.received if r.verified}

    def ids(self) -> Iterator[str]:
        return (r.webhook_id for r in self.received)

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            status = self._script.pop(0) if self._script else 200
            secret = self.secret
        payload, error = _verify(secret, headers, body)
        with self._arrived:
            self.received.append(Received(path, headers, body, status, payload, error))
            self._arrived.notify_all()
        return status

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver._arrive()
                if receiver.gate is not None:
                    receiver.gate.wait()
                if receiver.delay_seconds:
                    time.sleep(receiver.delay_seconds)
                status = receiver._answer(self.path, headers, body)
                answer = json.dumps({"status": status}).encode()
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reads ``received``."""

        return Handler


def _verify(secret: str | None, headers: dict[str, str], body: bytes) -> tuple[Any, str | None]:
    if secret is None:
        return None, "the receiver has no secret"
    try:
        return Webhook(secret).verify(body, headers), None
    except WebhookVerificationError as error:
        return None, str(error)
