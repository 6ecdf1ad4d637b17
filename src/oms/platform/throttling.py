"""Rate limits for the routes anyone may call: a token bucket per key, kept in this process.

The public order lookup answers to a number and an email without an API key, so it is the one
place a guesser can try email after email (or number after number). Each client address and each
order number gets a bucket of attempts that refills over time; an empty bucket is a 429 with
``Retry-After``.

Counters live in the process's memory on purpose: a lookup must stay a read, and on SQLite a
counter row would make every guess take the database's single write lock (a hammering client
would then slow down order capture). With ``oms serve --workers N`` each process keeps its own
buckets, so a client spread over every process gets at most N times the budget; the budget is
sized so that this is still far from useful for guessing, and a reverse proxy in front of a
larger deployment should limit the path as well (see ``docs/decisions/0007-erasure.md``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from oms.platform.problems import HTTPProblem


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class Throttle:
    """At most ``burst`` attempts at once per key, refilled at ``burst`` per ``period`` seconds.

    ``take(key)`` spends one attempt and returns None, or returns how many seconds to wait when
    the key has none left (nothing is spent then). Thread-safe; memory is bounded by dropping
    full buckets, which hold no information, once ``max_keys`` keys are tracked.
    """

    def __init__(
        self,
        *,
        burst: int,
        period: float,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.rate = burst / period
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float | None:
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return None
            return (1 - bucket.tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        full = [
            key
            for key, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.updated) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:  # every key busy: the oldest go first
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for key in oldest[: len(oldest) // 2]:
                del self._buckets[key]


def retry_after(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(seconds)))


_CREATING = threading.Lock()


@dataclass(frozen=True, slots=True)
class Budget:
    """``burst`` attempts at once, refilled at ``burst`` per ``period`` seconds."""

    name: str
    burst: int
    period: float


def spend(request: Request, budget: Budget, key: str) -> None:
    """Spend one attempt of ``key`` from the app's throttle for ``budget`` (made on first use);
    when none is left, refuse with 429 ``too-many-requests`` and ``Retry-After``."""
    state = request.app.state
    with _CREATING:
        throttles: dict[str, Throttle] = getattr(state, "throttles", None) or {}
        state.throttles = throttles
        throttle = throttles.get(budget.name)
        if throttle is None:
            throttle = throttles[budget.name] = Throttle(burst=budget.burst, period=budget.period)
    wait = throttle.take(key)
    if wait is not None:
        raise HTTPProblem(
            429,
            "too-many-requests",
            "Too many requests",
            "too many attempts; try again later",
            {"Retry-After": retry_after(wait)},
        )


def client_address(request: Request) -> str:
    """The address the request came from (the proxy's, unless the server trusts its headers)."""
    return request.client.host if request.client else "unknown"
