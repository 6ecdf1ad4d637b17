"""``RETURN_REFUNDS``: the refunds returns decided (``tables.resolutions``), in Core."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import Connection, insert, select

from oms.platform.unit_of_work import Port
from oms.returns.tables.resolutions import return_refunds
from oms.shared.money import Money

RESOLUTION = "resolution"
PRICE_DIFFERENCE = "price_difference"


@dataclass(frozen=True, slots=True, kw_only=True)
class DecidedRefund:
    """A refund a return decided: payments knows it by ``refund_id`` once asked."""

    refund_id: UUID
    return_id: UUID
    order_id: UUID
    purpose: str
    amount: Money
    destination: str
    reason: str
    actor: str
    created_at: datetime


class ReturnRefunds(Protocol):
    def add(self, refund: DecidedRefund) -> None: ...

    def get(self, return_id: UUID, purpose: str) -> DecidedRefund | None: ...

    def for_return(self, return_id: UUID) -> list[DecidedRefund]: ...


class SqlReturnRefunds:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, refund: DecidedRefund) -> None:
        self.c.execute(
            insert(return_refunds).values(
                refund_id=refund.refund_id,
                return_id=refund.return_id,
                order_id=refund.order_id,
                purpose=refund.purpose,
                amount_minor=refund.amount.minor,
                currency=refund.amount.currency,
                destination=refund.destination,
                reason=refund.reason,
                actor=refund.actor,
                created_at=refund.created_at,
            )
        )

    def get(self, return_id: UUID, purpose: str) -> DecidedRefund | None:
        found = [r for r in self.for_return(return_id) if r.purpose == purpose]
        return found[0] if found else None

    def for_return(self, return_id: UUID) -> list[DecidedRefund]:
        rows = self.c.execute(
            select(return_refunds)
            .where(return_refunds.c.return_id == return_id)
            .order_by(return_refunds.c.created_at, return_refunds.c.purpose)
        ).all()
        return [
            DecidedRefund(
                refund_id=r.refund_id,
                return_id=r.return_id,
                order_id=r.order_id,
                purpose=r.purpose,
                amount=Money.from_minor(r.amount_minor, r.currency),
                destination=r.destination,
                reason=r.reason,
                actor=r.actor,
                created_at=r.created_at,
            )
            for r in rows
        ]


RETURN_REFUNDS: Port[ReturnRefunds] = Port("returns.refunds", SqlReturnRefunds)
