"""Rolling-origin evaluation of every candidate on weekly series on a validation window, and the
backtest that scores the forecast used (the combination) on a later holdout.

Windows, in weeks counted back from the last complete week (horizon 12, step 4 by default)::

    |.......... training ..........|-- validation (12) --|--- test (12) ---|
                                    ^o1  ^o2  ^o3          ^o1  ^o2  ^o3

From each origin every model is refitted on the weeks before it and forecasts ``horizon``
weeks; only forecasts of weeks inside the window are scored, so a validation forecast never
reaches into the test weeks. The forecast used is the combination (``candidates.COMBINATION``,
decided on windows before the test weeks); validation scores every model on the 12 weeks before
the test and the test window then scores the combination, every candidate and baseline, on
weeks none of them has seen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oms.demand.domain.method import (
    BASELINES,
    CANDIDATES,
    COMBINATION,
    HORIZON,
    SEASON_LENGTH,
    SELECTED,
)
from oms.demand.domain.scores import QUANTILES, naive_scale
from oms.demand.services.candidates import forecast_all

ProgressFn = Callable[[int, int, str], None]

_BOUND = {0.025: "lo-95", 0.1: "lo-80", 0.9: "hi-80", 0.975: "hi-95"}


@dataclass(frozen=True, slots=True)
class WindowScores:
    """Each model's scores per series over one window: absolute error (mean), MASE and scaled
    pinball (NaN where the series has no scale), indexed by series key, one column per model."""

    mae: pd.DataFrame
    mase: pd.DataFrame
    pinball: pd.DataFrame
    scale: pd.Series
    origins: int


def _origins(start: int, end: int, step: int) -> list[int]:
    return list(range(start, end, step))


def score_window(
    units: pd.DataFrame,
    *,
    start: int,
    end: int,
    horizon: int = HORIZON,
    step: int = 4,
    progress: ProgressFn | None = None,
) -> WindowScores:
    """Score every model on weeks ``[start, end)`` of ``units`` (series × weeks), forecasting
    from an origin every ``step`` weeks with only the weeks before it."""
    models = (COMBINATION, *CANDIDATES, *BASELINES)
    keys = units.index
    values = units.to_numpy(dtype=np.float64)
    abs_sum = {m: np.zeros(len(keys)) for m in models}
    pin_sum = {m: np.zeros(len(keys)) for m in models}
    count = np.zeros(len(keys))
    origins = _origins(start, end, step)
    for done, origin in enumerate(origins):
        if progress:
            progress(done, len(origins), f"origin week {units.columns[origin]}")
        history = _long(units.iloc[:, :origin])
        frame = forecast_all(history, horizon=horizon).frame
        frame = frame.set_index(["unique_id", "ds"])
        steps = min(horizon, end - origin)
        for k in range(steps):
            week = pd.Timestamp(units.columns[origin + k])
            at = frame.xs(week, level="ds").reindex(keys)
            actual = values[:, origin + k]
            for model in models:
                point = at[model].to_numpy()
                abs_sum[model] += np.abs(actual - point)
                pin_sum[model] += _pinball_sum(actual, at, model, point)
            count += 1
    scale = pd.Series([_scale(row[:start]) for row in values], index=keys)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = scale.replace(0.0, np.nan).to_numpy()
        mae = pd.DataFrame({m: abs_sum[m] / count for m in models}, index=keys)
        mase = mae.div(scaled, axis=0)
        pin = pd.DataFrame(
            {m: pin_sum[m] / count / len(QUANTILES) for m in models}, index=keys
        ).div(scaled, axis=0)
    if progress:
        progress(len(origins), len(origins), "scored")
    return WindowScores(mae=mae, mase=mase, pinball=pin, scale=scale, origins=len(origins))


MIN_WEEKS_SCORED = 13
"""A series is scored only with a quarter of sales history (from its first sale) before the
window: a product launched in the last weeks has no past to forecast from or scale by."""


def _scale(training: np.ndarray) -> float:
    """The naive scale over the weeks since the first sale (weeks before a product existed are
    not demand of zero); 0 (not scored) with less than ``MIN_WEEKS_SCORED`` of them."""
    sold = np.flatnonzero(training > 0)
    if len(sold) == 0 or len(training) - sold[0] < MIN_WEEKS_SCORED:
        return 0.0
    return naive_scale(training[sold[0] :])


def _pinball_sum(actual: np.ndarray, at: pd.DataFrame, model: str, point: np.ndarray) -> np.ndarray:
    total = np.zeros(len(actual))
    for level in QUANTILES:
        forecast = point if level == 0.5 else at[f"{model}-{_BOUND[level]}"].to_numpy()
        diff = actual - forecast
        total += np.maximum(level * diff, (level - 1.0) * diff)
    return total


def _long(units: pd.DataFrame) -> pd.DataFrame:
    frame = units.copy()
    frame.columns = pd.to_datetime(frame.columns)
    out = frame.stack().rename("y").reset_index()
    out.columns = pd.Index(["unique_id", "ds", "y"])
    out["y"] = out["y"].astype("float64")
    return out


def select_models(validation: WindowScores) -> pd.Series:
    """The model used per series: the combination, for every series.

    Choosing per series the candidate with the lowest validation error (selection-1) was
    measured worse than the combination on the windows before the test weeks: 12 weeks of
    validation are too few to tell the candidates apart, so the choice mostly followed noise
    (it picked CrostonSBA, the worst model, for a fifth of the SKUs). The validation scores are
    still computed and reported for every model."""
    return pd.Series(COMBINATION, index=validation.mae.index)


@dataclass(frozen=True, slots=True)
class Backtest:
    """A backtest's result: per series scores on the test window and the choice made."""

    chosen: pd.Series
    validation: WindowScores
    test: WindowScores
    weeks: int
    horizon: int
    step: int
    seconds: float

    def series_scores(self) -> pd.DataFrame:
        """Test MASE and pinball of the chosen model, every candidate and baseline, per series."""
        frame = pd.DataFrame({"model": self.chosen})
        frame["mase"] = _pick(self.test.mase, self.chosen)
        frame["pinball"] = _pick(self.test.pinball, self.chosen)
        for model in self.test.mase.columns:
            frame[f"mase_{model}"] = self.test.mase[model]
        return frame

    def scored(self) -> pd.Index:
        """The series with a scale on the test's training weeks (the others have no MASE)."""
        return self.test.scale.index[self.test.scale > 0]

    def summary(self) -> pd.DataFrame:
        """Mean test MASE and scaled pinball per model over the scored series, the per-series
        choice first, then the candidates and the baselines."""
        keys = self.scored()
        rows = [
            (
                SELECTED,
                float(_pick(self.test.mase, self.chosen)[keys].mean()),
                float(_pick(self.test.pinball, self.chosen)[keys].mean()),
                int((self.chosen[keys] != "").sum()),
            )
        ]
        counts = self.chosen[keys].value_counts()
        for model in self.test.mase.columns:
            rows.append(
                (
                    model,
                    float(self.test.mase.loc[keys, model].mean()),
                    float(self.test.pinball.loc[keys, model].mean()),
                    int(counts.get(model, 0)),
                )
            )
        return pd.DataFrame(rows, columns=["model", "mase", "pinball", "chosen"]).set_index("model")

    def improvement_over_seasonal_naive(self) -> float:
        """How much lower the used forecast's mean MASE is than seasonal naive's (0.2 = 20%)."""
        summary = self.summary()
        return 1.0 - float(summary.loc[SELECTED, "mase"]) / float(
            summary.loc["SeasonalNaive", "mase"]
        )


