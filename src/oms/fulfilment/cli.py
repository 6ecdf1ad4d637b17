"""``oms shipments ...``: shipments and tracking from the command line (the root CLI adds it).

``oms shipments import-events FILE`` records a carrier's tracking events from a CSV file
(columns ``tracking_number`` or ``shipment``, ``status``, ``occurred_at`` (ISO 8601 with its
offset), ``location``, ``description``) with a progress bar, prints each skipped row (line,
field, reason) and a summary. Importing the same file again records nothing new. Exit code 0
when every row was applied or already known, 1 when some rows were skipped, 2 when the file
cannot be read.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from oms.fulfilment.services.tracking import CSV_COLUMNS, ImportSummary, import_events
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork

shipments_app = typer.Typer(help="Shipments and tracking events.", no_args_is_help=True)

out = Console()
err = Console(stderr=True)


@shipments_app.callback()
def _group() -> None:
    """Shipments and tracking events."""


@shipments_app.command("import-events")
def import_events_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The CSV file.")
    ],
) -> None:
    """Record tracking events from a carrier's CSV file; bad rows are reported and skipped."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        err.print(f"[red]error:[/red] cannot read {file}: {error}")
        raise typer.Exit(code=2) from None
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or ())
    if not header & {"tracking_number", "shipment"} or not {"status", "occurred_at"} <= header:
        err.print(
            "[red]error:[/red] the file needs a header with tracking_number (or shipment), "
            f"status and occurred_at; known columns: {', '.join(CSV_COLUMNS)}"
        )
        raise typer.Exit(code=2)
    rows = list(reader)
    summary = _import_with_progress(rows)
    _print(summary)
    if summary.problems:
        raise typer.Exit(code=1)


def _import_with_progress(rows: list[dict[str, str | None]]) -> ImportSummary:
    engine = create_database_engine(Settings().database_url)
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("importing", total=len(rows))
            return import_events(
                rows,
                actor="cli:oms shipments import-events",
                uow=UnitOfWork(engine),
                progress=lambda done: bar.update(task, completed=done),
            )
    finally:
        engine.dispose()


def _print(summary: ImportSummary) -> None:
    if summary.problems:
        skipped = Table(title="Skipped rows")
        for column in ("line", "field", "reason"):
            skipped.add_column(column)
        for problem in summary.problems:
            skipped.add_row(str(problem.line), problem.field, problem.reason)
        out.print(skipped)
    counts = Table(title="Tracking events import")
    counts.add_column("rows", justify="right")
    counts.add_column("recorded", justify="right")
    counts.add_column("already known", justify="right")
    counts.add_column("skipped", justify="right")
    counts.add_row(
        str(summary.rows),
        str(summary.recorded),
        str(summary.duplicates),
        str(len(summary.problems)),
    )
    out.print(counts)
