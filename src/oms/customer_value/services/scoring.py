"""A scoring run: read the completed orders of real customers from the database, check the
model on them (calibration months against the rest), fit it on the whole history per currency
and replace every stored score by the new ones in one transaction.

The holdout check runs first and on the same data, so each score cites how well this model did
on this shop's history; a history too short for a holdout (under ten months) cites the latest
stored check of its currency, or none. Scores are as of the day after the newest completed
order (not the clock's today): an imported history that ended years ago is scored at its end,
not as if every customer had been silent since.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from oms.customer_value.domain import model
from oms.customer_value.domain.purchases import (
    DAYS_PER_WEEK,
    CustomerSummary,
    Purchase,
    outcomes,
    summarise,
)
from oms.customer_value.domain.scores import (
    EXPECTED_PURCHASES_DAYS,
    HORIZON_MONTHS,
    customer_scores,
)
from oms.customer_value.repository import scores as repository
from oms.customer_value.repository.purchases import from_database
from oms.customer_value.services.checking import by_currency, check_currency, periods_of
from oms.platform.unit_of_work import UnitOfWork

Progress = Callable[[int, int | None, str | None], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSummary:
    """What a run did: customers scored per currency, the holdout each cites, what it skipped."""

    run_id: UUID
    purchases: int
    scored: int
    currencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": str(self.run_id),
            "purchases": self.purchases,
            "scored": self.scored,
            "currencies": self.currencies,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 1),
        }


def _no_progress(done: int, total: int | None = None, message: str | None = None) -> None:
    """A run asked for without anyone watching."""


def _holdout(
    currency: str, purchases: list[Purchase], uow: UnitOfWork, now_iso: str
) -> dict[str, Any] | None:
    """This run's holdout check of ``currency``, or the latest stored one."""
    period = periods_of(purchases)
    if period.has_holdout:
        calibration = by_currency(summarise(purchases, end=period.cutoff)).get(currency, [])
        actual = outcomes(purchases, start=period.cutoff, end=period.end)
        try:
            report = check_currency(currency, calibration, actual=actual, period=period)
        except model.TooFewCustomers:
            pass
        else:
            return report.as_json() | {
                "checked_at": now_iso,
                "calibration_from": period.start.date().isoformat(),
                "holdout_from": period.cutoff.date().isoformat(),
                "holdout_to": period.end.date().isoformat(),
            }
    with uow.read() as tx:
        return repository.latest_holdout(tx.connection, currency)


def _fitted(
    currency: str,
    summaries: list[CustomerSummary],
    holdout: dict[str, Any] | None,
    monthly_discount: float,
) -> repository.FittedCurrency:
    """Fit one currency's whole history and score its customers (``TooFewCustomers`` when
    there is too little to fit)."""
    fit = model.fit(summaries)
    scores = fit.score(
        summaries,
        weeks=EXPECTED_PURCHASES_DAYS / DAYS_PER_WEEK,
        horizon_months=HORIZON_MONTHS,
        monthly_discount=monthly_discount,
    )
    return repository.FittedCurrency(
        currency=currency,
        parameters=fit.parameters,
        holdout=holdout,
        scores=customer_scores(summaries, scores),
    )


def _described(fit: repository.FittedCurrency) -> dict[str, Any]:
    """A currency's fit as the run's result reports it."""
    holdout = fit.holdout
    return {
        "customers": len(fit.scores),
        "parameters": dict(fit.parameters),
        "holdout_purchases_mae": holdout["model"]["purchases_mae"] if holdout else None,
        "baseline_purchases_mae": holdout["baseline"]["purchases_mae"] if holdout else None,
        "mean_probability_alive": sum(s.probability_alive for s in fit.scores) / len(fit.scores),
    }


def score_customers(
    uow: UnitOfWork,
    *,
    run_id: UUID,
    monthly_discount: float,
    progress: Progress = _no_progress,
) -> RunSummary:
    """Score every customer with completed orders, per currency, and replace the stored scores."""
    started = time.perf_counter()
    progress(0, None, "reading completed orders")
    with uow.read() as tx:
        purchases = list(from_database(tx.connection))
        now = tx.now
    groups = by_currency(summarise(purchases, end=periods_of(purchases).end)) if purchases else {}
    total = 2 * len(groups) + 1
    fitted: list[repository.FittedCurrency] = []
    skipped: dict[str, str] = {}
    for step, (currency, summaries) in enumerate(sorted(groups.items())):
        in_currency = [p for p in purchases if p.currency == currency]
        progress(2 * step, total, f"{currency}: holdout check on {len(summaries)} customers")
        holdout = _holdout(currency, in_currency, uow, now.isoformat())
        progress(2 * step + 1, total, f"{currency}: fitting on {len(summaries)} customers")
        try:
            fitted.append(_fitted(currency, summaries, holdout, monthly_discount))
        except model.TooFewCustomers as error:
            skipped[currency] = str(error)
    progress(total - 1, total, "storing the scores")
    with uow.begin() as tx:
        scored = repository.replace_scores(
            tx.connection,
            run_id=run_id,
            fitted=fitted,
            model=model.MODEL,
            model_version=model.model_version(),
            horizon_months=HORIZON_MONTHS,
            monthly_discount=monthly_discount,
            now=tx.now,
        )
    progress(total, total, f"{scored} customers scored")
    return RunSummary(
        run_id=run_id,
        purchases=len(purchases),
        scored=scored,
        currencies={fit.currency: _described(fit) for fit in fitted},
        skipped=skipped,
        seconds=time.perf_counter() - started,
    )
