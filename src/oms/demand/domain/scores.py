"""Forecast scores that compare across series of any size: MASE and a scaled pinball loss.

Both divide by the same scale, the in-sample mean absolute one-step change of the series over
its training weeks (Hyndman and Koehler 2006, non-seasonal form), so a score of 1 means "as far
off, on average, as last week's value was from this week's in the past". A series that never
changed in training has no scale and no score (it is reported, not averaged).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)
"""The quantiles the pinball loss is taken at: the 95% and 80% intervals' bounds and the point
forecast standing in for the median."""


def naive_scale(training: Floats) -> float:
    """Mean absolute one-step change of ``training`` (0 when it never changed or is too short)."""
    if len(training) < 2:
        return 0.0
    return float(np.mean(np.abs(np.diff(training))))


def mase(actual: Floats, point: Floats, scale: float) -> float:
    """Mean absolute error of ``point`` against ``actual``, divided by ``scale``."""
    return float(np.mean(np.abs(actual - point))) / scale


def pinball(actual: Floats, quantile: Floats, level: float) -> float:
    """Mean pinball (quantile) loss of forecasts of the ``level`` quantile."""
    diff = actual - quantile
    return float(np.mean(np.maximum(level * diff, (level - 1.0) * diff)))


def scaled_pinball(actual: Floats, quantiles: Mapping[float, Floats], scale: float) -> float:
    """Pinball loss averaged over :data:`QUANTILES`, divided by ``scale`` (like MASE)."""
    losses = [pinball(actual, quantiles[level], level) for level in QUANTILES]
    return float(np.mean(losses)) / scale
