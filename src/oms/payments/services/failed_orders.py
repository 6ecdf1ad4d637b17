"""Orders a failed payment left unpaid: what the console's order list shows for ``payment=failed``
(the dashboard counts the same orders of the last week: ``failures``)."""

from __future__ import annotations

from uuid import UUID

from oms.payments.repository.failed_orders import FAILED_ORDERS
from oms.platform.unit_of_work import UnitOfWork

RECENT_FAILURES = 500
"""How far back the list looks: the orders of the 500 newest failed tenders."""


def orders_with_failed_payments(
    *, uow: UnitOfWork, visible_to: str | None = None, limit: int = RECENT_FAILURES
) -> tuple[UUID, ...]:
    """The orders with a failed tender (a declined card, a refused authorisation), newest
    failure first, bounded to the latest ``limit`` failures; a channel-scoped caller's own."""
    with uow.read() as tx:
        return tuple(tx.repo(FAILED_ORDERS).latest(limit=limit, channel=visible_to))
