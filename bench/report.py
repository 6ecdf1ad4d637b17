"""Showing a run: a Rich progress display while it runs, a line per arm as it ends, a table,
the JSON file in ``bench/results/`` and, last, the RATIO lines anyone can compare."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.config import Profile
from bench.invariants import Findings
from bench.measure import Measurement

RESULTS = Path(__file__).resolve().parent / "results"
PG, LITE = "postgresql", "sqlite"
RATIOS = {
    "placement_http_vs_raw_postgresql": ((PG, "uniform", "http"), (PG, "uniform", "raw")),
    "placement_service_vs_raw_postgresql": ((PG, "uniform", "service"), (PG, "uniform", "raw")),
    "placement_http_vs_raw_sqlite": ((LITE, "uniform", "http"), (LITE, "uniform", "raw")),
    "hot_vs_uniform_postgresql": ((PG, "hot", "service"), (PG, "uniform", "service")),
    "placement_1m_vs_10k_postgresql": ((PG, "1m", "service"), (PG, "uniform", "service")),
    "placement_service_vs_raw_sqlite": ((LITE, "uniform", "service"), (LITE, "uniform", "raw")),
    "hot_vs_uniform_raw_postgresql": ((PG, "hot", "raw"), (PG, "uniform", "raw")),
    "placement_1m_vs_10k_raw_postgresql": ((PG, "1m", "raw"), (PG, "uniform", "raw")),
}
"""Each ratio: the throughput of one (database, scenario, arm) over another's. The first six
are the issue's; the hot and 1M ratios use the service arm, the ``_raw_`` ones the driver's."""

SEARCH_RATIOS = {
    "search_by_email_vs_raw_1m_postgresql": (
        "search_by_email_1m_postgresql",
        "search_by_email_raw_1m_postgresql",
    ),
    "search_by_number_vs_raw_1m_postgresql": (
        "search_by_number_1m_postgresql",
        "search_by_number_raw_1m_postgresql",
    ),
}
"""Each search against its control, lookup by lookup: the control's median over the search's
(lookups per second over lookups per second, as the placement ratios)."""

P99 = {
    "placement_http_postgresql": (PG, "uniform", "http"),
    "placement_http_sqlite": (LITE, "uniform", "http"),
}
CPU = {
    "server_per_order_http_postgresql": ((PG, "uniform", "http"), "server"),
    "server_per_order_http_sqlite": ((LITE, "uniform", "http"), "server"),
}
SEARCHES = (
    "search_by_email_1m_postgresql",
    "search_by_number_1m_postgresql",
    "search_by_email_raw_1m_postgresql",
    "search_by_number_raw_1m_postgresql",
)


@dataclass(slots=True)
class ArmResult:
    database: str
    scenario: str
    """``uniform`` (10,000 stored orders), ``hot`` (3 SKUs), ``1m`` (1,000,000 stored)."""
    arm: str
    measurement: Measurement
    findings: Findings
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Results:
    profile: Profile
    machine: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    arms: list[ArmResult] = field(default_factory=list)
    searches: dict[str, Measurement] = field(default_factory=dict)
    controls: dict[str, dict[str, Any]] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)
    """Statements of one placement through the service, by database."""
    setup_seconds: dict[str, float] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0

    def find(self, database: str, scenario: str, arm: str) -> Measurement | None:
        for result in self.arms:
            if (result.database, result.scenario, result.arm) == (database, scenario, arm):
                return result.measurement
        return None

    def throughput(self, database: str, scenario: str, arm: str) -> float | None:
        found = self.find(database, scenario, arm)
        return found.throughput if found is not None else None

    def ratios(self) -> dict[str, float | None]:
        """Each figure of ``RATIOS``; None when an arm it needs did not run."""
        found: dict[str, float | None] = {}
        for name, (top, bottom) in RATIOS.items():
            over, under = self.throughput(*top), self.throughput(*bottom)
            found[name] = over / under if over is not None and under else None
        return found

    def search_p99(self) -> dict[str, float]:
        return {name: m.percentile(99) for name, m in self.searches.items()}

    def search_ratios(self) -> dict[str, float | None]:
        """Each search's ratio to its control (control p50 over search p50)."""
        found: dict[str, float | None] = {}
        for name, (measured, control) in SEARCH_RATIOS.items():
            top, bottom = self.searches.get(measured), self.searches.get(control)
            if top is None or bottom is None or not top.percentile(50):
                found[name] = None
            else:
                found[name] = bottom.percentile(50) / top.percentile(50)
        return found

    def scale(self) -> dict[int, float]:
        """Orders/s over HTTP on PostgreSQL by number of workers."""
        return {
            int(r.settings["workers"]): r.measurement.throughput
            for r in self.arms
            if (r.database, r.scenario) == (PG, "scale")
        }


