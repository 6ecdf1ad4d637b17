"""Failed payments that nothing has made good (SQLAlchemy Core), behind the ``FAILURES`` port.

A tender fails when its authorisation is refused; the order still needs paying unless another
tender of it is alive (authorising, authorised or captured). The partial index
``ix_payments_failed`` holds the failed tenders only, and each one's siblings are one probe of
``ix_payments_order``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnClause, Connection, exists, func, literal_column, select

from oms.payments.domain import TenderStatus
from oms.payments.tables.ledger import payments
from oms.platform.unit_of_work import Port

FAILED: ColumnClause[str] = literal_column("'failed'")
"""Written out, not bound: the planner matches it to the partial index's predicate."""
LIVE = (TenderStatus.AUTHORIZING, TenderStatus.AUTHORIZED, TenderStatus.CAPTURED)


class Failures(Protocol):
    def unresolved_orders(self, since: datetime) -> int:
        """Orders with a tender that failed since ``since`` and no live tender."""
        ...


class SqlFailures:
    """``Failures`` on the payments table."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def unresolved_orders(self, since: datetime) -> int:
        p = payments.c
        sibling = payments.alias("sibling")
        alive = exists().where(
            sibling.c.order_id == p.order_id,
            sibling.c.status.in_([status.value for status in LIVE]),
        )
        query = select(func.count(p.order_id.distinct())).where(
            p.status == FAILED, p.created_at >= since, ~alive
        )
        return int(self.c.execute(query).scalar_one())


FAILURES: Port[Failures] = Port("payments.failures", SqlFailures)
