"""Reports: sales, products, returns, fulfilment, inventory, payments and customers, exact to the
cent, and the Parquet export that any engine can recompute them from.

Public interface for the worker: ``summary_keeper`` (the refresh of the summary tables the
order-based reports read, ADR 0015) and how often it runs, ``REFRESH_SECONDS``.
"""

from oms.reports.services import REFRESH_SECONDS, summary_keeper

__all__ = ["REFRESH_SECONDS", "summary_keeper"]
