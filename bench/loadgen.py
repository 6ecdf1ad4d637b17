"""The HTTP load generator, run as its own process: ``python -m bench.loadgen PLAN.json``.

A fixed number of client tasks (the concurrency) post orders over one keep-alive connection
each, with a real API key and a fresh Idempotency-Key per order, for a warm-up and a measured
window. It prints one JSON object: the measured count and latencies, every status seen, and the
(key, order id) of each acknowledged order, then replays a sample of keys to check that a
replay answers with the same order.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.workload import OrderStream

REPLAYS = 20


@dataclass(slots=True)
class Tally:
    start: float
    end: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    acknowledged: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    """The first orders acknowledged, with their bodies, to replay at the end."""
    first_error: str | None = None


async def _client_task(
    client: httpx.AsyncClient, plan: dict[str, Any], seed: int, t: Tally
) -> None:
    stream = OrderStream(plan["skus"], plan["buyers"], seed, hot=plan["hot"])
    headers = {"Authorization": f"Bearer {plan['secret']}"}
    while (started := time.perf_counter()) < t.end:
        key, body = str(uuid.uuid4()), stream.next().body()
        try:
            response = await client.post(
                "/v1/orders", json=body, headers=headers | {"Idempotency-Key": key}
            )
        except httpx.HTTPError as error:
            t.statuses["transport-error"] = t.statuses.get("transport-error", 0) + 1
            t.first_error = t.first_error or repr(error)
            continue
        ended = time.perf_counter()
        status = str(response.status_code)
        t.statuses[status] = t.statuses.get(status, 0) + 1
        if response.status_code == 201:
            order_id = response.json()["id"]
            t.acknowledged.append((key, order_id))
            if len(t.kept) < REPLAYS:
                t.kept.append((key, order_id, body))
            if started >= t.start and ended <= t.end:
                t.latencies_ms.append((ended - started) * 1000)
        elif t.first_error is None:
            t.first_error = f"{status}: {response.text[:300]}"


async def _replays(client: httpx.AsyncClient, plan: dict[str, Any], t: Tally) -> int:
    """How many replayed keys did not answer with the order they created."""
    wrong = 0
    for key, order_id, body in t.kept:
        response = await client.post(
            "/v1/orders",
            json=body,
            headers={"Authorization": f"Bearer {plan['secret']}", "Idempotency-Key": key},
        )
        same = response.status_code == 201 and response.json()["id"] == order_id
        wrong += 0 if same and response.headers.get("Idempotent-Replayed") == "true" else 1
    return wrong


async def main(plan: dict[str, Any]) -> dict[str, Any]:
    cpu = time.process_time()
    concurrency = plan["concurrency"]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=plan["url"], limits=limits, timeout=60) as client:
        now = time.perf_counter()
        tally = Tally(now + plan["warmup"], now + plan["warmup"] + plan["seconds"])
        await asyncio.gather(
            *(_client_task(client, plan, plan["seed"] + i, tally) for i in range(concurrency))
        )
        wrong_replays = await _replays(client, plan, tally)
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
