"""Forecasts for production: each series gets the combination (``candidates.COMBINATION``),
scored over its last ``HORIZON`` complete weeks (same rolling origins as the backtest's
validation), refitted on all its weeks and run ``HORIZON`` weeks ahead from the week after the
last complete one.

The week in progress (the current, incomplete one) is the first forecast week: its orders so
far are not a week of demand, so it is forecast like any future week.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from oms.demand.domain.method import COMBINATION, HORIZON, MODEL_VERSION
from oms.demand.services.backtest import ProgressFn, score_window, select_models
from oms.demand.services.candidates import forecast_all

MIN_WEEKS_TO_SELECT = 2 * HORIZON
"""Below this, the validation window would leave too little to fit on: the combination is used
unscored."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesForecast:
    key: str
    model: str
    model_version: str
    mase: float | None
    pinball: float | None
    weeks: list[tuple[date, float, float, float, float, float]]
    """(week, point, lo 80, hi 80, lo 95, hi 95)."""


def forecast_series(
    units: pd.DataFrame,
    *,
    horizon: int = HORIZON,
    step: int = 4,
    progress: ProgressFn | None = None,
) -> Iterator[SeriesForecast]:
    """Score the model used per series on its last ``horizon`` weeks, then forecast with it."""
    weeks = units.shape[1]
    if weeks >= MIN_WEEKS_TO_SELECT:
        scores = score_window(
            units, start=weeks - horizon, end=weeks, horizon=horizon, step=step, progress=progress
        )
        chosen = select_models(scores)
        mase = scores.mase
        pinball = scores.pinball
    else:
        chosen = pd.Series(COMBINATION, index=units.index)
        mase = pinball = pd.DataFrame(np.nan, index=units.index, columns=[COMBINATION])
    history = units.copy()
    history.columns = pd.to_datetime(history.columns)
    long = history.stack().rename("y").reset_index()
    long.columns = pd.Index(["unique_id", "ds", "y"])
    long["y"] = long["y"].astype("float64")
    frame = forecast_all(long, horizon=horizon).frame
    for key, rows in frame.groupby("unique_id", sort=True):
        model = str(chosen[key])
        yield SeriesForecast(
            key=str(key),
            model=model,
            model_version=MODEL_VERSION,
            mase=_number(mase.at[key, model]),
            pinball=_number(pinball.at[key, model]),
            weeks=[
                (
                    row.ds.date(),
                    float(row.point),
                    float(row.lo80),
                    float(row.hi80),
                    float(row.lo95),
                    float(row.hi95),
                )
                for row in rows.rename(
                    columns={
                        model: "point",
                        f"{model}-lo-80": "lo80",
                        f"{model}-hi-80": "hi80",
                        f"{model}-lo-95": "lo95",
                        f"{model}-hi-95": "hi95",
                    }
                ).itertuples()
            ],
        )


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if np.isnan(number) else number
