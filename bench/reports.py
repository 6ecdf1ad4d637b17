"""``python -m bench.reports [--quick] [--only postgresql|sqlite] [--scale N] [--no-plain]``:
the time of every report on PostgreSQL and SQLite, over generated history of the size of the
real dataset (25,900 orders of 4,372 buyers, the UCI file's invoices and customers) and over
1,000,000 orders (docs/decisions/0015).

The merchant is set up through the services, the history bulk-loaded with its fulfilment
(``bench.history``: each order a delivered fulfilment order and its parcels; timed:
``LOAD_S``), statistics refreshed, then the summaries built by a full refresh (``REFRESH_S
full_...``, ADR 0015). Each report then runs through ``oms.reports.services.run_report`` over
the whole history (two years, by month) once to warm the cache and ``REPEAT`` times measured:
``REPORT_S <report>_<backend>_<orders> <median seconds>``; the same reports on the operational
tables (the plain SQL before ADR 0015) once each: ``REPORT_PLAIN_S``. ``REFRESH_S noop_...`` is
the check a report read makes when nothing changed, ``REFRESH_S one_order_...`` the refresh
after one order changed (its version and ``updated_at`` moved, as any change of an order
moves them; the refresh derives its facts, its customer's and its days' again).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from rich.console import Console
from sqlalchemy import text

from bench import bulk, history
from bench.config import postgres_url
from bench.databases import Database, postgres, sqlite
from bench.merchant import setup
from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import Filters, ReportName
from oms.reports.services import refresh_summaries, run_plain_report, run_report

out = Console(highlight=False, soft_wrap=True)
REPEAT = 3
SCALES = ((25_900, 4_372), (1_000_000, 100_000))
"""(orders, buyers): the real dataset's size, then a million orders."""


def _filters() -> Filters:
    today = datetime.now(UTC).date()
    return Filters(start=today - timedelta(days=731), end=today)


def measure(db: Database, orders: int, *, plain: bool) -> dict[ReportName, float]:
    """Median seconds per report over the database's whole history."""
    uow = UnitOfWork(db.engine)
    filters = _filters()
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
    if plain:
        for name in ReportName:
            started = time.perf_counter()
            expected = run_plain_report(name, filters, uow=uow)
            seconds = time.perf_counter() - started
            out.print(f"REPORT_PLAIN_S {name}_{db.kind}_{orders} {seconds:.3f}")
            if sorted(map(str, expected.rows)) != sorted(
                map(str, run_report(name, filters, uow=uow).rows)
            ):
                raise SystemExit(f"{name}: the summaries differ from the operational tables")
    return found


def refreshes(db: Database, orders: int) -> None:
    """The full build of the summaries, the check when nothing changed, one changed order."""
    uow = UnitOfWork(db.engine)
    started = time.perf_counter()
    done = refresh_summaries(uow=uow, full=True)
    seconds = time.perf_counter() - started
    out.print(f"REFRESH_S full_{db.kind}_{orders} {seconds:.3f}  # {done.orders:,} orders")
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        refresh_summaries(uow=uow)
        samples.append(time.perf_counter() - started)
    out.print(f"REFRESH_S noop_{db.kind}_{orders} {statistics.median(samples):.3f}")
    with db.engine.begin() as c:  # the newest order changed (its version and time, as any change)
        c.execute(
            text(
                "UPDATE orders SET version = version + 1, updated_at = :now WHERE id = "
                "(SELECT id FROM orders ORDER BY placed_at DESC LIMIT 1)"
            ),
            {"now": datetime.now(UTC) if db.is_postgres else datetime.now(UTC).isoformat(" ")[:26]},
        )
    started = time.perf_counter()
    done = refresh_summaries(uow=uow)
    seconds = time.perf_counter() - started
    out.print(
        f"REFRESH_S one_order_{db.kind}_{orders} {seconds:.3f}  # {done.orders} order, "
        f"{done.days} days, {done.customers} customers"
    )


def load(db: Database, orders: int, buyers: int) -> None:
    merchant = setup(db, 300)
    history.store_customers(db, buyers)
    started = time.perf_counter()
    history.store_orders(db, merchant.skus, buyers, orders, seed=14, locations=merchant.locations)
    bulk.analyze(db)
    out.print(f"LOAD_S {db.kind}_{orders} {time.perf_counter() - started:.0f}")


def run(db: Database, orders: int, buyers: int, *, plain: bool) -> None:
    load(db, orders, buyers)
    refreshes(db, orders)
    bulk.analyze(db)
    measure(db, orders, plain=plain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 orders only (a smoke run)")
    parser.add_argument("--only", choices=("postgresql", "sqlite"), default=None)
    parser.add_argument("--scale", type=int, default=None, help="only this many orders")
    parser.add_argument("--no-plain", action="store_true", help="skip the operational SQL")
    args = parser.parse_args()
    scales: tuple[tuple[int, int], ...] = ((2_000, 500),) if args.quick else SCALES
    if args.scale is not None:
        scales = tuple(s for s in SCALES if s[0] == args.scale) or ((args.scale, args.scale // 10),)
    for orders, buyers in scales:
        if args.only in (None, "postgresql"):
            with postgres(
                postgres_url().replace("oms_bench", "oms_bench_reports"), pool_size=2
            ) as db:
                run(db, orders, buyers, plain=not args.no_plain)
        if args.only in (None, "sqlite"):
            with sqlite() as db:
                run(db, orders, buyers, plain=not args.no_plain)


if __name__ == "__main__":
    main()
