"""The HTTP load generator, run as its own process: ``python -m bench.loadgen PLAN.json``.

A fixed number of client tasks (the concurrency) post orders over one keep-alive connection
each, with a real API key and a fresh Idempotency-Key per order, for a warm-up and a measured
window. It prints one JSON object: the measured count and latencies, every status seen, and the
(key, order id) of each acknowledged order, then replays a sample of keys to check that a
replay answers with the same order.

The client is HTTP/1.1 written on asyncio streams (``Connection``), not a general HTTP library:
the load generator shares the two cores with the server and the database, and a general client
spent ~3.5 ms of CPU per order here, more than the raw arm's whole placement. It speaks only
what the benchmark needs (POST with a JSON body, responses with Content-Length or chunked) and
checks every status it reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bench.workload import OrderStream

REPLAYS = 20


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closes it."""

    def __init__(self, url: str, secret: str) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self._head = (
            f"Host: {parts.netloc}\r\nAuthorization: Bearer {secret}\r\n"
            "Content-Type: application/json\r\nAccept: application/json\r\n"
        ).encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(
        self, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers (lower-case names) and body of one POST."""
        if self._writer is None or self._reader is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items()).encode()
        self._writer.write(
            b"POST %s HTTP/1.1\r\n%s%sContent-Length: %d\r\n\r\n%s"
            % (path.encode(), self._head, extra, len(body), body)
        )
        try:
            status, answer, content = await self._response(self._reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()
            raise
        if answer.get("connection", "").lower() == "close":
            await self.close()
        return status, answer, content

    @staticmethod
    async def _response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *lines = head[:-4].decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            return status, headers, await reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16):
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
            return status, headers, b"".join(chunks)
        return status, headers, b""

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


@dataclass(slots=True)
class Tally:
    start: float
    end: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    acknowledged: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str, bytes]] = field(default_factory=list)
    """The first orders acknowledged, with their bodies, to replay at the end."""
    first_error: str | None = None


async def _client_task(plan: dict[str, Any], seed: int, t: Tally) -> None:
    stream = OrderStream(plan["skus"], plan["buyers"], seed, hot=plan["hot"])
    connection = Connection(plan["url"], plan["secret"])
    try:
        while (started := time.perf_counter()) < t.end:
            key, body = str(uuid.uuid4()), json.dumps(stream.next().body()).encode()
            try:
                status, _, content = await connection.post(
                    "/v1/orders", body, {"Idempotency-Key": key}
                )
            except (OSError, asyncio.IncompleteReadError) as error:
                t.statuses["transport-error"] = t.statuses.get("transport-error", 0) + 1
                t.first_error = t.first_error or repr(error)
                continue
            ended = time.perf_counter()
            t.statuses[str(status)] = t.statuses.get(str(status), 0) + 1
            if status == 201:
                order_id = json.loads(content)["id"]
                t.acknowledged.append((key, order_id))
                if len(t.kept) < REPLAYS:
                    t.kept.append((key, order_id, body))
                if started >= t.start and ended <= t.end:
                    t.latencies_ms.append((ended - started) * 1000)
            elif t.first_error is None:
                t.first_error = f"{status}: {content[:300].decode(errors='replace')}"
    finally:
        await connection.close()


async def _replays(plan: dict[str, Any], t: Tally) -> int:
    """How many replayed keys did not answer with the order they created."""
    wrong = 0
    connection = Connection(plan["url"], plan["secret"])
    try:
        for key, order_id, body in t.kept:
            status, headers, content = await connection.post(
                "/v1/orders", body, {"Idempotency-Key": key}
            )
            same = status == 201 and json.loads(content)["id"] == order_id
            wrong += 0 if same and headers.get("idempotent-replayed") == "true" else 1
    finally:
        await connection.close()
    return wrong


async def main(plan: dict[str, Any]) -> dict[str, Any]:
    cpu = time.process_time()
    now = time.perf_counter()
    tally = Tally(now + plan["warmup"], now + plan["warmup"] + plan["seconds"])
    await asyncio.gather(
        *(_client_task(plan, plan["seed"] + i, tally) for i in range(plan["concurrency"]))
    )
    wrong_replays = await _replays(plan, tally)
    return {
        "orders": len(tally.latencies_ms),
        "seconds": plan["seconds"],
        "latencies_ms": tally.latencies_ms,
        "statuses": tally.statuses,
        "acknowledged": tally.acknowledged,
        "replays": len(tally.kept),
        "wrong_replays": wrong_replays,
        "first_error": tally.first_error,
        "cpu_seconds": time.process_time() - cpu,
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as source:
        given = json.load(source)
    json.dump(asyncio.run(main(given)), sys.stdout)
