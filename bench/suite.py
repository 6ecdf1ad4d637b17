"""The order of a run: calibration, then PostgreSQL, then SQLite.

On PostgreSQL two databases are loaded side by side: one with 10,000 stored orders and one with
1,000,000. Every placement arm (raw, service and HTTP on the first; the hot-SKU scenario there
too; raw and service on the second) is then measured in rounds: each round gives each arm one
window, so slow and busy moments of a shared machine fall on all arms alike and every ratio
compares arms measured side by side. The invariants are checked after every window. Then the
naive control arm and the searches; SQLite follows the same pattern with one database.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url

from bench import bulk, calibration, history, invariants, measure, merchant, search
from bench.arms import http, naive, raw, service
from bench.config import Profile, postgres_url
from bench.databases import Database, libpq_url, postgres, sqlite
from bench.invariants import Findings
from bench.measure import Measurement, Step
from bench.merchant import Merchant
from bench.report import ArmResult, Display, Results
from bench.workload import OrderStream

SQLITE_HTTP_CONCURRENCY = 2
"""In flight against SQLite: its one writer at a time makes more wait, not work."""

Tick = Callable[[float], None]


@dataclass(slots=True)
class Arm:
    """A way of placing orders on one database in one scenario, measured window by window."""

    database: Database
    scenario: str
    name: str
    label: str
    window: Callable[[float, float, Tick], Measurement]
    """(warm-up seconds, measured seconds, progress) -> one window's measurement."""
    settings: dict[str, Any] = field(default_factory=dict)


def step_count(profile: Profile) -> int:
    """Steps of the progress bar: calibration, loads, windows, controls and searches."""
    sqlite_arms = 4 if profile.sqlite_worker_comparison else 3
    return 1 + (2 + 7 * profile.rounds + 1 + 2) + (1 + sqlite_arms * profile.rounds + 1)


def _raw_step(placer: raw.RawPlacer, stream: OrderStream) -> Step:
    def place() -> None:
        placer.place(stream.next())

    return place


