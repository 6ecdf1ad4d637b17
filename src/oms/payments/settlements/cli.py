"""``oms payments ...`` commands: reconcile a settlement file (and H1's ``sweep``, registered here).

``oms payments reconcile FILE --provider stripe|generic [--exceptions out.csv]`` reads the file,
matches it with a progress bar, records the run, prints its summary and exceptions as tables and
writes every exception to a CSV file for finance to work through. A file it cannot read is a
readable message and exit code 2; a run that found exceptions still exits 0 (it did its job).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from oms import payments
from oms.payments.settlements import services
from oms.payments.settlements.domain import Discrepancy, ReconciliationRun, StatementFormat
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import DomainError, Invalid
from oms.shared.money import Money

payments_app = typer.Typer(
    help="Payments: reconciliation and the pending sweeper.", no_args_is_help=True
)

out = Console()
err = Console(stderr=True)
SHOWN = 20
"""Exceptions printed on the terminal; the CSV file has them all."""
CSV_COLUMNS = (
    "kind",
    "line",
    "reference",
    "payout_id",
    "file_amount",
    "file_currency",
    "oms_amount",
    "oms_currency",
    "order_id",
    "payment_id",
    "transaction_id",
    "detail",
)


@payments_app.command("reconcile")
def reconcile(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The CSV file.")
    ],
    provider: Annotated[
        StatementFormat,
        typer.Option(
            help="stripe: Stripe's itemized payout reconciliation report; generic: oms's CSV "
            "for other providers (docs/reconciliation.md)."
        ),
    ],
    exceptions: Annotated[
        Path | None,
        typer.Option("--exceptions", dir_okay=False, help="Write every exception to this CSV."),
    ] = None,
    older_than_days: Annotated[
        int,
        typer.Option(
            min=0,
            max=services.MAX_OLDER_THAN_DAYS,
            help="Captures older than this that no file settled are reported as not settled.",
        ),
    ] = services.DEFAULT_OLDER_THAN_DAYS,
) -> None:
    """Match a settlement file against the ledger, print the summary, write the exceptions."""
    command = services.ReconcileFile(
        format=provider,
        content=file.read_bytes(),
        file_name=file.name,
        actor="cli:oms payments reconcile",
        older_than_days=older_than_days,
    )
    try:
        done = _reconcile_with_progress(command)
    except DomainError as error:
        _fail(error)
    _print_summary(done.run)
    _print_exceptions(done.exceptions)
    if exceptions is not None:
        _write_csv(exceptions, done.exceptions)
        count = len(done.exceptions)
        out.print(f"{count} exception{'' if count == 1 else 's'} written to {exceptions}")


def _reconcile_with_progress(command: services.ReconcileFile) -> services.Reconciled:
    """Run the reconciliation with a progress bar on stderr (gone once it is done)."""
    engine = create_database_engine(Settings().database_url)
    columns = (TextColumn("matching"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("matching", total=None)
            return services.reconcile_file(
                command,
                uow=UnitOfWork(engine),
                progress=lambda n, total: bar.update(task, completed=n, total=total),
            )
    finally:
        engine.dispose()


def _fail(error: DomainError) -> NoReturn:
    err.print(f"[red]error:[/red] {error.detail}")
    if isinstance(error, Invalid):
        for problem in error.problems[1:]:
            err.print(f"  {problem.field}: {problem.message}")
    raise typer.Exit(code=2)


def _print_summary(run: ReconciliationRun) -> None:
    counts = Table(title=f"Reconciliation {run.id} ({run.provider}, {run.file_name})")
    counts.add_column("outcome")
    counts.add_column("lines", justify="right")
    for label, count in (
        ("lines in the file", run.lines),
        ("matched", run.matched),
        ("missing in oms", run.missing_in_oms),
        ("amount mismatch", run.amount_mismatch),
        ("currency mismatch", run.currency_mismatch),
        (f"not settled after {run.older_than_days} days", run.not_settled),
    ):
        counts.add_row(label, str(count))
    out.print(counts)
    payouts = Table(title="Payouts")
    for column in ("payout", "lines", "gross", "fees", "net", "expected net", "difference"):
        payouts.add_column(column, justify="left" if column == "payout" else "right")
    for p in run.payouts:
        payouts.add_row(
            p.payout_id or "(none)",
            str(p.lines),
            *(_money(m) for m in (p.gross, p.fees, p.net, p.expected_net, p.difference)),
        )
    out.print(payouts)
    out.print(f"fees total: {', '.join(_money(m) for m in run.fees()) or 'none'}")


def _print_exceptions(found: Sequence[Discrepancy]) -> None:
    if not found:
        out.print("no exceptions: every line matched the ledger")
        return
    table = Table(title=f"Exceptions ({len(found)})")
    for column in ("kind", "line", "reference", "in file", "in oms", "order"):
        table.add_column(column, overflow="fold")
    for d in found[:SHOWN]:
        table.add_row(
            d.kind.value,
            str(d.line or ""),
            d.reference or "",
            _money(d.in_file),
            _money(d.in_oms),
            str(d.order_id or ""),
        )
    out.print(table)
    if len(found) > SHOWN:
        out.print(f"... and {len(found) - SHOWN} more (write them all with --exceptions FILE)")


def _write_csv(path: Path, found: Sequence[Discrepancy]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for d in found:
            writer.writerow(
                [
                    d.kind.value,
                    d.line or "",
                    d.reference or "",
                    d.payout_id or "",
                    format(d.in_file.amount, "f") if d.in_file else "",
                    d.in_file.currency if d.in_file else "",
                    format(d.in_oms.amount, "f") if d.in_oms else "",
                    d.in_oms.currency if d.in_oms else "",
                    d.order_id or "",
                    d.payment_id or "",
                    d.transaction_id or "",
                    d.detail,
                ]
            )


def _money(amount: Money | None) -> str:
    return "" if amount is None else f"{amount.amount:f} {amount.currency}"


@payments_app.command("sweep")
def sweep(
    older_than: Annotated[
        float, typer.Option(help="Seconds a transaction must have waited for its provider.")
    ] = 60.0,
) -> None:
    """Settle payment transactions a dead process left pending, by asking their providers,
    then apply the Stripe notifications that waited for them (the worker does both every 30
    seconds; ADR 0010)."""
    settings = Settings()
    engine = create_database_engine(settings.database_url)
    try:
        uow = UnitOfWork(engine)
        providers = payments.build_providers(settings, UnitOfWork(engine))
        settled = payments.settle_pending(
            uow=uow, providers=providers, older_than=timedelta(seconds=older_than)
        )
        replayed = payments.replay_stripe_notifications(uow=uow, providers=providers)
    finally:
        engine.dispose()
    out.print(f"settled {settled} pending payment transaction(s)")
    out.print(f"applied {replayed} waiting provider notification(s)")
