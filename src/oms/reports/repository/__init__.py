"""Each report's SQL on the operational tables (ADR 0014: read set-wise, never written).

One function per report, ``(connection, filters) -> Report``; ``RUNNERS`` maps the names.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from oms.platform.unit_of_work import Port
from oms.reports.domain import Filters, Report, ReportName
from oms.reports.repository import customers, money, operations, sales

Runner = Callable[[Connection, Filters], Report]

RUNNERS: dict[ReportName, Runner] = {
    ReportName.SALES: sales.sales,
    ReportName.PRODUCTS: sales.products,
    ReportName.RETURNS: sales.returns,
    ReportName.FULFILMENT: operations.fulfilment,
    ReportName.INVENTORY: operations.inventory,
    ReportName.PAYMENTS: money.payments,
    ReportName.SETTLEMENTS: money.settlements,
    ReportName.CUSTOMERS: customers.customers,
    ReportName.COHORTS: customers.cohorts,
    ReportName.RFM: customers.rfm,
}


class SqlReports:
    """The reports' repository: runs a report's SQL in the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def run(self, name: ReportName, filters: Filters) -> Report:
        return RUNNERS[name](self._connection, filters)


REPORTS = Port("reports", SqlReports)
