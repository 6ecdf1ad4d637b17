"""Demand's pure rules: weekly series over complete weeks, the scores, the reorder arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from oms.demand.domain.reorder import ReorderPolicy, WeekForecast, advise, demand_over, stock_out_on
from oms.demand.domain.scores import mase, naive_scale, scaled_pinball
from oms.demand.domain.series import complete_weeks, weekly_demand


def _lines(*rows: tuple[str, datetime, int, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [(sku, "", at, quantity, cancelled) for sku, at, quantity, cancelled in rows],
        columns=["sku", "location", "placed_at", "quantity", "cancelled_quantity"],
    )


def test_partial_first_and_last_weeks_are_left_out() -> None:
    wednesday = datetime(2010, 12, 1, 8, 26, tzinfo=UTC)
    friday_noon = datetime(2011, 12, 9, 12, 51, tzinfo=UTC)
    assert complete_weeks(wednesday, friday_noon) == (date(2010, 12, 6), date(2011, 11, 28))


def test_weekly_demand_counts_uncancelled_units_in_the_week_the_order_was_placed() -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
    lines = _lines(
        ("A", start + timedelta(days=1), 5, 2),
        ("A", start + timedelta(days=6, hours=23), 1, 0),
        ("A", start + timedelta(days=8), 4, 4),
        ("B", start + timedelta(days=9), 7, 0),
        ("B", start + timedelta(days=15), 9, 0),  # the third week is not complete
    )
    demand = weekly_demand(lines, observed_from=start, observed_to=start + timedelta(days=16))
    assert demand.weeks == [date(2026, 1, 5), date(2026, 1, 12)]
    assert demand.units.loc["A"].tolist() == [4, 0]
    assert demand.units.loc["B"].tolist() == [0, 7]


def test_mase_of_the_naive_forecast_is_its_error_over_the_in_sample_naive_error() -> None:
    training = np.array([2.0, 4.0, 1.0, 1.0, 5.0])  # changes 2, 3, 0, 4: scale 9/4
    assert naive_scale(training) == pytest.approx(2.25)
    actual = np.array([3.0, 8.0])
    assert mase(actual, np.array([5.0, 5.0]), 2.25) == pytest.approx(2.5 / 2.25)


def test_a_perfect_forecast_has_no_pinball_loss_and_a_wrong_median_does() -> None:
    actual = np.array([3.0, 3.0])
    exact = {level: actual.copy() for level in (0.025, 0.1, 0.5, 0.9, 0.975)}
    assert scaled_pinball(actual, exact, 1.0) == 0.0
    off = {**exact, 0.5: np.array([5.0, 5.0])}
    assert scaled_pinball(actual, off, 2.0) == pytest.approx((0.5 * 2 / 5) / 2)


def _weeks(units: float, spread: float, start: date = date(2026, 3, 2)) -> list[WeekForecast]:
    return [
        WeekForecast(
            week_on=start + timedelta(days=7 * i),
            units=units,
            lo_80=max(units - spread, 0),
            hi_80=units + spread,
            lo_95=0,
            hi_95=units + 2 * spread,
        )
        for i in range(12)
    ]


def test_demand_over_two_weeks_adds_means_and_variances() -> None:
    mean, sigma = demand_over(_weeks(70, 12.816), date(2026, 3, 2), 14)
    assert mean == pytest.approx(140)
    assert sigma == pytest.approx(10 * 2**0.5, rel=1e-3)


def test_stock_runs_out_on_the_day_the_daily_forecast_uses_it_up() -> None:
    assert stock_out_on(_weeks(70, 0), date(2026, 3, 4), 25) == date(2026, 3, 6)
    assert stock_out_on(_weeks(0, 0), date(2026, 3, 4), 25) is None
    assert stock_out_on(_weeks(70, 0), date(2026, 3, 4), 0) == date(2026, 3, 4)


def test_below_the_reorder_point_the_suggestion_fills_up_to_the_order_up_to_level() -> None:
    policy = ReorderPolicy(lead_time_days=14, review_days=7, service_level_pct=95)
    advice = advise(_weeks(70, 0), today=date(2026, 3, 2), available=100, policy=policy)
    assert (advice.reorder_point, advice.order_up_to) == (140, 210)
    assert advice.suggested_quantity == 110
    plenty = advise(_weeks(70, 0), today=date(2026, 3, 2), available=500, policy=policy)
    assert plenty.suggested_quantity == 0
    assert not plenty.reorder_now


def test_a_higher_service_level_keeps_more_safety_stock() -> None:
    weeks = _weeks(70, 20)
    low = advise(
        weeks, today=date(2026, 3, 2), available=0, policy=ReorderPolicy(service_level_pct=80)
    )
    high = advise(
        weeks, today=date(2026, 3, 2), available=0, policy=ReorderPolicy(service_level_pct=99)
    )
    assert high.reorder_point > low.reorder_point > 140
