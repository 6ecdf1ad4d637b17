"""Reorder points, order-up-to quantities and stock-out dates from a weekly forecast.

Periodic review with a lead time (Silver, Pyke and Thomas, ch. 7): stock is reviewed every
``review_days`` and an order arrives ``lead_time_days`` after it is placed, so what is on hand
must cover the demand over lead time (reorder point) and, when ordering, up to the next
arrival after the following review (order-up-to level):

    reorder point = mean demand over L      + z(service level) · σ over L
    order-up-to   = mean demand over L + R  + z(service level) · σ over L + R
    suggested     = max(0, order-up-to − available)   when available ≤ reorder point

Mean demand sums the weekly point forecasts (a fraction of the last week for a part week).
σ comes from each week's 80% band: the upper bound lies 1.2816 σ above the point for a normal
error; weeks are taken as independent, so variances add. The upper side is used because the
lower one is cut at zero units. ``available`` is on hand minus allocated (no purchase orders are
on order in oms yet).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

Z_80_UPPER = NormalDist().inv_cdf(0.9)

DEFAULT_LEAD_TIME_DAYS = 14
DEFAULT_SERVICE_LEVEL_PCT = 95.0
DEFAULT_REVIEW_DAYS = 7


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekForecast:
    week_on: date
    units: float
    lo_80: float
    hi_80: float
    lo_95: float
    hi_95: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ReorderPolicy:
    """How a SKU is bought: days from order to arrival, days between reviews, the share of
    cycles that must not run out (percent)."""

    lead_time_days: int = DEFAULT_LEAD_TIME_DAYS
    service_level_pct: float = DEFAULT_SERVICE_LEVEL_PCT
    review_days: int = DEFAULT_REVIEW_DAYS
    supplier: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReorderAdvice:
    available: int
    reorder_point: int
    order_up_to: int
    suggested_quantity: int
    stock_out_on: date | None
    """The day the forecast uses up ``available``, or None if not within the forecast."""

    @property
    def reorder_now(self) -> bool:
        return self.suggested_quantity > 0


def demand_over(weeks: Sequence[WeekForecast], start: date, days: int) -> tuple[float, float]:
    """Mean and standard deviation of the demand from ``start`` for ``days`` days."""
    mean = 0.0
    variance = 0.0
    end = start + timedelta(days=days)
    for week in weeks:
        week_end = week.week_on + timedelta(days=7)
        overlap = (min(end, week_end) - max(start, week.week_on)).days
        if overlap <= 0:
            continue
        share = overlap / 7
        sigma = max(week.hi_80 - week.units, 0.0) / Z_80_UPPER
        mean += week.units * share
        variance += (sigma * share) ** 2
    return mean, math.sqrt(variance)


def stock_out_on(weeks: Sequence[WeekForecast], start: date, available: int) -> date | None:
    """The first day the forecast's point demand from ``start`` exceeds ``available``."""
    if available <= 0:
        return start
    left = float(available)
    for week in weeks:
        week_end = week.week_on + timedelta(days=7)
        if week_end <= start:
            continue
        days = (week_end - max(start, week.week_on)).days
        daily = week.units / 7
        if daily * days >= left and daily > 0:
            return max(start, week.week_on) + timedelta(days=math.floor(left / daily))
        left -= daily * days
    return None


def advise(
    weeks: Sequence[WeekForecast], *, today: date, available: int, policy: ReorderPolicy
) -> ReorderAdvice:
    """Reorder point, order-up-to level, suggested quantity and stock-out day for one SKU at
    one location (or the whole network) from its weekly forecast."""
    z = NormalDist().inv_cdf(policy.service_level_pct / 100)
    lead_mean, lead_sigma = demand_over(weeks, today, policy.lead_time_days)
    cover_mean, cover_sigma = demand_over(weeks, today, policy.lead_time_days + policy.review_days)
    reorder_point = math.ceil(lead_mean + z * lead_sigma)
    order_up_to = max(math.ceil(cover_mean + z * cover_sigma), reorder_point)
    suggested = order_up_to - available if available <= reorder_point else 0
    return ReorderAdvice(
        available=available,
        reorder_point=reorder_point,
        order_up_to=order_up_to,
        suggested_quantity=max(suggested, 0),
        stock_out_on=stock_out_on(weeks, today, available),
    )
