"""Which orders a failed tender left unpaid, newest failure first: the rule of the dashboard's
count (``failures``: a failed tender and no tender still authorising, authorised or captured),
read through ``ix_payments_failed``, which holds exactly the failed tenders."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import Connection, exists, select

from oms.payments.repository.failures import FAILED, LIVE
from oms.payments.tables.ledger import payments
from oms.platform.unit_of_work import Port


class FailedOrders(Protocol):
    def latest(self, *, limit: int, channel: str | None, since: datetime) -> list[UUID]:
        """The unpaid orders of the ``limit`` newest tenders failed since ``since``, each
        once, newest first."""
        ...


class SqlFailedOrders:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def latest(self, *, limit: int, channel: str | None, since: datetime) -> list[UUID]:
        p = payments.c
        sibling = payments.alias("sibling")
        alive = exists().where(
            sibling.c.order_id == p.order_id,
            sibling.c.status.in_([status.value for status in LIVE]),
        )
        query = (
            select(p.order_id)
            .where(p.status == FAILED, p.created_at >= since, ~alive)
            .order_by(p.created_at.desc())
            .limit(limit)
        )
        if channel is not None:
            query = query.where(p.channel_code == channel)
        return list(dict.fromkeys(self.c.scalars(query)))


FAILED_ORDERS: Port[FailedOrders] = Port("payments.failed_orders", SqlFailedOrders)
