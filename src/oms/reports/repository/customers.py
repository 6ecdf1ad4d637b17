"""Customers: new against returning per period, monthly cohorts with their retention, and RFM
segments (Chen, Sain and Guo 2012: recency, frequency and monetary quintiles).

A customer's orders are the orders not cancelled that the channel and country filters keep;
their first order is the earliest of those ever (not only in the range).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from oms.reports.domain import (
    Filters,
    Kind,
    Report,
    ReportName,
    Value,
    basis_points,
    columns,
    rfm_segment_sql,
)
from oms.reports.repository.base import dialect_of, fetch, params, where
from oms.reports.repository.sql import Dialect


@dataclass(frozen=True, slots=True)
class Source:
    """Where a customer report reads orders from, aliased ``o``: the operational ``orders`` or
    the reports' per-order facts (``report_orders``), which hold the same figures."""

    table: str
    not_cancelled: str
    net: str
    facts: bool

    def country(self, d: Dialect) -> str:
        return "o.country" if self.facts else d.country("o.shipping_address")

    def scope(self, d: Dialect, filters: Filters) -> list[str]:
        found = []
        if filters.channel is not None:
            found.append("o.channel_code = :channel")
        if filters.country is not None:
            found.append(f"{self.country(d)} = :country")
        return found

    def in_range(self, d: Dialect, filters: Filters) -> str:
        return where("o.placed_at >= :start", "o.placed_at < :end", self.scope(d, filters))


ORDERS = Source("orders", "o.status <> 'cancelled'", "o.total_minor - o.tax_minor", facts=False)
FACTS = Source("report_orders", "o.cancelled = 0", "o.net_minor", facts=True)

CUSTOMERS = columns(
    {
        "period": Kind.DIMENSION,
        "currency": Kind.DIMENSION,
        "customers": Kind.COUNT,
        "new_customers": Kind.COUNT,
        "returning_customers": Kind.COUNT,
        "new_orders": Kind.COUNT,
        "returning_orders": Kind.COUNT,
        "new_net_minor": Kind.MONEY,
        "returning_net_minor": Kind.MONEY,
    }
)


def _firsts(d: Dialect, filters: Filters, source: Source) -> str:
    """Each customer's first order instant (a CTE body)."""
    conditions = where(source.not_cancelled, source.scope(d, filters))
    return (
        "SELECT o.customer_id AS customer_id, MIN(o.placed_at) AS first_at "
        f"FROM {source.table} o WHERE {conditions} GROUP BY o.customer_id"
    )


def customers(connection: Connection, filters: Filters, source: Source = ORDERS) -> Report:
    """Per period and currency: customers who ordered, split into new (their first order is in
    that period) and returning, with their orders and net."""
    d = dialect_of(connection)
    period, first = (d.period(c, filters.granularity) for c in ("o.placed_at", "f.first_at"))
    new = f"{first} = {period}"
    found = fetch(
        connection,
        f"WITH f AS ({_firsts(d, filters, source)}) SELECT {period}, o.currency, "
        "COUNT(DISTINCT o.customer_id), "
        f"COUNT(DISTINCT CASE WHEN {new} THEN o.customer_id END), "
        f"COUNT(DISTINCT CASE WHEN {new} THEN NULL ELSE o.customer_id END), "
        f"SUM(CASE WHEN {new} THEN 1 ELSE 0 END), SUM(CASE WHEN {new} THEN 0 ELSE 1 END), "
        f"SUM(CASE WHEN {new} THEN {source.net} ELSE 0 END), "
        f"SUM(CASE WHEN {new} THEN 0 ELSE {source.net} END) "
        f"FROM {source.table} o JOIN f ON f.customer_id = o.customer_id "
        f"WHERE {source.in_range(d, filters)} AND {source.not_cancelled} "
        f"GROUP BY {period}, o.currency",
        params(filters),
    )
    rows: list[tuple[Value, ...]] = [
        (*row[:2], *(int(v or 0) for v in row[2:]))
        for row in sorted(found, key=lambda r: (str(r[0]), str(r[1])))
    ]
    return Report(ReportName.CUSTOMERS, filters, CUSTOMERS, rows)


COHORTS = columns(
    {
        "cohort": Kind.DIMENSION,
        "months_after": Kind.COUNT,
        "cohort_customers": Kind.COUNT,
        "active_customers": Kind.COUNT,
        "retention_bp": Kind.BASIS_POINTS,
    }
)


