"""Timing placements: N threads place orders for a warm-up and then a measured window.

Only placements that start and end inside the window count, so the throughput is orders
completed per second of window and the latencies are those of a steady state.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Step = Callable[[], None]
"""Places one order; raises on failure."""


@dataclass(slots=True)
class Measurement:
    orders: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    retries: int = 0
    placed: int = 0
    """Every order placed, warm-up and stragglers included (what the database must hold)."""
    first_error: str | None = None

    @property
    def throughput(self) -> float:
        return self.orders / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    def summary(self) -> dict[str, Any]:
        return {
            "orders": self.orders,
            "seconds": round(self.seconds, 2),
            "orders_per_second": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "errors": self.errors,
            "retries": self.retries,
            "first_error": self.first_error,
        }


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (inclusive method); 0 for no values."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(p) - 1]


@dataclass(slots=True)
class _Window:
    start: float
    end: float
    lock: threading.Lock = field(default_factory=threading.Lock)


def run(
    steps: list[Step],
    *,
    warmup: float,
    seconds: float,
    retryable: Callable[[BaseException], bool],
    tick: Callable[[float], None],
) -> Measurement:
    """Run each step in a thread of its own, repeatedly, until the window closes."""
    now = time.perf_counter()
    window = _Window(now + warmup, now + warmup + seconds)
    result = Measurement(orders=0, seconds=seconds)
    threads = [
        threading.Thread(target=_loop, args=(step, window, result, retryable), daemon=True)
        for step in steps
    ]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        tick(min(1.0, max(0.0, (time.perf_counter() - now) / (warmup + seconds))))
        time.sleep(0.2)
    tick(1.0)
    return result


def _loop(
    step: Step, window: _Window, result: Measurement, retryable: Callable[[BaseException], bool]
) -> None:
    while (started := time.perf_counter()) < window.end:
        try:
            step()
        except Exception as error:
            with window.lock:
                if retryable(error):
                    result.retries += 1
                    continue
                result.errors += 1
                result.first_error = result.first_error or f"{type(error).__name__}: {error}"
            if result.errors > 100:
                return
            continue
        ended = time.perf_counter()
        with window.lock:
            result.placed += 1
            if started >= window.start and ended <= window.end:
                result.orders += 1
                result.latencies_ms.append((ended - started) * 1000)
