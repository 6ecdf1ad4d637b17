"""``python -m bench [--quick]``: benchmark order placement; see docs/performance.md."""

from __future__ import annotations

import argparse
import time

from rich.console import Console

from bench import report, suite
from bench.config import FULL, QUICK
from bench.report import Display, Results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run for development")
    args = parser.parse_args()
    profile = QUICK if args.quick else FULL
    console = Console()
    results = Results(profile)
    started = time.perf_counter()
    with Display(console, suite.STEPS) as display:
        suite.calibrate(profile, display, results)
        suite.on_postgres(profile, display, results)
        suite.on_sqlite(profile, display, results)
    results.total_seconds = time.perf_counter() - started
    console.print(report.table(results))
    path = report.write_json(results)
    console.print(f"results written to {path}; total {results.total_seconds:.0f} s")
    for line in report.final_lines(results):
        print(line)  # noqa: T201 (the lines runs are compared by)


if __name__ == "__main__":
    main()
