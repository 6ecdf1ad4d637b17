"""BG/NBD (Fader, Hardie and Lee 2005) for how many purchases a customer will make and whether
they are still alive, Gamma-Gamma for the value of a purchase, both from ``pymc-marketing``,
fitted by maximum a posteriori (docs/insight.md has why this library and not ``lifetimes``).

``pymc_marketing`` takes tens of seconds to import (PyTensor compiles its graphs), so it is
imported when a model is fitted, never when ``oms`` starts.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped,unused-ignore]

from oms.customer_value.domain.purchases import DAYS_PER_WEEK, CustomerSummary

MODEL = "bg-nbd+gamma-gamma"
CODE_VERSION = "1"
"""This package's way of turning purchases into scores (the RFM-T summary, the scaling, the
CLV sum): bumped when a change would move a score that the library's version would not."""
WEEKS_PER_MONTH = 365.25 / 12 / DAYS_PER_WEEK
MINOR_PER_UNIT = 100.0
"""Gamma-Gamma is fitted on values scaled down by this (its scale parameter stays moderate);
only the fit sees the scale, every value in and out is in minor units."""
MIN_CUSTOMERS = 20
MIN_REPEATERS = 10

Floats = np.ndarray[Any, np.dtype[np.float64]]


def model_version() -> str:
    """The library that fits the model, its version and this code's, recorded with every score."""
    return f"pymc-marketing {version('pymc-marketing')}, oms.customer_value {CODE_VERSION}"


class TooFewCustomers(Exception):
    """Not enough history in a currency to fit the models."""

    def __init__(self, customers: int, repeaters: int) -> None:
        super().__init__(
            f"{customers} customers of whom {repeaters} bought again: too few to fit the model "
            f"(at least {MIN_CUSTOMERS} and {MIN_REPEATERS})"
        )
        self.customers = customers
        self.repeaters = repeaters


@dataclass(frozen=True, slots=True)
class Scores:
    """Per customer, in the order of the summaries given."""

    expected_purchases: Floats
    probability_alive: Floats
    expected_order_value_minor: Floats
    clv_minor: Floats


@contextmanager
def _quiet() -> Iterator[None]:
    """PyMC logs each fit and warns about its defaults; neither is for our caller."""
    loggers = [logging.getLogger(name) for name in ("pymc", "pytensor", "pymc_marketing")]
    levels = [logger.level for logger in loggers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)


def _frame(summaries: Sequence[CustomerSummary]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": np.arange(len(summaries)),
            "frequency": np.array([s.frequency for s in summaries], dtype=np.float64),
            "recency": np.array([s.recency for s in summaries], dtype=np.float64),
            "T": np.array([s.age for s in summaries], dtype=np.float64),
            "monetary_value": np.array(
                [s.repeat_value_minor / MINOR_PER_UNIT for s in summaries], dtype=np.float64
            ),
        }
    )


def _mean(values: Any) -> Floats:
    """A posterior quantity per customer (MAP: one chain, one draw), as a flat array."""
    return np.asarray(values.mean(("chain", "draw")).values, dtype=np.float64)


class FittedModel:
    """A BG/NBD and a Gamma-Gamma fitted on one currency's customers."""

    def __init__(self, purchases: Any, value: Any) -> None:
        self._purchases = purchases
        self._value = value

    @property
    def parameters(self) -> dict[str, float | None]:
        """The fitted parameters by name (Gamma-Gamma's prefixed ``gg_``); a non-finite one is
        None, as JSON (and PostgreSQL's json) has no NaN."""
        fitted: dict[str, float | None] = {}
        for prefix, model in (("", self._purchases), ("gg_", self._value)):
            summary = model.fit_summary()
            fitted |= {
                f"{prefix}{name}": float(v) if np.isfinite(float(v)) else None
                for name, v in summary.items()
            }
        return fitted

    def expected_purchases(self, summaries: Sequence[CustomerSummary], weeks: float) -> Floats:
        """Expected purchase days in the next ``weeks`` of each customer."""
        with _quiet():
            return _mean(self._purchases.expected_purchases(data=_frame(summaries), future_t=weeks))

    def score(
        self,
        summaries: Sequence[CustomerSummary],
        *,
        weeks: float,
        horizon_months: int,
        monthly_discount: float,
    ) -> Scores:
        """Expected purchases in ``weeks``, P(alive), expected order value and the CLV of the
        next ``horizon_months``: each month's expected purchases times the expected order
        value, discounted at ``monthly_discount`` per month."""
        frame = _frame(summaries)
        with _quiet():
            alive = _mean(self._purchases.expected_probability_alive(data=frame))
            value = MINOR_PER_UNIT * _mean(self._value.expected_customer_spend(data=frame))
            clv = np.zeros(len(frame))
            before = np.zeros(len(frame))
            for month in range(1, horizon_months + 1):
                upto = _mean(
                    self._purchases.expected_purchases(data=frame, future_t=month * WEEKS_PER_MONTH)
                )
                clv += (upto - before) * value / (1 + monthly_discount) ** month
                before = upto
        return Scores(
            expected_purchases=self.expected_purchases(summaries, weeks),
            probability_alive=np.clip(alive, 0.0, 1.0),
            expected_order_value_minor=value,
            clv_minor=np.maximum(clv, 0.0),
        )


def fit(summaries: Sequence[CustomerSummary]) -> FittedModel:
    """Fit both models on one currency's customers (Gamma-Gamma on those who bought again)."""
    frame = _frame(summaries)
    repeaters = frame[frame["frequency"] > 0]
    if len(frame) < MIN_CUSTOMERS or len(repeaters) < MIN_REPEATERS:
        raise TooFewCustomers(len(frame), len(repeaters))
    with _quiet():
        from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

        purchases = BetaGeoModel(data=frame[["customer_id", "frequency", "recency", "T"]])
        purchases.fit(method="map", progressbar=False)
        value = GammaGammaModel(data=repeaters[["customer_id", "frequency", "monetary_value"]])
        value.fit(method="map", progressbar=False)
    return FittedModel(purchases, value)
