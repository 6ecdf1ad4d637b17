"""``oms clv ...``: customer lifetime value from the command line (the root CLI adds this group).

    oms clv check [--file ../shared/data/online_retail.csv.xz]
    oms clv run [--wait]

``check`` fits BG/NBD + Gamma-Gamma on the first nine months of the purchases (the database's
completed orders, or the retail dataset's file) and compares its predictions for the rest with
what each customer did, next to the baseline "same rate as before". ``run`` queues a scoring
run for the worker, or with ``--wait`` runs it here with a progress bar.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from oms.customer_value.repository import purchases as sources
from oms.customer_value.services import SCORE_RUN, request_run, score_run_handler
from oms.platform import jobs
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import SystemClock

if TYPE_CHECKING:
    from oms.customer_value.domain.holdout import Accuracy, HoldoutReport

clv_app = typer.Typer(help="Customer lifetime value and churn.", no_args_is_help=True)


@clv_app.callback()
def _group() -> None:
    """Customer lifetime value and churn."""


def _money(minor: float) -> str:
    return f"{minor / 100:,.2f}"


def _rows(report: HoldoutReport, name: str, a: Accuracy) -> list[str]:
    return [
        name,
        f"{a.purchases_mae:.3f}",
        f"{a.purchases_rmse:.3f}",
        f"{a.purchases_predicted:,.0f} / {report.purchases_actual:,}",
        f"{a.purchases_correlation:.3f}",
        _money(a.spend_mae_minor),
        _money(a.spend_rmse_minor),
        f"{_money(a.spend_predicted_minor)} / {_money(report.spend_actual_minor)}",
        f"{a.spend_correlation:.3f}",
    ]


def print_report(console: Console, report: HoldoutReport) -> None:
    """The check of one currency: model and baseline, then the calibration of P(alive)."""
    table = Table(
        title=f"{report.currency}: {report.customers:,} customers, holdout "
        f"{report.holdout_weeks:.1f} weeks (per customer)"
    )
    for column in (
        "predictor",
        "purchases MAE",
        "purchases RMSE",
        "purchases predicted / actual",
        "purchases r",
        "spend MAE",
        "spend RMSE",
        "spend predicted / actual",
        "spend r",
    ):
        table.add_column(column, justify="left" if column == "predictor" else "right")
    table.add_row(*_rows(report, "BG/NBD + Gamma-Gamma", report.model))
    table.add_row(*_rows(report, "same rate as before", report.baseline))
    console.print(table)
    alive = Table(title="P(alive) at the cutoff vs share who bought in the holdout")
    for column in ("P(alive)", "customers", "mean P(alive)", "bought"):
        alive.add_column(column, justify="right")
    for bucket in report.alive:
        share = f"{bucket.bought / bucket.customers:.1%}" if bucket.customers else "-"
        alive.add_row(
            f"{bucket.low:.1f}-{bucket.high:.1f}",
            f"{bucket.customers:,}",
            f"{bucket.mean_probability:.3f}",
            share,
        )
    console.print(alive)


@clv_app.command("check")
def check(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="Read the UCI Online Retail export (.csv or .csv.xz) instead of the database.",
        ),
    ] = None,
) -> None:
    """Fit on the first nine months, check on the rest, model against "same rate as before"."""
    out, err = Console(), Console(stderr=True)
    started = time.perf_counter()
    if file is not None:
        if not file.is_file():
            err.print(f"no such file: {file}")
            raise typer.Exit(2)
        purchases = sources.from_retail_file(file)
    else:
        engine = create_database_engine(Settings().database_url)
        try:
            with engine.connect() as conn:
                purchases = list(sources.from_database(conn))
        finally:
            engine.dispose()
    read = time.perf_counter() - started
    if not purchases:
        err.print("no completed orders of known customers to check")
        raise typer.Exit(1)
    from oms.customer_value.services.checking import check  # numpy and pandas: only here

    reports = check(purchases, step=err.print)
    if not reports:
        err.print("no currency has enough customers who bought again to fit the model")
        raise typer.Exit(1)
    for report in reports:
        print_report(out, report)
    out.print(
        f"CLV_CHECK_S read={read:.1f} fit_and_check={time.perf_counter() - started - read:.1f}"
    )


def _print_run(console: Console, job: jobs.Job) -> None:
    result = job.result or {}
    table = Table(title=f"Scoring run {job.id}: {result.get('scored', 0):,} customers scored")
    for column in ("currency", "customers", "holdout MAE model", "baseline", "mean P(alive)"):
        table.add_column(column, justify="left" if column == "currency" else "right")
    for currency, fit in sorted(result.get("currencies", {}).items()):
        model_mae, base_mae = fit.get("holdout_purchases_mae"), fit.get("baseline_purchases_mae")
        table.add_row(
            currency,
            f"{fit['customers']:,}",
            "-" if model_mae is None else f"{model_mae:.3f}",
            "-" if base_mae is None else f"{base_mae:.3f}",
            f"{fit['mean_probability_alive']:.3f}",
        )
    console.print(table)
    for currency, reason in sorted(result.get("skipped", {}).items()):
        console.print(f"{currency} not scored: {reason}")


@clv_app.command("run")
def run(
    wait: Annotated[
        bool, typer.Option("--wait", help="Run it here now, with progress, instead of queueing.")
    ] = False,
) -> None:
    """Rescore every customer's lifetime value and churn (a job, as the worker runs it)."""
    out, err = Console(), Console(stderr=True)
    settings = Settings()
    clock = SystemClock()
    engine = create_database_engine(settings.database_url)
    try:
        job = request_run(
            UnitOfWork(engine, clock),
            created_by="cli",
            monthly_discount=settings.customer_value_monthly_discount,
        )
        if not wait:
            out.print(f"scoring run {job.id} queued: the worker runs it (oms clv run --wait here)")
            return
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("scoring", total=None)

            def echo(done: int, total: int | None = None, message: str | None = None) -> None:
                bar.update(task, completed=done, total=total, description=message or "scoring")

            handler = score_run_handler(engine, clock, echo)
            ended = jobs.Runner(engine, {SCORE_RUN: handler}, clock).run_now(job.id)
    finally:
        engine.dispose()
    if ended.status != jobs.JobStatus.SUCCEEDED:
        err.print(f"scoring run {ended.id} {ended.status}: {ended.error}")
        raise typer.Exit(1)
    _print_run(out, ended)
