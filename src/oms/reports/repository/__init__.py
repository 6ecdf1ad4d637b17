"""Each report's SQL on the operational tables (ADR 0014: read set-wise, never written).

One function per report, ``(connection, filters) -> Report``; ``RUNNERS`` maps the names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from oms.platform.unit_of_work import Port
from oms.reports.domain import Filters, Report, ReportName
from oms.reports.repository import customers, money, operations, refresh, sales, summaries

Runner = Callable[[Connection, Filters], Report]

PLAIN: dict[ReportName, Runner] = {
    ReportName.SALES: sales.sales,
    ReportName.PRODUCTS: sales.products,
    ReportName.CATEGORIES: sales.categories,
    ReportName.RETURNS: sales.returns,
    ReportName.FULFILMENT: operations.fulfilment,
    ReportName.INVENTORY: operations.inventory,
    ReportName.PAYMENTS: money.payments,
    ReportName.SETTLEMENTS: money.settlements,
    ReportName.CUSTOMERS: customers.customers,
    ReportName.COHORTS: customers.cohorts,
    ReportName.RFM: customers.rfm,
}
"""Every report's SQL on the operational tables: the definition (and the time before ADR 0015)."""

RUNNERS: dict[ReportName, Runner] = {
    **PLAIN,
    ReportName.SALES: summaries.sales,
    ReportName.PRODUCTS: summaries.products,
    ReportName.CATEGORIES: summaries.categories,
    ReportName.RETURNS: summaries.returns,
    ReportName.FULFILMENT: summaries.fulfilment,
    ReportName.INVENTORY: summaries.inventory,
    ReportName.CUSTOMERS: summaries.customers,
    ReportName.COHORTS: summaries.cohorts,
    ReportName.RFM: summaries.rfm,
}
"""What a report reads: the summary tables where they hold its figures (ADR 0015)."""

SUMMARISED = frozenset(name for name, runner in RUNNERS.items() if runner is not PLAIN[name])
"""The reports whose figures are only as fresh as the summaries' last refresh."""


class SqlReports:
    """The reports' repository: runs a report's SQL in the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def run(self, name: ReportName, filters: Filters) -> Report:
        return RUNNERS[name](self._connection, filters)

    def run_plain(self, name: ReportName, filters: Filters) -> Report:
        """The report from the operational tables (no summaries): the definition."""
        return PLAIN[name](self._connection, filters)

    def stale(self) -> bool:
        """Whether the summaries miss a change (read-only, cheap when nothing changed)."""
        return refresh.stale(self._connection)

    def refresh(self, *, now: datetime, full: bool = False) -> refresh.Refreshed:
        """Bring the summaries up to date (in a writing transaction)."""
        return refresh.refresh(self._connection, now=now, full=full)


REPORTS = Port("reports", SqlReports)
