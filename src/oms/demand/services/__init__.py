"""Demand's use cases: recompute forecasts (a run), backtest, read a SKU's forecast with its
reorder advice, list what to reorder, keep reorder settings."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from oms.demand import repository
from oms.demand.domain.errors import InvalidReorderSetting, NoForecast, UnknownSku
from oms.demand.domain.reorder import ReorderAdvice, ReorderPolicy, WeekForecast, advise
from oms.demand.domain.series import WeeklyDemand, weekly_demand
from oms.demand.services.backtest import Backtest, ProgressFn, run_backtest
from oms.demand.services.candidates import HORIZON, MODEL_VERSION
from oms.demand.services.forecasting import forecast_series
from oms.demand.services.sources import read_online_retail
from oms.platform.unit_of_work import UnitOfWork

NETWORK = ""
"""The location code of forecasts over all locations together."""


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


@dataclass(frozen=True, slots=True, kw_only=True)
class LocationAdvice:
    location_code: str
    """``""`` for the network (all locations together)."""
    advice: ReorderAdvice
    weeks: list[WeekForecast]
    model: str
    backtest_mase: float | None
    backtest_pinball: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SkuForecast:
    sku: str
    run_id: uuid.UUID
    model_version: str
    computed_at: Any
    policy: ReorderPolicy
    locations: list[LocationAdvice]


def _advice_for(
    sku: str,
    rows: list[Any],
    stock: Mapping[tuple[str, str], int],
    policy: ReorderPolicy,
    today: date,
) -> list[LocationAdvice]:
    by_location: dict[str, list[Any]] = {}
    for row in rows:
        by_location.setdefault(row.location_code, []).append(row)
    own_locations = [code for code in by_location if code != NETWORK]
    result = []
    for code, location_rows in sorted(by_location.items()):
        if code == NETWORK:
            held = sum(
                units
                for (item, place), units in stock.items()
                if item == sku and place not in own_locations
            )
        else:
            held = stock.get((sku, code), 0)
        weeks = [repository.week_forecast(row) for row in location_rows]
        first = location_rows[0]
        result.append(
            LocationAdvice(
                location_code=code,
                advice=advise(weeks, today=today, available=held, policy=policy),
                weeks=weeks,
                model=first.model,
                backtest_mase=first.backtest_mase,
                backtest_pinball=first.backtest_pinball,
            )
        )
    return result


def sku_forecast(sku: str, *, uow: UnitOfWork) -> SkuForecast:
    """A SKU's weekly forecast with intervals and reorder advice per location, from the latest
    run. The network row covers the stock of locations that have no forecast of their own."""
    with uow.read() as tx:
        run = repository.latest_run(tx.connection)
        if not repository.sku_exists(tx.connection, sku):
            raise UnknownSku(sku)
        if run is None:
            raise NoForecast(sku)
        rows = repository.forecasts_of(tx.connection, run.id, [sku])
        if not rows:
            raise NoForecast(sku)
        stock = repository.available_stock(tx.connection, [sku])
        policy = repository.policies(repository.reorder_setting_rows(tx.connection)).for_sku(sku)
        today = tx.now.date()
    return SkuForecast(
        sku=sku,
        run_id=run.id,
        model_version=run.model_version,
        computed_at=run.finished_at,
        policy=policy,
        locations=_advice_for(sku, rows, stock, policy, today),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReorderLine:
    sku: str
    location_code: str
    advice: ReorderAdvice
    model: str
    weekly_units: float


def reorder_list(*, uow: UnitOfWork, limit: int = 200) -> list[ReorderLine]:
    """What to reorder now (available at or below the reorder point), soonest stock-out first."""
    with uow.read() as tx:
        run = repository.latest_run(tx.connection)
        if run is None:
            return []
        rows = repository.forecasts_of(tx.connection, run.id)
        stock = repository.available_stock(tx.connection)
        book = repository.policies(repository.reorder_setting_rows(tx.connection))
        today = tx.now.date()
    per_sku: dict[str, list[Any]] = {}
    for row in rows:
        per_sku.setdefault(row.sku, []).append(row)
    lines = []
    for sku, sku_rows in per_sku.items():
        for item in _advice_for(sku, sku_rows, stock, book.for_sku(sku), today):
            if item.advice.reorder_now:
                weekly = sum(week.units for week in item.weeks) / max(len(item.weeks), 1)
                lines.append(
                    ReorderLine(
                        sku=sku,
                        location_code=item.location_code,
                        advice=item.advice,
                        model=item.model,
                        weekly_units=weekly,
                    )
                )
    lines.sort(
        key=lambda line: (line.advice.stock_out_on or date.max, line.sku, line.location_code)
    )
    return lines[:limit]


SCOPES = ("default", "supplier", "sku")


def set_reorder_setting(
    *,
    scope: str,
    key: str,
    lead_time_days: int | None = None,
    service_level_pct: float | None = None,
    review_days: int | None = None,
    supplier: str | None = None,
    uow: UnitOfWork,
) -> None:
    """Set the reorder settings of a SKU, a supplier or the default (``key`` ``*``)."""
    if scope not in SCOPES:
        raise InvalidReorderSetting("scope", f"must be one of {', '.join(SCOPES)}")
    if scope == "default" and key != "*":
        raise InvalidReorderSetting("key", "the default's key is *")
    if not key or len(key) > 64:
        raise InvalidReorderSetting("key", "must be 1 to 64 characters")
    if lead_time_days is not None and not 0 <= lead_time_days <= 365:
        raise InvalidReorderSetting("lead_time_days", "must be between 0 and 365")
    if review_days is not None and not 0 <= review_days <= 365:
        raise InvalidReorderSetting("review_days", "must be between 0 and 365")
    if service_level_pct is not None and not 50 <= service_level_pct < 100:
        raise InvalidReorderSetting("service_level_pct", "must be at least 50 and below 100")
    if supplier is not None and scope != "sku":
        raise InvalidReorderSetting("supplier", "only a SKU names its supplier")
    values = {
        "lead_time_days": lead_time_days,
        "service_level_pct": service_level_pct,
        "review_days": review_days,
        "supplier": supplier,
    }
    with uow.begin() as tx:
        repository.put_reorder_setting(
            tx.connection, scope=scope, key=key, values=values, now=tx.now
        )


def reorder_settings(*, uow: UnitOfWork) -> list[Any]:
    """Every reorder settings row, by scope and key."""
    with uow.read() as tx:
        return repository.reorder_setting_rows(tx.connection)