def _month_number(month: str) -> str:
    """``YYYY-MM`` text as a month count (year * 12 + month), to subtract months."""
    return f"(CAST(substr({month}, 1, 4) AS INTEGER) * 12 + CAST(substr({month}, 6, 2) AS INTEGER))"


def cohorts(connection: Connection, filters: Filters, source: Source = ORDERS) -> Report:
    """Customers by the month of their first order (in the range), and how many of them
    ordered again 0, 1, 2, ... months after (always by month, whatever the granularity)."""
    d = dialect_of(connection)
    found = fetch(
        connection,
        f"WITH f AS ({_firsts(d, filters, source)}), "
        f"a AS (SELECT DISTINCT o.customer_id AS customer_id, {d.month('o.placed_at')} AS month "
        f"FROM {source.table} o WHERE {source.in_range(d, filters)} AND {source.not_cancelled}), "
        f"c AS (SELECT a.customer_id AS customer_id, {d.month('f.first_at')} AS cohort, "
        "a.month AS month FROM a JOIN f ON f.customer_id = a.customer_id "
        "WHERE f.first_at >= :start) "
        f"SELECT cohort, {_month_number('month')} - {_month_number('cohort')}, COUNT(*) FROM c "
        "GROUP BY cohort, month",
        params(filters),
    )
    return cohort_report(filters, found)


def cohort_report(filters: Filters, found: list[tuple[Value, ...]]) -> Report:
    """The cohorts report of (cohort month, months after, active customers) rows."""
    size = {row[0]: int(row[2] or 0) for row in found if row[1] == 0}
    rows: list[tuple[Value, ...]] = []
    for cohort, after, active in sorted(found, key=lambda r: (str(r[0]), int(r[1] or 0))):
        base = size.get(cohort, 0)
        rows.append((cohort, after, base, int(active or 0), basis_points(int(active or 0), base)))
    return Report(ReportName.COHORTS, filters, COHORTS, rows)


RFM = columns(
    {
        "currency": Kind.DIMENSION,
        "segment": Kind.DIMENSION,
        "customers": Kind.COUNT,
        "orders": Kind.COUNT,
        "monetary_minor": Kind.MONEY,
        "average_monetary_minor": Kind.MONEY,
    }
)


def rfm(connection: Connection, filters: Filters, source: Source = ORDERS) -> Report:
    """Customers who ordered in the range, scored 1-5 by quintile per currency on the recency
    of their last order, their number of orders and their net (ties broken by customer id),
    counted per segment (``oms.reports.domain.RFM_SEGMENTS``)."""
    d = dialect_of(connection)
    return rfm_report(
        connection,
        filters,
        "SELECT o.customer_id AS customer_id, o.currency AS currency, "
        f"MAX(o.placed_at) AS last_at, COUNT(*) AS orders, SUM({source.net}) AS monetary "
        f"FROM {source.table} o WHERE {source.in_range(d, filters)} AND {source.not_cancelled} "
        "GROUP BY o.customer_id, o.currency",
    )


def rfm_report(connection: Connection, filters: Filters, totals: str) -> Report:
    """The RFM report of ``totals``: a query of (customer_id, currency, last_at, orders,
    monetary), one row per customer and currency."""
    window = "OVER (PARTITION BY currency ORDER BY {}, customer_id)"
    found = fetch(
        connection,
        f"WITH c AS ({totals}), "
        f"s AS (SELECT currency, orders, monetary, NTILE(5) {window.format('last_at')} AS r, "
        f"NTILE(5) {window.format('orders')} AS f, NTILE(5) {window.format('monetary')} AS m "
        "FROM c) "
        f"SELECT currency, {rfm_segment_sql('r', 'f', 'm')} AS segment, COUNT(*), SUM(orders), "
        "SUM(monetary) FROM s GROUP BY currency, segment",
        params(filters),
    )
    rows: list[tuple[Value, ...]] = []
    for currency, segment, count, orders, monetary in sorted(
        found, key=lambda r: (str(r[0]), str(r[1]))
    ):
        n, total = int(count or 0), int(monetary or 0)
        rows.append((currency, segment, n, int(orders or 0), total, total // n if n else None))
    return Report(ReportName.RFM, filters, RFM, rows)
