"""``python -m bench.console [--quick]``: the server time of every console page a staff user
opens all day, on the demo merchant and on the demo merchant with 100,000 more orders of
history, on PostgreSQL and SQLite (docs/console.md; the target is under 150 ms each).

Each page is requested in-process (the ASGI app, a signed-in admin's session) ``repeat`` times
after two warm-up requests; the time is the app's own, measured around the request by a
middleware, so no client or socket cost is in the figure. Lines ``CONSOLE_MS <backend>
<dataset> <page> median=<ms> p95=<ms>`` are what runs are compared by.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table
from sqlalchemy import select, text

from bench import bulk, history
from bench.bulk import Row
from bench.config import postgres_url
from bench.databases import Database, postgres, sqlite
from bench.merchant import Sku
from bench.workload import buyer
from oms import auth
from oms.app import demo
from oms.app.http import create_app
from oms.catalog.tables import product_variants, products, variant_prices
from oms.customers.tables import customers
from oms.fulfilment.tables.orders import fulfilment_orders
from oms.orders.tables import order_counters, orders
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import ReportName
from oms.returns.tables.returns import returns

RESULTS = Path(__file__).parent / "results"
PASSWORD = "bench console passphrase"  # noqa: S105 (a throwaway benchmark database)
HISTORY_ORDERS = 100_000
HISTORY_BUYERS = 20_000
TARGET_MS = 150.0


@dataclass
class Timings:
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, backend: str, dataset: str, page: str, samples: list[float], status: int) -> None:
        ordered = sorted(samples)
        self.rows.append(
            {
                "backend": backend,
                "dataset": dataset,
                "page": page,
                "status": status,
                "median_ms": round(statistics.median(ordered), 1),
                "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
                "max_ms": round(ordered[-1], 1),
            }
        )


def timed_app(db: Database) -> tuple[FastAPI, list[float]]:
    """The app with a middleware that records each request's server time."""
    settings = Settings(console_secure_cookie=False, log_level="warning")
    app = create_app(settings, engine=db.engine, run_relay=False)
    spent: list[float] = []

    @app.middleware("http")
    async def clock(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response: Response = await call_next(request)  # a page is rendered whole by now
        spent.append((time.perf_counter() - started) * 1000)
        return response

    return app, spent


def add_history(db: Database, count: int) -> None:
    """``count`` completed web orders of bench buyers on the demo's SKUs, bulk-loaded."""
    with db.engine.connect() as c:
        found = c.execute(
            select(product_variants.c.id, product_variants.c.sku, products.c.name,
                   variant_prices.c.amount_minor)
            .join(products, products.c.id == product_variants.c.product_id)
            .join(variant_prices, variant_prices.c.variant_id == product_variants.c.id)
            .where(variant_prices.c.channel_code == "web")
        ).all()  # fmt: skip
    skus = [Sku(code, variant_id, name, price) for variant_id, code, name, price in found]
    now = datetime.now(UTC)

    def buyers() -> Iterator[Row]:
        for n in range(HISTORY_BUYERS):
            b = buyer(n)
            yield (
                history.customer_id(n), f"C-B{n}", b.email, b.email.lower(), b.name,
                b.name.lower(), "de-DE", False, "", now, now,
            )  # fmt: skip

    columns = ("id", "number", "email", "email_key", "name", "name_search", "locale")
    bulk.load(db, customers, (*columns, "marketing_consent", "notes", "created_at", "updated_at"),
              buyers())  # fmt: skip
    if db.is_postgres:
        # The service numbers orders from the order_numbers sequence on PostgreSQL (the counter
        # row is SQLite's): history continues after the sequence's last number.
        with db.engine.begin() as c:
            last = c.execute(text("SELECT last_value FROM order_numbers")).scalar_one()
            if c.execute(select(order_counters.c.value)).scalar() is None:
                c.execute(order_counters.insert().values(name="SO", value=last))
    history.store_orders(db, skus, HISTORY_BUYERS, count, seed=7)
    bulk.analyze(db)


def tracking_page(client: TestClient, number: str, email: str) -> str | None:
    """The customer's order page behind ``/track`` (the signed link the lookup redirects to)."""
    answer = client.post("/track", data={"number": number, "email": email})
    return answer.headers.get("location") if answer.status_code == 303 else None


def pages(db: Database, client: TestClient) -> dict[str, str]:
    """The pages to time, with real records of the database in their paths."""
    with db.engine.connect() as c:
        order = c.execute(
            select(orders.c.number, orders.c.customer_email, orders.c.customer_id)
            .where(orders.c.channel_code == "web", orders.c.customer_id.is_not(None))
            .order_by(orders.c.placed_at.desc())
            .limit(1)
        ).one()
        fo = c.execute(select(fulfilment_orders.c.id).limit(1)).scalar()
        ret = c.execute(select(returns.c.id).limit(1)).scalar()
        sku = c.execute(select(product_variants.c.sku).limit(1)).scalar()
    found = {
        "dashboard": "/console",
        "orders": "/console/orders",
        "orders search (email)": f"/console/orders?q={order.customer_email}",
        "orders search (name)": "/console/orders?q=Schmidt",
        "orders on hold": "/console/orders?on_hold=true",
        "order page": f"/console/orders/{order.number}",
        "customers": "/console/customers?q=mar",
        "customer 360": f"/console/customers/{order.customer_id}",
        "inventory": "/console/inventory",
        "inventory low": "/console/inventory?low=true",
        "inventory sku": f"/console/inventory/{sku}",
        "fulfilment queue": "/console/fulfilment/wh-de",
        "pick list": "/console/fulfilment/wh-de/pick-list",
        "fulfilment late": "/console/fulfilment?late=true",
        "returns": "/console/returns",
        "finance": "/console/finance",
        "reconciliation": "/console/finance/reconciliation",
        "settings channels": "/console/settings/channels",
        "settings staff": "/console/settings/staff",
        "reports": "/console/reports",
    }
    # every report's page over the default range (the last 365 days), by month
    found |= {f"report {name.value}": f"/console/reports/{name.value}" for name in ReportName}
    if fo is not None:
        found["fulfilment order"] = f"/console/fulfilment/orders/{fo}"
    if ret is not None:
        found["return"] = f"/console/returns/{ret}"
    tracking = tracking_page(client, order.number, order.customer_email)
    if tracking is not None:
        found["customer order page"] = tracking
    return found


def measure(db: Database, dataset: str, repeat: int, timings: Timings, console: Console) -> None:
    app, spent = timed_app(db)
    email = f"bench-{dataset}@console.example"
    auth.create_staff_user(
        auth.CreateStaffUser(email=email, role=auth.Role.ADMIN, password=PASSWORD),
        uow=UnitOfWork(db.engine),
    )
    with TestClient(app, follow_redirects=False) as client:
        answer = client.post("/console/login", data={"email": email, "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        for name, path in pages(db, client).items():
            status = 0
            for _ in range(2):
                client.get(path)
            spent.clear()
            for _ in range(repeat):
                status = client.get(path).status_code
            timings.add(db.kind, dataset, name, list(spent), status)
            console.print(f"  {db.kind} {dataset:<8} {name:<24} {statistics.median(spent):7.1f} ms")


def run(db: Database, repeat: int, history_orders: int, timings: Timings, console: Console) -> None:
    with tempfile.TemporaryDirectory() as folder:
        demo.load(UnitOfWork(db.engine), settlement_dir=Path(folder))
    bulk.analyze(db)
    measure(db, "demo", repeat, timings, console)
    started = time.perf_counter()
    add_history(db, history_orders)
    console.print(
        f"  {db.kind}: {history_orders:,} orders added in {time.perf_counter() - started:.0f} s"
    )
    label = f"{history_orders // 1000}k" if history_orders >= 1000 else f"+{history_orders}"
    measure(db, label, repeat, timings, console)


def table(timings: Timings) -> Table:
    shown = Table(title=f"Console pages: server time (target < {TARGET_MS:.0f} ms)")
    for column in ("backend", "dataset", "page", "status", "median ms", "p95 ms", "max ms"):
        shown.add_column(column, justify="right" if "ms" in column else "left")
    for row in timings.rows:
        slow = row["p95_ms"] >= TARGET_MS or row["status"] != 200
        style = "red" if slow else None
        shown.add_row(
            row["backend"], row["dataset"], row["page"], str(row["status"]),
            f"{row['median_ms']:.1f}", f"{row['p95_ms']:.1f}", f"{row['max_ms']:.1f}", style=style,
        )  # fmt: skip
    return shown


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.console", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer requests per page")
    parser.add_argument("--smoke", action="store_true", help="SQLite, 500 orders of history")
    parser.add_argument("--json", metavar="PATH", help="write the timings here")
    args = parser.parse_args()
    console = Console() if sys.stdout.isatty() else Console(width=150)
    repeat = 3 if args.smoke else 10 if args.quick else 30
    history_orders = 500 if args.smoke else HISTORY_ORDERS
    timings = Timings()
    if not args.smoke:
        with postgres(postgres_url().replace("oms_bench", "oms_bench_console"), pool_size=5) as db:
            run(db, repeat, history_orders, timings, console)
    with sqlite() as db:
        run(db, repeat, history_orders, timings, console)
    console.print(table(timings))
    if args.json or not (args.smoke or args.quick):
        path = (
            Path(args.json) if args.json else RESULTS / f"{datetime.now(UTC):%Y-%m-%d}-console.json"
        )
        path.write_text(json.dumps(timings.rows, indent=2) + "\n")
        console.print(f"timings written to {path}")
    for row in timings.rows:
        print(  # noqa: T201 (the lines runs are compared by)
            f"CONSOLE_MS {row['backend']} {row['dataset']} {row['page'].replace(' ', '_')} "
            f"median={row['median_ms']} p95={row['p95_ms']} status={row['status']}"
        )


if __name__ == "__main__":
    main()
