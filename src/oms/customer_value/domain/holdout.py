"""The holdout check: fit on the calibration period, predict the holdout period per customer,
compare with what each customer did, next to the baseline "same rate as before".

The baseline extrapolates each customer's own calibration behaviour: repeat purchases per week
since their first purchase (``frequency / age``) times the holdout's weeks, and that many
purchases at their average calibration order value. The customers checked are those who bought
in the calibration period (a model of known customers cannot predict who is new).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from oms.customer_value.domain.purchases import CustomerSummary, Outcome

Floats = np.ndarray[Any, np.dtype[np.float64]]
ALIVE_BUCKETS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Accuracy:
    """How one predictor did: per-customer errors and the totals (spend in minor units)."""

    purchases_mae: float
    purchases_rmse: float
    purchases_predicted: float
    purchases_correlation: float
    spend_mae_minor: int
    spend_rmse_minor: int
    spend_predicted_minor: int
    spend_correlation: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AliveBucket:
    """Customers whose predicted P(alive) is in ``[low, high)`` and how many of them bought."""

    low: float
    high: float
    customers: int
    mean_probability: float
    bought: int


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldoutReport:
    currency: str
    customers: int
    holdout_weeks: float
    purchases_actual: int
    spend_actual_minor: int
    model: Accuracy
    baseline: Accuracy
    alive: tuple[AliveBucket, ...]

    def as_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def _correlation(a: Floats, b: Floats) -> float:
    if len(a) < 2 or float(np.std(a)) == 0.0 or float(np.std(b)) == 0.0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def accuracy(
    purchases: Floats, spend: Floats, actual_purchases: Floats, actual_spend: Floats
) -> Accuracy:
    """Errors per customer of predicted purchases and spend against what happened."""
    return Accuracy(
        purchases_mae=float(np.mean(np.abs(purchases - actual_purchases))),
        purchases_rmse=float(np.sqrt(np.mean((purchases - actual_purchases) ** 2))),
        purchases_predicted=float(np.sum(purchases)),
        purchases_correlation=_correlation(purchases, actual_purchases),
        spend_mae_minor=round(float(np.mean(np.abs(spend - actual_spend)))),
        spend_rmse_minor=round(float(np.sqrt(np.mean((spend - actual_spend) ** 2)))),
        spend_predicted_minor=round(float(np.sum(spend))),
        spend_correlation=_correlation(spend, actual_spend),
    )


def baseline(summaries: Sequence[CustomerSummary], weeks: float) -> tuple[Floats, Floats]:
    """Same rate as before: each customer's calibration repeat rate and average order value."""
    rate = np.array([s.frequency / s.age if s.age > 0 else 0.0 for s in summaries])
    purchases = rate * weeks
    return purchases, purchases * np.array([s.average_value_minor for s in summaries])


def alive_buckets(alive: Floats, bought: Floats) -> tuple[AliveBucket, ...]:
    """Calibration of P(alive): in each bucket, the share who bought in the holdout."""
    buckets = []
    for low, high in itertools.pairwise(ALIVE_BUCKETS):
        inside = (alive >= low) & ((alive < high) if high < 1.0 else (alive <= high))
        count = int(inside.sum())
        buckets.append(
            AliveBucket(
                low=low,
                high=high,
                customers=count,
                mean_probability=float(alive[inside].mean()) if count else 0.0,
                bought=int((bought[inside] > 0).sum()),
            )
        )
    return tuple(buckets)


def report(
    *,
    currency: str,
    summaries: Sequence[CustomerSummary],
    actual: Mapping[tuple[str, str], Outcome],
    holdout_weeks: float,
    predicted_purchases: Floats,
    expected_order_value_minor: Floats,
    probability_alive: Floats,
) -> HoldoutReport:
    """Model and baseline against what the calibration's customers did in the holdout."""
    outcomes = [actual.get((s.customer, s.currency), Outcome()) for s in summaries]
    bought = np.array([o.purchases for o in outcomes], dtype=np.float64)
    spent = np.array([o.spend_minor for o in outcomes], dtype=np.float64)
    base_purchases, base_spend = baseline(summaries, holdout_weeks)
    return HoldoutReport(
        currency=currency,
        customers=len(summaries),
        holdout_weeks=holdout_weeks,
        purchases_actual=int(bought.sum()),
        spend_actual_minor=int(spent.sum()),
        model=accuracy(
            predicted_purchases,
            predicted_purchases * expected_order_value_minor,
            bought,
            spent,
        ),
        baseline=accuracy(base_purchases, base_spend, bought, spent),
        alive=alive_buckets(probability_alive, bought),
    )
