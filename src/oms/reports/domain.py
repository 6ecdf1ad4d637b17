"""What a report is, pure: its name, the filters it takes and the table it answers.

Every figure in a report is an integer: a count, or money in minor units next to its
``currency`` column (amounts of different currencies are never added: currency is a grouping
column of every report that has money). Ratios are derived exactly from integers: a rate is
basis points, ``numerator * 10000 // denominator``, and an average is ``total // count``
(floor division), with the numerator and denominator in the same row so anyone can recompute
them. ``docs/reports.md`` defines every figure.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from oms.shared.errors import FieldProblem, Invalid, NotFound, collect

DEFAULT_DAYS = 365


class ReportName(enum.StrEnum):
    SALES = "sales"
    PRODUCTS = "products"
    CATEGORIES = "categories"
    RETURNS = "returns"
    FULFILMENT = "fulfilment"
    INVENTORY = "inventory"
    PAYMENTS = "payments"
    SETTLEMENTS = "settlements"
    CUSTOMERS = "customers"
    COHORTS = "cohorts"
    RFM = "rfm"


class Granularity(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Kind(enum.StrEnum):
    """What a column holds: a grouping value or one kind of integer figure."""

    DIMENSION = "dimension"
    COUNT = "count"
    MONEY = "money"
    """Minor units of the row's ``currency``."""
    BASIS_POINTS = "basis_points"
    SECONDS = "seconds"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind


Value = str | int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """The range is inclusive on both ends, in UTC calendar days."""

    start: date
    end: date
    channel: str | None = None
    country: str | None = None
    granularity: Granularity = Granularity.MONTH

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Report:
    name: ReportName
    filters: Filters
    columns: tuple[Column, ...]
    rows: list[tuple[Value, ...]] = field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Value]]:
        names = [column.name for column in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


def report_name(raw: str) -> ReportName:
    """The report called ``raw``; an unknown name is a 404 (like any missing resource)."""
    try:
        return ReportName(raw)
    except ValueError:
        raise NotFound(f"there is no report named {raw!r}", report=raw) from None


def parse_filters(
    *,
    start: str | None,
    end: str | None,
    channel: str | None,
    country: str | None,
    granularity: str | None,
    today: date,
) -> Filters:
    """Filters from query text, every bad field named at once. Defaults: the last 365 days up to
    ``today``, every channel and country, by month."""
    problems: list[FieldProblem] = []
    end_on = _date(end, "to", problems) or today
    start_on = _date(start, "from", problems) or end_on - timedelta(days=DEFAULT_DAYS - 1)
    if start_on > end_on:
        problems.append(FieldProblem("from", "must not be after 'to'"))
    step = Granularity.MONTH
    if granularity:
        try:
            step = Granularity(granularity)
        except ValueError:
            problems.append(FieldProblem("granularity", "must be one of day, week, month"))
    code = (country or "").strip().upper() or None
    if code is not None and not (len(code) == 2 and code.isascii() and code.isalpha()):
        problems.append(FieldProblem("country", "must be an ISO 3166 two-letter code"))
    collect(problems, "the report's filters are invalid")
    return Filters(
        start=start_on,
        end=end_on,
        channel=(channel or "").strip() or None,
        country=code,
        granularity=step,
    )


def _date(raw: str | None, name: str, problems: list[FieldProblem]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(FieldProblem(name, "must be a date, YYYY-MM-DD"))
        return None


def scoped(filters: Filters, channel_scope: str | None) -> Filters:
    """The filters a caller bound to one channel may run: its channel, whatever it asked
    (asking for another channel is refused, not silently replaced)."""
    if channel_scope is None:
        return filters
    if filters.channel not in (None, channel_scope):
        raise Invalid("a channel key reads only its own channel", field="channel")
    return Filters(
        start=filters.start,
        end=filters.end,
        channel=channel_scope,
        country=filters.country,
        granularity=filters.granularity,
    )


def basis_points(numerator: int, denominator: int) -> int | None:
    """``numerator / denominator`` in basis points, floored; None when nothing to divide by."""
    return None if denominator == 0 else numerator * 10_000 // denominator


def quotient(total: int, count: int) -> int | None:
    """``total // count`` (an average in whole minor units or seconds); None for no count."""
    return None if count == 0 else total // count


# -- RFM (Chen, Sain and Guo 2012) -----------------------------------------------------------------

RFM_SEGMENTS: Sequence[tuple[str, str]] = (
    ("champions", "R 4-5, F 4-5, M 4-5"),
    ("loyal", "F 4-5, not champions"),
    ("new", "R 4-5, F 1"),
    ("promising", "R 4-5, F 2-3"),
    ("at_risk", "R 1-2, F 3-5"),
    ("hibernating", "R 1-2, F 1-2"),
    ("needs_attention", "everyone else"),
)
"""Segments of the quintile scores, checked in this order (the first that matches)."""


def rfm_segment(recency: int, frequency: int, monetary: int) -> str:
    """The segment of a customer's recency, frequency and monetary quintile scores (1-5, 5 best)."""
    if recency >= 4 and frequency >= 4 and monetary >= 4:
        return "champions"
    if frequency >= 4:
        return "loyal"
    if recency >= 4:
        return "new" if frequency == 1 else "promising"
    if recency <= 2:
        return "at_risk" if frequency >= 3 else "hibernating"
    return "needs_attention"


def rfm_segment_sql(r: str, f: str, m: str) -> str:
    """``rfm_segment`` as one SQL CASE over score columns (the same rules, any engine)."""
    return (
        f"CASE WHEN {r} >= 4 AND {f} >= 4 AND {m} >= 4 THEN 'champions' "
        f"WHEN {f} >= 4 THEN 'loyal' "
        f"WHEN {r} >= 4 AND {f} = 1 THEN 'new' "
        f"WHEN {r} >= 4 THEN 'promising' "
        f"WHEN {r} <= 2 AND {f} >= 3 THEN 'at_risk' "
        f"WHEN {r} <= 2 THEN 'hibernating' "
        "ELSE 'needs_attention' END"
    )


def columns(spec: Mapping[str, Kind]) -> tuple[Column, ...]:
    return tuple(Column(name, kind) for name, kind in spec.items())
