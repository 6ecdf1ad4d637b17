"""Demand's use cases that read: a SKU's forecast with its reorder advice, what to reorder, the
reorder settings. Recomputing forecasts and backtesting (pandas and statsforecast) are in
``services.runs``, imported only by what runs them, so the API and the console start fast."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from oms.demand import repository
from oms.demand.domain.errors import InvalidReorderSetting, NoForecast, UnknownSku
from oms.demand.domain.method import NETWORK
from oms.demand.domain.reorder import ReorderAdvice, ReorderPolicy, WeekForecast, advise
from oms.platform.unit_of_work import UnitOfWork


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
