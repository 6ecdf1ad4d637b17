"""Demand's API schemas: a SKU's forecast with reorder advice, forecast runs, reorder settings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field, field_validator

from oms.demand.services import LocationAdvice, SkuForecast
from oms.platform.schemas import DecimalAmount, DecimalString, Input, JobOut

PLACES = Decimal("0.001")


def _decimal(value: float) -> Decimal:
    """A model's float as an exact decimal string of three places (units, scores, percents)."""
    return Decimal(repr(value)).quantize(PLACES)


def _maybe(value: float | None) -> Decimal | None:
    return None if value is None else _decimal(value)


class WeekOut(BaseModel):
    week_on: date = Field(description="The week's Monday.")
    units: DecimalString = Field(description="Point forecast of the week's units.")
    lo_80: DecimalString
    hi_80: DecimalString
    lo_95: DecimalString
    hi_95: DecimalString


class LocationForecastOut(BaseModel):
    location_code: str = Field(description='"" for all locations together (the network).')
    model: str
    backtest_mase: DecimalString | None = Field(
        description="MASE of the model over the last 12 weeks."
    )
    backtest_pinball: DecimalString | None = Field(description="Scaled pinball loss, same weeks.")
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
            backtest_mase=_maybe(item.backtest_mase),
            backtest_pinball=_maybe(item.backtest_pinball),
            available=advice.available,
            reorder_point=advice.reorder_point,
            order_up_to=advice.order_up_to,
            suggested_quantity=advice.suggested_quantity,
            stock_out_on=advice.stock_out_on,
            weeks=[
                WeekOut(
                    week_on=w.week_on,
                    units=_decimal(w.units),
                    lo_80=_decimal(w.lo_80),
                    hi_80=_decimal(w.hi_80),
                    lo_95=_decimal(w.lo_95),
                    hi_95=_decimal(w.hi_95),
                )
                for w in item.weeks
            ],
        )


class PolicyOut(BaseModel):
    lead_time_days: int
    service_level_pct: DecimalString
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
                service_level_pct=_decimal(policy.service_level_pct),
                review_days=policy.review_days,
                supplier=policy.supplier,
            ),
            locations=[LocationForecastOut.of(item) for item in found.locations],
        )


class ForecastRunOut(JobOut):
    id: UUID = Field(description="The run's job id: poll GET /v1/forecasts/runs/{id}.")


class ReorderSettingIn(Input):
    lead_time_days: int | None = Field(default=None, ge=0, le=365)
    service_level_pct: DecimalAmount | None = Field(
        default=None, description='At least 50 and below 100, as a string: "97.5".'
    )
    review_days: int | None = Field(default=None, ge=0, le=365)
    supplier: str | None = Field(default=None, min_length=1, max_length=64)


class ReorderSettingOut(BaseModel):
    scope: str
    key: str
    lead_time_days: int | None
    service_level_pct: DecimalString | None
    review_days: int | None
    supplier: str | None
    updated_at: datetime

    @field_validator("service_level_pct", mode="before")
    @classmethod
    def _places(cls, value: float | None) -> Decimal | None:
        return _maybe(value)
