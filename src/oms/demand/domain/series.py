"""Weekly demand series from order lines: one definition for the database and the dataset.

Demand is what customers asked for: the units of an order line that were not cancelled, counted
in the week (Monday 00:00 UTC to Sunday) the order was placed. Returns stay demand (the units
were wanted and shipped); cancellations do not.

Partial weeks are dropped on purpose: the first and the last week of any history are cut by
where the history starts and ends (the retail dataset starts on a Wednesday and ends on a
Friday at noon), so their totals are not weeks of demand and would read as a fall in sales.
A series therefore covers the *complete* weeks between ``observed_from`` and ``observed_to``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd

LINE_COLUMNS = ("sku", "location", "placed_at", "quantity", "cancelled_quantity")
"""The line records both sources give: the database's order lines and the retail dataset's rows
(``placed_at`` timezone-aware UTC; ``location`` the one that shipped, or ``""`` when unknown)."""


@dataclass(frozen=True, slots=True)
class WeeklyDemand:
    """Weekly units per series over complete weeks; ``units`` is indexed by series key, one
    column per week (the week's Monday), zeros where nothing sold."""

    units: pd.DataFrame
    first_week: date
    last_week: date

    @property
    def weeks(self) -> list[date]:
        return list(self.units.columns)

    def long(self) -> pd.DataFrame:
        """The statsforecast layout: ``unique_id``, ``ds`` (week start), ``y``."""
        frame = self.units.copy()
        frame.columns = pd.to_datetime(frame.columns)
        out = frame.stack().rename("y").reset_index()
        out.columns = pd.Index(["unique_id", "ds", "y"])
        out["y"] = out["y"].astype("float64")
        return out


def week_of(instant: datetime) -> date:
    """The Monday of the ISO week ``instant`` falls in (UTC)."""
    day = instant.astimezone(UTC).date() if instant.tzinfo else instant.date()
    return day - timedelta(days=day.weekday())


def complete_weeks(observed_from: datetime, observed_to: datetime) -> tuple[date, date] | None:
    """The first and last weeks wholly inside ``[observed_from, observed_to)``, or None."""
    first = week_of(observed_from)
    if _start(first) < observed_from:
        first += timedelta(days=7)
    last = week_of(observed_to)
    if _start(last) + timedelta(days=7) > observed_to:
        last -= timedelta(days=7)
    return (first, last) if first <= last else None


def _start(week: date) -> datetime:
    return datetime.combine(week, time.min, tzinfo=UTC)


def weekly_demand(
    lines: pd.DataFrame,
    *,
    observed_from: datetime,
    observed_to: datetime,
    by_location: bool = False,
) -> WeeklyDemand:
    """Sum line records (:data:`LINE_COLUMNS`) into weekly series, per SKU or per SKU and
    location (key ``SKU@LOCATION``), over the complete weeks of the observed window."""
    span = complete_weeks(observed_from, observed_to)
    if span is None:
        today = week_of(observed_to)
        empty = pd.DataFrame(index=pd.Index([], name="key"), dtype="int64")
        return WeeklyDemand(units=empty, first_week=today, last_week=today)
    first, last = span
    weeks = [first + timedelta(days=7 * i) for i in range((last - first).days // 7 + 1)]
    units = lines["quantity"].to_numpy(np.int64) - lines["cancelled_quantity"].to_numpy(np.int64)
    placed = pd.to_datetime(lines["placed_at"], utc=True)
    monday = (placed.dt.normalize() - pd.to_timedelta(placed.dt.weekday, unit="D")).dt.date
    key = lines["sku"].astype(str)
    if by_location:
        key = key + "@" + lines["location"].astype(str)
    frame = pd.DataFrame({"key": key, "week": monday, "units": units})
    inside = frame[(frame["week"] >= first) & (frame["week"] <= last) & (frame["units"] > 0)]
    table = inside.pivot_table(
        index="key", columns="week", values="units", aggfunc="sum", fill_value=0
    )
    table = table.reindex(columns=weeks, fill_value=0).astype(np.int64)
    table.index.name = "key"
    table.columns.name = None
    return WeeklyDemand(units=table.sort_index(), first_week=first, last_week=last)
