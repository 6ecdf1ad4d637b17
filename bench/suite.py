"""The order of a run: calibration, then PostgreSQL, then SQLite.

On PostgreSQL two databases are loaded side by side: one with 10,000 stored orders and one with
1,000,000. Every placement arm (raw, service and HTTP on the first; the hot-SKU scenario there
too; raw and service on the second) is then measured in rounds: each round gives each arm one
window, so slow and busy moments of a shared machine fall on all arms alike and every ratio
compares arms measured side by side. The invariants are checked after every window. Then the
naive control arm, the statements of one placement, the scale line (HTTP with 1, 2 and 4
workers, interleaved among themselves) and the searches, each interleaved lookup by lookup with
its control; SQLite follows the same pattern with one database.
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

from bench import bulk, calibration, history, invariants, measure, merchant, search, statements
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
    """Steps of the progress bar: calibration, loads, windows, controls, statement counts,
    scale windows and searches."""
    sqlite_arms = 4 if profile.sqlite_worker_comparison else 3
    scale = len(profile.scale_workers) * profile.rounds
    postgres = 2 + 7 * profile.rounds + 1 + 1 + scale + 2
    return 1 + postgres + (1 + sqlite_arms * profile.rounds + 1 + 1)


def _raw_step(placer: raw.RawPlacer, stream: OrderStream) -> Step:
    def place() -> None:
        placer.place(stream.next())

    return place


@dataclass(slots=True)
class Suite:
    profile: Profile
    display: Display
    results: Results
    secrets: dict[str, str] = field(default_factory=dict)
    """A channel API key per database (made once, used by every HTTP arm on it)."""

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
        self,
        db: Database,
        shop: Merchant,
        workers: int,
        concurrency: int,
        resources: ExitStack,
        scenario: str = "uniform",
    ) -> Arm:
        """``oms serve --workers N`` (started once, kept for all rounds) and the load generator."""
        server = resources.enter_context(http.server(db, workers))
        if db.url not in self.secrets:
            self.secrets[db.url] = http.api_key(db)
        secret = self.secrets[db.url]
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

        if scenario == "scale":
            name = f"http-{workers}-workers"
        else:
            name = "http" if workers == 1 or db.is_postgres else f"http-{workers}-workers"
        label = f"{db.kind}: {scenario} {name} ({workers} workers, {concurrency} in flight)"
        settings = {"workers": workers, "concurrency": concurrency}
        return Arm(db, scenario, name, label, window, settings)

    def interleave(self, arms: list[Arm], seconds: float | None = None) -> None:
        """Measure the arms round by round, checking the invariants after every window;
        ``seconds`` of measurement per arm (the profile's ``arm_seconds`` if not given)."""
        p = self.profile
        per_window = (seconds or p.arm_seconds) / p.rounds
        windows: list[list[Measurement]] = [[] for _ in arms]
        findings = [Findings() for _ in arms]
        for number in range(1, p.rounds + 1):
            for arm, parts, found in zip(arms, windows, findings, strict=True):
                since = datetime.now(UTC)
                with self.display.step(f"{arm.label} {number}/{p.rounds}") as tick:
                    m = arm.window(p.warmup_seconds, per_window, tick)
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
            self.count_statements(small, shop)
            self.scale(small, shop, resources)
            self.searches(large)

    def count_statements(self, db: Database, shop: Merchant) -> None:
        """Statements of one placement through the service (as the budget test counts)."""
        with self.display.step(f"{db.kind}: statements of one placement") as tick:
            codes = [sku.code for sku in shop.skus]
            counted = statements.per_placement(db, codes, self.profile.customers)
            self.results.statements[db.kind] = counted
            tick(1.0)
        self.display.console.print(f"{db.kind:<10} statements of one placement: {counted}")

    def scale(self, db: Database, shop: Merchant, resources: ExitStack) -> None:
        """Orders/s over HTTP with 1, 2 and 4 workers, interleaved among themselves."""
        p = self.profile
        arms = [
            self.over_http(db, shop, workers, p.http_concurrency, resources, "scale")
            for workers in p.scale_workers
        ]
        self.interleave(arms, p.scale_seconds)

    def searches(self, db: Database) -> None:
        """Each search interleaved lookup by lookup with its control (the driver alone)."""
        p = self.profile
        with self.display.step("postgresql: search by email (and control)") as tick:
            found, control = search.by_email(db, p.customers, p.lookups, tick)
            self.results.searches["search_by_email_1m_postgresql"] = found
            self.results.searches["search_by_email_raw_1m_postgresql"] = control
        with self.display.step("postgresql: search by number (and control)") as tick:
            found, control = search.by_number(db, p.lookups, tick)
            self.results.searches["search_by_number_1m_postgresql"] = found
            self.results.searches["search_by_number_raw_1m_postgresql"] = control

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
            self.count_statements(db, shop)
