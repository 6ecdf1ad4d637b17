"""``python -m bench.reports_check [--dataset FILE]``: every report equal to DuckDB's answer
over the Parquet export, to the cent, on a fresh SQLite file and a fresh PostgreSQL database
holding the whole real dataset (imported with ``oms import orders FILE --format
online-retail``), for every granularity. ``make reports-check`` runs it; ``make insight`` too.

Prints ``REPORTS_CHECK <report>_<backend> equal rows=<n> seconds=<s>`` per report and exits 1
on the first difference (naming the filters and the first differing rows).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from rich.console import Console

from bench.config import postgres_url
from bench.databases import Database, postgres, sqlite
from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import Filters, Granularity, ReportName, Value
from oms.reports.repository import export, parquet_sql
from oms.reports.services import run_report

out = Console(highlight=False, soft_wrap=True)
DATASET = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "online_retail.csv.xz"
RANGE = Filters(start=date(2010, 12, 1), end=date(2011, 12, 9))


def canonical(rows: list[tuple[Value, ...]]) -> list[tuple[Value, ...]]:
    return sorted(rows, key=lambda row: tuple((v is None, str(v)) for v in row))


def check(db: Database, dataset: Path) -> bool:
    with tempfile.TemporaryDirectory(prefix="oms-parquet-") as folder:
        started = time.perf_counter()
        # the rejects file goes to the temporary folder, never next to the (shared) dataset
        subprocess.run(  # noqa: S603 (our own command, fixed arguments)
            [str(Path(sys.executable).parent / "oms"), "import", "orders", str(dataset),
             "--format", "online-retail", "--rejects", str(Path(folder) / "rejects.csv")],
            check=True,
            env={**os.environ, "OMS_DATABASE_URL": db.url},
        )  # fmt: skip
        out.print(f"# {db.kind}: imported in {time.perf_counter() - started:.0f} s")
        export.write_parquet(db.engine, Path(folder) / "parquet")
        duck = parquet_sql.connect(Path(folder) / "parquet")
        uow = UnitOfWork(db.engine)
        for name in ReportName:
            started = time.perf_counter()
            count = 0
            for granularity in Granularity:
                filters = Filters(start=RANGE.start, end=RANGE.end, granularity=granularity)
                ours = canonical(run_report(name, filters, uow=uow).rows)
                theirs = canonical(parquet_sql.run(duck, name, filters))
                if ours != theirs:
                    diff = [(a, b) for a, b in zip(ours, theirs, strict=False) if a != b][:3]
                    out.print(f"REPORTS_CHECK {name}_{db.kind} DIFFERENT {filters} {diff}")
                    return False
                count += len(ours)
            out.print(
                f"REPORTS_CHECK {name}_{db.kind} equal rows={count} "
                f"seconds={time.perf_counter() - started:.2f}",
            )
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", type=Path, default=DATASET)
    args = parser.parse_args()
    if not args.dataset.exists():
        sys.exit(f"{args.dataset} is missing")
    with postgres(postgres_url().replace("oms_bench", "oms_reports_check"), pool_size=2) as db:
        ok = check(db, args.dataset)
    with sqlite() as db:
        ok = check(db, args.dataset) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
