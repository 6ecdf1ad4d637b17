"""Demand's API schemas: a SKU's forecast with reorder advice, forecast runs, reorder settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from oms.demand.services import LocationAdvice, SkuForecast
from oms.platform import jobs
from oms.platform.schemas import Input


class WeekOut(BaseModel):
    week_on: date = Field(description="The week's Monday.")
    units: float = Field(description="Point forecast of the week's units.")
    lo_80: float
    hi_80: float
    lo_95: float
    hi_95: float


class LocationForecastOut(BaseModel):
    location_code: str = Field(description='"" for all locations together (the network).')
    model: str
    backtest_mase: float | None = Field(description="MASE of the model over the last 12 weeks.")
    backtest_pinball: float | None = Field(description="Scaled pinball loss, same weeks.")
    available: int = Field(description="On hand minus allocated.")
    reorder_point: int
    order_up_to: int
    suggested_quantity: int
    stock_out_on: date | None = Field(description="When the forecast uses up what is available.")
    weeks: list[WeekOut]

    @classmethod
    def of(cls, item: LocationAdvice) -> LocationForecastOut:
        advice = item.advice
        return cls(
            location_code=item.location_code,
            model=item.model,
            backtest_mase=item.backtest_mase,
            backtest_pinball=item.backtest_pinball,
            available=advice.available,
            reorder_point=advice.reorder_point,
            order_up_to=advice.order_up_to,
            suggested_quantity=advice.suggested_quantity,
            stock_out_on=advice.stock_out_on,
            weeks=[
                WeekOut(
                    week_on=w.week_on,
                    units=w.units,
                    lo_80=w.lo_80,
                    hi_80=w.hi_80,
                    lo_95=w.lo_95,
                    hi_95=w.hi_95,
                )
                for w in item.weeks
            ],
        )


class PolicyOut(BaseModel):
    lead_time_days: int
    service_level_pct: float
    review_days: int
    supplier: str | None


class SkuForecastOut(BaseModel):
    sku: str
    run_id: UUID
    model_version: str
    computed_at: datetime
    policy: PolicyOut
    locations: list[LocationForecastOut]

    @classmethod
    def of(cls, found: SkuForecast) -> SkuForecastOut:
        policy = found.policy
        return cls(
            sku=found.sku,
            run_id=found.run_id,
            model_version=found.model_version,
            computed_at=found.computed_at,
            policy=PolicyOut(
                lead_time_days=policy.lead_time_days,
                service_level_pct=policy.service_level_pct,
                review_days=policy.review_days,
                supplier=policy.supplier,
            ),
            locations=[LocationForecastOut.of(item) for item in found.locations],
        )


class ForecastRunOut(BaseModel):
    id: UUID = Field(description="The run's job id: poll GET /v1/forecasts/runs/{id}.")
    status: str
    progress_done: int
    progress_total: int | None
    message: str
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: jobs.Job) -> ForecastRunOut:
        return cls(
            id=job.id,
            status=str(job.status),
            progress_done=job.progress_done,
            progress_total=job.progress_total,
            message=job.message,
            result=dict(job.result) if job.result is not None else None,
            error=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )


class ReorderSettingIn(Input):
    lead_time_days: int | None = Field(default=None, ge=0, le=365)
    service_level_pct: float | None = Field(default=None, ge=50, lt=100)
    review_days: int | None = Field(default=None, ge=0, le=365)
    supplier: str | None = Field(default=None, min_length=1, max_length=64)


class ReorderSettingOut(BaseModel):
    scope: str
    key: str
    lead_time_days: int | None
    service_level_pct: float | None
    review_days: int | None
    supplier: str | None
    updated_at: datetime
