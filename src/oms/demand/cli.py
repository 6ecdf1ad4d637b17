"""``oms forecast ...``: backtest the demand models, recompute forecasts, list what to reorder,
set reorder settings (the root CLI adds this group)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from oms.demand import services
from oms.demand.domain.method import BASELINES, HORIZON, MODEL_VERSION, SEASON_LENGTH, SELECTED
from oms.demand.services.jobs import FORECAST_RUN, forecast_run_handler, request_run
from oms.platform import jobs
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import SystemClock
from oms.shared.errors import DomainError

if TYPE_CHECKING:
    from oms.demand.services.backtest import Backtest

forecast_app = typer.Typer(help="Demand forecasts and reorder points.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=2)


@forecast_app.command("backtest")
def backtest(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="Read the UCI Online Retail CSV (.csv or .csv.xz) instead of the database.",
        ),
    ] = None,
    sample: Annotated[
        int | None, typer.Option("--sample", min=1, help="Backtest N SKUs drawn at random.")
    ] = None,
    horizon: Annotated[
        int, typer.Option("--horizon", min=1, max=26, help="Weeks ahead.")
    ] = HORIZON,
    step: Annotated[int, typer.Option("--step", min=1, help="Weeks between origins.")] = 4,
    scores: Annotated[
        Path | None, typer.Option("--scores", help="Write per-SKU scores (CSV) here.")
    ] = None,
    summary_json: Annotated[
        Path | None, typer.Option("--json", help="Write the summary (JSON) here.")
    ] = None,
) -> None:
    """Backtest every model and the baselines over the last HORIZON complete weeks (rolling
    origin), choosing per SKU on the HORIZON weeks before them."""
    from oms.demand.services import runs  # pandas and statsforecast load only for this command

    if file is not None and not file.exists():
        raise _fail(f"{file} does not exist")
    if file is not None:
        demand = runs.demand_from_file(file)
    else:
        engine = create_database_engine(Settings().database_url)
        try:
            demand = runs.demand_from_database(UnitOfWork(engine))
        finally:
            engine.dispose()
    if demand.units.empty:
        raise _fail("no demand to backtest: no orders with complete weeks")
    with Progress(console=errors, transient=True) as bar:
        task = bar.add_task("backtest", total=None)
        try:
            result = runs.backtest(
                demand,
                sample=sample,
                horizon=horizon,
                step=step,
                progress=lambda done, total, message: bar.update(
                    task, completed=done, total=total, description=message
                ),
            )
        except ValueError as error:
            raise _fail(str(error)) from None
    _print(result, demand.first_week.isoformat(), demand.last_week.isoformat())
    if scores is not None:
        result.series_scores().to_csv(scores, index_label="sku")
    if summary_json is not None:
        summary_json.write_text(json.dumps(_summary(result), indent=2) + "\n")


def _summary(result: Backtest) -> dict[str, object]:
    table = result.summary()
    return {
        "model_version": MODEL_VERSION,
        "series": len(result.chosen),
        "scored": len(result.scored()),
        "weeks": result.weeks,
        "horizon": result.horizon,
        "step": result.step,
        "seasonal_period": SEASON_LENGTH,
        "seconds": round(result.seconds, 1),
        "improvement_over_seasonal_naive": round(result.improvement_over_seasonal_naive(), 4),
        "models": {
            name: {
                "mase": round(row.mase, 4),
                "pinball": round(row.pinball, 4),
                "chosen": int(row.chosen),
            }
            for name, row in table.iterrows()
        },
    }


def _print(result: Backtest, first: str, last: str) -> None:
    table = Table(
        title=(
            f"Backtest: {len(result.scored())} of {len(result.chosen)} SKUs scored, "
            f"weeks {first} to {last}, horizon {result.horizon}, "
            f"origin every {result.step} weeks ({result.seconds:.0f} s)"
        )
    )
    for column in ("model", "mean MASE", "mean scaled pinball", "chosen for"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for name, row in result.summary().iterrows():
        label = (
            "forecast used"
            if name == SELECTED
            else f"{name} (baseline)"
            if name in BASELINES
            else str(name)
        )
        chosen = "" if name in BASELINES else f"{int(row.chosen):,}"
        table.add_row(label, f"{row.mase:.3f}", f"{row.pinball:.3f}", chosen)
    console.print(table)
    console.print(
        f"MASE {100 * result.improvement_over_seasonal_naive():.1f}% lower than seasonal naive "
        f"(period {SEASON_LENGTH} weeks); {MODEL_VERSION}"
    )


@forecast_app.command("run")
def run() -> None:
    """Recompute every forecast now (a job, as the worker would run it), with progress."""
    clock = SystemClock()
    engine = create_database_engine(Settings().database_url)
    try:
        job = request_run(UnitOfWork(engine, clock), created_by="cli")
        runner = jobs.Runner(engine, {FORECAST_RUN: forecast_run_handler(engine, clock)}, clock)
        ended = runner.run_now(job.id)
    finally:
        engine.dispose()
    if ended.status != jobs.JobStatus.SUCCEEDED:
        raise _fail(f"forecast run {ended.id} {ended.status}: {ended.error}")
    result = ended.result or {}
    console.print(
        f"forecast run {result.get('run_id')}: {result.get('series')} series, weeks "
        f"{result.get('first_week')} to {result.get('last_week')}, models {result.get('models')}"
    )


@forecast_app.command("reorder")
def reorder(limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50) -> None:
    """What to reorder now, soonest stock-out first (from the latest forecast run)."""
    engine = create_database_engine(Settings().database_url)
    try:
        lines = services.reorder_list(uow=UnitOfWork(engine), limit=limit)
    finally:
        engine.dispose()
    table = Table(title=f"To reorder ({len(lines)})")
    for column in (
        "SKU",
        "location",
        "available",
        "reorder point",
        "suggested",
        "stock-out",
        "model",
    ):
        table.add_column(column)
    for line in lines:
        advice = line.advice
        table.add_row(
            line.sku,
            line.location_code or "all",
            str(advice.available),
            str(advice.reorder_point),
            str(advice.suggested_quantity),
            str(advice.stock_out_on or "-"),
            line.model,
        )
    console.print(table)


@forecast_app.command("settings")
def settings(
    scope: Annotated[str, typer.Argument(help="default, supplier or sku.")],
    key: Annotated[str, typer.Argument(help="The SKU, the supplier, or * for the default.")],
    lead_time_days: Annotated[int | None, typer.Option("--lead-time-days")] = None,
    service_level: Annotated[
        float | None, typer.Option("--service-level", help="Percent, e.g. 95.")
    ] = None,
    review_days: Annotated[int | None, typer.Option("--review-days")] = None,
    supplier: Annotated[str | None, typer.Option("--supplier", help="A SKU's supplier.")] = None,
) -> None:
    """Set the reorder settings of a SKU, a supplier or the default (unset fields fall back)."""
    engine = create_database_engine(Settings().database_url)
    try:
        services.set_reorder_setting(
            scope=scope,
            key=key,
            lead_time_days=lead_time_days,
            service_level_pct=service_level,
            review_days=review_days,
            supplier=supplier,
            uow=UnitOfWork(engine),
        )
    except DomainError as error:
        raise _fail(error.detail) from None
    finally:
        engine.dispose()
    console.print(f"reorder settings of {scope} {key} saved")
