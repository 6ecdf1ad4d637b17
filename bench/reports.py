"""``python -m bench.reports [--orders N] [--quick]``: the time of every report on PostgreSQL
and SQLite, over generated history of the size of the real dataset (25,900 orders of 4,372
buyers, the UCI file's invoices and customers) and over 1,000,000 orders (docs/decisions/0015).

The merchant is set up through the services, the history bulk-loaded (``bench.history``),
statistics refreshed; each report then runs through ``oms.reports.services.run_report`` over
the whole history (two years, by month) once to warm the cache and ``REPEAT`` times measured.
Lines ``REPORT_S <report>_<backend>_<orders> <median seconds>`` are what runs are compared by.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from rich.console import Console

from bench import bulk, history
from bench.config import postgres_url
from bench.databases import Database, postgres, sqlite
from bench.merchant import setup
from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import Filters, ReportName
from oms.reports.services import run_report

out = Console(highlight=False, soft_wrap=True)
REPEAT = 3
SCALES = ((25_900, 4_372), (1_000_000, 100_000))
"""(orders, buyers): the real dataset's size, then a million orders."""


def measure(db: Database, orders: int) -> dict[ReportName, float]:
    """Median seconds per report over the database's whole history."""
    uow = UnitOfWork(db.engine)
    today = datetime.now(UTC).date()
    filters = Filters(start=today - timedelta(days=731), end=today)
    found = {}
    for name in ReportName:
        run_report(name, filters, uow=uow)
        samples = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            run_report(name, filters, uow=uow)
            samples.append(time.perf_counter() - started)
        found[name] = statistics.median(samples)
        out.print(f"REPORT_S {name}_{db.kind}_{orders} {found[name]:.3f}")
    return found


def load(db: Database, orders: int, buyers: int) -> None:
    merchant = setup(db, 300)
    history.store_customers(db, buyers)
    started = time.perf_counter()
    history.store_orders(db, merchant.skus, buyers, orders, seed=14)
    bulk.analyze(db)
    out.print(f"# {db.kind}: {orders:,} orders loaded in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 orders only (a smoke run)")
    parser.add_argument("--only", choices=("postgresql", "sqlite"), default=None)
    args = parser.parse_args()
    scales = ((2_000, 500),) if args.quick else SCALES
    for orders, buyers in scales:
        if args.only in (None, "postgresql"):
            with postgres(
                postgres_url().replace("oms_bench", "oms_bench_reports"), pool_size=2
            ) as db:
                load(db, orders, buyers)
                measure(db, orders)
        if args.only in (None, "sqlite"):
            with sqlite() as db:
                load(db, orders, buyers)
                measure(db, orders)


if __name__ == "__main__":
    main()
