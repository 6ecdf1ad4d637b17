"""``oms clv ...``: customer lifetime value from the command line (the root CLI adds this group).

    oms clv check [--file ../shared/data/online_retail.csv.xz]

``check`` fits BG/NBD + Gamma-Gamma on the first nine months of the purchases (the database's
completed orders, or the retail dataset's file) and compares its predictions for the rest with
what each customer did, next to the baseline "same rate as before".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from oms.customer_value.domain.holdout import Accuracy, HoldoutReport
from oms.customer_value.repository import purchases as sources
from oms.customer_value.services import check as run_check
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings

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
    reports = run_check(purchases, step=err.print)
    if not reports:
        err.print("no currency has enough customers who bought again to fit the model")
        raise typer.Exit(1)
    for report in reports:
        print_report(out, report)
    out.print(
        f"CLV_CHECK_S read={read:.1f} fit_and_check={time.perf_counter() - started - read:.1f}"
    )