def _pick(scores: pd.DataFrame, chosen: pd.Series) -> pd.Series:
    columns = scores.columns.get_indexer(chosen.reindex(scores.index))
    return pd.Series(scores.to_numpy()[np.arange(len(scores)), columns], index=scores.index)


def run_backtest(
    units: pd.DataFrame,
    *,
    horizon: int = HORIZON,
    holdout: int = HORIZON,
    step: int = 4,
    progress: ProgressFn | None = None,
) -> Backtest:
    """Score every model on the ``holdout`` weeks before the last ``holdout`` weeks (validation),
    then score the combination used, every candidate and the baselines on those last weeks."""
    began = time.monotonic()
    weeks = units.shape[1]
    test_start = weeks - holdout
    validation_start = test_start - holdout
    if validation_start < max(2 * SEASON_LENGTH, 4):
        raise ValueError(f"{weeks} complete weeks are too few for a {holdout}-week backtest")

    def stage(offset: int) -> ProgressFn | None:
        if progress is None:
            return None
        return lambda done, total, message: progress(offset + done, 2 * total, message)

    validation = score_window(
        units,
        start=validation_start,
        end=test_start,
        horizon=horizon,
        step=step,
        progress=stage(0),
    )
    chosen = select_models(validation)
    test = score_window(
        units,
        start=test_start,
        end=weeks,
        horizon=horizon,
        step=step,
        progress=stage(validation.origins),
    )
    return Backtest(
        chosen=chosen,
        validation=validation,
        test=test,
        weeks=weeks,
        horizon=horizon,
        step=step,
        seconds=time.monotonic() - began,
    )
