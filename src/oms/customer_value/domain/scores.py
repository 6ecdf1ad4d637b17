"""What a run keeps per customer, and the filter and order a list of scores is read in."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from oms.customer_value.domain.purchases import CustomerSummary

if TYPE_CHECKING:
    from oms.customer_value.domain.model import Scores

HORIZON_MONTHS = 12
EXPECTED_PURCHASES_DAYS = 90


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerScore:
    """One customer's scores in one currency: purchase days so far, expected purchase days in
    the next 90 days, P(alive), expected order value and CLV over the horizon (minor units)."""

    customer: str
    currency: str
    purchases: int
    expected_purchases_90d: float
    probability_alive: float
    expected_order_value_minor: int
    clv_minor: int

    @property
    def churn_probability(self) -> float:
        return 1.0 - self.probability_alive


def customer_scores(summaries: Sequence[CustomerSummary], scores: Scores) -> list[CustomerScore]:
    """The scores of each summarised customer, money rounded to whole minor units."""
    return [
        CustomerScore(
            customer=summary.customer,
            currency=summary.currency,
            purchases=summary.frequency + 1,
            expected_purchases_90d=float(scores.expected_purchases[i]),
            probability_alive=float(scores.probability_alive[i]),
            expected_order_value_minor=round(float(scores.expected_order_value_minor[i])),
            clv_minor=round(float(scores.clv_minor[i])),
        )
        for i, summary in enumerate(summaries)
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Holdout:
    """The holdout check a score cites: model and baseline error (purchases per customer)."""

    purchases_mae: float
    baseline_purchases_mae: float
    customers: int
    checked_at: datetime

    @classmethod
    def of(cls, report: dict[str, Any], checked_at: datetime) -> Holdout:
        return cls(
            purchases_mae=float(report["model"]["purchases_mae"]),
            baseline_purchases_mae=float(report["baseline"]["purchases_mae"]),
            customers=int(report["customers"]),
            checked_at=checked_at,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerValue:
    """A stored score as it is read: the customer's number and name, the scores, the model,
    its version and its holdout check."""

    customer_id: str
    customer_number: str
    customer_name: str
    currency: str
    purchases: int
    expected_purchases_90d: float
    probability_alive: float
    expected_order_value_minor: int
    clv_minor: int
    horizon_months: int
    model: str
    model_version: str
    holdout: Holdout | None
    run_id: str
    computed_at: datetime

    @property
    def churn_probability(self) -> float:
        return 1.0 - self.probability_alive


class ValueOrder(enum.StrEnum):
    """Highest lifetime value first, or highest churn probability (lowest P(alive)) first."""

    CLV = "clv"
    CHURN = "churn"


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueFilter:
    """Scores at least ``clv_min_minor`` (per currency) and at least ``churn_min``."""

    clv_min_minor: dict[str, int] | None = None
    churn_min: float | None = None
    currency: str | None = None
