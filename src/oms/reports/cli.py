"""``oms report NAME`` (a report as a Rich table, or CSV) and ``oms export parquet DIR`` (the
tables the reports read, as Parquet partitioned by month: docs/reports.md).

    oms report sales --from 2011-01-01 --to 2011-12-31 --granularity month
    oms report returns --channel web --csv > returns.csv
    oms export parquet ./warehouse

Bad filters are one readable line per problem on stderr and exit code 2; an unknown report is
exit code 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.reports import services
from oms.reports.domain import Kind, Report, parse_filters, report_name
from oms.reports.repository import export
from oms.reports.views import report_csv
from oms.shared.errors import DomainError, Invalid, NotFound

export_app = typer.Typer(help="Export data for other engines.", no_args_is_help=True)
errors = Console(stderr=True)

NUMERIC = frozenset({Kind.COUNT, Kind.MONEY, Kind.BASIS_POINTS, Kind.SECONDS})


def _fail(error: DomainError) -> NoReturn:
    if isinstance(error, Invalid) and error.problems:
        for problem in error.problems:
            errors.print(f"[red]{problem.field}[/red]: {problem.message}")
    else:
        errors.print(f"[red]{error.detail}[/red]")
    raise typer.Exit(1 if isinstance(error, NotFound) else 2)


def report_command(
    name: Annotated[
        str, typer.Argument(help="sales, products, categories, returns, fulfilment, ...")
    ],
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    channel: Annotated[str | None, typer.Option(help="Only this channel.")] = None,
    country: Annotated[str | None, typer.Option(help="Only this shipping country.")] = None,
    granularity: Annotated[str | None, typer.Option(help="day, week or month.")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
) -> None:
    """Print one report (docs/reports.md defines its figures)."""
    uow = UnitOfWork(create_database_engine(Settings().database_url))
    try:
        report = services.run_report(
            report_name(name),
            parse_filters(
                start=start,
                end=end,
                channel=channel,
                country=country,
                granularity=granularity,
                today=uow.clock.now().date(),
            ),
            uow=uow,
        )
    except DomainError as error:
        _fail(error)
    if as_csv:
        sys.stdout.write(report_csv(report))
        return
    Console().print(report_table(report))


def report_table(report: Report) -> Table:
    """The report as a Rich table, figures right-aligned, money as minor units."""
    f = report.filters
    scope = ", ".join(
        part
        for part in (
            f"{f.start} to {f.end}",
            f"by {f.granularity}",
            f"channel {f.channel}" if f.channel else "",
            f"country {f.country}" if f.country else "",
        )
        if part
    )
    table = Table(title=f"{report.name} ({scope})", box=box.SIMPLE_HEAD)
    for column in report.columns:
        table.add_column(column.name, justify="right" if column.kind in NUMERIC else "left")
    for row in report.rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    if not report.rows:
        table.caption = "nothing in this range"
    return table


@export_app.command("parquet")
def export_parquet(
    directory: Annotated[Path, typer.Argument(help="Where to write (created if missing).")],
) -> None:
    """Write the tables the reports read as Parquet, one folder per table, ``month=YYYY-MM``
    partitions (docs/reports.md)."""
    engine = create_database_engine(Settings().database_url)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=errors) as progress:
        task = progress.add_task("exporting", total=len(export.TABLES))
        summary = export.write_parquet(
            engine, directory, on_table=lambda name: progress.update(task, advance=1,
                                                                      description=name)
        )  # fmt: skip
    table = Table(title=f"Parquet export in {directory}", box=box.SIMPLE_HEAD)
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("files", justify="right")
    for name, (rows, files) in summary.items():
        table.add_row(name, str(rows), str(files))
    Console().print(table)


def refresh_command(
    full: Annotated[
        bool, typer.Option("--full", help="Compare every order, not only the changed ones.")
    ] = False,
) -> None:
    """Bring the reports' summary tables up to date (ADR 0015); ``--full`` after bulk writes
    made outside oms's services. Reports refresh them before each read anyway."""
    uow = UnitOfWork(create_database_engine(Settings().database_url))
    done = services.refresh_summaries(uow=uow, full=full)
    Console().print(
        f"{done.orders:,} orders derived again, {done.days:,} days and "
        f"{done.customers:,} customers summed again"
    )
