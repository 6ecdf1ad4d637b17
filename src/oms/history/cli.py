"""``oms import orders FILE``: order history from a file, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from oms.history.domain.reading import ImportFormat
from oms.history.services import ImportHistory, import_history
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import DomainError

import_app = typer.Typer(help="Import data from files.", no_args_is_help=True)
console = Console(stderr=True)

FILE_ROWS = (
    ("lines", "lines"),
    ("documents", "documents (invoices)"),
    ("codes", "stock codes"),
    ("customers", "customers"),
    ("countries", "countries"),
    ("quantity", "sum of quantity"),
    ("amount", "sum of quantity x unit price"),
)
IMPORTED_ROWS = (
    ("documents_skipped", "documents already imported (skipped)"),
    ("orders", "orders"),
    ("order_lines", "order lines"),
    ("units", "units sold"),
    ("customers_created", "customers created"),
    ("customers_reused", "customers reused"),
    ("products_created", "products created"),
    ("products_reused", "products reused"),
    ("charges", "order charges"),
    ("returns", "returns matched"),
    ("units_returned", "units returned"),
    ("credits", "standalone credits"),
    ("rejects", "rejected lines"),
    ("net_minor", "net amount (minor units)"),
    ("rounding_minor", "rounding against the exact sum (minor units)"),
)


@import_app.callback()
def _group() -> None:
    """Import data from files (``oms import orders FILE``)."""


def summary_table(summary: dict[str, Any]) -> Table:
    """The summary of an import as a Rich table: the file's own figures, then what it became."""
    table = Table(title=f"Import into channel {summary['channel']}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, label in FILE_ROWS:
        table.add_row(
            f"file: {label}",
            f"{summary['file'][key]:,}" if key != "amount" else summary["file"][key],
        )
    for key, label in IMPORTED_ROWS:
        value = summary["imported"][key]
        table.add_row(label, f"{value:,}" if isinstance(value, int) else str(value))
    return table


@import_app.command("orders")
def orders(
    file: Annotated[Path, typer.Argument(help="The file: .csv, .csv.xz or .csv.gz.")],
    format_: Annotated[
        str, typer.Option("--format", help="online-retail (UCI Online Retail) or generic.")
    ],
    channel: Annotated[
        str | None,
        typer.Option(help="The channel to import into (online-retail: created if missing)."),
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option(help="Where to write the rejects file (default: FILE.rejects.csv)."),
    ] = None,
) -> None:
    """Import historic orders as completed orders (docs/import.md)."""
    if not file.is_file():
        console.print(f"[red]error:[/red] no file {file}")
        raise typer.Exit(code=2)
    engine = create_database_engine(Settings().database_url)
    try:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
            TimeElapsedColumn(), console=console,
        ) as bar:  # fmt: skip
            task = bar.add_task("reading", total=None)

            def report(done: int, total: int | None, message: str) -> None:
                bar.update(task, completed=done, total=total, description=message)

            outcome = import_history(
                ImportHistory(
                    content=file.read_bytes(),
                    file_name=file.name,
                    format=ImportFormat.parse(format_),
                    channel=channel,
                    actor="cli",
                ),
                uow=UnitOfWork(engine),
                report=report,
            )
    except DomainError as error:
        console.print(f"[red]error:[/red] {error.detail}")
        raise typer.Exit(code=2) from None
    finally:
        engine.dispose()
    if outcome.summary["channel_created"]:
        console.print(f"created the channel {outcome.summary['channel']} (GBP, web)")
    Console().print(summary_table(dict(outcome.summary)))
    target = rejects or file.with_name(file.name + ".rejects.csv")
    target.write_text(outcome.rejects_csv, encoding="utf-8")
    console.print(f"import {outcome.id}: rejects written to {target}")
