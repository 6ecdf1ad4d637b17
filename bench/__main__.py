"""``python -m bench [--quick]``: benchmark order placement; see docs/performance.md."""

from __future__ import annotations

import argparse
import sys
import time

from rich.console import Console

from bench import profiling, report, suite
from bench.config import FULL, QUICK, SMOKE
from bench.report import Display, Results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run for development")
    parser.add_argument(
        "--profile", action="store_true", help="only profile the service arm (cProfile)"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="every step on tiny data in well under a minute (the test suite's run)",
    )
    parser.add_argument(
        "--json", metavar="PATH", help="write the results here (even for a smoke run)"
    )
    args = parser.parse_args()
    console = Console() if sys.stdout.isatty() else Console(width=150)
    if args.profile:
        profiling.main(console)
        return
    profile = SMOKE if args.smoke else QUICK if args.quick else FULL
    results = Results(profile)
    started = time.perf_counter()
    with Display(console, suite.step_count(profile), results) as display:
        run = suite.Suite(profile, display, results)
        run.calibrate()
        run.on_postgres()
        run.on_sqlite()
    results.total_seconds = time.perf_counter() - started
    console.print(report.table(results))
    if profile.write_results or args.json:
        path = report.write_json(results, args.json)
        console.print(f"results written to {path}; total {results.total_seconds:.0f} s")
    else:
        console.print(f"total {results.total_seconds:.0f} s (results not written)")
    for line in report.final_lines(results):
        print(line)  # noqa: T201 (the lines runs are compared by)


if __name__ == "__main__":
    main()
