"""Timing placements: N threads place orders for a warm-up and then a measured window.

Only placements that start and end inside the window count, so the throughput is orders
completed per second of window and the latencies are those of a steady state. An arm is
measured in several such windows, interleaved with the other arms', and ``merged``.
"""

from __future__ import annotations

import sqlite3
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
    cpu_ms_per_order: dict[str, float] = field(default_factory=dict)
    """CPU time per placed order by process: ``process`` (the bench's own, in-process arms),
    ``server`` and ``client`` (the load generator) over HTTP. The database server's is not in."""
    first_error: str | None = None
    acknowledged_keys: int | None = None
    """Over HTTP: orders acknowledged (201), each for an Idempotency-Key of its own."""
    wrong_replays: int = 0
    """Over HTTP: replayed keys that did not answer with their first order."""

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
            "cpu_ms_per_order": {name: round(ms, 2) for name, ms in self.cpu_ms_per_order.items()},
        }


def merged(parts: list[Measurement]) -> Measurement:
    """One arm's windows as one measurement (CPU per order weighted by orders placed)."""
    placed = sum(m.placed for m in parts)
    cpu = {
        name: sum(m.cpu_ms_per_order.get(name, 0.0) * m.placed for m in parts) / max(1, placed)
        for name in {name for m in parts for name in m.cpu_ms_per_order}
    }
    keys = [m.acknowledged_keys for m in parts if m.acknowledged_keys is not None]
    return Measurement(
        orders=sum(m.orders for m in parts),
        seconds=sum(m.seconds for m in parts),
        latencies_ms=[ms for m in parts for ms in m.latencies_ms],
        errors=sum(m.errors for m in parts),
        retries=sum(m.retries for m in parts),
        placed=placed,
        cpu_ms_per_order=cpu,
        first_error=next((m.first_error for m in parts if m.first_error), None),
        acknowledged_keys=sum(keys) if keys else None,
        wrong_replays=sum(m.wrong_replays for m in parts),
    )


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


def is_retryable(error: BaseException) -> bool:
    """A deadlock, a serialisation failure or a busy SQLite file: the caller may try again."""
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, sqlite3.OperationalError):
        return "locked" in str(cause)
    return getattr(cause, "sqlstate", None) in ("40001", "40P01")


def run(
    steps: list[Step], *, warmup: float, seconds: float, tick: Callable[[float], None]
) -> Measurement:
    """Run each step in a thread of its own, repeatedly, until the window closes."""
    now, cpu = time.perf_counter(), time.process_time()
    window = _Window(now + warmup, now + warmup + seconds)
    result = Measurement(orders=0, seconds=seconds)
    threads = [
        threading.Thread(target=_loop, args=(step, window, result), daemon=True) for step in steps
    ]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        tick(min(1.0, max(0.0, (time.perf_counter() - now) / (warmup + seconds))))
        time.sleep(0.2)
    tick(1.0)
    used = time.process_time() - cpu
    result.cpu_ms_per_order = {"process": used * 1000 / max(1, result.placed)}
    return result


def _loop(step: Step, window: _Window, result: Measurement) -> None:
    while (started := time.perf_counter()) < window.end:
        try:
            step()
        except Exception as error:
            with window.lock:
                if is_retryable(error):
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
