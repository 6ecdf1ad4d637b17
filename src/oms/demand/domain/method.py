"""The forecasting method's names and settings, without the libraries that fit it: what the
console, the API and the CLI need to describe a forecast without importing statsforecast (which
takes seconds to load). ``services.candidates`` fits the models these name."""

from importlib.metadata import version

NETWORK = ""
"""The location code of forecasts over all locations together."""

SELECTION_VERSION = "3"
"""Bumped whenever the candidates, their settings or the selection rule change."""

MODEL_VERSION = f"statsforecast-{version('statsforecast')}/selection-{SELECTION_VERSION}"

LEVELS = (80, 95)
HORIZON = 12
CONFORMAL_WINDOWS = 2

SEASON_LENGTH = 4
"""The seasonal naive baseline's period, in weeks; see docs/insight.md for why 4."""

CANDIDATES = ("AutoETS", "OptimizedTheta", "CrostonSBA", "TSB", "ADIDA", "IMAPA")
BASELINES = ("Naive", "SeasonalNaive")

COMBINATION = "Combination"
"""The production forecast: per week, the median of :data:`COMBINED`'s points, and each band
bound the median of :data:`BANDED`'s (widened where needed to hold the point). Decided on the two
12-week windows before the backtest's test weeks (see docs/insight.md): the median of a few
diverse models beat every single model and the per-series choice there, as forecast
combinations usually do; the intermittent members' conformal bands were far too narrow there."""

COMBINED = ("TSB", "IMAPA", "Naive")
"""The members: of every mean and median of 2 to 5 of the candidates and naive (182 in all),
the one with the lowest MASE relative to seasonal naive averaged over two windows before the
test weeks (weeks 16–27 and 28–39, a fixed sample of 400 SKUs). Runners-up within 0.3%: the
medians of ADIDA, IMAPA and naive, and of Theta, TSB, ADIDA, IMAPA and naive."""

BANDED = ("AutoETS", "OptimizedTheta", "Naive")
"""Whose bands the combination's are the median of: of the bands of every single model and two
medians of three, put around the combination's point, the lowest scaled pinball loss over the
same two windows (0.501, against 0.619 for the members' own bands, whose 80% band held 5% and
75% of the weeks there)."""

SELECTED = "Selected"
"""The per-series choice, scored as a model of its own."""