@dataclass(slots=True)
class Suite:
    profile: Profile
    display: Display
    results: Results

    def calibrate(self) -> None:
        """Measure the box before anything else and print it as the header."""
        with self.display.step("calibration: pgbench and a Python loop") as tick:
            self.results.machine = calibration.machine(postgres_url())
            self.results.calibration = {
                "pgbench": calibration.pgbench_tps(postgres_url(), self.profile.pgbench_seconds),
                "python_loop_ms": calibration.python_loop_ms(),
            }
            tick(1.0)
        box, pgbench = self.results.machine, self.results.calibration["pgbench"]
        loop = self.results.calibration["python_loop_ms"]
        self.display.console.print(
            f"[bold]calibration[/bold]: {box['cpus']} x {box['cpu']}, load "
            f"{box['load_average_at_start']}; PostgreSQL {box['postgresql']}: "
            f"{pgbench['tps']:.0f} tps ({pgbench['method']}); SQLite {box['sqlite']}; "
            f"Python {box['python']}: 5M-step loop {loop:.0f} ms"
        )

    def load(self, db: Database, stored: int, name: str) -> Merchant:
        """The merchant, its customers and ``stored`` orders of history."""
        p = self.profile
        with self.display.step(f"{db.kind}: load {name} ({stored:,} stored orders)") as tick:
            started = time.perf_counter()
            shop = merchant.setup(db, p.skus)
            history.store_customers(db, p.customers)
            history.store_orders(db, shop.skus, p.customers, stored, seed=1)
            bulk.analyze(db)
            self.results.setup_seconds[f"{db.kind} {name}"] = round(time.perf_counter() - started)
            tick(1.0)
        return shop

    def in_process(
        self, db: Database, shop: Merchant, scenario: str, name: str, resources: ExitStack
    ) -> Arm:
        """The raw or the service arm, with the profile's threads (one on SQLite)."""
        threads = self.profile.threads if db.is_postgres else 1
        codes = [sku.code for sku in shop.skus]
        steps = []
        for i in range(threads):
            stream = OrderStream(codes, self.profile.customers, seed=100 * i, hot=scenario == "hot")
            if name == "service":
                steps.append(service.step(db, stream))
            else:
                placer = resources.enter_context(closing(raw.RawPlacer(db, shop)))
                steps.append(_raw_step(placer, stream))

        def window(warmup: float, seconds: float, tick: Tick) -> Measurement:
            return measure.run(steps, warmup=warmup, seconds=seconds, tick=tick)

        label = f"{db.kind}: {scenario} {name} ({threads} threads)"
        return Arm(db, scenario, name, label, window, {"threads": threads})

    def over_http(
        self, db: Database, shop: Merchant, workers: int, concurrency: int, resources: ExitStack
    ) -> Arm:
        """``oms serve --workers N`` (started once, kept for all rounds) and the load generator."""
        server = resources.enter_context(http.server(db, workers))
        secret = http.api_key(db)
        seeds = itertools.count(1000 * workers)

        def window(warmup: float, seconds: float, tick: Tick) -> Measurement:
            load = http.Load(
                skus=[sku.code for sku in shop.skus],
                buyers=self.profile.customers,
                seed=next(seeds) * 100,
                concurrency=concurrency,
                warmup=warmup,
                seconds=seconds,
            )
            before = server.cpu_seconds()
            report = http.drive(server.url, secret, load, tick)
            after = server.cpu_seconds()
            used = after - before if after is not None and before is not None else None
            return http.measurement(report, used)

        name = "http" if workers == 1 or db.is_postgres else f"http-{workers}-workers"
        label = f"{db.kind}: uniform {name} ({workers} workers, {concurrency} in flight)"
        settings = {"workers": workers, "concurrency": concurrency}
        return Arm(db, "uniform", name, label, window, settings)

    def interleave(self, arms: list[Arm]) -> None:
        """Measure the arms round by round, checking the invariants after every window."""
        p = self.profile
        windows: list[list[Measurement]] = [[] for _ in arms]
        findings = [Findings() for _ in arms]
        for number in range(1, p.rounds + 1):
            for arm, parts, found in zip(arms, windows, findings, strict=True):
                since = datetime.now(UTC)
                with self.display.step(f"{arm.label} {number}/{p.rounds}") as tick:
                    m = arm.window(p.warmup_seconds, p.arm_seconds / p.rounds, tick)
                parts.append(m)
                checked = invariants.check(
                    arm.database, since=since, placed=m.placed, keys=m.acknowledged_keys
                )
                checked.counts["replays answering another order"] = m.wrong_replays
                found.add(checked)
        for arm, parts, found in zip(arms, windows, findings, strict=True):
            result = ArmResult(
                arm.database.kind, arm.scenario, arm.name, measure.merged(parts), found,
                arm.settings | {"windows": len(parts)},
            )  # fmt: skip
            self.results.arms.append(result)
            self.display.arm(result)

    def control(self, db: Database) -> None:
        """The naive read-check-write arm: the invariant check must catch its oversell."""
        p = self.profile
        with self.display.step(f"{db.kind}: naive read-check-write control") as tick:
            sold, found = naive.run(db, threads=p.control_threads, stock=p.control_stock)
            tick(1.0)
        caught = not found.ok
        self.results.controls[db.kind] = {
            "stock": p.control_stock,
            "sold": sold,
            "oversold_units": found.oversold_units,
            "check_caught_it": caught,
        }
        verdict = "[green]caught[/green]" if caught else "[red]NOT caught: no teeth[/red]"
        self.display.console.print(
            f"{db.kind:<10} control  naive read-check-write: {sold} units sold from "
            f"{p.control_stock}, {found.oversold_units} oversold; invariant check {verdict}"
        )

    def on_postgres(self) -> None:
        p, url = self.profile, postgres_url()
        large_url = libpq_url(url, f"{make_url(url).database}_1m")
        with (
            postgres(url, pool_size=p.threads) as small,
            postgres(large_url, pool_size=p.threads) as large,
            ExitStack() as resources,
        ):
            shop = self.load(small, p.stored_small, "10k")
            big_shop = self.load(large, p.stored_large, "1m")
            self.interleave(
                [
                    self.in_process(small, shop, "uniform", "service", resources),
                    self.in_process(small, shop, "uniform", "raw", resources),
                    self.over_http(small, shop, 2, p.http_concurrency, resources),
                    self.in_process(small, shop, "hot", "service", resources),
                    self.in_process(small, shop, "hot", "raw", resources),
                    self.in_process(large, big_shop, "1m", "service", resources),
                    self.in_process(large, big_shop, "1m", "raw", resources),
                ]
            )
            self.control(small)
            self.searches(large)

    def searches(self, db: Database) -> None:
        p = self.profile
        with self.display.step("postgresql: search by email") as tick:
            found = search.by_email(db, p.customers, p.lookups, tick)
            self.results.searches["search_by_email_1m_postgresql"] = found
        with self.display.step("postgresql: search by number") as tick:
            found = search.by_number(db, p.lookups, tick)
            self.results.searches["search_by_number_1m_postgresql"] = found

    def on_sqlite(self) -> None:
        with sqlite() as db, ExitStack() as resources:
            shop = self.load(db, self.profile.stored_small, "10k")
            arms = [
                self.in_process(db, shop, "uniform", "service", resources),
                self.in_process(db, shop, "uniform", "raw", resources),
                self.over_http(db, shop, 1, SQLITE_HTTP_CONCURRENCY, resources),
            ]
            if self.profile.sqlite_worker_comparison:
                arms.append(self.over_http(db, shop, 2, SQLITE_HTTP_CONCURRENCY, resources))
            self.interleave(arms)
            self.control(db)
