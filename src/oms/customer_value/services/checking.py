"""The holdout check: calibrate on the first nine months of the purchases, score the rest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from oms.customer_value.domain import holdout, model
from oms.customer_value.domain.purchases import (
    DAYS_PER_WEEK,
    CustomerSummary,
    Outcome,
    Purchase,
    outcomes,
    summarise,
)

CALIBRATION_MONTHS = 9

Step = Callable[[str], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    """Calibration ``[start, cutoff)``, holdout ``[cutoff, end)``; midnights, UTC."""

    start: datetime
    cutoff: datetime
    end: datetime

    @property
    def holdout_weeks(self) -> float:
        return (self.end - self.cutoff).days / DAYS_PER_WEEK

    @property
    def has_holdout(self) -> bool:
        """Whether the history runs past the calibration months (a shorter one cannot be
        checked; its scores cite the latest stored check)."""
        return self.end > self.cutoff


def periods_of(purchases: Sequence[Purchase], months: int = CALIBRATION_MONTHS) -> Period:
    """The first ``months`` calendar months from the first purchase's month, and the rest up to
    the day after the last purchase."""
    first = min(p.at for p in purchases)
    last = max(p.at for p in purchases)
    start = datetime(first.year, first.month, 1, tzinfo=UTC)
    month = start.month - 1 + months
    cutoff = datetime(start.year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    return Period(start=start, cutoff=cutoff, end=end)


def by_currency(summaries: Sequence[CustomerSummary]) -> dict[str, list[CustomerSummary]]:
    grouped: dict[str, list[CustomerSummary]] = defaultdict(list)
    for summary in summaries:
        grouped[summary.currency].append(summary)
    return dict(grouped)


def check_currency(
    currency: str,
    summaries: Sequence[CustomerSummary],
    *,
    actual: Mapping[tuple[str, str], Outcome],
    period: Period,
) -> holdout.HoldoutReport:
    """Fit one currency's calibration summaries and compare the holdout with model and
    baseline; ``model.TooFewCustomers`` when there is too little history to fit."""
    fitted = model.fit(summaries)
    scores = fitted.score(
        summaries, weeks=period.holdout_weeks, horizon_months=1, monthly_discount=0.0
    )
    return holdout.report(
        currency=currency,
        summaries=summaries,
        actual=actual,
        holdout_weeks=period.holdout_weeks,
        predicted_purchases=scores.expected_purchases,
        expected_order_value_minor=scores.expected_order_value_minor,
        probability_alive=scores.probability_alive,
    )


def check(
    purchases: Sequence[Purchase], *, step: Step | None = None
) -> list[holdout.HoldoutReport]:
    """Per currency: fit on the calibration months, compare the holdout with model and
    baseline. Currencies with too little history are left out."""
    period = periods_of(purchases)
    actual = outcomes(purchases, start=period.cutoff, end=period.end)
    reports = []
    for currency, summaries in sorted(by_currency(summarise(purchases, end=period.cutoff)).items()):
        if step is not None:
            step(f"fitting {currency} on {len(summaries)} customers")
        try:
            reports.append(check_currency(currency, summaries, actual=actual, period=period))
        except model.TooFewCustomers:
            continue
    return reports
