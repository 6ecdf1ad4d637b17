"""The SQL pieces that differ between SQLite and PostgreSQL, so each report is written once.

Instants are bucketed by their UTC calendar day: SQLite stores them as naive UTC text
(``YYYY-MM-DD HH:MM:SS.ffffff``, see ``UTCDateTime``), PostgreSQL as ``timestamptz``. Weeks
start on Monday and are named by that Monday's date; months are ``YYYY-MM``.
"""

from __future__ import annotations

from dataclasses import dataclass

from oms.reports.domain import Filters, Granularity


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str

    @property
    def is_postgres(self) -> bool:
        return self.name == "postgresql"

    def day(self, column: str) -> str:
        if self.is_postgres:
            return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        return f"substr({column}, 1, 10)"

    def month(self, column: str) -> str:
        if self.is_postgres:
            return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"
        return f"substr({column}, 1, 7)"

    def week(self, column: str) -> str:
        if self.is_postgres:
            return f"to_char(date_trunc('week', {column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"
        return f"date(substr({column}, 1, 10), '-6 days', 'weekday 1')"

    def period(self, column: str, granularity: Granularity) -> str:
        if granularity is Granularity.DAY:
            return self.day(column)
        if granularity is Granularity.WEEK:
            return self.week(column)
        return self.month(column)

    def country(self, address: str) -> str:
        """The ISO code of an address stored as JSON (orders keep it under ``country``)."""
        if self.is_postgres:
            return f"COALESCE({address} ->> 'country', '')"
        return f"COALESCE(json_extract({address}, '$.country'), '')"

    @property
    def join_in_order(self) -> str:
        """An inner join whose left table drives the plan: SQLite's ``CROSS JOIN`` (its planner
        never reorders it), PostgreSQL's ``JOIN`` (whose planner weighs both sides by their
        statistics). For a small table joined to a big one filtered by a range: without it
        SQLite walks the big table's range even when the small one is empty."""
        return "JOIN" if self.is_postgres else "CROSS JOIN"

    def epoch(self, column: str) -> str:
        """Whole seconds since 1970 (fractions dropped), as an integer."""
        if self.is_postgres:
            return f"CAST(floor(extract(epoch FROM {column})) AS BIGINT)"
        return f"CAST(strftime('%s', {column}) AS INTEGER)"

    def bytewise(self, column: str) -> str:
        """``column`` ordered by its bytes whatever the database's collation."""
        return f'{column} COLLATE "C"' if self.is_postgres else column


def order_filters(dialect: Dialect, filters: Filters, alias: str = "o") -> str:
    """The WHERE conditions every order-based report shares (range, channel, country)."""
    found = [f"{alias}.placed_at >= :start", f"{alias}.placed_at < :end"]
    found.extend(scope_filters(dialect, filters, alias))
    return " AND ".join(found)


def scope_filters(dialect: Dialect, filters: Filters, alias: str = "o") -> list[str]:
    """Channel and country conditions on an order alias (no range)."""
    found = []
    if filters.channel is not None:
        found.append(f"{alias}.channel_code = :channel")
    if filters.country is not None:
        found.append(f"{dialect.country(alias + '.shipping_address')} = :country")
    return found
