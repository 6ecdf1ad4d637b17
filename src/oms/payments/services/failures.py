"""Payments needing attention: orders whose tender failed and that nothing pays yet."""

from __future__ import annotations

from datetime import datetime, timedelta

from oms.payments.repository.failures import FAILURES
from oms.platform.unit_of_work import UnitOfWork

RECENT = timedelta(days=7)
"""The window the dashboard counts failed payments in, and the order list's ``payment=failed``
lists them in: a failure older than a week has been chased or written off."""


def count_payment_failures(*, uow: UnitOfWork, since: datetime) -> int:
    """Orders with a tender that failed since ``since`` and no tender still authorising,
    authorised or captured: someone should ask the customer for another way to pay."""
    with uow.read() as tx:
        return tx.repo(FAILURES).unresolved_orders(since)
