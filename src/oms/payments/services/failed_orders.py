"""Orders a failed payment left unpaid: what the console's order list shows for ``payment=failed``
(the dashboard counts the same orders of the last week: ``failures``)."""

from __future__ import annotations

from uuid import UUID

from oms.payments.repository.failed_orders import FAILED_ORDERS
from oms.payments.services.failures import RECENT
from oms.platform.unit_of_work import UnitOfWork

RECENT_FAILURES = 500
"""At most the orders of the 500 newest failed tenders of the window."""


def orders_with_failed_payments(
    *, uow: UnitOfWork, visible_to: str | None = None, limit: int = RECENT_FAILURES
) -> tuple[UUID, ...]:
    """The orders a failed tender (a declined card, a refused authorisation) left unpaid in the
    last week, as the dashboard counts them, newest failure first, bounded to the latest
    ``limit`` failures; a channel-scoped caller's own."""
    since = uow.clock.now() - RECENT
    with uow.read() as tx:
        return tuple(tx.repo(FAILED_ORDERS).latest(limit=limit, channel=visible_to, since=since))
