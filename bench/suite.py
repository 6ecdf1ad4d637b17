"""The order of a run: calibration, then every arm on PostgreSQL, then every arm on SQLite.

Each database is created for the run, loaded, measured arm after arm (the invariants checked
after each) and dropped. On PostgreSQL the service arm runs first in a scenario, so "10,000
stored orders" is what it sees; the history is then grown to 1,000,000 and placement measured
again before the searches.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bench import bulk, calibration, history, invariants, measure, merchant, search
from bench.arms import http, naive, raw, service
from bench.config import Profile, postgres_url
from bench.databases import Database, postgres, sqlite
from bench.measure import Step
from bench.merchant import Merchant
from bench.report import ArmResult, Display, Results
from bench.workload import OrderStream

STEPS = 19
SQLITE_HTTP_CONCURRENCY = 2
"""In flight against SQLite: its one writer at a time makes more wait, not work."""


def calibrate(profile: Profile, display: Display, results: Results) -> None:
    with display.step("calibration: pgbench and a Python loop") as tick:
        results.machine = calibration.machine(postgres_url())
        results.calibration = {
            "pgbench": calibration.pgbench_tps(postgres_url(), profile.pgbench_seconds),
            "python_loop_ms": calibration.python_loop_ms(),
        }
        tick(1.0)
    pg, py = results.calibration["pgbench"], results.calibration["python_loop_ms"]
    display.console.print(
        f"[bold]calibration[/bold]: {results.machine['cpus']} x {results.machine['cpu']}, "
        f"load {results.machine['load_average_at_start']}; PostgreSQL "
        f"{results.machine['postgresql']}: {pg['tps']:.0f} tps ({pg['method']}); "
        f"SQLite {results.machine['sqlite']}; Python {results.machine['python']}: "
        f"5M-step loop {py:.0f} ms"
    )


def _load(db: Database, profile: Profile, display: Display, results: Results) -> Merchant:
    with display.step(f"{db.kind}: catalog, stock, customers, orders") as tick:
        started = time.perf_counter()
        shop = merchant.setup(db, profile.skus)
        history.store_customers(db, profile.customers)
        history.store_orders(db, shop.skus, profile.customers, profile.stored_small, seed=1)
        bulk.analyze(db)
        results.setup_seconds[db.kind] = round(time.perf_counter() - started, 1)
        tick(1.0)
    return shop


def _steps(db: Database, shop: Merchant, arm: str, streams: list[OrderStream]) -> list[Step]:
    if arm == "service":
        return [service.step(db, stream) for stream in streams]
    steps: list[Step] = []
    for stream in streams:
        placer = raw.RawPlacer(db, shop)
        steps.append(lambda placer=placer, stream=stream: placer.place(stream.next()))  # type: ignore[misc]
    return steps


def in_process(
    ctx: tuple[Profile, Display, Results],
    db: Database,
    shop: Merchant,
    *,
    arm: str,
    scenario: str,
    threads: int,
) -> None:
    """Measure the raw or the service arm with ``threads`` threads, then check invariants."""
    profile, display, results = ctx
    codes = [sku.code for sku in shop.skus]
    streams = [
        OrderStream(codes, profile.customers, seed=1000 * threads + i, hot=scenario == "hot")
        for i in range(threads)
    ]
    steps = _steps(db, shop, arm, streams)
    since = datetime.now(UTC)
    with display.step(f"{db.kind}: {scenario} {arm} ({threads} threads)") as tick:
        m = measure.run(
            steps,
            warmup=profile.warmup_seconds,
            seconds=profile.arm_seconds,
            retryable=raw.is_retryable,
            tick=tick,
        )
    result = ArmResult(
        db.kind, scenario, arm, m, invariants.check(db, since=since, placed=m.placed),
        {"threads": threads},
    )  # fmt: skip
    results.arms.append(result)
    display.arm(result)


def over_http(
    ctx: tuple[Profile, Display, Results],
    db: Database,
    shop: Merchant,
    *,
    workers: int,
    concurrency: int,
    arm: str = "http",
) -> None:
    """Measure ``oms serve --workers N`` under the load generator, then check invariants."""
    profile, display, results = ctx
    secret = http.api_key(db)
    load = http.Load(
        skus=[sku.code for sku in shop.skus],
        buyers=profile.customers,
        seed=77 + workers,
        concurrency=concurrency,
        warmup=profile.warmup_seconds,
        seconds=profile.arm_seconds,
    )
    since = datetime.now(UTC)
    label = f"{db.kind}: uniform {arm} ({workers} workers, {concurrency} in flight)"
    with display.step(label) as tick, http.server(db, workers) as url:
        report = http.drive(url, secret, load, tick)
    acknowledged = len(report["acknowledged"])
    findings = invariants.check(db, since=since, placed=acknowledged, keys=acknowledged)
    findings.counts["replays answering another order"] = report["wrong_replays"]
    settings = {"workers": workers, "concurrency": concurrency, "statuses": report["statuses"]}
    result = ArmResult(db.kind, "uniform", arm, http.measurement(report), findings, settings)
    results.arms.append(result)
    display.arm(result)


def control(ctx: tuple[Profile, Display, Results], db: Database) -> None:
    """The naive read-check-write arm: the invariant check must catch its oversell."""
    profile, display, results = ctx
    with display.step(f"{db.kind}: naive read-check-write control") as tick:
        sold, findings = naive.run(db, threads=profile.control_threads, stock=profile.control_stock)
        tick(1.0)
    caught = not findings.ok
    results.controls[db.kind] = {
        "stock": profile.control_stock,
        "sold": sold,
        "oversold_units": findings.oversold_units,
        "check_caught_it": caught,
    }
    verdict = "[green]caught[/green]" if caught else "[red]NOT caught: the check has no teeth[/red]"
    display.console.print(
        f"{db.kind:<10} control  naive read-check-write: {sold} units sold from "
        f"{profile.control_stock}, {findings.oversold_units} oversold; invariant check {verdict}"
    )


def on_postgres(profile: Profile, display: Display, results: Results) -> None:
    ctx = (profile, display, results)
    with postgres(postgres_url(), pool_size=profile.threads) as db:
        shop = _load(db, profile, display, results)
        for arm in ("service", "raw"):
            in_process(ctx, db, shop, arm=arm, scenario="uniform", threads=profile.threads)
        over_http(ctx, db, shop, workers=2, concurrency=profile.http_concurrency)
        for arm in ("service", "raw"):
            in_process(ctx, db, shop, arm=arm, scenario="hot", threads=profile.threads)
        control(ctx, db)
        with display.step(f"postgresql: grow history to {profile.stored_large:,} orders"):
            started = time.perf_counter()
            more = profile.stored_large - profile.stored_small
            history.store_orders(db, shop.skus, profile.customers, more, seed=2)
            bulk.analyze(db)
            results.setup_seconds["postgresql_history"] = round(time.perf_counter() - started, 1)
        for arm in ("service", "raw"):
            in_process(ctx, db, shop, arm=arm, scenario="1m", threads=profile.threads)
        with display.step("postgresql: search by email") as tick:
            found = search.by_email(db, profile.customers, profile.lookups, tick)
            results.searches["search_by_email_1m_postgresql"] = found
        with display.step("postgresql: search by number") as tick:
            found = search.by_number(db, profile.lookups, tick)
            results.searches["search_by_number_1m_postgresql"] = found


def on_sqlite(profile: Profile, display: Display, results: Results) -> None:
    ctx = (profile, display, results)
    with sqlite() as db:
        shop = _load(db, profile, display, results)
        for arm in ("service", "raw"):
            in_process(ctx, db, shop, arm=arm, scenario="uniform", threads=1)
        over_http(ctx, db, shop, workers=1, concurrency=SQLITE_HTTP_CONCURRENCY)
        if profile.sqlite_worker_comparison:
            over_http(
                ctx, db, shop, workers=2, concurrency=SQLITE_HTTP_CONCURRENCY, arm="http-2-workers"
            )
        control(ctx, db)
