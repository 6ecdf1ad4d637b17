"""Structured JSON logs with a request id, and the ASGI edge guards.

Access lines carry method, path (never the query string, which may hold an email), status and
duration; never headers, so API keys and personal data stay out of the logs.

Every log line is one JSON object written with one ``write(2)``: processes sharing stderr (``oms
serve --workers N`` under a supervisor) append whole lines and never interleave within one
(POSIX keeps pipe writes up to ``PIPE_BUF``, 4 KiB on Linux, in one piece; lines are kept well
under it, errors included: ``bounded_exception`` names frames rather than printing source). The
standard library's loggers (uvicorn's, warnings) are routed through the same renderer, and an
error no handler turned into a response is answered here with a bare 500 problem, logged once.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import sys
import threading
import time
import traceback
from collections.abc import MutableMapping
from typing import Any

import orjson
import structlog
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oms.platform.problems import INTERNAL_ERROR, MEDIA_TYPE, problem_body

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = structlog.get_logger("oms.access")
error_log = structlog.get_logger("oms.http")

MAX_FRAMES = 25
MAX_ERROR_TEXT = 500
STDLIB_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "py.warnings")
QUIETED_LOGGERS = ("pika", "nats")
"""Broker clients that log every connection step at INFO: warnings and errors only (the broker
publisher logs its own connects and failures)."""


class LineWriter:
    """A structlog logger writing each rendered line with one ``os.write`` to a descriptor."""

    def __init__(self, fd: int = 2) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def msg(self, message: str) -> None:
        data = (message.replace("\n", "\\n") + "\n").encode("utf-8", "backslashreplace")
        with self._lock:  # a partial write (only past PIPE_BUF) is finished before the next
            while data:
                data = data[os.write(self._fd, data) :]

    log = debug = info = warn = warning = error = critical = exception = fatal = msg


class LineWriterFactory:
    def __init__(self, fd: int = 2) -> None:
        self._writer = LineWriter(fd)

    def __call__(self, *_: Any) -> LineWriter:
        return self._writer


def _json_line(event: Any, **options: Any) -> str:
    """One JSON object with orjson (a few microseconds); what it cannot encode becomes text."""
    return orjson.dumps(event, default=options.get("default", str)).decode()


def configure_logging(level: str = "info", fmt: str = "json", *, fd: int = 2) -> None:
    """Configure structlog, and route the standard library's loggers into it, once per process."""
    renderer: Any = (
        structlog.processors.JSONRenderer(serializer=_json_line)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        bounded_exception,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=LineWriterFactory(fd),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(_DescriptorStream(fd))
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in STDLIB_LOGGERS:
        named = logging.getLogger(name)
        named.handlers = []
        named.propagate = True
    for name in QUIETED_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


class _DescriptorStream:
    """The file-like end of ``LineWriter`` for the standard library's ``StreamHandler``."""

    def __init__(self, fd: int) -> None:
        self._writer = LineWriter(fd)

    def write(self, text: str) -> int:
        line = text.rstrip("\n")
        if line:
            self._writer.msg(line)
        return len(text)

    def flush(self) -> None:
        return None


def bounded_exception(_: Any, __: str, event: MutableMapping[str, Any]) -> Any:
    """Structlog processor: an error logged with ``exc_info`` (``log.exception``) becomes the
    fields of ``describe``, not a printed traceback, so the line stays one bounded line."""
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    error = exc_info if isinstance(exc_info, BaseException) else None
    if isinstance(exc_info, tuple) and len(exc_info) == 3:
        error = exc_info[1]
    if error is not None:
        event.update(describe(error))
    return event


def describe(error: BaseException) -> dict[str, Any]:
    """An error as one log line's fields: its type, a bounded message and its frames
    (``module:line in function``), innermost last, without source lines or local values."""
    frames = traceback.extract_tb(error.__traceback__)[-MAX_FRAMES:]
    return {
        "error_type": f"{type(error).__module__}.{type(error).__qualname__}",
        "error": str(error)[:MAX_ERROR_TEXT],
        "frames": [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in frames],
    }


class RequestContextMiddleware:
    """Assigns a request id (or trusts a well-formed ``X-Request-ID``), logs one access line,
    refuses bodies larger than ``max_body_bytes`` with 413 problem+json (declared or chunked),
    and answers what escaped every handler with a bare 500 logged as one line."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else secrets.token_hex(16)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await _answer(send, request_id, 413, _too_large(self.max_body_bytes))
            self._log(scope, 413, started)
            return

        received = 0
        responded = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # An HTTPException passes through FastAPI's body parsing unchanged (anything
                    # else there becomes a 400), so a chunked body too large is a 413 as well.
                    raise HTTPException(
                        413, f"request bodies are limited to {self.max_body_bytes} bytes"
                    )
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status = message["status"]
                responded = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except Exception as error:
            status = 500
            error_log.error("unhandled_error", path=scope["path"], **describe(error))
            if not responded:
                await _answer(send, request_id, 500, INTERNAL_ERROR)
        finally:
            self._log(scope, status, started)

    @staticmethod
    def _log(scope: Scope, status: int, started: float) -> None:
        access_log.info(
            "request",
            method=scope["method"],
            path=scope["path"],
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
        )


def _too_large(limit: int) -> bytes:
    return problem_body(
        413,
        "payload-too-large",
        "Request body too large",
        f"request bodies are limited to {limit} bytes",
    )


async def _answer(send: Send, request_id: str, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
