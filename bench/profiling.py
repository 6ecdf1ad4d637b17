"""``python -m bench --profile``: where the service arm's time goes, with cProfile.

Places orders one at a time through ``place_order`` on each database, first unprofiled (CPU
and wall time per order), then under cProfile (timed by CPU, so waiting on the database does
not count), and prints the CPU shares by layer and the oms functions by cumulative CPU.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from rich.console import Console
from rich.table import Table

from bench import bulk, history, merchant
from bench.arms import service
from bench.config import postgres_url
from bench.databases import Database, libpq_url, postgres, sqlite
from bench.workload import OrderStream

SKUS = 2_000
BUYERS = 10_000
ORDERS = 300


def _layer(path: str, function: str) -> str:
    if "sqlalchemy" in path:
        return "SQLAlchemy"
    if "psycopg" in path or "sqlite3" in function:
        return "driver (psycopg, sqlite3)"
    if "/oms/" in path:
        return "oms (" + path.split("/oms/")[1].split("/", maxsplit=1)[0] + ")"
    if path == "~":
        return "builtins (called by all layers)"
    return "stdlib and other libraries"


def _databases() -> Iterator[Callable[[], AbstractContextManager[Database]]]:
    yield sqlite
    yield lambda: postgres(libpq_url(postgres_url(), "oms_bench_profile"), pool_size=2)


def _per_order(place: Callable[[], None]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(ORDERS):
        place()
    return (
        (time.process_time() - cpu) / ORDERS * 1000,
        (time.perf_counter() - wall) / ORDERS * 1000,
    )


def _profiled(place: Callable[[], None]) -> pstats.Stats:
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(ORDERS):
        place()
    profiler.disable()
    return pstats.Stats(profiler)


def _layers(stats: pstats.Stats) -> Table:
    own: Counter[str] = Counter()
    for (path, _, function), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        own[_layer(path, function)] += tottime
    total = sum(own.values())
    table = Table("layer", "share of CPU (self time)")
    for layer, seconds in own.most_common():
        table.add_row(layer, f"{seconds / total:.0%}")
    return table


def _functions(stats: pstats.Stats, limit: int = 18) -> Table:
    rows = [
        (cumulative, f"{path.split('/src/oms/')[1]}:{function}", calls)
        for (path, _, function), (_, calls, _, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
        if "/src/oms/" in path
    ]
    total = max(cumulative for cumulative, _, _ in rows)
    table = Table("oms function", "calls/order", "share of CPU (cumulative)")
    for cumulative, name, calls in sorted(rows, reverse=True)[:limit]:
        table.add_row(name, f"{calls / ORDERS:.1f}", f"{cumulative / total:.0%}")
    return table


def main(console: Console) -> None:
    for database in _databases():
        with database() as db:
            shop = merchant.setup(db, SKUS)
            history.store_customers(db, BUYERS)
            history.store_orders(db, shop.skus, BUYERS, 10_000, seed=1)
            bulk.analyze(db)
            place = service.step(db, OrderStream([s.code for s in shop.skus], BUYERS, seed=5))
            for _ in range(50):
                place()
            cpu, wall = _per_order(place)
            console.rule(f"{db.kind}: place_order, one at a time")
            console.print(f"CPU {cpu:.2f} ms and wall {wall:.2f} ms per order, unprofiled")
            stats = _profiled(place)
            console.print(_layers(stats))
            console.print(_functions(stats))
