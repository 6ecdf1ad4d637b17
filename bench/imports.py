"""Importing the whole UCI Online Retail file (541,909 lines) into a fresh, migrated SQLite file
and PostgreSQL database, timed end to end (read, plan, write, commit), then checked against the
dataset's known figures and rerun (which must import nothing).

    python -m bench.imports            # both databases
    python -m bench.imports --only sqlite

Prints ``IMPORT_S online_retail_<database> <seconds>`` per database, the summary's figures, and
``RERUN_S ...`` for the rerun. The dataset is read in place (``../shared/data``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bench import databases
from bench.config import postgres_url
from oms.history.domain.reading import ImportFormat
from oms.history.services import ImportHistory, import_history
from oms.platform.unit_of_work import UnitOfWork

DATASET = Path(__file__).resolve().parents[2] / "shared" / "data" / "online_retail.csv.xz"
KNOWN = {
    "documents": 25_900,
    "codes": 4_070,
    "customers": 4_372,
    "countries": 38,
    "quantity": 5_176_450,
    "amount": "9747747.934",
}


def _import(db: databases.Database, content: bytes) -> tuple[float, float, dict[str, Any]]:
    """Wall-clock and this process's CPU seconds (the machine is shared: CPU time says what
    the import itself cost when other work slows the wall clock), and the summary."""
    started, cpu = time.perf_counter(), time.process_time()
    outcome = import_history(
        ImportHistory(
            content=content,
            file_name=DATASET.name,
            format=ImportFormat.ONLINE_RETAIL,
            channel=None,
            actor="bench",
        ),
        uow=UnitOfWork(db.engine),
    )
    return time.perf_counter() - started, time.process_time() - cpu, dict(outcome.summary)


def _check(summary: dict[str, Any]) -> list[str]:
    """The known figures the file's summary does not match (none, when all is well)."""
    found = summary["file"]
    return [
        f"{key}: {found[key]} != {value}" for key, value in KNOWN.items() if found[key] != value
    ]


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def measure(name: str, open_db: Callable[[], AbstractContextManager[databases.Database]]) -> bool:
    content = DATASET.read_bytes()
    with open_db() as db:
        seconds, cpu, summary = _import(db, content)
        _say(f"IMPORT_S online_retail_{name} {seconds:.1f}")
        _say(f"IMPORT_CPU_S online_retail_{name} {cpu:.1f} (this process only)")
        for key, value in summary["imported"].items():
            _say(f"  {key} {value}")
        wrong = _check(summary)
        for problem in wrong:
            _say(f"  KNOWN FIGURE MISMATCH {problem}")
        again, again_cpu, rerun = _import(db, content)
        _say(
            f"RERUN_S online_retail_{name} {again:.1f} (CPU {again_cpu:.1f}) "
            f"orders {rerun['imported']['orders']}"
        )
        _say(f"LOAD_AVERAGE {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    return not wrong and rerun["imported"]["orders"] == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    if not DATASET.exists():
        sys.stderr.write(f"the dataset is absent: {DATASET}" + "\n")
        return 2
    _say(f"file: {', '.join(f'{k} {v}' for k, v in KNOWN.items())} (known)")
    _say(f"LOAD_AVERAGE {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    ok = True
    if args.only in (None, "sqlite"):
        ok &= measure("sqlite", databases.sqlite)
    if args.only in (None, "postgresql"):
        ok &= measure("postgresql", lambda: databases.postgres(
            postgres_url().rsplit("/", 1)[0] + "/oms_bench_import", pool_size=2
        ))  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
