"""Demand's use cases that compute: recompute every forecast (a run) and backtest the models.
They need pandas and statsforecast, so only the worker's job handler and the CLI import this."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from oms.demand import repository
from oms.demand.domain.method import HORIZON, MODEL_VERSION, NETWORK
from oms.demand.domain.series import WeeklyDemand, weekly_demand
from oms.demand.services.backtest import Backtest, ProgressFn, run_backtest
from oms.demand.services.forecasting import forecast_series
from oms.demand.services.sources import read_online_retail
from oms.platform.unit_of_work import UnitOfWork


def demand_from_database(uow: UnitOfWork, *, by_location: bool = False) -> WeeklyDemand:
    """Weekly demand per SKU (or SKU × location) from the database's orders."""
    with uow.read() as tx:
        history = repository.read_demand(tx.connection, by_location=by_location)
    if history.observed_from is None or history.observed_to is None:
        empty = pd.DataFrame(index=pd.Index([], name="key"), dtype="int64")
        today = tx.now.date()
        return WeeklyDemand(units=empty, first_week=today, last_week=today)
    return weekly_demand(
        history.lines,
        observed_from=history.observed_from,
        observed_to=history.observed_to,
        by_location=by_location,
    )


def demand_from_file(path: Path) -> WeeklyDemand:
    """Weekly demand per SKU from the UCI Online Retail file, read in place."""
    lines, observed_from, observed_to = read_online_retail(path)
    return weekly_demand(lines, observed_from=observed_from, observed_to=observed_to)


def sample_series(demand: WeeklyDemand, sample: int | None, seed: int = 14) -> pd.DataFrame:
    """All series, or ``sample`` of them drawn at random (fixed seed: the same sample twice)."""
    units = demand.units
    if sample is not None and sample < len(units):
        units = units.sample(sample, random_state=seed).sort_index()
    return units


def backtest(
    demand: WeeklyDemand,
    *,
    sample: int | None = None,
    horizon: int = HORIZON,
    step: int = 4,
    progress: ProgressFn | None = None,
) -> Backtest:
    """Backtest the forecast used (the combination) against every candidate and the baselines."""
    return run_backtest(
        sample_series(demand, sample), horizon=horizon, step=step, progress=progress
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSummary:
    run_id: uuid.UUID
    series: int
    first_week: date | None
    last_week: date | None
    models: Mapping[str, int]


def run_forecasts(
    uow: UnitOfWork, *, job_id: uuid.UUID | None = None, progress: ProgressFn | None = None
) -> RunSummary:
    """Recompute every SKU's (and SKU × location's) forecast from the orders, as one run.

    A rerun of the same job replaces that run's forecasts, so a requeued job is idempotent.
    """
    with uow.begin() as tx:
        existing = repository.run_of_job(tx.connection, job_id) if job_id else None
        run_id = existing.id if existing is not None else uuid.uuid4()
        if existing is None:
            repository.start_run(
                tx.connection, run_id=run_id, job_id=job_id, version=MODEL_VERSION, now=tx.now
            )
    rows: list[dict[str, Any]] = []
    models: dict[str, int] = {}
    span: tuple[date, date] | None = None
    for by_location in (False, True):
        demand = demand_from_database(uow, by_location=by_location)
        if demand.units.empty:
            continue
        span = span or (demand.first_week, demand.last_week)
        for forecast in forecast_series(demand.units, progress=progress):
            sku, _, location = (
                forecast.key.partition("@") if by_location else (forecast.key, "", NETWORK)
            )
            models[forecast.model] = models.get(forecast.model, 0) + 1
            rows.extend(
                {
                    "run_id": run_id,
                    "sku": sku,
                    "location_code": location,
                    "week_on": week,
                    "units": point,
                    "lo_80": lo80,
                    "hi_80": hi80,
                    "lo_95": lo95,
                    "hi_95": hi95,
                    "model": forecast.model,
                    "model_version": forecast.model_version,
                    "backtest_mase": forecast.mase,
                    "backtest_pinball": forecast.pinball,
                }
                for week, point, lo80, hi80, lo95, hi95 in forecast.weeks
            )
    series = len({(row["sku"], row["location_code"]) for row in rows})
    with uow.begin() as tx:
        repository.replace_forecasts(tx.connection, run_id, rows)
        repository.finish_run(
            tx.connection, run_id, status="succeeded", series=series, weeks=span, now=tx.now
        )
    return RunSummary(
        run_id=run_id,
        series=series,
        first_week=span[0] if span else None,
        last_week=span[1] if span else None,
        models=models,
    )
