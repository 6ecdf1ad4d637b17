"""The demand backtest on a sample of the real dataset (UCI Online Retail): scores computed,
the per-SKU choice consistent with its validation, the naive MASE equal to a hand computation,
and production forecasts whose bands are ordered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oms.demand.domain.method import (
    BANDED,
    BASELINES,
    CANDIDATES,
    COMBINATION,
    COMBINED,
    SELECTED,
)
from oms.demand.services import runs
from oms.demand.services.backtest import run_backtest
from oms.demand.services.candidates import forecast_all
from oms.demand.services.forecasting import forecast_series

DATASET = Path(__file__).resolve().parents[3] / "shared" / "data" / "online_retail.csv.xz"

pytestmark = pytest.mark.skipif(
    not DATASET.exists(), reason=f"the real dataset is not at {DATASET} (../shared/data)"
)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    demand = runs.demand_from_file(DATASET)
    assert demand.units.shape[1] == 52, "the complete weeks 2010-12-06 to 2011-11-28"
    return runs.sample_series(demand, 12)


@pytest.fixture(scope="module")
def backtest(sample: pd.DataFrame):  # type: ignore[no-untyped-def]
    return run_backtest(sample, horizon=12, step=4)


def test_every_model_and_baseline_is_scored_on_the_scored_skus(backtest) -> None:  # type: ignore[no-untyped-def]
    summary = backtest.summary()
    assert list(summary.index) == [SELECTED, COMBINATION, *CANDIDATES, *BASELINES]
    assert len(backtest.scored()) > 0
    assert np.isfinite(summary[["mase", "pinball"]].to_numpy()).all()
    assert (summary[["mase", "pinball"]] > 0).all().all()


def test_the_model_used_is_the_combination_for_every_sku(backtest) -> None:  # type: ignore[no-untyped-def]
    assert (backtest.chosen == COMBINATION).all()
    assert backtest.summary().at[SELECTED, "mase"] == backtest.summary().at[COMBINATION, "mase"]


def test_the_combination_is_the_weekly_median_of_its_members_points_and_bands(
    sample: pd.DataFrame,
) -> None:
    history = sample.iloc[:, :40].copy()
    history.columns = pd.to_datetime(history.columns)
    long = history.stack().rename("y").reset_index()
    long.columns = pd.Index(["unique_id", "ds", "y"])
    frame = forecast_all(long, horizon=12).frame
    point = np.median(frame[list(COMBINED)].to_numpy(), axis=1)
    assert frame[COMBINATION].to_numpy() == pytest.approx(point)
    for suffix, hold in (("-lo-95", np.minimum), ("-lo-80", np.minimum),
                         ("-hi-80", np.maximum), ("-hi-95", np.maximum)):  # fmt: skip
        bands = np.median(frame[[f"{name}{suffix}" for name in BANDED]].to_numpy(), axis=1)
        assert frame[f"{COMBINATION}{suffix}"].to_numpy() == pytest.approx(hold(bands, point))
    assert (frame[f"{COMBINATION}-lo-95"] <= frame[f"{COMBINATION}-lo-80"] + 1e-9).all()
    assert (frame[f"{COMBINATION}-hi-80"] <= frame[f"{COMBINATION}-hi-95"] + 1e-9).all()
    assert (frame[f"{COMBINATION}-lo-95"] <= frame[COMBINATION] + 1e-9).all()
    assert (frame[COMBINATION] <= frame[f"{COMBINATION}-hi-95"] + 1e-9).all()


def test_the_selections_test_score_is_its_chosen_models_score(backtest) -> None:  # type: ignore[no-untyped-def]
    scores = backtest.series_scores()
    for key in backtest.scored():
        assert scores.at[key, "mase"] == scores.at[key, f"mase_{scores.at[key, 'model']}"]


def test_naive_mase_equals_a_hand_computation(sample: pd.DataFrame, backtest) -> None:  # type: ignore[no-untyped-def]
    key = backtest.scored()[0]
    y = sample.loc[key].to_numpy(dtype=float)
    test_start = 40
    first_sale = int(np.flatnonzero(y[:test_start] > 0)[0])
    scale = np.mean(np.abs(np.diff(y[first_sale:test_start])))
    errors: list[float] = []
    for origin in (40, 44, 48):  # naive repeats the last week before each origin
        errors.extend(abs(y[week] - y[origin - 1]) for week in range(origin, 52))
    assert backtest.test.mase.at[key, "Naive"] == pytest.approx(np.mean(errors) / scale)


def test_no_validation_forecast_is_scored_on_a_test_week(backtest) -> None:  # type: ignore[no-untyped-def]
    assert backtest.validation.origins == 3
    assert backtest.test.origins == 3
    assert backtest.weeks == 52


def test_production_forecasts_have_ordered_bands_and_record_their_model(
    sample: pd.DataFrame,
) -> None:
    forecasts = list(forecast_series(sample.iloc[:4], horizon=12, step=4))
    assert len(forecasts) == 4
    for forecast in forecasts:
        assert forecast.model == COMBINATION
        assert "statsforecast-" in forecast.model_version
        assert len(forecast.weeks) == 12
        for _, point, lo80, hi80, lo95, hi95 in forecast.weeks:
            assert 0 <= lo95 <= lo80 <= point + 1e-9
            assert point <= hi80 + 1e-9 <= hi95 + 1e-9