class Display:
    """The console and its progress bars: one for the run, one for the step under way."""

    def __init__(self, console: Console, steps: int, results: Results) -> None:
        self.console = console
        self.results = results
        self.progress = Progress(
            TextColumn("{task.description:<44}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
        )
        self._run = self.progress.add_task("benchmark", total=steps)

    def __enter__(self) -> Display:
        self.progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.progress.stop()

    @contextmanager
    def step(self, description: str) -> Iterator[Any]:
        """A step with its own bar; yields ``tick(fraction)`` for steps that can tell."""
        task = self.progress.add_task(description, total=1.0)
        started = time.perf_counter()

        def tick(fraction: float) -> None:
            self.progress.update(task, completed=fraction)

        try:
            yield tick
        finally:
            self.results.step_seconds[description] = round(time.perf_counter() - started, 1)
            self.progress.remove_task(task)
            self.progress.advance(self._run)

    def arm(self, result: ArmResult) -> None:
        m = result.measurement
        cpu = ", ".join(f"{name} {ms:.1f} ms" for name, ms in m.cpu_ms_per_order.items())
        mark = (
            "[green]ok[/green]"
            if result.findings.ok
            else f"[red]{result.findings.describe()}[/red]"
        )
        self.console.print(
            f"{result.database:<10} {result.scenario:<8} {result.arm:<15} "
            f"{m.throughput:8.1f} orders/s  p50 {m.percentile(50):7.1f} ms  "
            f"p95 {m.percentile(95):7.1f} ms  p99 {m.percentile(99):7.1f} ms  "
            f"errors {m.errors}  CPU/order {cpu}  invariants {mark}"
        )


def table(results: Results) -> Table:
    t = Table(title=f"order placement ({results.profile.name} run)")
    for column in (
        "database",
        "scenario",
        "arm",
        "orders/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "CPU ms/order",
        "invariants",
    ):
        t.add_column(column, justify="right" if "/" in column or column.endswith("ms") else "left")
    for r in results.arms:
        m = r.measurement
        t.add_row(
            r.database, r.scenario, r.arm, f"{m.throughput:.1f}", f"{m.percentile(50):.1f}",
            f"{m.percentile(95):.1f}", f"{m.percentile(99):.1f}", str(m.errors),
            ", ".join(f"{name} {ms:.1f}" for name, ms in sorted(m.cpu_ms_per_order.items())),
            "hold" if r.findings.ok else r.findings.describe(),
        )  # fmt: skip
    for name, m in results.searches.items():
        t.add_row(
            "postgresql", "search", name, "-", f"{m.percentile(50):.1f}",
            f"{m.percentile(95):.1f}", f"{m.percentile(99):.1f}", "0", "", "",
        )  # fmt: skip
    return t


def as_json(results: Results) -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "profile": asdict(results.profile),
        "machine": results.machine,
        "calibration": results.calibration,
        "setup_seconds": results.setup_seconds,
        "step_seconds": results.step_seconds,
        "total_seconds": round(results.total_seconds, 1),
        "arms": [
            {"database": r.database, "scenario": r.scenario, "arm": r.arm, "settings": r.settings}
            | r.measurement.summary()
            | {"invariants": r.findings.as_json()}
            for r in results.arms
        ],
        "searches": {
            name: {"lookups": len(m.latencies_ms), "orders_found": m.orders}
            | {f"p{p}_ms": round(m.percentile(p), 2) for p in (50, 95, 99)}
            for name, m in results.searches.items()
        },
        "controls": results.controls,
        "statements_per_placement": results.statements,
        "scale_http_postgresql": {
            str(workers): round(rate, 1) for workers, rate in results.scale().items()
        },
        "ratios": {
            name: round(v, 3) if v is not None else None
            for name, v in (results.ratios() | results.search_ratios()).items()
        },
    }


def write_json(results: Results, to: str | None = None) -> Path:
    """``to`` if given, else ``bench/results/<date>.json`` (``<date>-quick.json`` for a
    quick run)."""
    suffix = "" if results.profile.name == "full" else f"-{results.profile.name}"
    default = RESULTS / f"{datetime.now(UTC).date().isoformat()}{suffix}.json"
    path = Path(to) if to else default
    path.write_text(json.dumps(as_json(results), indent=2) + "\n")
    return path


def _figure(kind: str, name: str, value: float | None, digits: int) -> str:
    return f"{kind} {name}={value:.{digits}f}" if value is not None else f"{kind} {name}=n/a"


def final_lines(results: Results) -> list[str]:
    """The lines a run ends with, one per figure, in a fixed form: RATIO (throughput over
    throughput, higher is better), P99_MS, CPU_MS (per order), STATEMENTS and SCALE."""
    ratios = results.ratios() | results.search_ratios()
    lines = [_figure("RATIO", name, value, 2) for name, value in ratios.items()]
    for name, key in P99.items():
        found = results.find(*key)
        lines.append(_figure("P99_MS", name, found.percentile(99) if found else None, 1))
    p99 = results.search_p99()
    lines += [_figure("P99_MS", name, p99.get(name), 1) for name in SEARCHES]
    for name, (key, process) in CPU.items():
        found = results.find(*key)
        cpu = found.cpu_ms_per_order.get(process) if found else None
        lines.append(_figure("CPU_MS", name, cpu, 1))
    for database, suffix in ((PG, ""), (LITE, "_sqlite")):
        counted = results.statements.get(database)
        lines.append(f"STATEMENTS placement{suffix}={counted if counted is not None else 'n/a'}")
    scale = " ".join(f"{workers}:{rate:.1f}" for workers, rate in sorted(results.scale().items()))
    lines.append(f"SCALE placement_http_postgresql workers={scale or 'n/a'}")
    return lines
