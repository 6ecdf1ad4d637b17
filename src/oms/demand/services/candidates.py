"""The forecasting models oms combines, built on statsforecast, and one call that fits them
all at a forecast origin.

Smooth series get exponential smoothing (AutoETS) and the Theta method (OptimizedTheta);
intermittent ones (many zero weeks) Croston's method with the Syntetos–Boylan correction, TSB
and the temporal aggregations ADIDA and IMAPA. Every candidate is fitted on every series and scored
by the backtest (see ``backtest``).

The forecast oms uses is none of them alone but their combination (:data:`COMBINATION`): per
week the median of a few diverse members' forecasts, which is less often far off than any one
model or a per-series choice on a short validation window.

Intervals: ETS and Theta give their own (model-based). The Croston family, ADIDA and IMAPA give
only a point forecast in statsforecast, so theirs are split-conformal
(``ConformalIntervals``): the model is refitted on the series cut at the last ``n_windows``
horizons and the quantiles of its absolute errors there, per step ahead, give the bands. They
are honest in the sense that they come from the model's own out-of-sample errors on that series,
never from the evaluated weeks. Bands of demand are cut at zero. The combination's bounds are
the medians of ETS's, Theta's and naive's bounds (:data:`BANDED`; the median is monotone, so
they stay ordered), widened where needed to hold the combination's point: the intermittent
members' conformal bands need two horizons of history of their own and even then held far too
few weeks on the windows the method was chosen on (docs/insight.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import (
    ADIDA,
    IMAPA,
    TSB,
    AutoETS,
    CrostonSBA,
    Naive,
    OptimizedTheta,
    SeasonalNaive,
)
from statsforecast.utils import ConformalIntervals

from oms.demand.domain.method import (
    BANDED,
    BASELINES,
    CANDIDATES,
    COMBINATION,
    COMBINED,
    CONFORMAL_WINDOWS,
    HORIZON,
    LEVELS,
    SEASON_LENGTH,
)


@dataclass(frozen=True, slots=True)
class Forecasts:
    """Forecasts of every model at one origin: ``frame`` has ``unique_id``, ``ds`` and, per
    model, the point (``Model``) and its bounds (``Model-lo-95`` ... ``Model-hi-95``)."""

    frame: pd.DataFrame
    models: tuple[str, ...]


def _banded_models() -> list[Any]:
    return [
        AutoETS(season_length=1),
        OptimizedTheta(season_length=1),
        Naive(),
        SeasonalNaive(season_length=SEASON_LENGTH),
    ]


def _intermittent_models(horizon: int, conformal: bool) -> list[Any]:
    intervals = ConformalIntervals(h=horizon, n_windows=CONFORMAL_WINDOWS) if conformal else None
    return [
        CrostonSBA(prediction_intervals=intervals),
        TSB(alpha_d=0.1, alpha_p=0.1, prediction_intervals=intervals),
        ADIDA(prediction_intervals=intervals),
        IMAPA(prediction_intervals=intervals),
    ]


def forecast_all(history: pd.DataFrame, *, horizon: int = HORIZON) -> Forecasts:
    """Fit every candidate and baseline on ``history`` (``unique_id``, ``ds`` weekly Mondays,
    ``y``; equal lengths) and forecast ``horizon`` weeks with 80% and 95% intervals.

    Conformal bands need ``CONFORMAL_WINDOWS * horizon`` weeks of their own; on a shorter
    history the intermittent models' bands are their point (zero width), said so by
    ``conformal=False`` in the frame's attributes.
    """
    length = int(history.groupby("unique_id").size().min())
    conformal = length > CONFORMAL_WINDOWS * horizon + 1
    levels = list(LEVELS)
    banded = StatsForecast(models=_banded_models(), freq="W-MON", n_jobs=1, fallback_model=Naive())
    frame = banded.forecast(df=history, h=horizon, level=levels)
    intermittent = StatsForecast(models=_intermittent_models(horizon, conformal), freq="W-MON")
    points = intermittent.forecast(df=history, h=horizon, level=levels if conformal else None)
    frame = frame.merge(points, on=["unique_id", "ds"])
    names: tuple[str, ...] = CANDIDATES + BASELINES
    for name in names:
        for level in LEVELS:
            for side in ("lo", "hi"):
                column = f"{name}-{side}-{level}"
                if column not in frame:
                    frame[column] = frame[name]
    numeric = frame.columns.difference(["unique_id", "ds"])
    frame[numeric] = np.maximum(frame[numeric].to_numpy(dtype=np.float64), 0.0)
    point = np.median(frame[list(COMBINED)].to_numpy(dtype=np.float64), axis=1)
    frame[COMBINATION] = point
    for level in LEVELS:
        for side, hold in (("lo", np.minimum), ("hi", np.maximum)):
            suffix = f"-{side}-{level}"
            members = frame[[f"{name}{suffix}" for name in BANDED]].to_numpy(dtype=np.float64)
            frame[f"{COMBINATION}{suffix}"] = hold(np.median(members, axis=1), point)
    names = (COMBINATION, *names)
    frame.attrs["conformal"] = conformal
    return Forecasts(frame=frame, models=names)
