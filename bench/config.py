"""How big and how long a run is: the full benchmark and the quick one for development."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/oms_bench"


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    name: str
    skus: int
    """Catalog size: every SKU is stocked at the three demo locations."""
    customers: int
    """Customers the stored orders (and the measured ones) belong to."""
    stored_small: int
    """Orders already stored when placement is measured the first time."""
    stored_large: int
    """Orders stored for the second placement measurement and for search."""
    arm_seconds: float
    """Measured time of each placement arm, split into ``rounds`` windows."""
    rounds: int
    """Windows per arm, interleaved with the other arms' (each after its own warm-up)."""
    warmup_seconds: float
    threads: int
    """Concurrent placements on PostgreSQL, the same for the raw and the service arm."""
    http_concurrency: int
    """Requests in flight from the load generator on PostgreSQL."""
    lookups: int
    """Random searches timed for each search figure."""
    pgbench_seconds: int
    sqlite_worker_comparison: bool
    """Also measure SQLite behind two HTTP workers, to show why one suits it."""
    scale_workers: tuple[int, ...] = (1, 2, 4)
    """HTTP workers on PostgreSQL for the scale line (orders/s with each)."""
    scale_seconds: float = 8
    """Measured time of each scale arm, split into ``rounds`` windows like the others'."""
    write_results: bool = True
    """Write ``bench/results/<date>.json`` (the smoke run of the test suite does not)."""
    control_threads: int = 8
    control_stock: int = 20


FULL = Profile(
    name="full",
    skus=10_000,
    customers=100_000,
    stored_small=10_000,
    stored_large=1_000_000,
    arm_seconds=20,
    rounds=4,
    warmup_seconds=1,
    threads=4,
    http_concurrency=8,
    lookups=400,
    pgbench_seconds=10,
    sqlite_worker_comparison=True,
)

QUICK = Profile(
    name="quick",
    skus=2_000,
    customers=10_000,
    stored_small=10_000,
    stored_large=100_000,
    arm_seconds=3,
    rounds=2,
    warmup_seconds=0.5,
    threads=4,
    http_concurrency=8,
    lookups=100,
    pgbench_seconds=2,
    sqlite_worker_comparison=False,
    scale_seconds=2,
)

SMOKE = Profile(
    name="smoke",
    skus=60,
    customers=200,
    stored_small=300,
    stored_large=2_000,
    arm_seconds=1,
    rounds=1,
    warmup_seconds=0.5,
    threads=2,
    http_concurrency=4,
    lookups=20,
    pgbench_seconds=1,
    sqlite_worker_comparison=False,
    scale_seconds=1,
    write_results=False,
)
"""The test suite's run of the machinery (tests/integration/test_bench_smoke.py): every step
and every printed line, on tiny data, in well under a minute; its figures mean nothing."""


def postgres_url() -> str:
    """The server to benchmark on; the run creates and drops its own databases there."""
    return os.environ.get("OMS_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
