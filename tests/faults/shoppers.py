"""Bounded loopback load: a few clients placing orders, each with its own Idempotency-Key.

A client keeps retrying a key until it gets an answer that ends it: an acknowledgement (201/200,
the order is committed), or a refusal that says nothing happened (409 insufficient stock).
Connection errors, 5xx and 409 "in flight" are retried with the same key and the same body, as a
well-behaved client does across a server crash. Every acknowledgement is recorded with its key.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

ADDRESS = {
    "name": "Grace Hopper",
    "line1": "Invalidenstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}

RETRY_PAUSE_SECONDS = 0.2


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """A committed order as the client was told: its key, what was sent and what came back."""

    key: str
    body: dict[str, Any]
    status: int
    order_id: str
    at: float
    """``time.monotonic()`` when the answer arrived."""
    replayed: bool
    """The first answer the client saw was a replay: the order committed, its response was lost."""


@dataclass(frozen=True, slots=True)
class Plan:
    """How much load: clients, for how long, how many keys at most, when to give up on a key."""

    clients: int = 4
    seconds: float = 120.0
    """The longest the window stays open; ``close()`` usually ends it sooner."""
    max_orders: int = 5000
    pause_seconds: float = 0.04
    """Between a client's orders: at most 25 a second per client, so a fast deployment does not
    spend the ``max_orders`` tickets before the schedule of kills is over."""
    settle_seconds: float = 20.0
    """After the load window, how long a client keeps retrying the key it holds."""


def order_body(key: str, rng: random.Random, skus: list[str]) -> dict[str, Any]:
    """A web order of one or two in-stock SKUs; the notes carry the key to find it later."""
    return {
        "channel": "web",
        "customer": {
            "email": f"shopper-{rng.randrange(40)}@crash.example.com",
            "name": "Grace Hopper",
        },
        "shipping_address": ADDRESS,
        "lines": [
            {"sku": sku, "quantity": rng.choice((1, 1, 2))}
            for sku in rng.sample(skus, k=rng.choice((1, 2)))
        ],
        "notes": key,
    }


@dataclass
class Shoppers:
    """Client threads placing orders against ``url`` until the plan's window closes."""

    url: str
    headers: dict[str, str]
    skus: list[str]
    seed: int
    plan: Plan = field(default_factory=Plan)
    acknowledged: list[Acknowledgement] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    refused_at: list[float] = field(default_factory=list)
    """When each refusal came (monotonic): a refusal for want of stock is the service answering."""
    abandoned: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    """Retried answers by kind (``"connection"``, ``"503"``, ``"409 in flight"``...)."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._started = 0
        self._closes_at = 0.0

    def start(self) -> None:
        """Start the clients; the load window opens now."""
        self._closes_at = time.monotonic() + self.plan.seconds
        for number in range(self.plan.clients):
            rng = random.Random(f"{self.seed}-{number}")
            thread = threading.Thread(target=self._shop, args=(rng,), name=f"shopper-{number}")
            thread.start()
            self._threads.append(thread)

    def close(self) -> None:
        """Close the window: clients finish the key they hold and start no other."""
        self._closes_at = min(self._closes_at, time.monotonic())

    def join(self) -> None:
        """Wait for every client to finish its last key (bounded by the plan)."""
        limit = self.plan.seconds + self.plan.settle_seconds + 30
        for thread in self._threads:
            thread.join(timeout=limit)
        assert not any(t.is_alive() for t in self._threads), "a client did not finish"

    def _shop(self, rng: random.Random) -> None:
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=15) as client:
            while time.monotonic() < self._closes_at and self._take_a_ticket():
                key = f"crash-{uuid.uuid4()}"
                self._place_until_answered(client, key, order_body(key, rng, self.skus))
                time.sleep(self.plan.pause_seconds)

    def _take_a_ticket(self) -> bool:
        with self._lock:
            self._started += 1
            return self._started <= self.plan.max_orders

    def _place_until_answered(self, client: httpx.Client, key: str, body: dict[str, Any]) -> None:
        while time.monotonic() < self._closes_at + self.plan.settle_seconds:
            try:
                response = client.post("/v1/orders", json=body, headers={"Idempotency-Key": key})
            except httpx.TransportError as error:
                self._retry(type(error).__name__)
                continue
            if self._answered(key, body, response):
                return
        with self._lock:
            self.abandoned.append(key)

    def _answered(self, key: str, body: dict[str, Any], response: httpx.Response) -> bool:
        """Record an answer that ends the key; False when the key must be tried again."""
        code = _problem_code(response)
        with self._lock:
            if response.status_code in (200, 201):
                self.acknowledged.append(
                    Acknowledgement(
                        key,
                        body,
                        response.status_code,
                        response.json()["id"],
                        time.monotonic(),
                        replayed=response.headers.get("Idempotent-Replayed") == "true",
                    )
                )
                return True
            if response.status_code == 409 and code == "insufficient-stock":
                self.refused.append(key)
                self.refused_at.append(time.monotonic())
                return True
            if response.status_code < 500 and code != "idempotency-key-in-flight":
                self.unexpected.append(f"{key}: {response.status_code} {response.text[:300]}")
                return True
        self._retry(f"{response.status_code} {code or ''}".strip())
        return False

    def _retry(self, kind: str) -> None:
        with self._lock:
            self.failures[kind] += 1
        time.sleep(RETRY_PAUSE_SECONDS)


def _problem_code(response: httpx.Response) -> str | None:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return None
    code = response.json().get("code")
    return str(code) if code is not None else None
