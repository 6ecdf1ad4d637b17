"""Purchases per customer and their RFM-T summary, the input of BG/NBD and Gamma-Gamma.

One definition for both sources (the database's completed orders and the retail dataset's
invoices): a purchase is one order of a known customer (guests are no customers to score) with
its instant and its goods value in minor units, net of discounts, without shipping, fees or tax.
Orders of one customer on the same day are one purchase, as in Fader, Hardie and Lee (2005):
a wholesaler's three invoices of a morning are one visit. Time is counted in weeks, which keeps
the model's rate parameters near 1 where the optimiser works best.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

DAYS_PER_WEEK = 7.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Purchase:
    customer: str
    at: datetime
    value_minor: int
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerSummary:
    """A customer's calibration history: ``frequency`` repeat purchases (days with a purchase
    after the first), ``recency`` weeks from the first to the last, ``age`` weeks from the first
    to the end of the calibration (``T``), ``repeat_value_minor`` the mean value of the repeat
    purchases (Gamma-Gamma's input, 0 without any) and ``average_value_minor`` of all."""

    customer: str
    currency: str
    frequency: int
    recency: float
    age: float
    repeat_value_minor: float
    average_value_minor: float
    total_minor: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What a customer did in a period: purchase days and their value."""

    purchases: int = 0
    spend_minor: int = 0


def purchase_days(
    purchases: Iterable[Purchase], *, start: datetime | None = None, end: datetime
) -> dict[tuple[str, str], dict[date, int]]:
    """Value per purchase day per (customer, currency) of the purchases in ``[start, end)``."""
    days: dict[tuple[str, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for purchase in purchases:
        if purchase.value_minor <= 0 or purchase.at >= end:
            continue
        if start is not None and purchase.at < start:
            continue
        days[(purchase.customer, purchase.currency)][purchase.at.date()] += purchase.value_minor
    return days


def summarise(purchases: Iterable[Purchase], *, end: datetime) -> list[CustomerSummary]:
    """The RFM-T summary of every customer who bought before ``end``, ordered by customer."""
    summaries = []
    end_day = end.date() if end.time() == datetime.min.time() else end.date() + timedelta(1)
    for (customer, currency), values in sorted(purchase_days(purchases, end=end).items()):
        ordered = sorted(values)
        first, last = ordered[0], ordered[-1]
        total = sum(values.values())
        repeats = [values[day] for day in ordered[1:]]
        summaries.append(
            CustomerSummary(
                customer=customer,
                currency=currency,
                frequency=len(repeats),
                recency=(last - first).days / DAYS_PER_WEEK,
                age=(end_day - first).days / DAYS_PER_WEEK,
                repeat_value_minor=sum(repeats) / len(repeats) if repeats else 0.0,
                average_value_minor=total / len(ordered),
                total_minor=total,
            )
        )
    return summaries


def outcomes(
    purchases: Iterable[Purchase], *, start: datetime, end: datetime
) -> Mapping[tuple[str, str], Outcome]:
    """Purchase days and spend per (customer, currency) in ``[start, end)``."""
    return {
        key: Outcome(purchases=len(values), spend_minor=sum(values.values()))
        for key, values in purchase_days(purchases, start=start, end=end).items()
    }
