"""Payments needing attention: orders whose tender failed and that nothing pays yet."""

from __future__ import annotations

from datetime import datetime

from oms.payments.repository.failures import FAILURES
from oms.platform.unit_of_work import UnitOfWork


def count_payment_failures(*, uow: UnitOfWork, since: datetime) -> int:
    """Orders with a tender that failed since ``since`` and no tender still authorising,
    authorised or captured: someone should ask the customer for another way to pay."""
    with uow.read() as tx:
        return tx.repo(FAILURES).unresolved_orders(since)
